"""The phone's side of WeChat customer service (微信客服): a conversation with a corp's account —
opened from a contact link (add_contact_way) or a search result — its messages, a box to write,
and the corp's answers picked up by polling, as a chat is."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.datastructures import UploadFile

from yuanzi.core.errors import InvalidInput, NotFound
from yuanzi.core.http import runtime
from yuanzi.core.uow import UnitOfWork
from yuanzi.web.actions import json_action, upload_action
from yuanzi.web.chats import bubble_json
from yuanzi.web.render import not_found, page, redirect, templates
from yuanzi.web.session import current_user
from yuanzi.wecom import service as wecom_service

router = APIRouter(prefix="/kf")
_MESSAGE = templates.env.get_template("client/_kf_message.html")
PAGE = 50


def message_json(
    message: wecom_service.KfMessageInfo, account: wecom_service.KfAccountInfo
) -> dict[str, Any]:
    """A message for chat.js: a card or menu comes with its HTML, rendered as the page renders it."""
    html = (
        str(_MESSAGE.module.kf_message(message, account))  # type: ignore[attr-defined]
        if message.msgtype != "text"
        else None
    )
    return bubble_json(
        message_id=message.message_id,
        seq=message.seq,
        mine=message.mine,
        sender_name=account.name,
        text=message.text,
        sent_at=message.sent_at,
        html=html,
    )


@router.get("/{open_kfid}", response_class=HTMLResponse, response_model=None)
def conversation(
    request: Request, open_kfid: str, scene: str | None = None, scene_param: str = ""
) -> Response:
    """The conversation with a customer-service account. Arriving by a contact link (`scene`)
    tells the corp so: an enter_session event with the link's scene."""
    with runtime(request).uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        account = wecom_service.find_account(uow, open_kfid)
        if account is None:
            return not_found(request, user)
        if scene is not None:
            try:
                wecom_service.enter(
                    uow=uow, open_kfid=open_kfid, user_id=user.user_id, scene=scene, scene_param=scene_param
                )
            except InvalidInput:
                pass  # a mangled link still opens the conversation; the corp just learns no scene
            else:
                uow.commit()
        messages = wecom_service.conversation(uow=uow, open_kfid=open_kfid, user_id=user.user_id, limit=PAGE)
        ctx = {
            "tab": None,
            "user": user,
            "account": account,
            "messages": messages,
            "seq": messages[-1].seq if messages else 0,
        }
        return page(request, "client/kf.html", ctx)


@router.get("/{open_kfid}/avatar.jpg", response_model=None)
def avatar(request: Request, open_kfid: str) -> Response:
    """The account's avatar (what account/list's `avatar` points to)."""
    with runtime(request).read_uow() as uow:
        content = wecom_service.avatar(uow, open_kfid)
    if content is None:
        return JSONResponse({"error": "no such account"}, status_code=404)
    return Response(content, media_type="image/jpeg", headers={"Cache-Control": "public, max-age=300"})


@router.get("/{open_kfid}/messages/{message_id}/thumb.jpg", response_model=None)
def thumb(request: Request, open_kfid: str, message_id: int) -> Response:
    """A card's picture, for the customer it was sent to."""
    with runtime(request).read_uow() as uow:
        user = current_user(request, uow)
        try:
            content = (
                wecom_service.message_thumb(
                    uow=uow, open_kfid=open_kfid, user_id=user.user_id, message_id=message_id
                )
                if user is not None
                else None
            )
        except NotFound:  # the account is gone
            content = None
    if content is None:
        return JSONResponse({"error": "not found"}, status_code=404)
    return Response(content, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/{open_kfid}/changes", response_model=None)
def changes(request: Request, open_kfid: str, since: int = 0) -> Response:
    """Messages after `since` (the page polls this): the corp's answers, and the customer's own
    from another window."""
    with runtime(request).read_uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return JSONResponse({"error": "sign in"}, status_code=401)
        account = wecom_service.find_account(uow, open_kfid)
        if account is None:
            return JSONResponse({"error": "no such account", "code": "kf_account_not_found"}, status_code=404)
        found = wecom_service.conversation(uow=uow, open_kfid=open_kfid, user_id=user.user_id, since=since)
        return JSONResponse({"messages": [message_json(m, account) for m in found]})


@router.post("/{open_kfid}/messages", response_model=None)
async def send(request: Request, open_kfid: str) -> Response:
    """Write `{text, client_msg_id}` to the account, or tap a menu item `{menu_id, client_msg_id}`
    (a retry with the same id is not sent twice)."""

    def action(uow: UnitOfWork, user_id: int, body: dict[str, Any]) -> dict[str, Any]:
        text, client_msg_id, menu_id = body.get("text", ""), body.get("client_msg_id"), body.get("menu_id")
        if not isinstance(text, str) or not all(
            v is None or isinstance(v, str) for v in (client_msg_id, menu_id)
        ):
            raise InvalidInput("text, client_msg_id and menu_id are strings", field="text")
        sent = wecom_service.customer_send(
            uow=uow,
            open_kfid=open_kfid,
            user_id=user_id,
            text=text,
            client_msg_id=client_msg_id,
            menu_id=menu_id,
        )
        account = wecom_service.find_account(uow, open_kfid)
        assert account is not None  # customer_send found it
        return message_json(sent, account)

    return await json_action(request, action)


@router.post("/{open_kfid}/read", response_model=None)
async def read(request: Request, open_kfid: str) -> Response:
    """The page has shown the conversation up to `{message_id}`."""

    def action(uow: UnitOfWork, user_id: int, body: dict[str, Any]) -> dict[str, Any]:
        message_id = body.get("message_id")
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            raise InvalidInput("message_id is a number", field="message_id")
        wecom_service.customer_mark_read(uow=uow, open_kfid=open_kfid, user_id=user_id, message_id=message_id)
        return {"read": message_id}

    return await json_action(request, action)


@router.post("/{open_kfid}/images", response_model=None)
async def send_image(request: Request, open_kfid: str) -> Response:
    """Send a picture (multipart `image`, and `client_msg_id`) to the account."""

    def action(uow: UnitOfWork, user_id: int, form: Any) -> dict[str, Any]:
        upload, client_msg_id = form.get("image"), form.get("client_msg_id") or None
        if not isinstance(upload, UploadFile) or not (
            client_msg_id is None or isinstance(client_msg_id, str)
        ):
            raise InvalidInput("choose a picture to send", field="image")
        sent = wecom_service.customer_send_image(
            uow=uow,
            open_kfid=open_kfid,
            user_id=user_id,
            data=upload.file,
            size=upload.size or 0,
            client_msg_id=client_msg_id,
        )
        account = wecom_service.find_account(uow, open_kfid)
        assert account is not None  # customer_send_image found it
        return message_json(sent, account)

    return await upload_action(request, action)
