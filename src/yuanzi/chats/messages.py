"""Messages: sending (idempotent by the sender's client_msg_id, in order within a chat),
history and sync, reading, and recalling (撤回, within two minutes as in WeChat)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from yuanzi.chats.conversations import (
    DIRECT,
    MessageInfo,
    member_ids,
    member_row,
    message_info,
    require_friends,
)
from yuanzi.chats.events import MessageRecalled, MessageSent
from yuanzi.chats.models import Conversation, Member, Message
from yuanzi.core.errors import InvalidInput, NotFound, Problem
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service

TEXT_MAX = 2000
PAGE_MAX = 100
RECALL_WINDOW = dt.timedelta(minutes=2)
_CLIENT_MSG_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


@dataclasses.dataclass(frozen=True)
class Sent:
    """The message, and whether this call sent it (False: a retry of one already sent)."""

    message: MessageInfo
    created: bool


def _clean_text(text: str) -> str:
    clean = text.strip()
    if not clean:
        raise InvalidInput("the message is empty", field="text")
    if len(clean) > TEXT_MAX:
        raise InvalidInput(f"a message is at most {TEXT_MAX} characters", field="text")
    return clean


def _retried(
    uow: UnitOfWork, user_id: int, conversation_id: int, client_msg_id: str, text: str
) -> Sent | None:
    row = uow.session.scalar(
        select(Message).where(Message.sender_id == user_id, Message.client_msg_id == client_msg_id)
    )
    if row is None:
        return None
    # A recalled message's text is gone: a late retry of it gets the recalled message back.
    if row.conversation_id != conversation_id or (row.recalled_at is None and row.text != text):
        raise Problem(
            409,
            "client_msg_id_reused",
            f"client_msg_id {client_msg_id!r} already sent a different message; use a new one per message",
        )
    return Sent(message_info(row, identity_service.get_users(uow=uow, user_ids=[user_id])), created=False)


def send(
    *, uow: UnitOfWork, user_id: int, conversation_id: int, text: str, client_msg_id: str | None = None
) -> Sent:
    """Send a text message. Sending again with the same `client_msg_id` returns the message
    already sent (nothing is sent twice); the same id for a different message is 409."""
    clean = _clean_text(text)
    if client_msg_id is None:
        client_msg_id = secrets.token_hex(16)
    elif not _CLIENT_MSG_ID.fullmatch(client_msg_id):
        raise InvalidInput("client_msg_id is 1–64 letters, digits and _ . : -", field="client_msg_id")
    conversation = _locked(uow, conversation_id)
    members = member_ids(uow, conversation_id)
    if user_id not in members:
        raise NotFound("conversation", conversation_id)
    retried = _retried(uow, user_id, conversation_id, client_msg_id, clean)
    if retried is not None:
        return retried
    if conversation.kind == DIRECT:
        # Deleted by the friend: WeChat refuses the message (消息已发出，但被对方拒收了).
        require_friends(uow, user_id, next(m for m in members if m != user_id))
    now = uow.now()
    try:
        with uow.session.begin_nested():
            row = Message(
                conversation_id=conversation_id,
                sender_id=user_id,
                client_msg_id=client_msg_id,
                text=clean,
                sent_at=now,
                seq=conversation.seq + 1,
            )
            uow.session.add(row)
            uow.session.flush()
    except IntegrityError:  # the same send racing in another chat of this sender
        retried = _retried(uow, user_id, conversation_id, client_msg_id, clean)
        assert retried is not None
        return retried
    conversation.seq = row.seq
    conversation.last_message_id, conversation.last_message_at = row.id, now
    sender = identity_service.get_user(uow=uow, user_id=user_id)
    uow.publish(
        MessageSent(
            message_id=row.id,
            conversation_id=conversation_id,
            sender_id=user_id,
            sender_name=sender.nickname,
            member_ids=members,
            text=clean,
            sent_at=now.isoformat(),
        )
    )
    return Sent(message_info(row, {user_id: sender}), created=True)


def _locked(uow: UnitOfWork, conversation_id: int) -> Conversation:
    # Every change to a chat locks its row first, so the chat's seq numbers are given out in
    # commit order: a reader syncing by "changes after the last seq I saw" never skips one that
    # commits late.
    # populate_existing: a copy loaded earlier in this session must not hide the locked row's seq.
    conversation = uow.session.scalar(
        select(Conversation)
        .where(Conversation.id == conversation_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if conversation is None:
        raise NotFound("conversation", conversation_id)
    return conversation


def history(
    *,
    uow: UnitOfWork,
    user_id: int,
    conversation_id: int,
    since: int | None = None,
    before: int | None = None,
    limit: int = 50,
) -> list[MessageInfo]:
    """Messages. With `since` (a seq): the chat's changes after it, in seq order — new messages
    and messages recalled since (sync). Otherwise the latest `limit` messages, or the latest
    before the message id `before` (scrolling back), oldest first."""
    if not 1 <= limit <= PAGE_MAX:
        raise InvalidInput(f"limit must be 1–{PAGE_MAX}", field="limit")
    if since is not None and before is not None:
        raise InvalidInput("give since or before, not both", field="since")
    member_row(uow, user_id, conversation_id)
    query = select(Message).where(Message.conversation_id == conversation_id)
    if since is not None:
        rows = list(uow.session.scalars(query.where(Message.seq > since).order_by(Message.seq).limit(limit)))
    else:
        if before is not None:
            query = query.where(Message.id < before)
        rows = list(uow.session.scalars(query.order_by(Message.id.desc()).limit(limit)))[::-1]
    users = identity_service.get_users(uow=uow, user_ids=[r.sender_id for r in rows])
    return [message_info(r, users) for r in rows]


def mark_read(*, uow: UnitOfWork, user_id: int, conversation_id: int, message_id: int) -> int:
    """The user has read up to `message_id` (never backwards, never past the latest message);
    returns how far they have read now."""
    member = member_row(uow, user_id, conversation_id)
    conversation = uow.session.get(Conversation, conversation_id)
    assert conversation is not None
    member.last_read_id = max(member.last_read_id, min(message_id, conversation.last_message_id))
    return member.last_read_id


def recall(*, uow: UnitOfWork, user_id: int, message_id: int) -> MessageInfo:
    """Recall your message within two minutes of sending it: its text is gone for everyone."""
    row = uow.session.get(Message, message_id)
    if row is None:
        raise NotFound("message", message_id)
    member_row(uow, user_id, row.conversation_id)
    if row.sender_id != user_id:
        raise Problem(403, "not_sender", "only the sender can recall a message")
    if row.recalled_at is None:
        if uow.now() - row.sent_at > RECALL_WINDOW:
            raise Problem(
                409, "recall_window_passed", "a message can be recalled within 2 minutes of sending"
            )
        conversation = _locked(uow, row.conversation_id)
        conversation.seq += 1
        row.seq, row.recalled_at = conversation.seq, uow.now()
        row.text = ""  # gone for everyone, the server included
        uow.publish(MessageRecalled(message_id=row.id, conversation_id=row.conversation_id))
    return message_info(row, identity_service.get_users(uow=uow, user_ids=[user_id]))


def searchable_messages(*, uow: UnitOfWork, after_id: int, limit: int) -> list[MessageSent]:
    """Messages after `after_id` (not recalled), in id order, as the events that announced them:
    how Search re-collects chat history."""
    rows = list(
        uow.session.scalars(
            select(Message)
            .where(Message.id > after_id, Message.recalled_at.is_(None))
            .order_by(Message.id)
            .limit(limit)
        )
    )
    members: dict[int, list[int]] = {}
    for cid, uid in uow.session.execute(
        select(Member.conversation_id, Member.user_id)
        .where(Member.conversation_id.in_({r.conversation_id for r in rows}))
        .order_by(Member.user_id)
    ):
        members.setdefault(cid, []).append(uid)
    users = identity_service.get_users(uow=uow, user_ids=[r.sender_id for r in rows])
    return [
        MessageSent(
            message_id=r.id,
            conversation_id=r.conversation_id,
            sender_id=r.sender_id,
            sender_name=users[r.sender_id].nickname if r.sender_id in users else "",
            member_ids=members[r.conversation_id],
            text=r.text,
            sent_at=r.sent_at.isoformat(),
        )
        for r in rows
    ]
