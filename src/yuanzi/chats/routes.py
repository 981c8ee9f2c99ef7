"""Chats' API under /api/chats/ (the acting user: X-Yuanzi-User in sandbox mode)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from yuanzi.chats import conversations, messages
from yuanzi.core.http import ReadUoW, UoW, User

router = APIRouter(prefix="/api/chats", tags=["chats"])


def message_json(message: conversations.MessageInfo) -> dict[str, Any]:
    return {
        "message_id": message.message_id,
        "conversation_id": message.conversation_id,
        "sender_id": message.sender_id,
        "sender_name": message.sender_name,
        "client_msg_id": message.client_msg_id,
        "text": message.text,
        "sent_at": message.sent_at.isoformat(),
        "recalled": message.recalled,
        "seq": message.seq,
    }


def conversation_json(chat: conversations.ConversationInfo) -> dict[str, Any]:
    return {
        "conversation_id": chat.conversation_id,
        "kind": chat.kind,
        "member_ids": chat.member_ids,
        "other": {"user_id": chat.other.user_id, "nickname": chat.other.nickname},
        "last_message": None if chat.last_message is None else message_json(chat.last_message),
        "last_read_id": chat.last_read_id,
        "unread": chat.unread,
        "created_at": chat.created_at.isoformat(),
        "seq": chat.seq,
    }


class NewChat(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_id: StrictInt


class NewMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: StrictStr = Field(min_length=1, max_length=messages.TEXT_MAX)
    client_msg_id: StrictStr | None = Field(default=None, min_length=1, max_length=64)


class ReadMark(BaseModel):
    model_config = ConfigDict(extra="forbid")
    message_id: StrictInt = Field(ge=0)


@router.get("")
def list_chats(user: User, uow: ReadUoW, limit: int = conversations.LIST_MAX) -> dict[str, Any]:
    """Your chats, the most recently active first, with the latest message and unread counts."""
    found = conversations.list_conversations(uow=uow, user_id=user, limit=limit)
    return {"conversations": [conversation_json(c) for c in found], "unread": sum(c.unread for c in found)}


@router.post("", status_code=201)
def open_chat(body: NewChat, user: User, uow: UoW, response: Response) -> dict[str, Any]:
    """The direct chat with a friend (201 when made now, 200 when it existed); only friends chat
    (403 not_friends)."""
    chat, created = conversations.open_direct(uow=uow, user_id=user, other_id=body.user_id)
    uow.commit()
    if not created:
        response.status_code = 200
    return conversation_json(chat)


@router.get("/{conversation_id}")
def get_chat(conversation_id: int, user: User, uow: ReadUoW) -> dict[str, Any]:
    """One of your chats (404 for a chat you are not in)."""
    return conversation_json(
        conversations.get_conversation(uow=uow, user_id=user, conversation_id=conversation_id)
    )


@router.get("/{conversation_id}/messages")
def list_messages(
    conversation_id: int,
    user: User,
    uow: ReadUoW,
    since: int | None = None,
    before: int | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    """Messages. `since=<seq>` syncs: the chat's changes after the highest `seq` you have — new
    messages, and messages recalled since (`recalled: true`, no text) — in seq order; poll with
    it. Without it: the latest `limit` messages, or those before the message id `before` to
    scroll back, oldest first."""
    found = messages.history(
        uow=uow, user_id=user, conversation_id=conversation_id, since=since, before=before, limit=limit
    )
    return {"messages": [message_json(m) for m in found]}


@router.post("/{conversation_id}/messages", status_code=201)
def send_message(
    conversation_id: int, body: NewMessage, user: User, uow: UoW, response: Response
) -> dict[str, Any]:
    """Send a text message. Retrying with the same `client_msg_id` returns the message already
    sent (200) instead of sending it twice; the same id for different text is 409."""
    sent = messages.send(
        uow=uow,
        user_id=user,
        conversation_id=conversation_id,
        text=body.text,
        client_msg_id=body.client_msg_id,
    )
    uow.commit()
    if not sent.created:
        response.status_code = 200
    return message_json(sent.message)


@router.post("/{conversation_id}/read")
def mark_read(conversation_id: int, body: ReadMark, user: User, uow: UoW) -> dict[str, Any]:
    """You have read up to `message_id`."""
    last_read = messages.mark_read(
        uow=uow, user_id=user, conversation_id=conversation_id, message_id=body.message_id
    )
    unread = conversations.unread_total(uow=uow, user_id=user, conversation_id=conversation_id)
    uow.commit()
    return {"last_read_id": last_read, "unread": unread}


@router.post("/messages/{message_id}/recall")
def recall_message(message_id: int, user: User, uow: UoW) -> dict[str, Any]:
    """Recall (撤回) your message within two minutes: its text is gone for everyone."""
    recalled = messages.recall(uow=uow, user_id=user, message_id=message_id)
    uow.commit()
    return message_json(recalled)
