"""Channels' tables. Only this component imports them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yuanzi.core.db import Base, BigIntPK, UTCDateTime


class Creator(Base):
    """A channel account (视频号), one per user."""

    __tablename__ = "channels_creators"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    bio: Mapped[str] = mapped_column(String(256), nullable=False, default="")
    avatar_media_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class Follow(Base):
    """A user following a creator."""

    __tablename__ = "channels_follows"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    creator_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels_creators.id"), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (Index("ix_channels_follows_creator", "creator_id"),)


class Media(Base):
    """An uploaded video (transcoded to H.264/AAC MP4 with a poster frame) or image."""

    __tablename__ = "channels_media"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    creator_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels_creators.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)  # video | image
    # Paths relative to the media directory in the data dir.
    path: Mapped[str] = mapped_column(String(128), nullable=False)
    poster_path: Mapped[str | None] = mapped_column(String(128))
    content_type: Mapped[str] = mapped_column(String(32), nullable=False)
    width: Mapped[int] = mapped_column(Integer, nullable=False)
    height: Mapped[int] = mapped_column(Integer, nullable=False)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class Post(Base):
    """A post: one video, or up to nine images, with text, topics, a location and cards."""

    __tablename__ = "channels_posts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    creator_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels_creators.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)  # video | images
    text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # JSON lists: topic names (without #), media ids in order, cards [{kind, ref}].
    topics: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    media: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    cards: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    location: Mapped[str | None] = mapped_column(String(64))
    declared_original: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_channels_posts_creator", "creator_id", "created_at"),)
