"""The phone: a mobile web client with the Chats, Discover and Me tabs, and sandbox sign-in
(a chat's own screens are in chats.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from yuanzi.chats import service as chats_service
from yuanzi.core.errors import InvalidInput, Problem
from yuanzi.core.http import runtime
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.pay import service as pay_service
from yuanzi.web import session
from yuanzi.web.actions import form_post
from yuanzi.web.render import csrf_rejected, page, redirect, settings
from yuanzi.wecom import service as wecom_service

router = APIRouter()
FormStr = Annotated[str, Form()]
# Enough for a sandbox; the list is filtered to mini programs here (identity has no type filter).
APPS_SHOWN = 500
USERS_SHOWN = 50


def mini_programs(uow: UnitOfWork) -> list[identity_service.AppInfo]:
    """The registered mini programs, oldest first."""
    return identity_service.list_apps(uow=uow, type=identity_service.AppType.MINIPROGRAM, limit=APPS_SHOWN)


def chat_list(uow: UnitOfWork, user: identity_service.UserInfo) -> dict[str, Any]:
    """The Chats tab's context: the user's chats and customer-service conversations (微信客服),
    latest first, and friends they have no chat with yet."""
    chats = chats_service.list_conversations(uow=uow, user_id=user.user_id)
    services = wecom_service.customer_conversations(uow=uow, user_id=user.user_id)
    entries: list[tuple[str, Any, dt.datetime]] = [
        ("chat", c, c.last_message.sent_at if c.last_message else c.created_at) for c in chats
    ]
    entries += [("kf", k, k.last_at) for k in services]
    entries.sort(key=lambda entry: entry[2], reverse=True)
    talking = {c.other.user_id for c in chats}
    friend_ids = [f for f in identity_service.friends_of(uow=uow, user_id=user.user_id) if f not in talking]
    users = identity_service.get_users(uow=uow, user_ids=friend_ids)
    friends = [users[f] for f in friend_ids if f in users]
    return {
        "chats": [(kind, item) for kind, item, _ in entries],
        "friends": friends,
        "error": None,
        "now": uow.now(),
    }


def _signed_out(request: Request, uow: UnitOfWork, **context: Any) -> HTMLResponse:
    status = context.pop("status_code", 200)
    if not settings(request).is_sandbox:
        return page(request, "client/production.html", {"tab": None, "replace_url": "/"}, status_code=status)
    users = identity_service.list_users(uow=uow, limit=USERS_SHOWN)
    total = identity_service.count_users(uow=uow)
    ctx = {
        "tab": None,
        "users": users,
        "total_users": total,
        "nickname": "",
        "error": None,
        "replace_url": "/",
    }
    ctx.update(context)
    return page(request, "client/signin.html", ctx, status_code=status)


@router.get("/", response_class=HTMLResponse)
def chats(request: Request) -> HTMLResponse:
    """The Chats tab when signed in, otherwise the sign-in screen."""
    with runtime(request).uow() as uow:
        user = session.current_user(request, uow)
        if user is None:
            return _signed_out(request, uow)
        return page(request, "client/chats.html", {"tab": "chats", "user": user, **chat_list(uow, user)})


@router.get("/discover", response_class=HTMLResponse, response_model=None)
def discover(request: Request) -> Response:
    """The Discover tab: Channels, Live, Search and the mini programs."""
    with runtime(request).uow() as uow:
        user = session.current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        ctx = {"tab": "discover", "user": user, "apps": mini_programs(uow)}
        return page(request, "client/discover.html", ctx)


def _me(request: Request, uow: UnitOfWork, user: identity_service.UserInfo, **context: Any) -> HTMLResponse:
    status = context.pop("status_code", 200)
    ctx = {
        "tab": "me",
        "user": user,
        "balance": pay_service.wallet_balance(uow=uow, user_id=user.user_id),
        "apps": mini_programs(uow),
        "wecom_member": wecom_service.is_member(uow=uow, user_id=user.user_id),
        "result": None,
        "replace_url": "/me",
        **context,
    }
    return page(request, "client/me.html", ctx, status_code=status)


@router.get("/me", response_class=HTMLResponse, response_model=None)
def me(request: Request) -> Response:
    """The Me tab: who you are, and a wx.login() button per mini program."""
    with runtime(request).uow() as uow:
        user = session.current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        return _me(request, uow, user)


@router.post("/signin", response_model=None)
def sign_in(request: Request, csrf_token: FormStr = "", user_id: FormStr = "") -> Response:
    """Sign in as an existing sandbox user."""

    def action(uow: UnitOfWork) -> Response:
        _sandbox_only(request)
        if not user_id.strip().isdigit():
            raise InvalidInput("Pick a user to sign in as. 请选择用户。", field="user_id")
        return _signed_in(request, identity_service.get_user(uow=uow, user_id=int(user_id)))

    def failed(uow: UnitOfWork, exc: Problem) -> Response:
        return _signed_out(request, uow, error=exc.detail, status_code=exc.status)

    return form_post(request, csrf_token, action, failed)


@router.post("/signin/new", response_model=None)
def sign_up(request: Request, csrf_token: FormStr = "", nickname: FormStr = "") -> Response:
    """Create a sandbox user with `nickname` and sign in as them."""

    def action(uow: UnitOfWork) -> Response:
        _sandbox_only(request)
        return _signed_in(request, identity_service.create_user(uow=uow, nickname=nickname))

    def failed(uow: UnitOfWork, exc: Problem) -> Response:
        return _signed_out(request, uow, error=exc.detail, nickname=nickname, status_code=exc.status)

    return form_post(request, csrf_token, action, failed)


def _sandbox_only(request: Request) -> None:
    # Production sign-in needs an identity provider; _signed_out shows the production screen.
    if not settings(request).is_sandbox:
        raise Problem(403, "sandbox_only", "sandbox users exist only in sandbox mode")


def _signed_in(request: Request, user: identity_service.UserInfo) -> Response:
    response = redirect(request, "/")
    session.set_session(request, response, user.user_id)
    return response


@router.post("/signout", response_model=None)
def sign_out(request: Request, csrf_token: FormStr = "") -> Response:
    """Sign out."""
    try:
        session.check_csrf(request, csrf_token)
    except session.CsrfRejected:
        return csrf_rejected(request)
    response = redirect(request, "/")
    session.clear_session(request, response)
    return response


@router.post("/me/wx-login", response_model=None)
def wx_login(request: Request, csrf_token: FormStr = "", appid: FormStr = "") -> Response:
    """What `wx.login()` returns to the signed-in user in mini program `appid`.

    htmx gets the code as a fragment; without JavaScript the whole Me tab comes back with it.
    """
    fragment = request.headers.get("HX-Request") == "true"
    try:
        session.check_csrf(request, csrf_token)
    except session.CsrfRejected:
        return csrf_rejected(request)
    with runtime(request).uow() as uow:
        user = session.current_user(request, uow)
        if user is None:
            if fragment:
                ctx = {"result": {"error": "Signed out: sign in again. 请重新登录。"}}
                return page(request, "client/_login_code.html", ctx, status_code=401)
            return redirect(request, "/")
        try:
            code = identity_service.issue_login_code(uow=uow, user_id=user.user_id, appid=appid)
        except Problem as exc:
            uow.rollback()
            result: dict[str, Any] = {"appid": appid, "error": exc.detail}
            if fragment:
                return page(request, "client/_login_code.html", {"result": result}, status_code=exc.status)
            return _me(request, uow, user, result=result, status_code=exc.status)
        expires_at = uow.now() + identity_service.LOGIN_CODE_TTL
        uow.commit()
        result = {
            "appid": appid,
            "code": code,
            "expires_in": int(identity_service.LOGIN_CODE_TTL.total_seconds()),
            "expires_at": expires_at,
            "base_url": str(request.base_url).rstrip("/"),
            "error": None,
        }
        if fragment:
            return page(request, "client/_login_code.html", {"result": result})
        return _me(request, uow, user, result=result)
