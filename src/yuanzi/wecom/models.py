"""WeCom's tables. Only this component imports them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yuanzi.core.db import Base, BigIntPK, UTCDateTime


class Corp(Base):
    """An enterprise (企业) with its CorpID."""

    __tablename__ = "wecom_corps"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    corpid: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    # The sequence of the corp's customer-service messages, taken under this row's lock.
    kf_seq: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, server_default="0")


class CorpApp(Base):
    """A self-built app (自建应用) of a corp: its AgentId and Secret (stored as SHA-256, shown once).
    Its access_token may call the customer-service (kf) APIs."""

    __tablename__ = "wecom_apps"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    corp_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("wecom_corps.id"), nullable=False)
    agentid: Mapped[int] = mapped_column(BigInteger, nullable=False)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    secret_sha256: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    # Where WeCom calls the app back (接收消息服务器): the URL, the Token and the EncodingAESKey
    # the corp's server verifies and decrypts with.
    callback_url: Mapped[str | None] = mapped_column(Text)
    callback_token: Mapped[str | None] = mapped_column(String(32))
    callback_aes_key: Mapped[str | None] = mapped_column(String(43))

    __table_args__ = (UniqueConstraint("corp_id", "agentid"),)


class CorpToken(Base):
    """An access_token from /cgi-bin/gettoken: the same one is handed out until it expires."""

    __tablename__ = "wecom_access_tokens"

    token: Mapped[str] = mapped_column(String(512), primary_key=True)
    app_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("wecom_apps.id"), nullable=False)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (Index("ix_wecom_access_tokens_app", "app_id", "expires_at"),)


class Staff(Base):
    """A member (成员) of a corp, known to the APIs by its `userid`."""

    __tablename__ = "wecom_staff"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    corp_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("wecom_corps.id"), nullable=False)
    userid: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    # The yuanzi user who signs in as this member (their WeCom workbench on the phone), if any.
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)

    __table_args__ = (UniqueConstraint("corp_id", "userid"),)


class Media(Base):
    """A temporary media file (临时素材), valid three days: an image, kept as a JPEG."""

    __tablename__ = "wecom_media"

    media_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    corp_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("wecom_corps.id"), nullable=False)
    type: Mapped[str] = mapped_column(String(8), nullable=False)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class KfAccount(Base):
    """A customer-service account (微信客服账号): a name and avatar WeChat users talk to. Its avatar
    is copied out of the temporary media, which expires; a deleted account keeps its row (its
    conversations refer to it) but is gone from every API."""

    __tablename__ = "wecom_kf_accounts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    open_kfid: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    corp_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("wecom_corps.id"), nullable=False)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    avatar: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, deferred=True)  # loaded when shown
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_wecom_kf_accounts_corp", "corp_id", "id"),)


class KfServicer(Base):
    """A member who serves (接待人员) a customer-service account."""

    __tablename__ = "wecom_kf_servicers"

    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("wecom_kf_accounts.id"), primary_key=True)
    staff_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("wecom_staff.id"), primary_key=True)
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class ExternalUser(Base):
    """A WeChat user as one corp sees them: its `external_userid`."""

    __tablename__ = "wecom_external_users"

    corp_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("wecom_corps.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    external_userid: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class KfSession(Base):
    """A customer's conversation with one account: its service state (0 new … 4 ended), who serves
    it, and the reply window (48 hours and 5 messages after the customer's latest message)."""

    __tablename__ = "wecom_kf_sessions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("wecom_kf_accounts.id"), nullable=False)
    user_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    service_state: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    servicer_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("wecom_staff.id"))
    last_customer_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    replies_since_customer: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    # The customer's screen: the latest message, and how far they have read (by seq).
    last_message_seq: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, server_default="0")
    last_message_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    customer_read_seq: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, server_default="0")

    __table_args__ = (
        UniqueConstraint("account_id", "user_id"),
        Index("ix_wecom_kf_sessions_user", "user_id", "last_message_at"),
    )


class KfMessage(Base):
    """A message or event in a customer-service conversation. `seq` orders a corp's messages for
    sync_msg's cursor; it is taken under the corp's row lock, so a cursor never skips a message
    that committed late."""

    __tablename__ = "wecom_kf_messages"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    msgid: Mapped[str] = mapped_column(String(64), nullable=False)
    corp_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("wecom_corps.id"), nullable=False)
    seq: Mapped[int] = mapped_column(BigInteger, nullable=False)
    session_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("wecom_kf_sessions.id"), nullable=False)
    origin: Mapped[int] = mapped_column(BigInteger, nullable=False)
    servicer_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("wecom_staff.id"))
    msgtype: Mapped[str] = mapped_column(String(16), nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)  # JSON: the msgtype's object
    send_time: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    # The customer's own id for a message sent from the phone: a retried send is not sent twice.
    client_msg_id: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("corp_id", "seq", name="uq_wecom_kf_messages_corp_seq"),
        UniqueConstraint("corp_id", "msgid", name="uq_wecom_kf_messages_corp_msgid"),
        UniqueConstraint("session_id", "client_msg_id"),
        Index("ix_wecom_kf_messages_session", "session_id", "id"),
        # Where the last three days begin, for sync_msg: a long history is never scanned.
        Index("ix_wecom_kf_messages_corp_time", "corp_id", "send_time"),
    )


class KfCallback(Base):
    """A `kf_msg_or_event` callback to an app: "something new in customer service, sync with this
    token". Written in the same transaction as the message it announces (its own outbox); one
    pending per app and account at a time (later messages ride on it). Its `sync_token` lets
    sync_msg in for ten minutes."""

    __tablename__ = "wecom_kf_callbacks"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    app_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("wecom_apps.id"), nullable=False)
    corp_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("wecom_corps.id"), nullable=False)
    open_kfid: Mapped[str] = mapped_column(String(64), nullable=False)
    sync_token: Mapped[str] = mapped_column(String(128), nullable=False, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    attempts: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # None: done
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_result: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")

    __table_args__ = (
        Index("ix_wecom_kf_callbacks_due", "next_attempt_at"),
        Index("ix_wecom_kf_callbacks_pending", "app_id", "open_kfid", "next_attempt_at"),
    )


class KfEventCode(Base):
    """A code an event hands the corp (the enter_session event's `welcome_code`): it may send one
    message with it through send_msg_on_event, within its lifetime."""

    __tablename__ = "wecom_kf_event_codes"

    code: Mapped[str] = mapped_column(String(128), primary_key=True)
    session_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("wecom_kf_sessions.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # "welcome"
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class KfMessageMedia(Base):
    """A message's picture (a link's or mini program card's thumbnail), kept with the message:
    the temporary media it came from expires."""

    __tablename__ = "wecom_kf_message_media"

    message_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("wecom_kf_messages.id"), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
