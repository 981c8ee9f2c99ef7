"""Search's public interface: search, suggest, the index's upkeep, and the subscribers and worker
the platform runs. Other components make things searchable by publishing events (subscribers.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from yuanzi.core.errors import InvalidInput, NotFound, Problem
from yuanzi.core.events import Subscribers
from yuanzi.core.uow import UnitOfWork, UnitOfWorkFactory
from yuanzi.core.worker import Worker
from yuanzi.identity import service as identity_service
from yuanzi.search import articles, documents, popular, ranking, subscribers, text
from yuanzi.search import collect as collect_module
from yuanzi.search.documents import Doc
from yuanzi.search.index import BATCH, Hit, IndexBusy, TantivyIndex
from yuanzi.search.pg_index import PostgresIndex
from yuanzi.settings import Settings

SCOPES: dict[str, tuple[str, ...] | None] = {
    "all": None,
    "channels": ("post", "creator", "live"),
    "miniprograms": ("miniprogram",),
    "articles": ("article",),
    "chats": ("contact", "message"),
}
# Scopes over the searcher's private documents: only a signed-in user searches them, and their
# queries are never counted as popular (they would surface private words in others' suggestions).
PRIVATE_SCOPES = frozenset({"chats"})
QUERY_MAX = 100
CANDIDATES = 200
SNIPPET_CHARS = 80
BACKENDS = ("tantivy", "postgresql")
_indexes: dict[Path, TantivyIndex] = {}
_indexes_lock = threading.Lock()

__all__ = [
    "PRIVATE_SCOPES",
    "SCOPES",
    "Article",
    "Doc",
    "Imported",
    "Index",
    "IndexBusy",
    "Result",
    "Results",
    "TantivyIndex",
    "collect",
    "flush_popular_queries",
    "get_article",
    "import_articles",
    "index_dir",
    "open_index",
    "rebuild",
    "search",
    "subscribe",
    "suggest",
    "upsert",
    "workers",
]


def index_dir(data_dir: Path) -> Path:
    """Where the index lives: `<data_dir>/search`."""
    return data_dir / "search"


class Index(Protocol):
    """What both backends do (index.TantivyIndex, pg_index.PostgresIndex)."""

    path: Any

    def sync(self, uow_factory: UnitOfWorkFactory) -> int: ...
    def pending(self, uow: UnitOfWork) -> int: ...
    def search(
        self, uow: UnitOfWork, words: list[str], kinds: list[str] | None, limit: int, reader: str = ...
    ) -> list[Hit]: ...
    def prefix_search(self, uow: UnitOfWork, whole: list[str], prefix: str, limit: int) -> list[Hit]: ...
    def rebuild(
        self, uow_factory: UnitOfWorkFactory, progress: Callable[[int, int], Any] | None = None
    ) -> int: ...


def open_index(settings: Settings) -> Index:
    """The index `settings` choose: Tantivy in the data dir (this process's, one writer per
    process) or PostgreSQL (shared by every process on the database)."""
    if settings.search_backend == "postgresql":
        if not settings.sqlalchemy_url.startswith("postgresql"):
            raise ValueError("YUANZI_SEARCH_BACKEND=postgresql needs a PostgreSQL YUANZI_DATABASE_URL")
        return PostgresIndex()
    path = index_dir(settings.data_dir).resolve()
    with _indexes_lock:
        if path not in _indexes:
            _indexes[path] = TantivyIndex(path)
        return _indexes[path]


def subscribe(subs: Subscribers) -> None:
    """Register Search's subscribers (what other components publish becomes searchable)."""
    subscribers.subscribe(subs)


def workers(uow_factory: UnitOfWorkFactory, settings: Settings) -> list[Worker]:
    """Keep the index in step with the documents table; count popular queries."""
    index = open_index(settings)
    return [
        Worker("search-index", lambda: index.sync(uow_factory), interval=1.0, batch=BATCH),
        Worker(
            "search-queries",
            lambda: popular.flush(uow_factory),
            interval=5.0,
            batch=1_000_000,
            on_commit=False,
        ),
    ]


def upsert(*, uow: UnitOfWork, doc: Doc) -> None:
    """Make something searchable directly (the article import; components publish events)."""
    documents.upsert(uow, doc)


@dataclasses.dataclass(frozen=True)
class Result:
    """One hit as the API shows it."""

    doc_id: str
    kind: str
    title_html: str
    snippet_html: str
    author: str
    url: str
    created_at: dt.datetime
    live: bool
    score: float
    factors: dict[str, float]


@dataclasses.dataclass(frozen=True)
class Results:
    """A page of results."""

    query: str
    scope: str
    words: list[str]
    results: list[Result]
    next_cursor: str | None
    pending: int  # changes not in the index yet

    def groups(self) -> dict[str, list[Result]]:
        """The page's results by kind, in the order kinds first appear."""
        grouped: dict[str, list[Result]] = {}
        for result in self.results:
            grouped.setdefault(result.kind, []).append(result)
        return grouped


def _checked(query: str, scope: str, cursor: str | None, limit: int, user_id: int | None) -> tuple[str, int]:
    clean = query.strip()
    if not clean:
        raise InvalidInput("the query is empty", field="q")
    if len(clean) > QUERY_MAX:
        raise InvalidInput(f"the query is over {QUERY_MAX} characters", field="q")
    if scope not in SCOPES:
        raise InvalidInput(f"scope must be one of {', '.join(SCOPES)}", field="scope")
    if scope in PRIVATE_SCOPES and user_id is None:
        raise Problem(401, "sign_in_required", f"only a signed-in user searches their {scope}")
    if not 1 <= limit <= 50:
        raise InvalidInput("limit must be 1–50", field="limit")
    if cursor is None:
        return clean, 0
    if not cursor.isdigit() or int(cursor) >= CANDIDATES:
        raise InvalidInput("cursor is not one this search returned", field="cursor")
    return clean, int(cursor)


def search(
    *,
    uow: UnitOfWork,
    index: Index,
    query: str,
    scope: str = "all",
    cursor: str | None = None,
    limit: int = 20,
    user_id: int | None = None,
    count: bool = True,
) -> Results:
    """Everything public that contains every word of `query` (as a word, characters or pinyin),
    ranked; `cursor` continues a previous page. With `user_id`, what their friends liked or
    recommended ranks higher. A private scope (chats) searches only `user_id`'s own documents
    and needs one. `count=False`: not a person's search (an operator's explain view), so it
    does not count toward popular queries."""
    clean, offset = _checked(query, scope, cursor, limit, user_id)
    words = text.words_for_query(clean)
    kinds = SCOPES[scope]
    private = scope in PRIVATE_SCOPES
    reader = documents.reader_token(user_id if private else None)
    hits = index.search(uow, words, list(kinds) if kinds else None, CANDIDATES, reader)
    # The index filtered by reader already; the rows are checked again because they are current
    # and the index may lag them.
    rows = {
        doc_id: row
        for doc_id, row in documents.get(uow, [h.doc_id for h in hits]).items()
        if reader in documents.reader_tokens(row)
    }
    # Friends' likes and recommendations lift public things; one's own chats have none to count.
    friends = (
        identity_service.friends_of(uow=uow, user_id=user_id) if user_id is not None and not private else []
    )
    social = documents.friends_interacted(uow, list(rows), friends)
    now = uow.now()
    scored = sorted(
        (
            ranking.score(rows[h.doc_id], h.score, now, clean, social.get(h.doc_id, 0))
            for h in hits
            if h.doc_id in rows
        ),
        key=lambda s: (-s.score, s.doc.doc_id),
    )
    if count and scored and offset == 0 and not private:
        popular.count(clean)
    page = scored[offset : offset + limit]
    more = offset + limit < len(scored)
    return Results(
        query=clean,
        scope=scope,
        words=words,
        results=[_result(s, words) for s in page],
        next_cursor=str(offset + limit) if more else None,
        pending=index.pending(uow),
    )


def _result(scored: ranking.Scored, words: list[str]) -> Result:
    doc = scored.doc
    return Result(
        doc_id=doc.doc_id,
        kind=doc.kind,
        title_html=highlight(doc.title, words, len(doc.title) + 1),
        # A short post's title is its whole text: a snippet would only repeat it.
        snippet_html=""
        if doc.body.strip() == doc.title.strip()
        else highlight(doc.body, words, SNIPPET_CHARS),
        author=doc.author,
        url=doc.url,
        created_at=doc.created_at,
        live=doc.live,
        score=scored.score,
        factors=scored.factors,
    )


def highlight(value: str, words: list[str], width: int) -> str:
    """`value` (HTML-escaped) around the first query word, each word wrapped in <em>."""
    if not value:
        return ""
    folded = text.normalise(value)
    terms = sorted({w for w in words if w}, key=len, reverse=True)
    first = min((folded.find(w) for w in terms if w in folded), default=0)
    start = max(0, first - width // 4) if len(value) > width else 0
    window = value[start : start + width]
    window_folded = folded[start : start + width]
    if not terms:
        return html.escape(window)
    pattern = re.compile("|".join(re.escape(w) for w in terms))
    out, last = [], 0
    # Normalising keeps lengths for CJK and ASCII text, so matches in the folded window map back.
    for match in pattern.finditer(window_folded) if len(window_folded) == len(window) else ():
        out.append(html.escape(window[last : match.start()]))
        out.append(f"<em>{html.escape(window[match.start() : match.end()])}</em>")
        last = match.end()
    out.append(html.escape(window[last:]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(value) else ""
    return prefix + "".join(out) + suffix


def suggest(*, uow: UnitOfWork, index: Index, prefix: str, limit: int = 8) -> list[str]:
    """Popular past queries beginning with what was typed, then titles and names of public
    documents completing it (characters, pinyin or initials); never anything private."""
    clean = prefix.strip()
    if not clean or len(clean) > QUERY_MAX:
        return []
    words = text.words_for_query(clean)
    if not words:
        return []
    *whole, last = words
    hits = index.prefix_search(uow, whole, last, limit * 2)  # public documents only
    rows = documents.get(uow, [h.doc_id for h in hits])
    titles = [
        row.title
        for row in (rows.get(h.doc_id) for h in hits)
        if row is not None and row.title and documents.PUBLIC in documents.reader_tokens(row)
    ]
    return list(dict.fromkeys(popular.starting_with(uow, clean) + titles))[:limit]


@dataclasses.dataclass(frozen=True)
class Imported:
    """What an article import did."""

    imported: int
    failed: list[tuple[Path, str]]


def import_articles(
    uow_factory: UnitOfWorkFactory, folder: Path, progress: Callable[[Path], Any] | None = None
) -> Imported:
    """Index every Markdown or HTML article under `folder` (again: replacing, not duplicating)."""
    if not folder.is_dir():
        raise InvalidInput(f"{folder} is not a directory", field="path")
    imported, failed = 0, []
    with uow_factory() as uow:
        for path, doc in articles.read_dir(folder):
            if isinstance(doc, InvalidInput):
                failed.append((path, doc.detail))
            else:
                documents.upsert(uow, doc)
                imported += 1
            if progress is not None:
                progress(path)
        uow.commit()
    return Imported(imported, failed)


def collect(uow_factory: UnitOfWorkFactory, progress: Callable[[int], Any] | None = None) -> int:
    """Re-collect every searchable thing from the components' services into the documents table."""
    return collect_module.collect(uow_factory, progress)


@dataclasses.dataclass(frozen=True)
class Article:
    """An imported article as its page shows it."""

    key: str
    title: str
    author: str
    tags: list[str]
    created_at: dt.datetime
    body: str


def get_article(*, uow: UnitOfWork, key: str) -> Article:
    """An imported article, or NotFound."""
    row = documents.get(uow, [f"article:{key}"]).get(f"article:{key}")
    if row is None:
        raise NotFound("article", key)
    return Article(
        row.doc_id.split(":", 1)[1], row.title, row.author, row.tags.split(), row.created_at, row.body
    )


def flush_popular_queries(uow_factory: UnitOfWorkFactory) -> int:
    """Write the queries counted since the last flush (the worker does this every 5 s)."""
    return popular.flush(uow_factory)


def rebuild(
    uow_factory: UnitOfWorkFactory, index: Index, progress: Callable[[int, int], Any] | None = None
) -> int:
    """Index every document again, into a fresh index that replaces the old one when done (which
    answers queries meanwhile); returns how many documents were indexed."""
    return index.rebuild(uow_factory, progress)
