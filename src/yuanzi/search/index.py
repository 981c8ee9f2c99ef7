"""The Tantivy index in the data dir (`<data_dir>/search`): pre-segmented words, character grams and
pinyin, kept in step with the `search_documents` table by applying its change log in order.

Tantivy has no Chinese tokenizer and takes no Python callbacks, so text is segmented here
(`text.py`) and indexed as space-separated tokens with the whitespace tokenizer. Only ids and
scores come back from Tantivy; the rows themselves are read from the database.

Private documents (chat messages, contacts) are in the same index: the `readers` field holds
`public` for everyone's documents, and the readers' user ids plus `private` for private ones. A
search of one's own requires one's id; every other search excludes `private` — a short posting
list, where requiring `public` would intersect every query with nearly the whole index. So the
index itself returns only what the searcher may see, and other people's messages never crowd
the searcher's own out of the candidates.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tantivy
from sqlalchemy import func, select

from yuanzi.core.errors import Problem
from yuanzi.core.uow import UnitOfWork, UnitOfWorkFactory
from yuanzi.search import documents, text
from yuanzi.search.documents import PUBLIC
from yuanzi.search.models import SearchChange, SearchDocument

PRIVATE = "private"  # the reader token every private document also holds
# How much a match in each field counts (BM25 × boost).
FIELD_BOOSTS = {"title": 3.0, "tags": 2.0, "author": 2.0, "pinyin": 1.5, "body": 1.0, "grams": 0.6}
BATCH = 2_000
COMPLETIONS = 20  # the commonest indexed words continuing what was typed
WRITER_HEAP = 50_000_000


# Every field and its tokenizer: an index on disk with other fields was built by an older yuanzi.
FIELDS = {"doc_id": "raw", "kind": "raw"} | dict.fromkeys([*FIELD_BOOSTS, "readers"], "whitespace")


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name, tokenizer in FIELDS.items():
        builder.add_text_field(name, stored=name == "doc_id", tokenizer_name=tokenizer)
    return builder.build()


def _fields_on_disk(path: Path) -> dict[str, str]:
    """The fields and tokenizers of the index at `path`, from Tantivy's meta.json."""
    try:
        meta = json.loads((path / "meta.json").read_text())
        return {f["name"]: f["options"]["indexing"]["tokenizer"] for f in meta["schema"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


class IndexBusy(Problem):
    """Another process (a running server) writes this index."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            409, "index_busy", f"the search index at {path} is in use by another process (a running server?)"
        )


@dataclasses.dataclass(frozen=True)
class Hit:
    """A document the index matched, with its BM25 score."""

    doc_id: str
    score: float


def tokens(row: SearchDocument) -> dict[str, str]:
    """What each field of the index holds for a document."""
    words = f"{row.title} {row.author} {row.tags}"
    return {
        "doc_id": row.doc_id,
        "kind": row.kind,
        "title": " ".join(text.words_for_index(row.title)),
        "tags": " ".join(text.words_for_index(row.tags)),
        "author": " ".join(text.words_for_index(row.author)),
        "body": " ".join(text.words_for_index(row.body)),
        "grams": " ".join(text.grams(f"{row.title} {row.body} {row.tags} {row.author}")),
        "pinyin": " ".join(text.pinyin_tokens(words)),
        "readers": " ".join(documents.reader_tokens(row) + ([] if row.readers == "" else [PRIVATE])),
    }


def _hits(searcher: tantivy.Searcher, query: tantivy.Query, limit: int) -> list[Hit]:
    result = searcher.search(query, limit)
    return [Hit(searcher.doc(address)["doc_id"][0], float(score)) for score, address in result.hits]


class TantivyIndex:
    """One process's index; `sync` applies the change log, `search` answers queries."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.schema = _schema()
        self._lock = threading.Lock()
        self._writer: tantivy.IndexWriter | None = None
        self._index = self._open()

    def _open(self) -> tantivy.Index:
        self.path.mkdir(parents=True, exist_ok=True)
        if tantivy.Index.exists(str(self.path)):
            if _fields_on_disk(self.path) == FIELDS:
                return tantivy.Index.open(str(self.path))
            # Built by an older yuanzi with other fields (before `readers`): its queries would
            # fail. Start empty and apply the whole change log again; every document is in it.
            shutil.rmtree(self.path)
            self.path.mkdir(parents=True)
        return tantivy.Index(self.schema, path=str(self.path))

    @property
    def _applied_file(self) -> Path:
        return self.path / "applied-change"

    def applied(self) -> int:
        """The id of the last change applied to the index."""
        try:
            return int(self._applied_file.read_text())
        except (FileNotFoundError, ValueError):
            return 0

    def sync(self, uow_factory: UnitOfWorkFactory) -> int:
        """Apply the next changes of the log; returns how many were applied."""
        with self._lock:
            after = self.applied()
            with uow_factory() as uow:
                changes = list(
                    uow.session.execute(
                        select(SearchChange.id, SearchChange.doc_id)
                        .where(SearchChange.id > after)
                        .order_by(SearchChange.id)
                        .limit(BATCH)
                    )
                )
                if not changes:
                    return 0
                doc_ids = sorted({doc_id for _, doc_id in changes})
                fields = {
                    row.doc_id: tokens(row)
                    for row in uow.session.scalars(
                        select(SearchDocument).where(SearchDocument.doc_id.in_(doc_ids))
                    )
                }
            writer = self._writer_now()
            for doc_id in doc_ids:
                writer.delete_documents_by_term("doc_id", doc_id)
                if doc_id in fields:
                    writer.add_document(tantivy.Document(**fields[doc_id]))
            writer.commit()
            self._applied_file.write_text(str(changes[-1][0]))
            self._index.reload()
            return len(changes)

    def _writer_now(self) -> tantivy.IndexWriter:
        if self._writer is None:
            try:
                self._writer = self._index.writer(heap_size=WRITER_HEAP, num_threads=1)
            except ValueError as exc:  # tantivy's LockBusy: another process writes this index
                raise IndexBusy(self.path) from exc
        return self._writer

    def pending(self, uow: UnitOfWork) -> int:
        """Changes logged but not applied yet."""
        count = uow.session.scalar(select(func.count()).where(SearchChange.id > self.applied()))
        return int(count or 0)

    def rebuild(
        self, uow_factory: UnitOfWorkFactory, progress: Callable[[int, int], Any] | None = None
    ) -> int:
        """Index every document into a new index beside this one, then swap it in; queries are
        answered by the old index until then. Changes made meanwhile are applied by the next sync."""
        with self._lock:
            self._writer_now()  # IndexBusy now, rather than swapping an index another process uses
        fresh_path = self.path.with_name(self.path.name + ".rebuild")
        shutil.rmtree(fresh_path, ignore_errors=True)
        fresh_path.mkdir(parents=True)
        fresh = tantivy.Index(self.schema, path=str(fresh_path))
        writer = fresh.writer(heap_size=WRITER_HEAP, num_threads=1)
        with uow_factory() as uow:
            last_change = int(uow.session.scalar(select(func.max(SearchChange.id))) or 0)
            total = int(uow.session.scalar(select(func.count()).select_from(SearchDocument)) or 0)
        done, after = 0, ""
        while True:
            with uow_factory() as uow:
                batch = [
                    tokens(row)
                    for row in uow.session.scalars(
                        select(SearchDocument)
                        .where(SearchDocument.doc_id > after)
                        .order_by(SearchDocument.doc_id)
                        .limit(BATCH)
                    )
                ]
            if not batch:
                break
            for fields in batch:
                writer.add_document(tantivy.Document(**fields))
            done, after = done + len(batch), batch[-1]["doc_id"]
            if progress is not None:
                progress(done, total)
        writer.commit()
        del writer
        (fresh_path / "applied-change").write_text(str(last_change))
        with self._lock:
            self._writer = None
            old = self.path.with_name(self.path.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            if self.path.exists():
                self.path.rename(old)
            fresh_path.rename(self.path)
            self._index = self._open()
            shutil.rmtree(old, ignore_errors=True)
        return done

    def search(
        self, uow: UnitOfWork, words: list[str], kinds: list[str] | None, limit: int, reader: str = PUBLIC
    ) -> list[Hit]:
        """Documents `reader` may find (`public`, or a user's id for their private ones) containing
        every query word — as a word, as character grams, or as pinyin — best BM25 first."""
        if not words:
            return []
        return _hits(self.searcher(), self.query(words, kinds, reader), limit)

    def query(self, words: list[str], kinds: list[str] | None = None, reader: str = PUBLIC) -> tantivy.Query:
        """The Tantivy query `search` runs (benchmarks time Tantivy alone with it)."""
        clauses = [(tantivy.Occur.Must, self._word_query(w)) for w in words]
        clauses.append(self._readers_clause(reader))
        if kinds:
            kind_query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, tantivy.Query.term_query(self.schema, "kind", k)) for k in kinds]
            )
            clauses.append((tantivy.Occur.Must, kind_query))
        return tantivy.Query.boolean_query(clauses)

    def searcher(self) -> tantivy.Searcher:
        """A searcher over the index as last committed."""
        return self._index.searcher()

    def _readers_clause(self, reader: str) -> tuple[tantivy.Occur, tantivy.Query]:
        if reader == PUBLIC:
            return tantivy.Occur.MustNot, tantivy.Query.term_query(self.schema, "readers", PRIVATE)
        # Scores nothing: whether a document may be seen must not change how well it matches.
        term = tantivy.Query.term_query(self.schema, "readers", reader)
        return tantivy.Occur.Must, tantivy.Query.const_score_query(term, 0.0)

    def _word_query(self, word: str) -> tantivy.Query:
        def term(field: str, value: str) -> tantivy.Query:
            query = tantivy.Query.term_query(self.schema, field, value)
            return tantivy.Query.boost_query(query, FIELD_BOOSTS[field])

        options = [term(field, word) for field in ("title", "tags", "author", "body")]
        grams = text.word_grams(word)
        if any(not g.isascii() for g in grams):
            options.append(
                tantivy.Query.boolean_query([(tantivy.Occur.Must, term("grams", g)) for g in grams])
            )
        if text.is_latin(word):
            options.append(term("pinyin", word))
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in options])

    def prefix_search(self, uow: UnitOfWork, whole: list[str], prefix: str, limit: int) -> list[Hit]:
        """Public documents with every word of `whole` and a title word (or pinyin) starting with
        `prefix`: one query over the index's most common completions of `prefix`."""
        field = "pinyin" if text.is_latin(prefix) else "title"
        if len(prefix) < 2:  # a one-character prefix continues into too many words to walk them
            return self.search(uow, [*whole, prefix], None, limit)
        searcher = self.searcher()
        completions = [str(t) for t, _ in searcher.terms_with_prefix(field, prefix, limit=COMPLETIONS)]
        if not completions:
            return self.search(uow, [*whole, prefix], None, limit)
        last = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(self.schema, field, c)) for c in completions]
        )
        head = [(tantivy.Occur.Must, self.query(whole))] if whole else []
        public = self._readers_clause(PUBLIC)
        return _hits(
            searcher, tantivy.Query.boolean_query([*head, public, (tantivy.Occur.Must, last)]), limit
        )
