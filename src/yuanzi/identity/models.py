"""Identity's tables. Only this component imports them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yuanzi.core.db import Base, BigIntPK, UTCDateTime


class User(Base):
    """A person with a WeChat-like account."""

    __tablename__ = "identity_users"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    nickname: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class Developer(Base):
    """A developer (Open Platform) account; its apps share one unionid per user."""

    __tablename__ = "identity_developers"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class App(Base):
    """A mini program, official account, mobile or web app with its AppID and AppSecret."""

    __tablename__ = "identity_apps"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    appid: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    # SHA-256 of the AppSecret: the secret is shown once, at creation, as WeChat does.
    secret_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    type: Mapped[str] = mapped_column(String(16), nullable=False)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    # What 搜一搜 shows and matches for a mini program: its description and service keywords (JSON).
    description: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    keywords: Mapped[str] = mapped_column(Text, nullable=False, default="[]", server_default="[]")
    developer_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("identity_developers.id"), nullable=False
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class OpenId(Base):
    """A user as one app sees them: stable, and unlinkable to the same user in another app."""

    __tablename__ = "identity_openids"

    app_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("identity_apps.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("identity_users.id"), primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    session_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class UnionId(Base):
    """A user as one developer account sees them across its apps."""

    __tablename__ = "identity_unionids"

    developer_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("identity_developers.id"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("identity_users.id"), primary_key=True)
    unionid: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)


class LoginCode(Base):
    """What `wx.login()` returns: valid five minutes, usable once."""

    __tablename__ = "identity_login_codes"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    app_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("identity_apps.id"), nullable=False)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("identity_users.id"), nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class AccessToken(Base):
    """An access_token from /cgi-bin/token (`basic`) or /cgi-bin/stable_token (`stable`)."""

    __tablename__ = "identity_access_tokens"

    token: Mapped[str] = mapped_column(String(512), primary_key=True)
    app_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("identity_apps.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    # Set when a newer token replaced this one: it stays valid until then (a 5-minute overlap,
    # or at once for a forced stable refresh), and is then "not latest" (40001), not expired.
    superseded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    forced: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    __table_args__ = (Index("ix_identity_access_tokens_app_kind", "app_id", "kind", "issued_at"),)


class Friendship(Base):
    """Two users are friends (WeChat contacts); stored once per direction for cheap lookups."""

    __tablename__ = "identity_friendships"

    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("identity_users.id"), primary_key=True)
    friend_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("identity_users.id"), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
