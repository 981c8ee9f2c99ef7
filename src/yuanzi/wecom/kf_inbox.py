"""The customer's side of their customer-service conversations beyond writing: the list in their
Chats tab, what they have not read, read marks, and the cards' pictures."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from sqlalchemy import func, select, update

from yuanzi.core.errors import NotFound
from yuanzi.core.uow import UnitOfWork
from yuanzi.wecom.kf_sessions import FROM_API, FROM_SERVICER, find_session, live_account, summary
from yuanzi.wecom.models import Corp, KfAccount, KfMessage, KfMessageMedia, KfSession


@dataclasses.dataclass(frozen=True)
class KfConversationInfo:
    """A customer's conversation with an account, for their chat list."""

    open_kfid: str
    name: str
    corp_name: str
    last_text: str
    last_at: dt.datetime
    unread: int


_ANSWERS = (FROM_API, FROM_SERVICER)


def _unread(uow: UnitOfWork, session_ids: list[int]) -> dict[int, int]:
    """The corp's answers each session's customer has not read."""
    if not session_ids:
        return {}
    rows = uow.session.execute(
        select(KfMessage.session_id, func.count())
        .join(KfSession, KfSession.id == KfMessage.session_id)
        .where(
            KfMessage.session_id.in_(session_ids),
            KfMessage.origin.in_(_ANSWERS),
            KfMessage.seq > KfSession.customer_read_seq,
        )
        .group_by(KfMessage.session_id)
    )
    return {session_id: count for session_id, count in rows}


def customer_conversations(*, uow: UnitOfWork, user_id: int, limit: int = 50) -> list[KfConversationInfo]:
    """The user's customer-service conversations with a message, latest first (their chat list)."""
    rows = uow.session.execute(
        select(KfSession, KfAccount, Corp, KfMessage.msgtype, KfMessage.content)
        .join(KfAccount, KfAccount.id == KfSession.account_id)
        .join(Corp, Corp.id == KfAccount.corp_id)
        .join(KfMessage, (KfMessage.corp_id == Corp.id) & (KfMessage.seq == KfSession.last_message_seq))
        .where(KfSession.user_id == user_id, KfAccount.deleted_at.is_(None))
        .order_by(KfSession.last_message_at.desc())
        .limit(limit)
    ).all()
    unread = _unread(uow, [session.id for session, *_ in rows])
    return [
        KfConversationInfo(
            open_kfid=account.open_kfid,
            name=account.name,
            corp_name=corp.name,
            last_text=summary(msgtype, json.loads(content)),
            last_at=session.last_message_at,
            unread=unread.get(session.id, 0),
        )
        for session, account, corp, msgtype, content in rows
        if session.last_message_at is not None
    ]


def customer_unread_total(*, uow: UnitOfWork, user_id: int) -> int:
    """Answers from every customer-service account the user has not read (the tab's badge)."""
    session_ids = list(
        uow.session.scalars(
            select(KfSession.id)
            .join(KfAccount, KfAccount.id == KfSession.account_id)
            .where(
                KfSession.user_id == user_id,
                KfAccount.deleted_at.is_(None),
                KfSession.last_message_seq > KfSession.customer_read_seq,
            )
        )
    )
    return sum(_unread(uow, session_ids).values())


def customer_mark_read(*, uow: UnitOfWork, open_kfid: str, user_id: int, message_id: int) -> None:
    """The customer's screen has shown the conversation up to `message_id`."""
    account = live_account(uow, open_kfid)
    session = find_session(uow, account.id, user_id)
    message = uow.session.get(KfMessage, message_id)
    if session is None or message is None or message.session_id != session.id:
        raise NotFound("kf_message", message_id)
    # Only forward: two screens marking at once never move the mark back.
    uow.session.execute(
        update(KfSession)
        .where(KfSession.id == session.id, KfSession.customer_read_seq < message.seq)
        .values(customer_read_seq=message.seq)
    )


def message_thumb(*, uow: UnitOfWork, open_kfid: str, user_id: int, message_id: int) -> bytes | None:
    """The thumbnail of a card the corp sent this customer (None if there is none to show them)."""
    account = live_account(uow, open_kfid)
    return uow.session.scalar(
        select(KfMessageMedia.content)
        .join(KfMessage, KfMessage.id == KfMessageMedia.message_id)
        .join(KfSession, KfSession.id == KfMessage.session_id)
        .where(
            KfMessageMedia.message_id == message_id,
            KfSession.account_id == account.id,
            KfSession.user_id == user_id,
        )
    )
