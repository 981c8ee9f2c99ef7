"""Access tokens: /cgi-bin/token, /cgi-bin/stable_token, and the check every later API uses."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select

from yuanzi.core import ids
from yuanzi.core.errors import WxError
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity.accounts import AppInfo, app_info, authenticate_app
from yuanzi.identity.models import AccessToken, App

TOKEN_TTL = dt.timedelta(seconds=7200)
# A replaced token stays valid this long, so callers switch over smoothly; a stable token is
# renewed this long before it expires.
OVERLAP = dt.timedelta(minutes=5)
FORCED_REFRESH_PER_DAY = 20
FORCED_REFRESH_GAP = dt.timedelta(seconds=30)
# WeChat's daily quotas reset at midnight Beijing time.
QUOTA_DAY_ZONE = ZoneInfo("Asia/Shanghai")
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_\-]{1,512}")


@dataclasses.dataclass(frozen=True)
class TokenGrant:
    """An access_token and its remaining lifetime in seconds."""

    access_token: str
    expires_in: int


def _grant(row: AccessToken, now: dt.datetime) -> TokenGrant:
    valid_until = min(row.expires_at, row.superseded_at or row.expires_at)
    return TokenGrant(access_token=row.token, expires_in=math.ceil((valid_until - now).total_seconds()))


def _new_token(
    uow: UnitOfWork, app_id: int, kind: str, now: dt.datetime, *, forced: bool = False
) -> AccessToken:
    row = AccessToken(
        token=ids.access_token(),
        app_id=app_id,
        kind=kind,
        issued_at=now,
        expires_at=now + TOKEN_TTL,
        forced=forced,
    )
    uow.session.add(row)
    return row


def _supersede(uow: UnitOfWork, app_id: int, kind: str, at: dt.datetime) -> None:
    """Every current token of this kind stops being valid at `at` (or its expiry, if sooner)."""
    rows = uow.session.scalars(
        select(AccessToken).where(
            AccessToken.app_id == app_id,
            AccessToken.kind == kind,
            AccessToken.expires_at > uow.now(),
            or_(AccessToken.superseded_at.is_(None), AccessToken.superseded_at > at),
        )
    )
    for row in rows:
        row.superseded_at = min(row.expires_at, at)


def issue_access_token(*, uow: UnitOfWork, appid: str, secret: str) -> TokenGrant:
    """A new token (/cgi-bin/token); the previous ones stay valid five more minutes."""
    app = authenticate_app(uow=uow, appid=appid, secret=secret)
    now = uow.now()
    _supersede(uow, app.app_id, "basic", now + OVERLAP)
    return _grant(_new_token(uow, app.app_id, "basic", now), now)


def _current_stable(uow: UnitOfWork, app_id: int) -> AccessToken | None:
    now = uow.now()
    return uow.session.scalar(
        select(AccessToken)
        .where(
            AccessToken.app_id == app_id,
            AccessToken.kind == "stable",
            AccessToken.expires_at > now,
            AccessToken.superseded_at.is_(None),
        )
        .order_by(AccessToken.issued_at.desc())
        .limit(1)
    )


def issue_stable_token(*, uow: UnitOfWork, appid: str, secret: str, force_refresh: bool) -> TokenGrant:
    """The stable token (/cgi-bin/stable_token): the same one until five minutes before it expires.

    `force_refresh` replaces it at once, at most 20 times a (Beijing) day; a forced refresh within
    30 seconds of the last one does not refresh, as WeChat documents.
    """
    app = authenticate_app(uow=uow, appid=appid, secret=secret)
    now = uow.now()
    current = _current_stable(uow, app.app_id)
    if force_refresh:
        day_start = now.astimezone(QUOTA_DAY_ZONE).replace(hour=0, minute=0, second=0, microsecond=0)
        forced = uow.session.execute(
            select(func.count(), func.max(AccessToken.issued_at)).where(
                AccessToken.app_id == app.app_id,
                AccessToken.kind == "stable",
                AccessToken.forced.is_(True),
                AccessToken.issued_at >= day_start.astimezone(dt.UTC),
            )
        ).one()
        count, last = forced[0] or 0, forced[1]
        if count >= FORCED_REFRESH_PER_DAY:
            raise WxError(45009, "reach max api daily quota limit")
        recent = last is not None and now - last < FORCED_REFRESH_GAP
        if not (recent and current is not None):
            _supersede(uow, app.app_id, "stable", now)
            return _grant(_new_token(uow, app.app_id, "stable", now, forced=True), now)
    if current is not None and current.expires_at - now > OVERLAP:
        return _grant(current, now)
    if current is not None:
        current.superseded_at = current.expires_at  # the old one serves out its last minutes
    return _grant(_new_token(uow, app.app_id, "stable", now), now)


def authenticate_access_token(*, uow: UnitOfWork, access_token: str | None) -> AppInfo:
    """The app an access_token belongs to, or WeChat's 41001 / 40014 / 40001 / 42001."""
    if not access_token:
        raise WxError(41001, "access_token missing")
    if not _TOKEN_SHAPE.fullmatch(access_token):
        raise WxError(40014, "invalid access_token")
    row = uow.session.execute(
        select(AccessToken, App)
        .join(App, App.id == AccessToken.app_id)
        .where(AccessToken.token == access_token)
    ).one_or_none()
    if row is None:
        raise WxError(40001, "invalid credential, access_token is invalid or not latest")
    token, app = row
    now = uow.now()
    if (
        token.superseded_at is not None
        and token.superseded_at <= now
        and token.superseded_at < token.expires_at
    ):
        raise WxError(40001, "invalid credential, access_token is invalid or not latest")
    if token.expires_at <= now:
        raise WxError(42001, "access_token expired")
    return app_info(app)
