"""Live's tables. Only this component imports them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yuanzi.core.db import Base, BigIntPK, UTCDateTime


class Room(Base):
    """A live room of a channel: scheduled → live → ended."""

    __tablename__ = "live_rooms"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    creator_id: Mapped[int] = mapped_column(BigInteger, nullable=False)  # a Channels creator
    user_id: Mapped[int] = mapped_column(BigInteger, nullable=False)  # who runs it
    title: Mapped[str] = mapped_column(String(64), nullable=False)
    # Cards the room shows (core.cards refs, JSON) and its cover image in the data dir.
    cards: Mapped[str] = mapped_column(Text, nullable=False, default="[]", server_default="[]")
    cover_path: Mapped[str | None] = mapped_column(String(128))
    state: Mapped[str] = mapped_column(String(10), nullable=False)
    stream_key_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    scheduled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # When the RTMP publisher went away while the room was live: it ends unless the stream
    # comes back within the grace period (YUANZI_LIVE_STREAM_GRACE_SECONDS).
    stream_stopped_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    last_seq: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, server_default="0")
    # Figures kept as counters: likes fold in here (never one log entry each), views count entries.
    likes: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, server_default="0")
    views: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, server_default="0")
    peak_viewers: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, server_default="0")
    # The shelf: the product pinned now (one at a time) and what the room has sold, in fen.
    pinned_product_id: Mapped[int | None] = mapped_column(BigInteger)
    gmv: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, server_default="0")

    __table_args__ = (Index("ix_live_rooms_state", "state", "started_at"),)


class RoomEvent(Base):
    """One entry of a room's log (read-diffusion: every viewer reads the same log by sequence)."""

    __tablename__ = "live_room_events"

    room_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("live_rooms.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    body: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    # Rate limits count a user's recent comments in a room.
    __table_args__ = (Index("ix_live_room_events_user", "room_id", "user_id", "created_at"),)


class Gift(Base):
    """A gift sent in a room: paid through Pay, logged in the room under `seq`."""

    __tablename__ = "live_gifts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    room_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("live_rooms.id"), nullable=False)
    user_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    request_id: Mapped[str] = mapped_column(String(64), nullable=False)
    gift: Mapped[str] = mapped_column(String(16), nullable=False)
    count: Mapped[int] = mapped_column(BigInteger, nullable=False)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    seq: Mapped[int] = mapped_column(BigInteger, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (
        UniqueConstraint("user_id", "request_id", name="uq_live_gifts_request"),
        Index("ix_live_gifts_room", "room_id", "user_id"),
    )


class Moderator(Base):
    """A user the owner made a moderator of a room (may mute; exempt from rate limits)."""

    __tablename__ = "live_moderators"

    room_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("live_rooms.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)


class Mute(Base):
    """A user muted in a room: no comments there, on any device, until unmuted."""

    __tablename__ = "live_mutes"

    room_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("live_rooms.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    by_user_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class Ban(Base):
    """A user a creator banned from all its rooms: no comments and no gifts."""

    __tablename__ = "live_bans"

    creator_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class Entry(Base):
    """A viewer entering a room, and where from: the figures (views, unique viewers) and the
    merchant incentive (private-domain entries earn public-domain traffic) count these."""

    __tablename__ = "live_entries"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    room_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("live_rooms.id"), nullable=False)
    user_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    domain: Mapped[str] = mapped_column(String(8), nullable=False)  # private / public / other
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (Index("ix_live_entries_room_user", "room_id", "user_id"),)


class Presence(Base):
    """How many viewers one server process has connected to a room, as it last said (every few
    seconds): the room's current viewers are the sum of the fresh rows, across processes."""

    __tablename__ = "live_presence"

    room_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("live_rooms.id"), primary_key=True)
    node: Mapped[str] = mapped_column(String(32), primary_key=True)
    viewers: Mapped[int] = mapped_column(BigInteger, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class Grant(Base):
    """The merchant traffic incentive's ledger, per room and Beijing day: entries the room's owner
    brought from its private domain, public entries the platform granted from the Recommended feed
    in return, and how often it placed the room there to do so."""

    __tablename__ = "live_grants"

    room_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("live_rooms.id"), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD, Beijing
    private_entries: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    public_entries: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    impressions: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class Product(Base):
    """A product on a room's shelf, sold through a merchant account its owner administers."""

    __tablename__ = "live_products"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    room_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("live_rooms.id"), nullable=False)
    mchid: Mapped[str] = mapped_column(String(32), nullable=False)
    title: Mapped[str] = mapped_column(String(64), nullable=False)
    price: Mapped[int] = mapped_column(BigInteger, nullable=False)  # fen
    notify_url: Mapped[str] = mapped_column(String(256), nullable=False)
    sales: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    gmv: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)  # fen paid
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (Index("ix_live_products_room", "room_id"),)


class Purchase(Base):
    """A viewer buying a shelf product: the JSAPI order placed for it, and whether it was paid."""

    __tablename__ = "live_purchases"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    room_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("live_rooms.id"), nullable=False)
    product_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("live_products.id"), nullable=False)
    user_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    mchid: Mapped[str] = mapped_column(String(32), nullable=False)
    out_trade_no: Mapped[str] = mapped_column(String(32), nullable=False)
    prepay_id: Mapped[str] = mapped_column(String(64), nullable=False)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    paid_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (UniqueConstraint("mchid", "out_trade_no", name="uq_live_purchases_order"),)


class ViewerMinute(Base):
    """The most viewers a room had (across processes) in a minute: its concurrency curve."""

    __tablename__ = "live_viewer_minutes"

    room_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("live_rooms.id"), primary_key=True)
    minute: Mapped[dt.datetime] = mapped_column(UTCDateTime, primary_key=True)
    viewers: Mapped[int] = mapped_column(BigInteger, nullable=False)


class Reminder(Base):
    """A viewer booked a scheduled room (预约): reminded when it starts, on any device."""

    __tablename__ = "live_reminders"

    room_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("live_rooms.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    booked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    # When the user opened the room from the reminder (None: not yet).
    seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_live_reminders_user", "user_id", "seen_at"),)
