"""Conversations: a direct chat between two friends (at most one per pair), who is in it, how
far each member has read, and each member's list of chats with their unread counts."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from yuanzi.chats.models import Conversation, Member, Message
from yuanzi.core.errors import InvalidInput, NotFound, Problem
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service

DIRECT = "direct"
LIST_MAX = 200


class NotFriends(Problem):
    """WeChat lets only friends chat: adding the contact comes first."""

    def __init__(self, user_id: int) -> None:
        super().__init__(403, "not_friends", f"user {user_id} is not your friend: only friends can chat")


@dataclasses.dataclass(frozen=True)
class MessageInfo:
    """A message as members see it; a recalled message has no text."""

    message_id: int
    conversation_id: int
    sender_id: int
    sender_name: str
    client_msg_id: str
    text: str
    sent_at: dt.datetime
    recalled: bool
    seq: int  # the chat's change that last touched it


@dataclasses.dataclass(frozen=True)
class ConversationInfo:
    """A chat from one member's side: the other person (direct chats), the latest message, and
    how many messages from others they have not read."""

    conversation_id: int
    kind: str
    member_ids: list[int]
    other: identity_service.UserInfo
    last_message: MessageInfo | None
    last_read_id: int
    unread: int
    created_at: dt.datetime
    seq: int  # the chat's latest change: sync from here


def pair_key(a: int, b: int) -> str:
    low, high = sorted((a, b))
    return f"{low}:{high}"


def member_row(uow: UnitOfWork, user_id: int, conversation_id: int) -> Member:
    """The user's membership, or NotFound: a chat you are not in does not exist for you."""
    member = uow.session.get(Member, (conversation_id, user_id))
    if member is None:
        raise NotFound("conversation", conversation_id)
    return member


def member_ids(uow: UnitOfWork, conversation_id: int) -> list[int]:
    return list(
        uow.session.scalars(
            select(Member.user_id).where(Member.conversation_id == conversation_id).order_by(Member.user_id)
        )
    )


def require_friends(uow: UnitOfWork, user_id: int, other_id: int) -> None:
    if not identity_service.are_friends(uow=uow, user_id=user_id, friend_id=other_id):
        raise NotFriends(other_id)


def open_direct(*, uow: UnitOfWork, user_id: int, other_id: int) -> tuple[ConversationInfo, bool]:
    """The direct chat between the user and a friend, made the first time; True if it is new."""
    if other_id == user_id:
        raise InvalidInput("a chat needs someone else", field="user_id")
    identity_service.get_user(uow=uow, user_id=other_id)
    require_friends(uow, user_id, other_id)
    existing = find_direct(uow=uow, user_id=user_id, other_id=other_id)
    if existing is not None:
        return get_conversation(uow=uow, user_id=user_id, conversation_id=existing), False
    key = pair_key(user_id, other_id)
    now = uow.now()
    try:
        with uow.session.begin_nested():
            conversation = Conversation(kind=DIRECT, pair=key, created_at=now)
            uow.session.add(conversation)
            uow.session.flush()
            uow.session.add_all(
                Member(conversation_id=conversation.id, user_id=uid, joined_at=now)
                for uid in (user_id, other_id)
            )
    except IntegrityError:  # the friend opened it at the same moment
        existing = uow.session.scalar(select(Conversation.id).where(Conversation.pair == key))
        assert existing is not None
        return get_conversation(uow=uow, user_id=user_id, conversation_id=existing), False
    return get_conversation(uow=uow, user_id=user_id, conversation_id=conversation.id), True


def find_direct(*, uow: UnitOfWork, user_id: int, other_id: int) -> int | None:
    """The id of the direct chat between two users, if they have one."""
    found: int | None = uow.session.scalar(
        select(Conversation.id).where(Conversation.pair == pair_key(user_id, other_id))
    )
    return found


def get_conversation(*, uow: UnitOfWork, user_id: int, conversation_id: int) -> ConversationInfo:
    """One chat from the user's side, or NotFound."""
    member_row(uow, user_id, conversation_id)
    found = _infos(uow, user_id, [conversation_id])
    return found[0]


def list_conversations(*, uow: UnitOfWork, user_id: int, limit: int = LIST_MAX) -> list[ConversationInfo]:
    """The user's chats, the most recently active first."""
    if not 1 <= limit <= LIST_MAX:
        raise InvalidInput(f"limit must be 1–{LIST_MAX}", field="limit")
    active = func.coalesce(Conversation.last_message_at, Conversation.created_at)
    ids = list(
        uow.session.scalars(
            select(Conversation.id)
            .join(Member, Member.conversation_id == Conversation.id)
            .where(Member.user_id == user_id)
            .order_by(active.desc(), Conversation.id.desc())
            .limit(limit)
        )
    )
    return _infos(uow, user_id, ids)


def unread_total(*, uow: UnitOfWork, user_id: int, conversation_id: int | None = None) -> int:
    """Messages from others the user has not read, in one chat or across all of them (the tab's
    badge)."""
    return sum(_unread(uow, user_id, None if conversation_id is None else [conversation_id]).values())


def _unread(uow: UnitOfWork, user_id: int, conversation_ids: list[int] | None) -> dict[int, int]:
    query = (
        select(Message.conversation_id, func.count())
        .join(Member, (Member.conversation_id == Message.conversation_id) & (Member.user_id == user_id))
        .where(Message.id > Member.last_read_id, Message.sender_id != user_id, Message.recalled_at.is_(None))
        .group_by(Message.conversation_id)
    )
    if conversation_ids is not None:
        query = query.where(Message.conversation_id.in_(conversation_ids))
    return {cid: count for cid, count in uow.session.execute(query)}


def _infos(uow: UnitOfWork, user_id: int, ids: list[int]) -> list[ConversationInfo]:
    if not ids:
        return []
    conversations = {
        c.id: c for c in uow.session.scalars(select(Conversation).where(Conversation.id.in_(ids)))
    }
    members: dict[int, list[Member]] = {}
    for member in uow.session.scalars(select(Member).where(Member.conversation_id.in_(ids))):
        members.setdefault(member.conversation_id, []).append(member)
    last_ids = [c.last_message_id for c in conversations.values() if c.last_message_id]
    lasts = {
        m.conversation_id: m for m in uow.session.scalars(select(Message).where(Message.id.in_(last_ids)))
    }
    users = identity_service.get_users(
        uow=uow,
        user_ids=[m.user_id for ms in members.values() for m in ms] + [m.sender_id for m in lasts.values()],
    )
    unread = _unread(uow, user_id, ids)
    infos = []
    for cid in ids:
        conversation, in_it = conversations[cid], sorted(members[cid], key=lambda m: m.user_id)
        mine = next(m for m in in_it if m.user_id == user_id)
        other_id = next((m.user_id for m in in_it if m.user_id != user_id), user_id)
        last = lasts.get(cid)
        infos.append(
            ConversationInfo(
                conversation_id=cid,
                kind=conversation.kind,
                member_ids=[m.user_id for m in in_it],
                other=users.get(other_id, identity_service.UserInfo(other_id, "")),
                last_message=None if last is None else message_info(last, users),
                last_read_id=mine.last_read_id,
                unread=unread.get(cid, 0),
                created_at=conversation.created_at,
                seq=conversation.seq,
            )
        )
    return infos


def message_info(row: Message, users: dict[int, identity_service.UserInfo]) -> MessageInfo:
    sender = users.get(row.sender_id)
    return MessageInfo(
        message_id=row.id,
        conversation_id=row.conversation_id,
        sender_id=row.sender_id,
        sender_name=sender.nickname if sender else "",
        client_msg_id=row.client_msg_id,
        text="" if row.recalled_at is not None else row.text,
        sent_at=row.sent_at,
        recalled=row.recalled_at is not None,
        seq=row.seq,
    )
