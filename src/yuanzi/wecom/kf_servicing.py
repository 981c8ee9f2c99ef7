"""Servicers (接待人员) at work, as WeCom's client lets them: the sessions waiting in an account's
queue or assigned to them, taking one from the queue, answering, and ending it. What they do
reaches the corp's server like customers' messages — `sync_msg` (origin 5 with the servicer's
userid, and session_status_change events) and the kf_msg_or_event callback."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from yuanzi.core.errors import InvalidInput, NotFound, Problem
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.wecom import callbacks
from yuanzi.wecom.corps import staff_row
from yuanzi.wecom.kf_sessions import (
    CUSTOMER_TEXT_MAX,
    ENDED,
    EVENT,
    FROM_SERVICER,
    QUEUED,
    REPLY_WINDOW,
    SERVICER,
    KfMessageInfo,
    append_message,
    event_code,
    external_userid,
    lock_corp,
    phone_message,
)
from yuanzi.wecom.models import Corp, KfAccount, KfMessage, KfServicer, KfSession, Staff

# session_status_change's change_type: taken from the queue, transferred, ended, reopened.
TAKEN, TRANSFERRED, ENDED_BY_SERVICER = 1, 2, 3


@dataclasses.dataclass(frozen=True)
class WorkItem:
    """A session on a servicer's workbench."""

    session_id: int
    corp_name: str
    account_name: str
    customer_name: str
    service_state: int
    last_text: str
    last_at: dt.datetime | None


def link_member(*, uow: UnitOfWork, corp_id: int, userid: str, user_id: int) -> None:
    """Let a yuanzi user sign in as this member (sandbox: their WeCom client on the phone)."""
    identity_service.get_user(uow=uow, user_id=user_id)  # 404 user_not_found
    staff_row(uow, corp_id, userid).user_id = user_id


def _members(uow: UnitOfWork, user_id: int) -> list[Staff]:
    return list(uow.session.scalars(select(Staff).where(Staff.user_id == user_id)))


def is_member(*, uow: UnitOfWork, user_id: int) -> bool:
    """Whether the user is a member of any corp (the phone shows them the workbench)."""
    return bool(_members(uow, user_id))


def _work_items(uow: UnitOfWork, user_id: int, session_id: int | None) -> list[WorkItem]:
    staff_ids = [staff.id for staff in _members(uow, user_id)]
    if not staff_ids:
        return []
    served = select(KfServicer.account_id).where(KfServicer.staff_id.in_(staff_ids))
    query = (
        select(KfSession, KfAccount.name, Corp.name, KfMessage)
        .join(KfAccount, KfAccount.id == KfSession.account_id)
        .join(Corp, Corp.id == KfAccount.corp_id)
        # The latest message the conversation shows (events excluded), kept on the session.
        .outerjoin(KfMessage, (KfMessage.corp_id == Corp.id) & (KfMessage.seq == KfSession.last_message_seq))
        .where(
            KfAccount.deleted_at.is_(None),
            ((KfSession.service_state == SERVICER) & KfSession.servicer_id.in_(staff_ids))
            | ((KfSession.service_state == QUEUED) & KfSession.account_id.in_(served)),
        )
    )
    if session_id is not None:
        query = query.where(KfSession.id == session_id)
    rows = uow.session.execute(query.order_by(KfSession.last_message_at.desc()).limit(200)).all()
    users = identity_service.get_users(uow=uow, user_ids=[row[0].user_id for row in rows])
    items = []
    for session, account_name, corp_name, last in rows:
        customer = users.get(session.user_id)
        items.append(
            WorkItem(
                session_id=session.id,
                corp_name=corp_name,
                account_name=account_name,
                customer_name=customer.nickname if customer else "",
                service_state=session.service_state,
                last_text=phone_message(last).text if last else "",
                last_at=session.last_message_at,
            )
        )
    return items


def workbench(*, uow: UnitOfWork, user_id: int) -> list[WorkItem]:
    """The sessions assigned to the user (as any corp's member) and those queued for accounts
    they serve, the latest first."""
    return _work_items(uow, user_id, None)


def work_item(*, uow: UnitOfWork, user_id: int, session_id: int) -> WorkItem | None:
    """One session of the user's workbench (None if it is not on it)."""
    found = _work_items(uow, user_id, session_id)
    return found[0] if found else None


def _session_for(uow: UnitOfWork, user_id: int, session_id: int) -> tuple[KfSession, KfAccount, Staff]:
    """The session and the user's membership in its corp; 404 unless it is theirs to see (assigned
    to them, or queued for an account they serve)."""
    row = uow.session.execute(
        select(KfSession, KfAccount)
        .join(KfAccount, KfAccount.id == KfSession.account_id)
        .where(KfSession.id == session_id, KfAccount.deleted_at.is_(None))
    ).one_or_none()
    if row is None:
        raise NotFound("kf_session", session_id)
    session, account = row
    staff = uow.session.scalar(
        select(Staff).where(Staff.corp_id == account.corp_id, Staff.user_id == user_id)
    )
    serves = staff is not None and uow.session.get(KfServicer, (account.id, staff.id)) is not None
    visible = staff is not None and (
        (session.service_state == SERVICER and session.servicer_id == staff.id)
        or (session.service_state == QUEUED and serves)
    )
    if not visible or staff is None:
        raise NotFound("kf_session", session_id)
    return session, account, staff


def _status_event(
    uow: UnitOfWork, corp: Corp, session: KfSession, account: KfAccount, change_type: int, **servicers: str
) -> None:
    event = {
        "event_type": "session_status_change",
        "open_kfid": account.open_kfid,
        "external_userid": external_userid(uow, account.corp_id, session.user_id),
        "change_type": change_type,
        **servicers,
    }
    append_message(uow, session, corp, origin=EVENT, msgtype="event", content=event)
    callbacks.enqueue(uow, account.corp_id, account.open_kfid)


def take(*, uow: UnitOfWork, user_id: int, session_id: int) -> None:
    """接入: a servicer takes a queued session; it is theirs (state 3). 409 if someone was faster."""
    session, account, staff = _session_for(uow, user_id, session_id)
    corp = lock_corp(uow, account.corp_id)
    uow.session.refresh(session)
    if session.service_state != QUEUED:
        raise Problem(409, "not_queued", "this session is no longer waiting in the queue")
    session.service_state, session.servicer_id = SERVICER, staff.id
    code = event_code(uow, session, "servicer")
    _status_event(uow, corp, session, account, TAKEN, new_servicer_userid=staff.userid, msg_code=code)


def history(
    *, uow: UnitOfWork, user_id: int, session_id: int, since: int | None = None
) -> list[KfMessageInfo]:
    """The conversation as the servicer sees it (`mine`: the corp's side), oldest first."""
    session, _, _ = _session_for(uow, user_id, session_id)
    query = select(KfMessage).where(KfMessage.session_id == session.id, KfMessage.origin != EVENT)
    if since is not None:
        query = query.where(KfMessage.seq > since)
    rows = list(uow.session.scalars(query.order_by(KfMessage.seq.desc()).limit(100)))
    return [dataclasses.replace(m, mine=not m.mine) for m in map(phone_message, reversed(rows))]


def answer(*, uow: UnitOfWork, user_id: int, session_id: int, text: str) -> KfMessageInfo:
    """A servicer answers a session assigned to them (409 otherwise), within 48 hours of the
    customer's latest message (409 reply_window_passed)."""
    session, account, staff = _session_for(uow, user_id, session_id)
    corp = lock_corp(uow, account.corp_id)
    uow.session.refresh(session)
    if session.service_state != SERVICER or session.servicer_id != staff.id:
        raise Problem(409, "not_yours", "take the session from the queue first")
    text = text.strip()
    if not text or len(text) > CUSTOMER_TEXT_MAX:
        raise InvalidInput(f"a message is 1–{CUSTOMER_TEXT_MAX} characters", field="text")
    if session.last_customer_at is None or uow.now() - session.last_customer_at > REPLY_WINDOW:
        raise Problem(
            409, "reply_window_passed", "WeCom allows answers within 48 hours of the customer's message"
        )
    row = append_message(
        uow,
        session,
        corp,
        origin=FROM_SERVICER,
        msgtype="text",
        content={"content": text},
        servicer_id=staff.id,
    )
    callbacks.enqueue(uow, account.corp_id, account.open_kfid)
    return dataclasses.replace(phone_message(row), mine=True)


def end(*, uow: UnitOfWork, user_id: int, session_id: int) -> None:
    """A servicer ends a session assigned to them (state 4)."""
    session, account, staff = _session_for(uow, user_id, session_id)
    corp = lock_corp(uow, account.corp_id)
    uow.session.refresh(session)
    if session.service_state != SERVICER or session.servicer_id != staff.id:
        raise Problem(409, "not_yours", "only the servicer of a session ends it")
    session.service_state, session.servicer_id = ENDED, None
    code = event_code(uow, session, "end")
    _status_event(
        uow, corp, session, account, ENDED_BY_SERVICER, old_servicer_userid=staff.userid, msg_code=code
    )


def colleagues(*, uow: UnitOfWork, user_id: int, session_id: int) -> list[tuple[str, str]]:
    """The other servicers of a session's account (userid, name): whom it may be handed to."""
    _, account, staff = _session_for(uow, user_id, session_id)
    rows = uow.session.execute(
        select(Staff.userid, Staff.name)
        .join(KfServicer, KfServicer.staff_id == Staff.id)
        .where(KfServicer.account_id == account.id, Staff.id != staff.id)
        .order_by(KfServicer.added_at, Staff.id)
    )
    return [(userid, name) for userid, name in rows]


def hand_over(*, uow: UnitOfWork, user_id: int, session_id: int, to_userid: str) -> None:
    """转接: a servicer hands a session assigned to them to another servicer of the account (422
    if they are not one); the corp sees a session_status_change with change_type 2."""
    session, account, staff = _session_for(uow, user_id, session_id)
    corp = lock_corp(uow, account.corp_id)
    uow.session.refresh(session)
    if session.service_state != SERVICER or session.servicer_id != staff.id:
        raise Problem(409, "not_yours", "only the servicer of a session hands it over")
    other = uow.session.scalar(
        select(Staff).where(Staff.corp_id == account.corp_id, Staff.userid == to_userid)
    )
    if other is None or other.id == staff.id or uow.session.get(KfServicer, (account.id, other.id)) is None:
        raise InvalidInput("hand it to another servicer of this account", field="userid")
    session.servicer_id = other.id
    _status_event(
        uow,
        corp,
        session,
        account,
        TRANSFERRED,
        old_servicer_userid=staff.userid,
        new_servicer_userid=other.userid,
    )
