"""Callbacks to merchants (TRANSACTION.SUCCESS, REFUND.*…): encrypted, signed, retried on WeChat's
schedule driven by the platform clock, and persisted so a restart loses none.

A notification row is written in the same transaction as the change it reports (it is its own
outbox). `deliver_due` claims due rows with an atomic UPDATE (so several processes never send the
same attempt twice), POSTs them, and records each attempt.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from collections.abc import Callable
from enum import StrEnum
from typing import Any

import httpx
from sqlalchemy import select, update

from yuanzi.core import claims, crypto
from yuanzi.core.errors import NotFound
from yuanzi.core.uow import UnitOfWork, UnitOfWorkFactory
from yuanzi.pay.merchants import callback_signer
from yuanzi.pay.models import Merchant, Notification, NotificationAttempt
from yuanzi.pay.protocol import signature_headers
from yuanzi.pay.wire import rfc3339

# After a failed attempt the next one waits this long (WeChat's documented schedule, 24 h 4 min).
RETRY_SCHEDULE = tuple(
    dt.timedelta(seconds=s)
    for s in (15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600)
)
TIMEOUT_SECONDS = 5.0


class NotificationState(StrEnum):
    """Where a notification is in its life."""

    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"  # the schedule ran out; a replay starts it again


@dataclasses.dataclass(frozen=True)
class PostResult:
    """What the merchant's server answered (status None: no answer)."""

    status_code: int | None
    detail: str


Poster = Callable[[str, bytes, dict[str, str]], PostResult]


def http_post(url: str, body: bytes, headers: dict[str, str]) -> PostResult:
    """POST a notification the way WeChat does: JSON, 5 s to answer."""
    try:
        response = httpx.post(url, content=body, headers=headers, timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as exc:
        return PostResult(None, f"{type(exc).__name__}: {exc}"[:256])
    return PostResult(response.status_code, response.text[:256])


def enqueue(
    uow: UnitOfWork,
    *,
    mchid: str,
    notify_url: str,
    event_type: str,
    summary: str,
    original_type: str,
    subject: str,
    resource: dict[str, Any],
) -> str:
    """Record a notification for delivery as soon as this unit of work commits; returns its id."""
    merchant = uow.session.get(Merchant, mchid)
    assert merchant is not None
    now = uow.now()
    nonce = crypto.nonce(12)
    plaintext = json.dumps(resource, ensure_ascii=False, separators=(",", ":"))
    notification_id = str(uuid.uuid4())
    body = {
        "id": notification_id,
        "create_time": rfc3339(now),
        "resource_type": "encrypt-resource",
        "event_type": event_type,
        "summary": summary,
        "resource": {
            "original_type": original_type,
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": crypto.aead_encrypt(merchant.apiv3_key.encode(), nonce, original_type, plaintext),
            "associated_data": original_type,
            "nonce": nonce,
        },
    }
    uow.session.add(
        Notification(
            id=notification_id,
            mchid=mchid,
            event_type=event_type,
            subject=subject,
            notify_url=notify_url,
            body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
            state=NotificationState.PENDING.value,
            attempts=0,
            schedule_index=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
    return notification_id


def _injected_failure(uow: UnitOfWork, mchid: str) -> bool:
    result = uow.session.execute(
        update(Merchant)
        .where(Merchant.mchid == mchid, Merchant.fail_notifications > 0)
        .values(fail_notifications=Merchant.fail_notifications - 1)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def _attempt(uow_factory: UnitOfWorkFactory, notification_id: str, post: Poster) -> None:
    with uow_factory() as uow:
        row = uow.session.get(Notification, notification_id)
        if row is None or row.state != NotificationState.PENDING.value:
            return
        if _injected_failure(uow, row.mchid):
            result = PostResult(None, "sandbox: failure injected")
        else:
            serial, key = callback_signer(uow, row.mchid)
            body = row.body.encode()
            headers = {
                "Content-Type": "application/json",
                "User-Agent": "Mozilla/4.0",
                **signature_headers(key, serial, body),
            }
            result = post(row.notify_url, body, headers)
        _record(uow, row, result)
        uow.commit()


def _record(uow: UnitOfWork, row: Notification, result: PostResult) -> None:
    now = uow.now()
    delivered = result.status_code is not None and 200 <= result.status_code < 300
    row.attempts += 1
    uow.session.add(
        NotificationAttempt(
            notification_id=row.id,
            attempted_at=now,
            status_code=result.status_code,
            outcome="delivered" if delivered else "failed",
            detail=result.detail[:256],
        )
    )
    if delivered:
        row.state = NotificationState.DELIVERED.value
        row.delivered_at = now
        row.next_attempt_at = None
    elif row.schedule_index < len(RETRY_SCHEDULE):
        row.next_attempt_at = now + RETRY_SCHEDULE[row.schedule_index]
        row.schedule_index += 1
    else:
        row.state = NotificationState.FAILED.value
        row.next_attempt_at = None


def deliver_due(uow_factory: UnitOfWorkFactory, post: Poster = http_post, limit: int = 50) -> int:
    """Attempt every notification due on the platform clock; returns how many were attempted."""
    with uow_factory() as uow:
        claimed = claims.claim_due(
            uow,
            Notification.id,
            Notification.next_attempt_at,
            limit=limit,
            where=(Notification.state == NotificationState.PENDING.value,),
        )
    for notification_id in claimed:
        _attempt(uow_factory, notification_id, post)
    return len(claimed)


@dataclasses.dataclass(frozen=True)
class AttemptInfo:
    """One delivery attempt."""

    attempted_at: dt.datetime
    status_code: int | None
    outcome: str
    detail: str


@dataclasses.dataclass(frozen=True)
class NotificationInfo:
    """A notification as the console and the sandbox show it."""

    id: str
    mchid: str
    event_type: str
    subject: str
    notify_url: str
    state: str
    attempts: list[AttemptInfo]
    next_attempt_at: dt.datetime | None
    created_at: dt.datetime
    delivered_at: dt.datetime | None


def _info(uow: UnitOfWork, row: Notification) -> NotificationInfo:
    attempts = uow.session.scalars(
        select(NotificationAttempt)
        .where(NotificationAttempt.notification_id == row.id)
        .order_by(NotificationAttempt.id)
    )
    return NotificationInfo(
        id=row.id,
        mchid=row.mchid,
        event_type=row.event_type,
        subject=row.subject,
        notify_url=row.notify_url,
        state=row.state,
        attempts=[AttemptInfo(a.attempted_at, a.status_code, a.outcome, a.detail) for a in attempts],
        next_attempt_at=row.next_attempt_at,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
    )


def list_notifications(*, uow: UnitOfWork, mchid: str, limit: int = 50) -> list[NotificationInfo]:
    """The merchant's notifications, newest first, each with its attempts."""
    rows = uow.session.scalars(
        select(Notification)
        .where(Notification.mchid == mchid)
        .order_by(Notification.created_at.desc(), Notification.id)
        .limit(limit)
    )
    return [_info(uow, row) for row in rows]


def get_notification(*, uow: UnitOfWork, notification_id: str) -> NotificationInfo:
    """One notification, or NotFound."""
    row = uow.session.get(Notification, notification_id)
    if row is None:
        raise NotFound("notification", notification_id)
    return _info(uow, row)


def replay_notification(*, uow: UnitOfWork, notification_id: str) -> None:
    """Deliver a notification again now (delivered or given up), restarting its retry schedule."""
    row = uow.session.get(Notification, notification_id)
    if row is None:
        raise NotFound("notification", notification_id)
    row.state = NotificationState.PENDING.value
    row.schedule_index = 0
    row.next_attempt_at = uow.now()
    row.delivered_at = None


def fail_next_notifications(*, uow: UnitOfWork, mchid: str, count: int) -> int:
    """Make the merchant's next `count` deliveries fail (sandbox); returns the pending count."""
    merchant = uow.session.get(Merchant, mchid)
    if merchant is None:
        raise NotFound("merchant", mchid)
    merchant.fail_notifications = count
    return count
