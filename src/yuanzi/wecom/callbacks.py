"""Callbacks to a corp's server (接收消息服务器): the URL check when it is set, and the
`kf_msg_or_event` event — "customers wrote; call sync_msg with this token" — encrypted and signed
with WXBizMsgCrypt (msgcrypt.py), POSTed with 5 s to answer and retried three times, as WeCom does.

A callback row is written in the same transaction as the message it announces (its own outbox);
`deliver_due` claims due rows (core/claims.py), so several processes never send one attempt twice."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx
from sqlalchemy import delete, select

from yuanzi.core import claims, ids
from yuanzi.core.errors import InvalidInput, NotFound, Problem
from yuanzi.core.uow import UnitOfWork, UnitOfWorkFactory
from yuanzi.wecom import msgcrypt
from yuanzi.wecom.models import Corp, CorpApp, KfCallback

TIMEOUT_SECONDS = 5.0
RETRIES = 3
RETRY_AFTER = dt.timedelta(seconds=5)
SYNC_TOKEN_TTL = dt.timedelta(minutes=10)
# Delivered (or given-up) callbacks are kept this long for the sandbox's delivery log, then deleted:
# their tokens lasted ten minutes.
KEEP_DONE = dt.timedelta(days=1)
_TOKEN = re.compile(r"[A-Za-z0-9]{1,32}")


@dataclasses.dataclass(frozen=True)
class Answer:
    """What the corp's server answered (status None: no answer)."""

    status_code: int | None
    text: str


Getter = Callable[[str, dict[str, str]], Answer]
Poster = Callable[[str, dict[str, str], bytes], Answer]


def http_get(url: str, params: dict[str, str]) -> Answer:
    try:
        response = httpx.get(url, params=params, timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as exc:
        return Answer(None, f"{type(exc).__name__}: {exc}"[:256])
    return Answer(response.status_code, response.text[:1024])


def http_post(url: str, params: dict[str, str], body: bytes) -> Answer:
    try:
        response = httpx.post(
            url, params=params, content=body, headers={"Content-Type": "text/xml"}, timeout=TIMEOUT_SECONDS
        )
    except httpx.HTTPError as exc:
        return Answer(None, f"{type(exc).__name__}: {exc}"[:256])
    return Answer(response.status_code, response.text[:256])


def _signed(
    token: str, encoding_aes_key: str, corpid: str, message: str, now: dt.datetime
) -> tuple[dict[str, str], str]:
    """The query (msg_signature, timestamp, nonce) and the ciphertext of `message`."""
    encrypted = msgcrypt.encrypt(msgcrypt.aes_key(encoding_aes_key), message, corpid)
    timestamp, nonce = str(int(now.timestamp())), str(secrets.randbelow(10**10))
    sign = msgcrypt.signature(token, timestamp, nonce, encrypted)
    return {"msg_signature": sign, "timestamp": timestamp, "nonce": nonce}, encrypted


def _app(uow: UnitOfWork, corpid: str, agentid: int) -> tuple[Corp, CorpApp]:
    row = uow.session.execute(
        select(Corp, CorpApp)
        .join(CorpApp, CorpApp.corp_id == Corp.id)
        .where(Corp.corpid == corpid, CorpApp.agentid == agentid)
    ).one_or_none()
    if row is None:
        raise NotFound("wecom_app", f"{corpid}/{agentid}")
    return row[0], row[1]


def configure(
    *,
    uow: UnitOfWork,
    corpid: str,
    agentid: int,
    url: str,
    token: str,
    encoding_aes_key: str,
    get: Getter = http_get,
) -> None:
    """Set where the app is called back. As WeCom does, the URL is checked first: a GET with an
    encrypted `echostr` its server must decrypt and echo (422 callback_unverified otherwise)."""
    corp, app = _app(uow, corpid, agentid)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInput("url is an http(s) URL", field="url")
    if not _TOKEN.fullmatch(token):
        raise InvalidInput("token is 1–32 letters and digits", field="token")
    try:
        msgcrypt.aes_key(encoding_aes_key)
    except msgcrypt.BadKey as exc:
        raise InvalidInput(str(exc), field="encoding_aes_key") from None
    echo = ids.random_string(20)
    query, encrypted = _signed(token, encoding_aes_key, corp.corpid, echo, uow.now())
    answer = get(url, {**query, "echostr": encrypted})
    if answer.status_code != 200 or answer.text.strip() != echo:
        got = answer.text[:80]
        raise Problem(
            422,
            "callback_unverified",
            f"the URL did not echo the decrypted echostr (status {answer.status_code}: {got!r})",
        )
    app.callback_url, app.callback_token, app.callback_aes_key = url, token, encoding_aes_key


def enqueue(uow: UnitOfWork, corp_id: int, open_kfid: str) -> None:
    """A kf_msg_or_event callback to every app of the corp with a callback URL, unless one for
    this account is still waiting to go (it announces this message too)."""
    now = uow.now()
    apps = uow.session.scalars(
        select(CorpApp).where(CorpApp.corp_id == corp_id, CorpApp.callback_url.is_not(None))
    )
    for app in apps:
        waiting = uow.session.scalar(
            select(KfCallback.id).where(
                KfCallback.app_id == app.id,
                KfCallback.open_kfid == open_kfid,
                KfCallback.next_attempt_at.is_not(None),
                KfCallback.attempts == 0,
            )
        )
        if waiting is None:
            uow.session.add(
                KfCallback(
                    app_id=app.id,
                    corp_id=corp_id,
                    open_kfid=open_kfid,
                    sync_token=ids.random_string(64),
                    created_at=now,
                    attempts=0,
                    next_attempt_at=now,
                )
            )


def token_valid(uow: UnitOfWork, corp_id: int, token: str) -> bool:
    """A callback's sync token, for ten minutes after the callback was made."""
    created = uow.session.scalar(
        select(KfCallback.created_at).where(KfCallback.sync_token == token, KfCallback.corp_id == corp_id)
    )
    return created is not None and uow.now() - created <= SYNC_TOKEN_TTL


def _event_xml(corpid: str, row: KfCallback, now: dt.datetime) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{corpid}]]></ToUserName>"
        f"<CreateTime>{int(now.timestamp())}</CreateTime>"
        "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event>"
        f"<Token><![CDATA[{row.sync_token}]]></Token><OpenKfId><![CDATA[{row.open_kfid}]]></OpenKfId></xml>"
    )


def _attempt(uow_factory: UnitOfWorkFactory, callback_id: int, post: Poster) -> None:
    with uow_factory() as uow:
        row = uow.session.get(KfCallback, callback_id)
        if row is None or row.next_attempt_at is None:
            return
        app = uow.session.get(CorpApp, row.app_id)
        corp = uow.session.get(Corp, row.corp_id)
        assert app is not None
        assert corp is not None
        now = uow.now()
        if app.callback_url is None:  # the URL was removed meanwhile
            row.next_attempt_at, row.last_result = None, "no callback URL"
            uow.commit()
            return
        assert app.callback_token is not None
        assert app.callback_aes_key is not None
        message = _event_xml(corp.corpid, row, now)
        query, encrypted = _signed(app.callback_token, app.callback_aes_key, corp.corpid, message, now)
        envelope = (
            f"<xml><ToUserName><![CDATA[{corp.corpid}]]></ToUserName>"
            f"<Encrypt><![CDATA[{encrypted}]]></Encrypt>"
            f"<AgentID><![CDATA[{app.agentid}]]></AgentID></xml>"
        )
        answer = post(app.callback_url, query, envelope.encode())
        row.attempts += 1
        row.last_result = f"{answer.status_code}: {answer.text}"[:256]
        if answer.status_code == 200:
            row.next_attempt_at, row.delivered_at = None, now
        elif row.attempts > RETRIES:
            row.next_attempt_at = None  # WeCom gives up; the next message calls back again
        else:
            row.next_attempt_at = now + RETRY_AFTER
        uow.commit()


def deliver_due(uow_factory: UnitOfWorkFactory, post: Poster = http_post, limit: int = 50) -> int:
    """Attempt every callback due on the platform clock; returns how many were attempted."""
    with uow_factory() as uow:
        claimed = claims.claim_due(uow, KfCallback.id, KfCallback.next_attempt_at, limit=limit)
    for callback_id in claimed:
        _attempt(uow_factory, callback_id, post)
    return len(claimed)


def prune(uow_factory: UnitOfWorkFactory, limit: int = 1000) -> int:
    """Delete up to `limit` callbacks done for more than a day; how many."""
    with uow_factory() as uow:
        done = list(
            uow.session.scalars(
                select(KfCallback.id)
                .where(KfCallback.next_attempt_at.is_(None), KfCallback.created_at < uow.now() - KEEP_DONE)
                .limit(limit)
            )
        )
        if done:
            uow.session.execute(delete(KfCallback).where(KfCallback.id.in_(done)))
        uow.commit()
    return len(done)


@dataclasses.dataclass(frozen=True)
class CallbackInfo:
    """A callback as the sandbox shows it."""

    open_kfid: str
    agentid: int
    attempts: int
    delivered: bool
    pending: bool
    last_result: str
    created_at: dt.datetime


def recent(uow: UnitOfWork, corpid: str, limit: int = 50) -> list[CallbackInfo]:
    """The corp's latest callbacks, newest first (the sandbox's delivery log)."""
    rows = uow.session.execute(
        select(KfCallback, CorpApp.agentid)
        .join(CorpApp, CorpApp.id == KfCallback.app_id)
        .join(Corp, Corp.id == KfCallback.corp_id)
        .where(Corp.corpid == corpid)
        .order_by(KfCallback.id.desc())
        .limit(limit)
    )
    return [
        CallbackInfo(
            open_kfid=row.open_kfid,
            agentid=agentid,
            attempts=row.attempts,
            delivered=row.delivered_at is not None,
            pending=row.next_attempt_at is not None,
            last_result=row.last_result,
            created_at=row.created_at,
        )
        for row, agentid in rows
    ]
