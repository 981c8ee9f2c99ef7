"""Corps, their apps and access tokens (/cgi-bin/gettoken), and their members (成员)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import math
import re

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from yuanzi.core import ids
from yuanzi.core.errors import InvalidInput, WxError
from yuanzi.core.uow import UnitOfWork
from yuanzi.wecom.models import Corp, CorpApp, CorpToken, Staff

TOKEN_TTL = dt.timedelta(seconds=7200)
NAME_MAX = 64
FIRST_AGENTID = 1000002  # WeCom numbers a corp's self-built apps from here
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_\-]{1,512}")
# WeCom's userid: 1–64 bytes of letters, digits and _-@. (it is case-insensitive; kept as given).
_USERID = re.compile(r"[A-Za-z0-9_\-@.]{1,64}")


@dataclasses.dataclass(frozen=True)
class CorpInfo:
    """A corp as other components see it."""

    corp_id: int
    corpid: str
    name: str


@dataclasses.dataclass(frozen=True)
class NewCorp:
    """A just-created corp with its first app, whose secret is shown this once."""

    corp: CorpInfo
    agentid: int
    secret: str


@dataclasses.dataclass(frozen=True)
class StaffInfo:
    userid: str
    name: str


def corp_info(corp: Corp) -> CorpInfo:
    return CorpInfo(corp_id=corp.id, corpid=corp.corpid, name=corp.name)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _clean_name(value: str, field: str) -> str:
    cleaned = value.strip()
    if not cleaned or len(cleaned) > NAME_MAX:
        raise InvalidInput(f"{field} must be 1–{NAME_MAX} characters", field=field)
    return cleaned


def create_corp(*, uow: UnitOfWork, name: str, app_name: str = "客服应用") -> NewCorp:
    """A corp (sandbox) with one self-built app allowed to call the customer-service APIs."""
    corp = Corp(corpid=ids.corpid(), name=_clean_name(name, "name"), created_at=uow.now())
    uow.session.add(corp)
    uow.session.flush()
    agentid, secret = add_app(uow=uow, corp_id=corp.id, name=app_name)
    return NewCorp(corp=corp_info(corp), agentid=agentid, secret=secret)


def add_app(*, uow: UnitOfWork, corp_id: int, name: str) -> tuple[int, str]:
    """A new self-built app of the corp: its AgentId and Secret (43 characters, as WeCom's)."""
    last = uow.session.scalar(select(func.max(CorpApp.agentid)).where(CorpApp.corp_id == corp_id))
    secret = ids.corp_secret()
    app = CorpApp(
        corp_id=corp_id,
        agentid=(last or FIRST_AGENTID - 1) + 1,
        name=_clean_name(name, "app_name"),
        secret_sha256=_digest(secret),
        created_at=uow.now(),
    )
    uow.session.add(app)
    uow.session.flush()
    return app.agentid, secret


def corp_named(uow: UnitOfWork, name: str) -> CorpInfo | None:
    """The oldest corp of this name (names are not unique; the demo finds its own by name)."""
    corp = uow.session.scalar(select(Corp).where(Corp.name == name).order_by(Corp.id).limit(1))
    return corp_info(corp) if corp else None


def find_corp(uow: UnitOfWork, corpid: str) -> CorpInfo | None:
    corp = uow.session.scalar(select(Corp).where(Corp.corpid == corpid))
    return corp_info(corp) if corp else None


def get_token(*, uow: UnitOfWork, corpid: str, corpsecret: str) -> tuple[str, int]:
    """gettoken: the app's current access_token and its remaining seconds. WeCom hands out the same
    token until it expires, so every process of one backend may call this freely."""
    corp = uow.session.scalar(select(Corp).where(Corp.corpid == corpid))
    if corp is None:
        raise WxError(40013, "invalid corpid")
    app = uow.session.scalar(
        select(CorpApp).where(CorpApp.corp_id == corp.id, CorpApp.secret_sha256 == _digest(corpsecret))
    )
    if app is None:
        raise WxError(40001, "invalid credential")
    now = uow.now()
    current = uow.session.scalar(
        select(CorpToken)
        .where(CorpToken.app_id == app.id, CorpToken.expires_at > now)
        .order_by(CorpToken.expires_at.desc())
        .limit(1)
    )
    if current is None:
        current = CorpToken(
            token=ids.access_token(), app_id=app.id, issued_at=now, expires_at=now + TOKEN_TTL
        )
        uow.session.add(current)
    return current.token, math.ceil((current.expires_at - now).total_seconds())


def authenticate(*, uow: UnitOfWork, access_token: str | None) -> CorpInfo:
    """The corp an access_token belongs to, or WeCom's 41001 / 40014 / 42001."""
    if not access_token:
        raise WxError(41001, "access_token missing")
    if not _TOKEN_SHAPE.fullmatch(access_token):
        raise WxError(40014, "invalid access_token")
    row = uow.session.execute(
        select(CorpToken, Corp)
        .join(CorpApp, CorpApp.id == CorpToken.app_id)
        .join(Corp, Corp.id == CorpApp.corp_id)
        .where(CorpToken.token == access_token)
    ).one_or_none()
    if row is None:
        raise WxError(40014, "invalid access_token")
    token, corp = row
    if token.expires_at <= uow.now():
        raise WxError(42001, "access_token expired")
    return corp_info(corp)


def _check_userid(userid: object) -> str:
    if not isinstance(userid, str) or not _USERID.fullmatch(userid):
        raise WxError(40003, "invalid userid")
    return userid


def staff_row(uow: UnitOfWork, corp_id: int, userid: object) -> Staff:
    """The member with this userid, or 60111."""
    row = uow.session.scalar(select(Staff).where(Staff.corp_id == corp_id, Staff.userid == userid))
    if row is None:
        raise WxError(60111, "userid not found")
    return row


def create_staff(*, uow: UnitOfWork, corp_id: int, userid: object, name: object) -> StaffInfo:
    """user/create: a new member (60102 if the userid is taken)."""
    userid = _check_userid(userid)
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > NAME_MAX:
        raise WxError(60112, "invalid name")
    row = Staff(corp_id=corp_id, userid=userid, name=name.strip(), created_at=uow.now())
    try:
        with uow.session.begin_nested():
            uow.session.add(row)
    except IntegrityError:
        raise WxError(60102, "userid existed") from None
    return StaffInfo(userid=row.userid, name=row.name)


def get_staff(*, uow: UnitOfWork, corp_id: int, userid: object) -> StaffInfo:
    row = staff_row(uow, corp_id, _check_userid(userid))
    return StaffInfo(userid=row.userid, name=row.name)


def list_staff(*, uow: UnitOfWork, corp_id: int) -> list[StaffInfo]:
    rows = uow.session.scalars(select(Staff).where(Staff.corp_id == corp_id).order_by(Staff.id))
    return [StaffInfo(userid=row.userid, name=row.name) for row in rows]
