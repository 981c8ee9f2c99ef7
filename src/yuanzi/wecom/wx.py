"""WeCom's dialect (qyapi.weixin.qq.com), served under /qyapi/ and on that host: access tokens,
members, temporary media and customer service (微信客服)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile

from yuanzi.core.errors import WxError
from yuanzi.core.http import parse_wx_json, unit_of_work, wx_json_body
from yuanzi.core.uow import UnitOfWork
from yuanzi.wecom import corps, kf_accounts, kf_messages, media
from yuanzi.wecom.corps import CorpInfo

router = APIRouter(prefix="/qyapi/cgi-bin", tags=["WeCom: 企业微信 and 微信客服"])
UoW = Annotated[UnitOfWork, Depends(unit_of_work)]
Param = Annotated[str | None, Query()]
WxJson = Annotated[dict[str, Any], Depends(wx_json_body)]
OK = {"errcode": 0, "errmsg": "ok"}


def _corp(uow: UoW, access_token: Param = None) -> CorpInfo:
    return corps.authenticate(uow=uow, access_token=access_token)


Authed = Annotated[CorpInfo, Depends(_corp)]


@router.get("/gettoken")
def gettoken(uow: UoW, corpid: Param = None, corpsecret: Param = None) -> dict[str, Any]:
    """An app's access_token: the same one until it expires (7200 s)."""
    if not corpid:
        raise WxError(41002, "corpid missing")
    if not corpsecret:
        raise WxError(41004, "corpsecret missing")
    token, expires_in = corps.get_token(uow=uow, corpid=corpid, corpsecret=corpsecret)
    uow.commit()
    return {**OK, "access_token": token, "expires_in": expires_in}


@router.post("/user/create")
def create_user(uow: UoW, corp: Authed, body: WxJson) -> dict[str, Any]:
    """A new member (userid and name; other fields are accepted and not kept)."""
    corps.create_staff(uow=uow, corp_id=corp.corp_id, userid=body.get("userid"), name=body.get("name"))
    uow.commit()
    return {"errcode": 0, "errmsg": "created"}


@router.get("/user/get")
def get_user(uow: UoW, corp: Authed, userid: Param = None) -> dict[str, Any]:
    staff = corps.get_staff(uow=uow, corp_id=corp.corp_id, userid=userid)
    return {**OK, "userid": staff.userid, "name": staff.name, "status": 1}


@router.post("/media/upload")
async def upload_media(
    uow: UoW,
    corp: Authed,
    type: Param = None,
    media_file: Annotated[UploadFile | None, File(alias="media")] = None,
) -> dict[str, Any]:
    """A temporary image for three days (multipart field `media`)."""
    if media_file is None:
        raise WxError(41005, "media data missing")
    row = media.upload(
        uow=uow, corp_id=corp.corp_id, type=type, data=media_file.file, size=media_file.size or 0
    )
    uow.commit()
    return {
        "errcode": 0,
        "errmsg": "",  # as WeCom's own example answers
        "type": row.type,
        "media_id": row.media_id,
        "created_at": str(int(row.created_at.timestamp())),
    }


@router.get("/media/get", response_model=None)
def get_media(uow: UoW, corp: Authed, media_id: Param = None) -> Response:
    """A temporary media file's bytes (an image a customer sent, within three days); 40007 else."""
    content = media.image(uow, corp.corp_id, media_id)
    return Response(
        content,
        media_type="image/jpeg",
        headers={"Content-Disposition": f'attachment; filename="{media_id}.jpg"'},
    )


@router.post("/kf/account/add")
def add_kf_account(uow: UoW, corp: Authed, body: WxJson) -> dict[str, Any]:
    open_kfid = kf_accounts.add_account(
        uow=uow, corp=corp, name=body.get("name"), media_id=body.get("media_id")
    )
    uow.commit()
    return {**OK, "open_kfid": open_kfid}


@router.post("/kf/account/update")
def update_kf_account(uow: UoW, corp: Authed, body: WxJson) -> dict[str, Any]:
    kf_accounts.update_account(
        uow=uow,
        corp=corp,
        open_kfid=body.get("open_kfid"),
        name=body.get("name"),
        media_id=body.get("media_id"),
    )
    uow.commit()
    return OK


@router.post("/kf/account/del")
def delete_kf_account(uow: UoW, corp: Authed, body: WxJson) -> dict[str, Any]:
    kf_accounts.delete_account(uow=uow, corp=corp, open_kfid=body.get("open_kfid"))
    uow.commit()
    return OK


def _list_accounts(request: Request, uow: UnitOfWork, corp: CorpInfo, body: dict[str, Any]) -> dict[str, Any]:
    offset, limit = body.get("offset", 0), body.get("limit", kf_accounts.LIST_LIMIT_MAX)
    if not isinstance(offset, int) or not isinstance(limit, int) or isinstance(offset | limit, bool):
        raise WxError(47001, "data format error")
    accounts = kf_accounts.list_accounts(uow=uow, corp=corp, offset=offset, limit=limit)
    base = str(request.base_url).rstrip("/")
    return {
        **OK,
        "account_list": [
            {
                "open_kfid": account.open_kfid,
                "name": account.name,
                "avatar": f"{base}/kf/{account.open_kfid}/avatar.jpg",
                "manage_privilege": True,
            }
            for account in accounts
        ],
    }


@router.post("/kf/account/list")
async def list_kf_accounts(request: Request, uow: UoW, corp: Authed) -> dict[str, Any]:
    """The corp's accounts: {offset, limit ≤ 100}; an empty body lists the first 100."""
    raw = await request.body()
    return _list_accounts(request, uow, corp, parse_wx_json(raw) if raw.strip() else {})


@router.get("/kf/account/list")
def list_kf_accounts_get(request: Request, uow: UoW, corp: Authed) -> dict[str, Any]:
    """The same list for SDKs that GET it (wechatpy 2.0)."""
    return _list_accounts(request, uow, corp, {})


@router.post("/kf/add_contact_way")
def add_kf_contact_way(request: Request, uow: UoW, corp: Authed, body: WxJson) -> dict[str, Any]:
    """The link that opens a conversation with the account; `scene` comes back on entry."""
    url = kf_accounts.contact_way(
        uow=uow,
        corp=corp,
        open_kfid=body.get("open_kfid"),
        scene=body.get("scene"),
        base_url=str(request.base_url),
    )
    return {**OK, "url": url}


def _results(results: list[kf_accounts.ServicerResult]) -> dict[str, Any]:
    return {
        **OK,
        "result_list": [{"userid": r.userid, "errcode": r.errcode, "errmsg": r.errmsg} for r in results],
    }


@router.post("/kf/servicer/add")
def add_kf_servicers(uow: UoW, corp: Authed, body: WxJson) -> dict[str, Any]:
    results = kf_accounts.add_servicers(
        uow=uow, corp=corp, open_kfid=body.get("open_kfid"), userid_list=body.get("userid_list")
    )
    uow.commit()
    return _results(results)


@router.post("/kf/servicer/del")
def remove_kf_servicers(uow: UoW, corp: Authed, body: WxJson) -> dict[str, Any]:
    results = kf_accounts.remove_servicers(
        uow=uow, corp=corp, open_kfid=body.get("open_kfid"), userid_list=body.get("userid_list")
    )
    uow.commit()
    return _results(results)


@router.get("/kf/servicer/list")
def list_kf_servicers(uow: UoW, corp: Authed, open_kfid: Param = None) -> dict[str, Any]:
    userids = kf_accounts.list_servicers(uow=uow, corp=corp, open_kfid=open_kfid)
    return {**OK, "servicer_list": [{"userid": userid, "status": 0} for userid in userids]}


@router.post("/kf/sync_msg")
def sync_kf_messages(uow: UoW, corp: Authed, body: WxJson) -> dict[str, Any]:
    """What customers wrote and the events, after `cursor` (last three days), `limit` ≤ 1000.
    `token` is the kf_msg_or_event callback's (ten minutes); it may be left out."""
    page = kf_messages.sync(
        uow=uow,
        corp=corp,
        cursor=body.get("cursor"),
        limit=body.get("limit"),
        open_kfid=body.get("open_kfid"),
        token=body.get("token"),
    )
    return {**OK, "next_cursor": page.next_cursor, "has_more": int(page.has_more), "msg_list": page.msg_list}


@router.post("/kf/send_msg")
def send_kf_message(uow: UoW, corp: Authed, body: WxJson) -> dict[str, Any]:
    """An answer to a customer inside WeCom's reply window (48 hours, 5 messages)."""
    msgid = kf_messages.send(uow=uow, corp=corp, body=body)
    uow.commit()
    return {**OK, "msgid": msgid}


@router.post("/kf/send_msg_on_event")
def send_kf_message_on_event(uow: UoW, corp: Authed, body: WxJson) -> dict[str, Any]:
    """The one message an event's code allows: the welcome (欢迎语), within 20 s of the entry."""
    msgid = kf_messages.send_on_event(uow=uow, corp=corp, body=body)
    uow.commit()
    return {**OK, "msgid": msgid}


@router.post("/kf/service_state/get")
def get_kf_service_state(uow: UoW, corp: Authed, body: WxJson) -> dict[str, Any]:
    state, servicer = kf_messages.service_state(
        uow=uow, corp=corp, open_kfid=body.get("open_kfid"), external_userid=body.get("external_userid")
    )
    return {**OK, "service_state": state, "servicer_userid": servicer}


@router.post("/kf/service_state/trans")
def transfer_kf_session(uow: UoW, corp: Authed, body: WxJson) -> dict[str, Any]:
    msg_code = kf_messages.transfer(
        uow=uow,
        corp=corp,
        open_kfid=body.get("open_kfid"),
        external_userid=body.get("external_userid"),
        state=body.get("service_state"),
        servicer_userid=body.get("servicer_userid"),
    )
    uow.commit()
    return {**OK, "msg_code": msg_code} if msg_code else OK


@router.post("/kf/customer/batchget")
def get_kf_customers(uow: UoW, corp: Authed, body: WxJson) -> dict[str, Any]:
    found, invalid = kf_messages.customers(
        uow=uow,
        corp=corp,
        external_userids=body.get("external_userid_list"),
        with_context=body.get("need_enter_session_context") == 1,
    )
    return {**OK, "customer_list": found, "invalid_external_userid": invalid}
