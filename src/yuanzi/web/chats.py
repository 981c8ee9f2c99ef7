"""The phone's chats (聊天) beyond the Chats tab itself (client.py): starting a chat with a friend,
a contact, a chat — its messages, a box to send, new messages and recalls picked up by polling
the chat's change sequence — and the tab bar's unread badge."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from yuanzi.chats import service as chats_service
from yuanzi.core.errors import InvalidInput, NotFound, Problem
from yuanzi.core.http import runtime
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.web.actions import User, form_action, json_action
from yuanzi.web.client import chat_list
from yuanzi.web.render import not_found, page, redirect
from yuanzi.web.session import current_user
from yuanzi.wecom import service as wecom_service

router = APIRouter(prefix="/chats")
FormStr = Annotated[str, Form()]
PAGE = 50  # messages on a chat's screen


def bubble_json(
    *,
    message_id: int,
    seq: int,
    mine: bool,
    sender_name: str,
    text: str,
    sent_at: dt.datetime,
    recalled: bool = False,
    html: str | None = None,
) -> dict[str, Any]:
    """A message as static/chat.js shows it (chats, customer service, the WeCom workbench): `html`
    for a card or menu the server rendered."""
    shown: dict[str, Any] = {
        "message_id": message_id,
        "seq": seq,
        "mine": mine,
        "sender_name": sender_name,
        "text": text,
        "recalled": recalled,
        "sent_at": sent_at.isoformat(),
    }
    if html is not None:
        shown["html"] = html
    return shown


def message_json(message: chats_service.MessageInfo, user_id: int) -> dict[str, Any]:
    return bubble_json(
        message_id=message.message_id,
        seq=message.seq,
        mine=message.sender_id == user_id,
        sender_name=message.sender_name,
        text=message.text,
        sent_at=message.sent_at,
        recalled=message.recalled,
    )


@router.post("", response_model=None)
def open_chat(request: Request, csrf_token: FormStr = "", user_id: FormStr = "") -> Response:
    """Open (or make) the chat with a friend."""

    def action(uow: UnitOfWork, user: User) -> str:
        if not user_id.strip().isdigit():
            raise InvalidInput("pick a friend to chat with", field="user_id")
        chat, _ = chats_service.open_direct(uow=uow, user_id=user.user_id, other_id=int(user_id))
        return f"/chats/{chat.conversation_id}"

    def failed(uow: UnitOfWork, user: User, exc: Problem) -> Response:
        ctx = {"tab": "chats", "user": user, **chat_list(uow, user), "error": exc.detail}
        return page(request, "client/chats.html", ctx, status_code=exc.status)

    return form_action(request, csrf_token, action, failed)


@router.get("/unread", response_model=None)
def unread(request: Request) -> Response:
    """Messages from others the signed-in user has not read, customer-service answers included
    (the Chats tab's badge)."""
    with runtime(request).read_uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return JSONResponse({"error": "sign in"}, status_code=401)
        unread = chats_service.unread_total(uow=uow, user_id=user.user_id)
        unread += wecom_service.customer_unread_total(uow=uow, user_id=user.user_id)
        return JSONResponse({"unread": unread})


@router.get("/with/{friend_id}", response_class=HTMLResponse, response_model=None)
def contact(request: Request, friend_id: int) -> Response:
    """A contact (from the chats search): your chat with them, or a button to start one."""
    with runtime(request).read_uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        existing = chats_service.find_direct(uow=uow, user_id=user.user_id, other_id=friend_id)
        if existing is not None:
            return redirect(request, f"/chats/{existing}")
        if not identity_service.are_friends(uow=uow, user_id=user.user_id, friend_id=friend_id):
            return not_found(request, user)
        friend = identity_service.get_user(uow=uow, user_id=friend_id)
        return page(request, "client/contact.html", {"tab": "chats", "user": user, "friend": friend})


@router.get("/{conversation_id}", response_class=HTMLResponse, response_model=None)
def chat(
    request: Request, conversation_id: int, before: int | None = None, at: int | None = None
) -> Response:
    """A chat: the latest messages and the box to send. Scrolled back (`before` a message, or
    ending `at` the one a search result opens), it shows that page of history instead, with the
    way back to the latest."""
    if at is not None:
        before = at + 1
    with runtime(request).read_uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        try:
            found = chats_service.get_conversation(
                uow=uow, user_id=user.user_id, conversation_id=conversation_id
            )
            messages = chats_service.history(
                uow=uow, user_id=user.user_id, conversation_id=conversation_id, before=before, limit=PAGE
            )
        except NotFound:
            return not_found(request, user)
        ctx = {
            "tab": None,
            "user": user,
            "chat": found,
            "messages": messages,
            "history": before is not None,
            # A full page: there may be earlier messages.
            "earlier": messages[0].message_id if len(messages) == PAGE else None,
            "recall_after": uow.now() - chats_service.RECALL_WINDOW,  # older ones can't be recalled
        }
        return page(request, "client/chat.html", ctx)


@router.get("/{conversation_id}/changes", response_model=None)
def changes(request: Request, conversation_id: int, since: int = 0) -> Response:
    """The chat's changes after `since` (the page polls this): new messages and recalls."""
    with runtime(request).read_uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return JSONResponse({"error": "sign in"}, status_code=401)
        try:
            found = chats_service.history(
                uow=uow, user_id=user.user_id, conversation_id=conversation_id, since=since, limit=100
            )
        except Problem as exc:
            return JSONResponse({"error": exc.detail, "code": exc.code}, status_code=exc.status)
        return JSONResponse({"messages": [message_json(m, user.user_id) for m in found]})


@router.post("/{conversation_id}/messages", response_model=None)
async def send(request: Request, conversation_id: int) -> Response:
    """Send `{text, client_msg_id}` (the page makes one id per message, so a retry is not
    sent twice)."""

    def action(uow: UnitOfWork, user_id: int, body: dict[str, Any]) -> dict[str, Any]:
        text, client_msg_id = body.get("text"), body.get("client_msg_id")
        if not isinstance(text, str) or not (client_msg_id is None or isinstance(client_msg_id, str)):
            raise InvalidInput("text is a string", field="text")
        sent = chats_service.send(
            uow=uow, user_id=user_id, conversation_id=conversation_id, text=text, client_msg_id=client_msg_id
        )
        return message_json(sent.message, user_id)

    return await json_action(request, action)


@router.post("/{conversation_id}/read", response_model=None)
async def read(request: Request, conversation_id: int) -> Response:
    """The page has shown messages up to `{message_id}`."""

    def action(uow: UnitOfWork, user_id: int, body: dict[str, Any]) -> dict[str, Any]:
        message_id = body.get("message_id")
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            raise InvalidInput("message_id is a number", field="message_id")
        last = chats_service.mark_read(
            uow=uow, user_id=user_id, conversation_id=conversation_id, message_id=message_id
        )
        return {"last_read_id": last}

    return await json_action(request, action)


@router.post("/messages/{message_id}/recall", response_model=None)
async def recall(request: Request, message_id: int) -> Response:
    """Recall (撤回) your message within two minutes."""

    def action(uow: UnitOfWork, user_id: int, body: dict[str, Any]) -> dict[str, Any]:
        return message_json(chats_service.recall(uow=uow, user_id=user_id, message_id=message_id), user_id)

    return await json_action(request, action)
