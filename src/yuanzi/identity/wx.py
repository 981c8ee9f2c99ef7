"""Identity's WeChat-dialect routes (api.weixin.qq.com): login and access tokens."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from yuanzi.core.errors import WxError
from yuanzi.core.http import unit_of_work, wx_json_body
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service

router = APIRouter(tags=["WeChat: login and access tokens"])
UoW = Annotated[UnitOfWork, Depends(unit_of_work)]
Param = Annotated[str | None, Query()]
WxJson = Annotated[dict[str, Any], Depends(wx_json_body)]


def _require(value: object, errcode: int, errmsg: str) -> str:
    if not isinstance(value, str):
        if value is None:
            raise WxError(errcode, errmsg)
        raise WxError(47001, "data format error")
    if not value:
        raise WxError(errcode, errmsg)
    return value


def _check_grant_type(value: object, expected: str) -> None:
    if value != expected:
        raise WxError(40002, "invalid grant_type")


@router.get("/sns/jscode2session")
def jscode2session(
    uow: UoW, appid: Param = None, secret: Param = None, js_code: Param = None, grant_type: Param = None
) -> dict[str, Any]:
    """code2Session: exchange a `wx.login()` code for openid, session_key and unionid."""
    appid = _require(appid, 41002, "appid missing")
    secret = _require(secret, 41004, "appsecret missing")
    js_code = _require(js_code, 41008, "missing code")
    if grant_type is not None:
        _check_grant_type(grant_type, "authorization_code")
    session = identity_service.code_to_session(uow=uow, appid=appid, secret=secret, js_code=js_code)
    uow.commit()
    return {"session_key": session.session_key, "openid": session.openid, "unionid": session.unionid}


@router.get("/cgi-bin/token")
def get_access_token(
    uow: UoW, grant_type: Param = None, appid: Param = None, secret: Param = None
) -> dict[str, Any]:
    """getAccessToken: a new token; the previous one stays valid five more minutes."""
    appid = _require(appid, 41002, "appid missing")
    secret = _require(secret, 41004, "appsecret missing")
    _check_grant_type(grant_type, "client_credential")
    grant = identity_service.issue_access_token(uow=uow, appid=appid, secret=secret)
    uow.commit()
    return {"access_token": grant.access_token, "expires_in": grant.expires_in}


@router.post("/cgi-bin/stable_token")
def get_stable_access_token(uow: UoW, body: WxJson) -> dict[str, Any]:
    """getStableAccessToken: the same token until it nears expiry, or a forced refresh."""
    appid = _require(body.get("appid"), 41002, "appid missing")
    secret = _require(body.get("secret"), 41004, "appsecret missing")
    _check_grant_type(body.get("grant_type"), "client_credential")
    force_refresh = body.get("force_refresh", False)
    if not isinstance(force_refresh, bool):
        raise WxError(47001, "data format error")
    grant = identity_service.issue_stable_token(
        uow=uow, appid=appid, secret=secret, force_refresh=force_refresh
    )
    uow.commit()
    return {"access_token": grant.access_token, "expires_in": grant.expires_in}


@router.get("/cgi-bin/stable_token", include_in_schema=False)
def stable_token_needs_post() -> dict[str, Any]:
    """WeChat answers a GET here with 43002."""
    raise WxError(43002, "require POST method")


@router.get("/cgi-bin/getcallbackip")
def get_callback_ip(request: Request, uow: UoW, access_token: Param = None) -> dict[str, Any]:
    """The addresses yuanzi sends callbacks from (checks the access_token like every later API)."""
    identity_service.authenticate_access_token(uow=uow, access_token=access_token)
    host = request.scope.get("server", ("127.0.0.1", 0))[0]
    return {"ip_list": [host]}
