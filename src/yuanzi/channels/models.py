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
    # Counters kept in step with the interaction rows, in the same transaction (ranking reads them).
    likes: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0", default=0)
    recommends: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0", default=0)
    favourites: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0", default=0)
    comments: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0", default=0)
    shares: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0", default=0)
    plays: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0", default=0)
    finishes: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0", default=0)
    watch_ms: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default="0", default=0)

    __table_args__ = (
        Index("ix_channels_posts_creator", "creator_id", "created_at"),
        Index("ix_channels_posts_created", "created_at"),  # the Recommended feed's candidates
    )


class Reaction(Base):
    """A user's like (赞), recommendation to friends (推荐) or favourite (收藏) of a post."""

    __tablename__ = "channels_reactions"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    post_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels_posts.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)  # like | recommend | favourite
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (Index("ix_channels_reactions_post", "post_id", "kind"),)


class Comment(Base):
    """A comment, or a reply to one (one level deep)."""

    __tablename__ = "channels_comments"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels_posts.id"), nullable=False)
    user_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    parent_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("channels_comments.id"))
    text: Mapped[str] = mapped_column(String(500), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_channels_comments_post", "post_id", "id"),)


class Block(Base):
    """A creator has blocked a user from commenting on its posts."""

    __tablename__ = "channels_blocks"

    creator_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels_creators.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class Share(Base):
    """A post shared to a chat or as a link; views through it carry who shared (private domain)."""

    __tablename__ = "channels_shares"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    post_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels_posts.id"), nullable=False)
    user_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    target: Mapped[str] = mapped_column(String(8), nullable=False)  # chat | link
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class View(Base):
    """One viewing of a post: played, how far, finished; through a share or not."""

    __tablename__ = "channels_views"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels_posts.id"), nullable=False)
    user_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    share_id: Mapped[str | None] = mapped_column(String(24))
    watched_ms: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    finished: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (
        Index("ix_channels_views_post", "post_id"),
        Index("ix_channels_views_user", "user_id", "started_at"),
        Index("ix_channels_views_started", "started_at"),
    )


class Fingerprint(Base):
    """A 64-bit perceptual hash of a post's sampled video frame or image, or the SimHash of its
    text, split into eight 8-bit bands so near neighbours (≤ 7 bits apart) share a band."""

    __tablename__ = "channels_fingerprints"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels_posts.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)  # frame | image | text
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    hash: Mapped[int] = mapped_column(BigInteger, nullable=False)  # the 64 bits, stored signed
    b0: Mapped[int] = mapped_column(Integer, nullable=False)
    b1: Mapped[int] = mapped_column(Integer, nullable=False)
    b2: Mapped[int] = mapped_column(Integer, nullable=False)
    b3: Mapped[int] = mapped_column(Integer, nullable=False)
    b4: Mapped[int] = mapped_column(Integer, nullable=False)
    b5: Mapped[int] = mapped_column(Integer, nullable=False)
    b6: Mapped[int] = mapped_column(Integer, nullable=False)
    b7: Mapped[int] = mapped_column(Integer, nullable=False)

    __table_args__ = (
        *(Index(f"ix_channels_fingerprints_b{i}", "kind", f"b{i}") for i in range(8)),
        Index("ix_channels_fingerprints_post", "post_id"),
    )


class Originality(Base):
    """The originality decision on a post, with its evidence (visible to the creator)."""

    __tablename__ = "channels_originality"

    post_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels_posts.id"), primary_key=True)
    declared: Mapped[bool] = mapped_column(Boolean, nullable=False)
    granted: Mapped[bool] = mapped_column(Boolean, nullable=False)
    reason: Mapped[str] = mapped_column(String(32), nullable=False)
    evidence: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class Impression(Base):
    """A post shown to a user in the Recommended feed, and why (organic / boost / floor)."""

    __tablename__ = "channels_impressions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    post_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels_posts.id"), nullable=False)
    creator_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    reason: Mapped[str] = mapped_column(String(8), nullable=False)
    shown_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (
        Index("ix_channels_impressions_user", "user_id", "shown_at"),
        Index("ix_channels_impressions_post", "post_id", "shown_at"),
    )


class IncomeDay(Base):
    """A Beijing day whose creator income pool has been shared out (written once, with its shares)."""

    __tablename__ = "channels_income_days"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD, Beijing
    pool_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    qualified_watch_ms: Mapped[int] = mapped_column(BigInteger, nullable=False)
    earners: Mapped[int] = mapped_column(Integer, nullable=False)
    settled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class Income(Base):
    """One creator's share of one day's pool, by the qualified watch time of their original posts."""

    __tablename__ = "channels_income"

    creator_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels_creators.id"), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), ForeignKey("channels_income_days.day"), primary_key=True)
    qualified_watch_ms: Mapped[int] = mapped_column(BigInteger, nullable=False)
    amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
