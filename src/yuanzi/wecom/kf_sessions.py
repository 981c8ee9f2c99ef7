"""Customer-service conversations (微信客服会话): a WeChat user and one account. The customer
writes from the phone; the corp reads with sync_msg and answers with send_msg inside WeCom's
window (48 hours and 5 messages after the customer's latest message, while the session is new
or with the bot); service_state moves the session between bot, queue, servicer and ended."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from yuanzi.core import ids
from yuanzi.core.errors import InvalidInput, NotFound, Problem, WxError
from yuanzi.core.uow import UnitOfWork
from yuanzi.wecom import callbacks, kf_content, media
from yuanzi.wecom.kf_accounts import SCENE
from yuanzi.wecom.models import (
    Corp,
    ExternalUser,
    KfAccount,
    KfEventCode,
    KfMessage,
    KfMessageMedia,
    KfSession,
)

# Service states (service_state/get): WeCom's numbers.
NEW, BOT, QUEUED, SERVICER, ENDED = 0, 1, 2, 3, 4
# Where each state may go by service_state/trans; an ended session reopens only when the customer
# writes again.
TRANSITIONS = {
    NEW: {BOT, QUEUED, SERVICER, ENDED},
    BOT: {BOT, QUEUED, SERVICER, ENDED},
    QUEUED: {QUEUED, SERVICER, ENDED},
    SERVICER: {SERVICER, ENDED},
    ENDED: set(),
}
# Origins in sync_msg: the customer, an event, a servicer in the WeCom client. What the corp sent
# with send_msg is kept with origin 0 for the customer's screen and never comes back in sync_msg.
FROM_API, FROM_CUSTOMER, EVENT, FROM_SERVICER = 0, 3, 4, 5
WELCOME_MARK = "welcome"  # kept in a welcome's content (never synced back) to tell it apart
REPLY_WINDOW = dt.timedelta(hours=48)
# The codes an event or a move hands the corp, for one message through send_msg_on_event: kind →
# (the state the session must still be in, how long the code lasts, the message types it sends).
EVENT_CODES: dict[str, tuple[int | None, dt.timedelta, tuple[str, ...]]] = {
    "welcome": (None, dt.timedelta(seconds=20), ("text", "msgmenu")),  # 欢迎语, on entry
    "queue": (QUEUED, dt.timedelta(hours=48), ("text",)),  # 排队提示语, into the queue
    "servicer": (SERVICER, dt.timedelta(hours=48), ("text",)),  # 接入提示语, to a servicer
    "end": (ENDED, dt.timedelta(seconds=20), ("text", "msgmenu")),  # 结束语, when ended
}
# The code a move into each state hands out.
CODE_FOR_STATE = {QUEUED: "queue", SERVICER: "servicer", ENDED: "end"}
REPLIES_MAX = 5
SYNC_WINDOW = dt.timedelta(days=3)
SYNC_LIMIT_MAX = 1000
CUSTOMER_TEXT_MAX = 2000  # characters, as a chat message
MSGID_SHAPE = re.compile(r"[0-9A-Za-z_\-]{1,32}")
_CLIENT_MSG_ID = re.compile(r"[0-9A-Za-z_\-]{1,64}")


@dataclasses.dataclass(frozen=True)
class KfMessageInfo:
    """A message of a conversation as the customer's phone shows it: `text` for a text message,
    a one-line summary for the others (link, miniprogram, msgmenu), whose fields are `content`."""

    message_id: int
    seq: int
    mine: bool  # the customer's own
    text: str
    sent_at: dt.datetime
    msgtype: str = "text"
    content: dict[str, Any] = dataclasses.field(default_factory=dict)
    has_thumb: bool = False


def summary(msgtype: str, content: dict[str, Any]) -> str:
    """One line for a message: its text, or what kind of card it is and its title."""
    if msgtype == "link":
        return f"[链接] {content.get('title', '')}"
    if msgtype == "miniprogram":
        return f"[小程序] {content.get('title') or content.get('appid', '')}"
    if msgtype == "image":
        return "[图片]"
    if msgtype == "msgmenu":
        first = content.get("head_content") or next(
            (item[item["type"]]["content"] for item in content.get("list", [])), ""
        )
        return f"[菜单] {first}".strip()
    return str(content.get("content", ""))


def lock_corp(uow: UnitOfWork, corp_id: int) -> Corp:
    """The corp's row, locked until commit: what writes a corp's customer-service messages (their
    sequence), answers or moves sessions takes first, once."""
    corp = uow.session.scalar(
        select(Corp).where(Corp.id == corp_id).with_for_update().execution_options(populate_existing=True)
    )
    assert corp is not None
    return corp


def external_userid(uow: UnitOfWork, corp_id: int, user_id: int) -> str:
    row = uow.session.get(ExternalUser, (corp_id, user_id))
    if row is not None:
        return row.external_userid
    try:
        with uow.session.begin_nested():
            row = ExternalUser(
                corp_id=corp_id, user_id=user_id, external_userid=ids.external_userid(), created_at=uow.now()
            )
            uow.session.add(row)
    except IntegrityError:  # the same customer's first two messages at once: theirs won
        row = uow.session.get(ExternalUser, (corp_id, user_id), populate_existing=True)
        assert row is not None
    return row.external_userid


def find_session(uow: UnitOfWork, account_id: int, user_id: int, *, fresh: bool = False) -> KfSession | None:
    """The customer's session with the account, if any (`fresh`: re-read, as after a lock)."""
    query = select(KfSession).where(KfSession.account_id == account_id, KfSession.user_id == user_id)
    if fresh:
        query = query.execution_options(populate_existing=True)
    return uow.session.scalar(query)


def _session(uow: UnitOfWork, account: KfAccount, user_id: int) -> KfSession:
    """The customer's session with the account, made (not yet started: ENDED) on first contact."""
    found = find_session(uow, account.id, user_id)
    if found is not None:
        return found
    external_userid(uow, account.corp_id, user_id)
    row = KfSession(account_id=account.id, user_id=user_id, service_state=ENDED, replies_since_customer=0)
    try:
        with uow.session.begin_nested():
            uow.session.add(row)
    except IntegrityError:
        found = find_session(uow, account.id, user_id)
        assert found is not None
        return found
    return row


def append_message(
    uow: UnitOfWork,
    session: KfSession,
    corp: Corp,
    *,
    origin: int,
    msgtype: str,
    content: dict[str, Any],
    msgid: str | None = None,
    client_msg_id: str | None = None,
    servicer_id: int | None = None,
) -> KfMessage:
    """A message in the session, numbered in the corp's sequence: `corp` is its row as `lock_corp`
    returned it, so the numbers follow the order of commits."""
    corp.kf_seq += 1
    row = KfMessage(
        msgid=msgid or ids.kf_msgid(),
        corp_id=corp.id,
        seq=corp.kf_seq,
        session_id=session.id,
        origin=origin,
        servicer_id=servicer_id,
        msgtype=msgtype,
        content=json.dumps(content, ensure_ascii=False),
        send_time=uow.now(),
        client_msg_id=client_msg_id,
    )
    uow.session.add(row)
    uow.session.flush()
    if origin != EVENT:  # what the customer's screen shows
        session.last_message_seq, session.last_message_at = row.seq, row.send_time
    if origin == FROM_CUSTOMER:  # one's own message is read
        session.customer_read_seq = row.seq
    return row


def live_account(uow: UnitOfWork, open_kfid: str) -> KfAccount:
    row = uow.session.scalar(
        select(KfAccount).where(KfAccount.open_kfid == open_kfid, KfAccount.deleted_at.is_(None))
    )
    if row is None:
        raise NotFound("kf_account", open_kfid)
    return row


def phone_message(row: KfMessage) -> KfMessageInfo:
    content = json.loads(row.content)
    content.pop(WELCOME_MARK, None)
    return KfMessageInfo(
        message_id=row.id,
        seq=row.seq,
        mine=row.origin == FROM_CUSTOMER,
        text=summary(row.msgtype, content),
        sent_at=row.send_time,
        msgtype=row.msgtype,
        content=content,
        has_thumb=row.msgtype in ("image", "link", "miniprogram"),
    )


# The customer's side (the phone).


def enter(*, uow: UnitOfWork, open_kfid: str, user_id: int, scene: str = "", scene_param: str = "") -> None:
    """The customer followed a contact link (add_contact_way): an enter_session event for the
    corp, with the link's scene."""
    if not SCENE.fullmatch(scene) or len(scene_param.encode()) > 128:
        raise InvalidInput(
            "scene is at most 32 of 0-9 A-Z a-z _ -; scene_param at most 128 bytes", field="scene"
        )
    account = live_account(uow, open_kfid)
    session = _session(uow, account, user_id)
    external = external_userid(uow, account.corp_id, user_id)
    event = {
        "event_type": "enter_session",
        "open_kfid": account.open_kfid,
        "external_userid": external,
        "scene": scene,
        "scene_param": scene_param,
    }
    if _welcome_due(uow, session):
        event["welcome_code"] = event_code(uow, session, "welcome")
    corp = lock_corp(uow, account.corp_id)
    append_message(uow, session, corp, origin=EVENT, msgtype="event", content=event)
    callbacks.enqueue(uow, account.corp_id, account.open_kfid)


def _welcome_due(uow: UnitOfWork, session: KfSession) -> bool:
    """WeCom offers a welcome (欢迎语) when the customer got none in 48 hours and the corp has sent
    them nothing in that time."""
    sent = uow.session.scalar(
        select(KfMessage.id)
        .where(
            KfMessage.session_id == session.id,
            KfMessage.origin.in_((FROM_API, FROM_SERVICER)),
            KfMessage.send_time >= uow.now() - REPLY_WINDOW,
        )
        .limit(1)
    )
    return sent is None


def event_code(uow: UnitOfWork, session: KfSession, kind: str) -> str:
    """A code for one message of `kind` (EVENT_CODES) to this session's customer."""
    code = ids.random_string(64)
    now = uow.now()
    lifetime = EVENT_CODES[kind][1]
    uow.session.add(
        KfEventCode(code=code, session_id=session.id, kind=kind, created_at=now, expires_at=now + lifetime)
    )
    return code


def _offered(uow: UnitOfWork, session: KfSession, menu_id: str) -> str:
    """The text of a click item the corp offered the customer in a menu (msgmenu) of this session."""
    menus = uow.session.scalars(
        select(KfMessage.content).where(
            KfMessage.session_id == session.id, KfMessage.origin == FROM_API, KfMessage.msgtype == "msgmenu"
        )
    )
    for content in menus:
        text = kf_content.menu_offers(json.loads(content), menu_id)
        if text is not None:
            return text
    raise InvalidInput("that menu item was not offered in this conversation", field="menu_id")


def _check_client_msg_id(client_msg_id: str | None) -> None:
    if client_msg_id is not None and not _CLIENT_MSG_ID.fullmatch(client_msg_id):
        raise InvalidInput("client_msg_id is 1–64 of A-Z a-z 0-9 _ -", field="client_msg_id")


def _locked_session(uow: UnitOfWork, account: KfAccount, user_id: int) -> tuple[Corp, KfSession]:
    """The corp's locked row and the customer's session as it is under that lock (a move by the
    corp, or the original of a retry, may have committed meanwhile)."""
    session = _session(uow, account, user_id)
    corp = lock_corp(uow, account.corp_id)
    uow.session.refresh(session)
    return corp, session


def _sent_before(uow: UnitOfWork, session: KfSession, client_msg_id: str | None) -> KfMessage | None:
    """The customer's message sent with this client_msg_id, if any (asked under the corp's lock,
    so a retry racing its original waits, then finds it)."""
    if client_msg_id is None:
        return None
    return uow.session.scalar(
        select(KfMessage).where(KfMessage.session_id == session.id, KfMessage.client_msg_id == client_msg_id)
    )


def _customer_wrote(
    uow: UnitOfWork,
    corp: Corp,
    account: KfAccount,
    session: KfSession,
    msgtype: str,
    content: dict[str, Any],
    client_msg_id: str | None,
    picture: bytes | None = None,
) -> KfMessageInfo:
    """Store what the customer sent; an ended session reopens as new, the corp's reply window
    opens again (48 hours, 5 messages), and the corp is called back."""
    row = append_message(
        uow,
        session,
        corp,
        origin=FROM_CUSTOMER,
        msgtype=msgtype,
        content=content,
        client_msg_id=client_msg_id,
    )
    if picture is not None:
        uow.session.add(KfMessageMedia(message_id=row.id, content=picture))
    if session.service_state == ENDED:
        session.service_state, session.servicer_id = NEW, None
    session.last_customer_at = uow.now()
    session.replies_since_customer = 0
    callbacks.enqueue(uow, account.corp_id, account.open_kfid)
    return phone_message(row)


def customer_send(
    *,
    uow: UnitOfWork,
    open_kfid: str,
    user_id: int,
    text: str,
    client_msg_id: str | None,
    menu_id: str | None = None,
) -> KfMessageInfo:
    """The customer writes (1–2000 characters), or taps a menu item the corp offered (`menu_id`:
    its text is sent, with the id, as WeChat does). The same `client_msg_id` again returns the
    message sent the first time (409 client_msg_id_reused with other text)."""
    _check_client_msg_id(client_msg_id)
    account = live_account(uow, open_kfid)
    corp, session = _locked_session(uow, account, user_id)
    if menu_id is not None:
        text = _offered(uow, session, menu_id)
    text = text.strip()
    if not text or len(text) > CUSTOMER_TEXT_MAX:
        raise InvalidInput(f"a message is 1–{CUSTOMER_TEXT_MAX} characters", field="text")
    sent = _sent_before(uow, session, client_msg_id)
    if sent is not None:
        if phone_message(sent).text != text:
            raise Problem(409, "client_msg_id_reused", "this client_msg_id was sent with other text")
        return phone_message(sent)
    content = {"content": text, "menu_id": menu_id} if menu_id else {"content": text}
    return _customer_wrote(uow, corp, account, session, "text", content, client_msg_id)


def customer_send_image(
    *, uow: UnitOfWork, open_kfid: str, user_id: int, data: BinaryIO, size: int, client_msg_id: str | None
) -> KfMessageInfo:
    """The customer sends a picture (an image Pillow reads, 5 B–10 MB: 422 otherwise). The corp
    gets it as temporary media (`image.media_id` in sync_msg, media/get for three days); the
    conversation keeps its own copy. A repeated `client_msg_id` returns the first one."""
    _check_client_msg_id(client_msg_id)
    account = live_account(uow, open_kfid)
    try:  # the picture is read before the corp's lock is taken: it may take a while
        content = media.image_content(type="image", data=data, size=size)
    except WxError as refused:
        raise InvalidInput(f"not a picture yuanzi can keep: {refused.errmsg}", field="image") from None
    corp, session = _locked_session(uow, account, user_id)
    sent = _sent_before(uow, session, client_msg_id)
    if sent is not None:
        if sent.msgtype != "image":
            raise Problem(409, "client_msg_id_reused", "this client_msg_id was sent with a text")
        return phone_message(sent)
    kept = media.keep(uow, account.corp_id, content)
    return _customer_wrote(
        uow, corp, account, session, "image", {"media_id": kept.media_id}, client_msg_id, content
    )


def conversation(
    *, uow: UnitOfWork, open_kfid: str, user_id: int, since: int | None = None, limit: int = 100
) -> list[KfMessageInfo]:
    """The customer's messages and the corp's answers, oldest first: the latest `limit`, or those
    after `since` (a seq, what the phone has seen)."""
    account = live_account(uow, open_kfid)
    session = find_session(uow, account.id, user_id)
    if session is None:
        return []
    query = select(KfMessage).where(
        KfMessage.session_id == session.id,
        KfMessage.origin.in_((FROM_API, FROM_CUSTOMER, FROM_SERVICER)),
    )
    if since is None:
        latest = uow.session.scalars(query.order_by(KfMessage.seq.desc()).limit(limit))
        return [phone_message(row) for row in reversed(list(latest))]
    rows = uow.session.scalars(query.where(KfMessage.seq > since).order_by(KfMessage.seq).limit(limit))
    return [phone_message(row) for row in rows]
