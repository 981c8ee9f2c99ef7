"""Writing searchable documents: every write also logs a change for the index to apply."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import delete, func, select, update

from yuanzi.core.errors import InvalidInput
from yuanzi.core.uow import UnitOfWork
from yuanzi.search.models import SearchChange, SearchDocument, SearchInteraction

KINDS = (
    "post",
    "creator",
    "miniprogram",
    "article",
    "live",
    "merchant",
    "product",
    "service",
    "message",
    "contact",
)
# Kinds only their readers may find: never written without readers, which would make them public.
PRIVATE_KINDS = frozenset({"message", "contact"})
# The reader token of documents everyone may find; a private document's tokens are user ids.
PUBLIC = "public"
TITLE_MAX, BODY_MAX = 256, 20_000


@dataclasses.dataclass(frozen=True)
class Doc:
    """What a component makes searchable."""

    kind: str
    key: str  # unique within the kind
    title: str
    body: str = ""
    tags: tuple[str, ...] = ()
    author: str = ""
    url: str = ""
    created_at: dt.datetime | None = None
    popularity: float = 0.0
    live: bool = False
    readers: tuple[int, ...] = ()  # who may find it; () is everyone

    @property
    def doc_id(self) -> str:
        return f"{self.kind}:{self.key}"


def upsert(uow: UnitOfWork, doc: Doc) -> None:
    """Add or replace a document (by kind and key)."""
    if doc.kind not in KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(KINDS)}", field="kind")
    if doc.kind in PRIVATE_KINDS and not doc.readers:
        raise InvalidInput(f"a {doc.kind} is private: name its readers", field="readers")
    now = uow.now()
    row = uow.session.get(SearchDocument, doc.doc_id)
    values = {
        "kind": doc.kind,
        "title": doc.title[:TITLE_MAX],
        "body": doc.body[:BODY_MAX],
        "tags": " ".join(doc.tags),
        "author": doc.author[:128],
        "url": doc.url[:512],
        "popularity": doc.popularity,
        "live": doc.live,
        "readers": " ".join(str(r) for r in sorted(set(doc.readers))),
        "updated_at": now,
    }
    if row is None:
        uow.session.add(SearchDocument(doc_id=doc.doc_id, created_at=doc.created_at or now, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)
        if doc.created_at is not None:
            row.created_at = doc.created_at
    uow.session.add(SearchChange(doc_id=doc.doc_id, changed_at=now))


def remove(uow: UnitOfWork, doc_id: str) -> None:
    """Take a document out of search (nothing happens if it is not there)."""
    uow.session.execute(delete(SearchDocument).where(SearchDocument.doc_id == doc_id))
    uow.session.execute(delete(SearchInteraction).where(SearchInteraction.doc_id == doc_id))
    uow.session.add(SearchChange(doc_id=doc_id, changed_at=uow.now()))


def remove_linked(uow: UnitOfWork, kind: str, url: str) -> int:
    """Take out every document of `kind` that opens `url` (a room's shelf products); returns how
    many."""
    doc_ids = list(
        uow.session.scalars(
            select(SearchDocument.doc_id).where(SearchDocument.kind == kind, SearchDocument.url == url)
        )
    )
    for doc_id in doc_ids:
        remove(uow, doc_id)
    return len(doc_ids)


def rename_author(uow: UnitOfWork, kinds: tuple[str, ...], old: str, new: str) -> int:
    """Documents of `kinds` shown under `old` (a renamed channel's posts, rooms and products) are
    shown under `new`; returns how many."""
    doc_ids = list(
        uow.session.scalars(
            select(SearchDocument.doc_id).where(SearchDocument.kind.in_(kinds), SearchDocument.author == old)
        )
    )
    if doc_ids:
        uow.session.execute(
            update(SearchDocument)
            .where(SearchDocument.doc_id.in_(doc_ids))
            .values(author=new[:128], updated_at=uow.now())
        )
        uow.session.add_all(SearchChange(doc_id=d, changed_at=uow.now()) for d in doc_ids)
    return len(doc_ids)


def add_popularity(uow: UnitOfWork, doc_id: str, by: float) -> None:
    """Likes, views, sales: popularity feeds ranking (read from the table at query time, so the
    index need not change)."""
    uow.session.execute(
        update(SearchDocument)
        .where(SearchDocument.doc_id == doc_id)
        .values(popularity=SearchDocument.popularity + by)
    )


def interacted(uow: UnitOfWork, doc_id: str, user_id: int) -> None:
    """Remember that `user_id` liked or recommended the document (once)."""
    if uow.session.get(SearchInteraction, (doc_id, user_id)) is None:
        uow.session.add(SearchInteraction(doc_id=doc_id, user_id=user_id, at=uow.now()))


def friends_interacted(uow: UnitOfWork, doc_ids: list[str], friends: list[int]) -> dict[str, int]:
    """How many of `friends` liked or recommended each document."""
    if not doc_ids or not friends:
        return {}
    rows = uow.session.execute(
        select(SearchInteraction.doc_id, func.count())
        .where(SearchInteraction.doc_id.in_(doc_ids), SearchInteraction.user_id.in_(friends))
        .group_by(SearchInteraction.doc_id)
    ).all()
    return {doc_id: int(count) for doc_id, count in rows}


def set_live(uow: UnitOfWork, doc_id: str, live: bool) -> None:
    """A live room started or ended."""
    uow.session.execute(update(SearchDocument).where(SearchDocument.doc_id == doc_id).values(live=live))


def reader_tokens(row: SearchDocument) -> list[str]:
    """Who may find the document, as the indexes hold it: `public`, or its readers' ids."""
    return row.readers.split() or [PUBLIC]


def reader_token(user_id: int | None) -> str:
    """The token a search requires: the user's id to search their own private documents, or
    `public` for everything everyone may find."""
    return PUBLIC if user_id is None else str(user_id)


def get(uow: UnitOfWork, doc_ids: list[str]) -> dict[str, SearchDocument]:
    """Documents by id."""
    if not doc_ids:
        return {}
    rows = uow.session.scalars(select(SearchDocument).where(SearchDocument.doc_id.in_(doc_ids)))
    return {row.doc_id: row for row in rows}
