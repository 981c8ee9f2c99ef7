"""Search's tables: what is searchable (written by the subscribers, one row per document) and the
log of changes the index applies in order. Only this component imports them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Float, Index, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from yuanzi.core.db import Base, BigIntPK, UTCDateTime


class SearchDocument(Base):
    """One searchable thing: a post, a creator, a mini program, an article…"""

    __tablename__ = "search_documents"

    doc_id: Mapped[str] = mapped_column(String(64), primary_key=True)  # "<kind>:<id>"
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    title: Mapped[str] = mapped_column(String(256), nullable=False, default="")
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    tags: Mapped[str] = mapped_column(Text, nullable=False, default="")  # space separated
    author: Mapped[str] = mapped_column(String(128), nullable=False, default="")
    url: Mapped[str] = mapped_column(String(512), nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    popularity: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    live: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    # Who may find it: "" for everyone, else the user ids (space separated) — a chat's members.
    readers: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")

    __table_args__ = (Index("ix_search_documents_kind", "kind"),)


class SearchChange(Base):
    """A document written or removed; the index applies changes in id order and remembers the
    last one it applied, so a restart or a rebuild misses none."""

    __tablename__ = "search_changes"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(64), nullable=False)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class SearchTerms(Base):
    """The PostgreSQL backend's index: each document's tokens as a weighted tsvector and its reader
    tokens (`public`, or the ids of the users who may find it), both GIN-indexed so a query
    filters by reader inside the index. Unused on SQLite (plain text columns, no indexes)."""

    __tablename__ = "search_terms"

    doc_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    tsv: Mapped[str] = mapped_column(TSVECTOR().with_variant(Text(), "sqlite"), nullable=False)
    readers: Mapped[list[str]] = mapped_column(ARRAY(Text()).with_variant(Text(), "sqlite"), nullable=False)

    __table_args__ = (
        Index("ix_search_terms_tsv", "tsv", postgresql_using="gin").ddl_if(dialect="postgresql"),
        Index("ix_search_terms_readers", "readers", postgresql_using="gin").ddl_if(dialect="postgresql"),
    )


class SearchIndexState(Base):
    """How far a shared index (the PostgreSQL backend) has applied the change log."""

    __tablename__ = "search_index_state"

    backend: Mapped[str] = mapped_column(String(16), primary_key=True)
    applied: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class SearchInteraction(Base):
    """A user liked or recommended a document: a friend's interaction lifts it in that user's
    friends' results (the social signal)."""

    __tablename__ = "search_interactions"

    doc_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class SearchQuery(Base):
    """A query people searched with results, and how often: popular ones are suggested."""

    __tablename__ = "search_queries"

    query: Mapped[str] = mapped_column(String(100), primary_key=True)  # normalised
    count: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    last_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (Index("ix_search_queries_count", "count"),)
