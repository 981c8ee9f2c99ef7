"""The corp's side of customer-service conversations: sync_msg (what customers wrote, and events),
send_msg (answers, inside WeCom's reply window), service_state get / trans, customer/batchget."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from sqlalchemy import func, select

from yuanzi.core.errors import WxError
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.wecom import callbacks, kf_content
from yuanzi.wecom.corps import CorpInfo, staff_row
from yuanzi.wecom.kf_accounts import account_row, is_servicer
from yuanzi.wecom.kf_sessions import (
    BOT,
    CODE_FOR_STATE,
    ENDED,
    EVENT,
    EVENT_CODES,
    FROM_API,
    FROM_SERVICER,
    MSGID_SHAPE,
    NEW,
    REPLIES_MAX,
    REPLY_WINDOW,
    SERVICER,
    SYNC_LIMIT_MAX,
    SYNC_WINDOW,
    TRANSITIONS,
    WELCOME_MARK,
    append_message,
    event_code,
    find_session,
    lock_corp,
)
from yuanzi.wecom.models import (
    Corp,
    ExternalUser,
    KfAccount,
    KfEventCode,
    KfMessage,
    KfMessageMedia,
    KfSession,
    Staff,
)

CURSOR_PREFIX = "kf"
BATCH_MAX = 100


@dataclasses.dataclass(frozen=True)
class SyncPage:
    msg_list: list[dict[str, Any]]
    next_cursor: str
    has_more: bool


def _cursor_seq(cursor: object) -> int:
    if cursor in (None, ""):
        return 0
    if not isinstance(cursor, str) or len(cursor) > 64 or not cursor.startswith(CURSOR_PREFIX):
        raise WxError(40058, "invalid cursor")
    try:
        return int(cursor.removeprefix(CURSOR_PREFIX), 16)
    except ValueError:
        raise WxError(40058, "invalid cursor") from None


def _cursor(seq: int) -> str:
    return f"{CURSOR_PREFIX}{seq:x}"


def _sync_item(row: KfMessage, open_kfid: str, external_userid: str, servicer: str | None) -> dict[str, Any]:
    content = json.loads(row.content)
    base = {"msgid": row.msgid, "send_time": int(row.send_time.timestamp()), "origin": row.origin}
    if row.origin == EVENT:  # an event names its account and customer inside `event`
        return {**base, "msgtype": "event", "event": content}
    item = {**base, "open_kfid": open_kfid, "external_userid": external_userid, "msgtype": row.msgtype}
    if row.origin == FROM_SERVICER and servicer:
        item["servicer_userid"] = servicer
    item[row.msgtype] = content
    return item


def sync(
    *, uow: UnitOfWork, corp: CorpInfo, cursor: object, limit: object, open_kfid: object, token: object = None
) -> SyncPage:
    """sync_msg: the corp's messages after `cursor` (from the start of the last three days when
    empty), at most `limit` (1–1000), of one account if `open_kfid` is given. What the corp sent
    with send_msg never comes back. A `token` must be a callback's, at most ten minutes old
    (95007); without one the call is served all the same (WeCom only limits its rate)."""
    if token not in (None, "") and (
        not isinstance(token, str) or not callbacks.token_valid(uow, corp.corp_id, token)
    ):
        raise WxError(95007, "invalid msg token")
    after = _cursor_seq(cursor)
    cutoff = uow.now() - SYNC_WINDOW
    window_start = uow.session.scalar(
        select(func.min(KfMessage.seq)).where(
            KfMessage.corp_id == corp.corp_id, KfMessage.send_time >= cutoff
        )
    )
    if limit is None:
        limit = SYNC_LIMIT_MAX
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= SYNC_LIMIT_MAX:
        raise WxError(40058, f"invalid limit: 1–{SYNC_LIMIT_MAX}")
    if window_start is None:  # nothing in the last three days
        return SyncPage(msg_list=[], next_cursor=_cursor(after), has_more=False)
    after = max(after, window_start - 1)  # what is older than three days is never read
    query = (
        select(KfMessage, KfAccount.open_kfid, ExternalUser.external_userid, Staff.userid)
        .join(KfSession, KfSession.id == KfMessage.session_id)
        .join(KfAccount, KfAccount.id == KfSession.account_id)
        .join(
            ExternalUser,
            (ExternalUser.corp_id == KfMessage.corp_id) & (ExternalUser.user_id == KfSession.user_id),
        )
        .outerjoin(Staff, Staff.id == KfMessage.servicer_id)
        .where(
            KfMessage.corp_id == corp.corp_id,
            KfMessage.seq > after,
            KfMessage.origin != FROM_API,
            KfMessage.send_time >= cutoff,
        )
    )
    if open_kfid not in (None, ""):
        query = query.where(KfAccount.id == account_row(uow, corp.corp_id, open_kfid).id)
    rows = uow.session.execute(query.order_by(KfMessage.seq).limit(limit + 1)).all()
    page = rows[:limit]
    last = page[-1][0].seq if page else after
    return SyncPage(
        msg_list=[_sync_item(row, kfid, external, servicer) for row, kfid, external, servicer in page],
        next_cursor=_cursor(last),
        has_more=len(rows) > limit,
    )


def _customer(uow: UnitOfWork, corp_id: int, external_userid: object) -> ExternalUser:
    if not isinstance(external_userid, str) or not external_userid:
        raise WxError(40096, "invalid external userid")
    row = uow.session.scalar(
        select(ExternalUser).where(
            ExternalUser.corp_id == corp_id, ExternalUser.external_userid == external_userid
        )
    )
    if row is None:
        raise WxError(40096, "invalid external userid")
    return row


def _session_of(uow: UnitOfWork, account: KfAccount, customer: ExternalUser) -> KfSession | None:
    return find_session(uow, account.id, customer.user_id, fresh=True)


def _check_msgid(msgid: object) -> str | None:
    """The caller's own msgid, if given: at most 32 of [0-9A-Za-z_-] (40058)."""
    if msgid is not None and (not isinstance(msgid, str) or not MSGID_SHAPE.fullmatch(msgid)):
        raise WxError(40058, "invalid msgid: at most 32 of 0-9 A-Z a-z _ -")
    return msgid


def _send_checked(
    uow: UnitOfWork, locked: Corp, session: KfSession, outgoing: kf_content.Outgoing, msgid: str | None
) -> KfMessage:
    row = append_message(
        uow,
        session,
        locked,
        origin=FROM_API,
        msgtype=outgoing.msgtype,
        content=outgoing.content,
        msgid=msgid,
    )
    if outgoing.picture is not None:
        uow.session.add(KfMessageMedia(message_id=row.id, content=outgoing.picture))
    return row


def _already_sent(
    uow: UnitOfWork, corp: CorpInfo, session: KfSession | None, msgid: str, outgoing: kf_content.Outgoing
) -> bool:
    """Whether this msgid was sent already — the same message to the same customer (a retry) —
    or 40058 when it names another message."""
    sent = uow.session.scalar(
        select(KfMessage).where(KfMessage.corp_id == corp.corp_id, KfMessage.msgid == msgid)
    )
    if sent is None:
        return False
    stored = json.loads(sent.content)
    stored.pop(WELCOME_MARK, None)
    if (
        session is None
        or sent.session_id != session.id
        or (sent.msgtype, stored) != (outgoing.msgtype, outgoing.content)
    ):
        raise WxError(40058, "msgid duplicated")
    return True


def send(*, uow: UnitOfWork, corp: CorpInfo, body: dict[str, Any]) -> str:
    """send_msg: an answer to a customer (text, link, miniprogram or msgmenu); its msgid. Only
    while the session is new or with the bot (95018), within 48 hours of the customer's latest
    message (95002), at most 5 answers to it (95001). A msgid of the caller's own that was
    already sent returns it again instead of sending twice (the same customer and message;
    otherwise 40058)."""
    locked = lock_corp(uow, corp.corp_id)  # sends to one corp are serialised: the 5-answer count holds
    account = account_row(uow, corp.corp_id, body.get("open_kfid"))
    customer = _customer(uow, corp.corp_id, body.get("touser"))
    outgoing = kf_content.outgoing(uow, corp.corp_id, body)
    msgid = _check_msgid(body.get("msgid"))
    session = _session_of(uow, account, customer)
    if msgid is not None and _already_sent(uow, corp, session, msgid, outgoing):
        return msgid
    if session is None or session.service_state not in (NEW, BOT):
        raise WxError(95018, "send msg session status invalid")
    if session.last_customer_at is None or uow.now() - session.last_customer_at > REPLY_WINDOW:
        raise WxError(95002, "send msg time limit: 48 hours after the customer's latest message")
    if session.replies_since_customer >= REPLIES_MAX:
        raise WxError(95001, f"send msg count limit: {REPLIES_MAX} after the customer's latest message")
    row = _send_checked(uow, locked, session, outgoing, msgid)
    session.replies_since_customer += 1
    return row.msgid


def send_on_event(*, uow: UnitOfWork, corp: CorpInfo, body: dict[str, Any]) -> str:
    """send_msg_on_event: the one message a code allows — the welcome (欢迎语) an enter_session
    event's `welcome_code` offers (20 s), or the notice a move hands out as `msg_code`: into the
    queue or to a servicer (48 h, text, while the session stays there), ended (20 s). A code that
    is not the corp's, was used, expired or outlived its state is 40058 (WeCom's own codes for
    these are undocumented). A msgid of the caller's own works as in send_msg."""
    locked = lock_corp(uow, corp.corp_id)
    code = body.get("code")
    row = (
        uow.session.execute(
            select(KfEventCode, KfSession)
            .join(KfSession, KfSession.id == KfEventCode.session_id)
            .join(KfAccount, KfAccount.id == KfSession.account_id)
            .where(KfEventCode.code == code, KfAccount.corp_id == corp.corp_id)
        ).one_or_none()
        if isinstance(code, str) and code
        else None
    )
    if row is None:
        raise WxError(40058, "invalid code")
    code_row, session = row
    needed_state, _, msgtypes = EVENT_CODES[code_row.kind]
    outgoing = kf_content.outgoing(uow, corp.corp_id, body, allowed=msgtypes)
    msgid = _check_msgid(body.get("msgid"))
    if msgid is not None and _already_sent(uow, corp, session, msgid, outgoing):
        return msgid
    if code_row.used_at is not None:
        raise WxError(40058, "code has been used")
    if uow.now() > code_row.expires_at:
        raise WxError(40058, "code expired")
    if needed_state is not None and session.service_state != needed_state:
        raise WxError(40058, "code outlived its state: the session has moved on")
    if code_row.kind == "welcome":
        outgoing = kf_content.Outgoing(outgoing.msgtype, {**outgoing.content, WELCOME_MARK: True})
    sent = _send_checked(uow, locked, session, outgoing, msgid)
    code_row.used_at = uow.now()
    return sent.msgid


def service_state(
    *, uow: UnitOfWork, corp: CorpInfo, open_kfid: object, external_userid: object
) -> tuple[int, str]:
    """service_state/get: the session's state and its servicer's userid ("" when none)."""
    account = account_row(uow, corp.corp_id, open_kfid)
    session = _session_of(uow, account, _customer(uow, corp.corp_id, external_userid))
    if session is None:
        return ENDED, ""
    servicer = uow.session.get(Staff, session.servicer_id) if session.servicer_id else None
    return session.service_state, servicer.userid if servicer else ""


def transfer(
    *,
    uow: UnitOfWork,
    corp: CorpInfo,
    open_kfid: object,
    external_userid: object,
    state: object,
    servicer_userid: object,
) -> str | None:
    """service_state/trans: to the bot, the queue, a servicer (who must serve the account: 95014)
    or ended; a move into the queue, to a servicer or to the end hands out a `msg_code` for one
    notice (send_msg_on_event). 95016 for a move WeCom does not allow (an ended session reopens
    only when the customer writes)."""
    lock_corp(uow, corp.corp_id)
    account = account_row(uow, corp.corp_id, open_kfid)
    session = _session_of(uow, account, _customer(uow, corp.corp_id, external_userid))
    if not isinstance(state, int) or isinstance(state, bool) or state not in TRANSITIONS:
        raise WxError(40058, "invalid service_state: 0–4")
    current = session.service_state if session else ENDED
    if session is None or state not in TRANSITIONS[current]:
        raise WxError(95016, "invalid service_state transition")
    servicer_id = None
    if state == SERVICER:
        if not isinstance(servicer_userid, str) or not servicer_userid:
            raise WxError(95014, "servicer_userid is not a servicer of this account")
        try:
            staff = staff_row(uow, corp.corp_id, servicer_userid)
        except WxError:
            raise WxError(95014, "servicer_userid is not a servicer of this account") from None
        if not is_servicer(uow, account.id, staff.id):
            raise WxError(95014, "servicer_userid is not a servicer of this account")
        servicer_id = staff.id
    moved = state != current
    session.service_state, session.servicer_id = state, servicer_id
    kind = CODE_FOR_STATE.get(state)
    return event_code(uow, session, kind) if moved and kind else None


def customers(
    *, uow: UnitOfWork, corp: CorpInfo, external_userids: object, with_context: bool
) -> tuple[list[dict[str, Any]], list[str]]:
    """customer/batchget: each known customer's nickname (and how they last entered, within 48
    hours, when asked); the external_userids the corp does not know."""
    if not isinstance(external_userids, list) or not 1 <= len(external_userids) <= BATCH_MAX:
        raise WxError(40058, f"external_userid_list names 1–{BATCH_MAX} customers")
    if not all(isinstance(e, str) for e in external_userids):
        raise WxError(47001, "data format error")
    rows = {
        row.external_userid: row
        for row in uow.session.scalars(
            select(ExternalUser).where(
                ExternalUser.corp_id == corp.corp_id, ExternalUser.external_userid.in_(external_userids)
            )
        )
    }
    users = identity_service.get_users(uow=uow, user_ids=[row.user_id for row in rows.values()])
    found, invalid = [], []
    for external in dict.fromkeys(external_userids):
        row = rows.get(external)
        if row is None or row.user_id not in users:
            invalid.append(external)
            continue
        customer: dict[str, Any] = {
            "external_userid": external,
            "nickname": users[row.user_id].nickname,
            "avatar": "",
            "gender": 0,
            "unionid": "",
        }
        if with_context:
            customer["enter_session_context"] = _entered(uow, corp.corp_id, row.user_id)
        found.append(customer)
    return found, invalid


def _entered(uow: UnitOfWork, corp_id: int, user_id: int) -> dict[str, Any]:
    """How the customer last entered a session of the corp within 48 hours ({} if not)."""
    content = uow.session.scalar(
        select(KfMessage.content)
        .join(KfSession, KfSession.id == KfMessage.session_id)
        .where(
            KfMessage.corp_id == corp_id,
            KfSession.user_id == user_id,
            KfMessage.origin == EVENT,
            KfMessage.send_time >= uow.now() - REPLY_WINDOW,
        )
        .order_by(KfMessage.seq.desc())
        .limit(1)
    )
    if content is None:
        return {}
    event = json.loads(content)
    return {"scene": event.get("scene", ""), "scene_param": event.get("scene_param", "")}
