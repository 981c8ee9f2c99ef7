"""The PostgreSQL backend: the same tokens as the Tantivy index (`index.tokens`), stored as a
weighted `tsvector` with a GIN index, shared by every server process on the database.

PostgreSQL's parsers treat a Chinese sentence as one token, and zhparser / pg_jieba are not
available here, so text is segmented in Python and the vector is written lexeme by lexeme
(`'视频号':1A 'sph':2B …`), with no parser in between; queries are built the same way. Weights:
A title, B tags / author / pinyin, C body, D character grams; ranked by `ts_rank`.

Who may find a document is the `readers` array (GIN-indexed): `{public}`, or its readers' user
ids, the same tokens as Tantivy's `readers` field. Every query requires the searcher's token in
its WHERE clause, so the LIMIT counts only documents the searcher may see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.dialects.postgresql import insert as pg_insert

from yuanzi.core.uow import UnitOfWork, UnitOfWorkFactory
from yuanzi.search import text as search_text
from yuanzi.search.documents import PUBLIC
from yuanzi.search.index import BATCH, Hit, tokens
from yuanzi.search.models import SearchChange, SearchDocument, SearchIndexState, SearchTerms

NAME = "postgresql"
WEIGHTS = {"title": "A", "tags": "B", "author": "B", "pinyin": "B", "body": "C", "grams": "D"}
RANK_WEIGHTS = "{0.15, 0.4, 0.7, 1.0}"  # D, C, B, A
MAX_POSITION = 16_383  # PostgreSQL's limit; later tokens share it


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def vector(fields: dict[str, str]) -> str:
    """A tsvector literal of the document's tokens, each with its field's weight."""
    parts, position = [], 0
    for field, weight in WEIGHTS.items():
        for token in fields[field].split():
            position = min(position + 1, MAX_POSITION)
            parts.append(f"{_lexeme(token)}:{position}{weight}")
    return " ".join(parts) or "''"


def query(words: list[str]) -> str:
    """A tsquery literal: every word, as a word (A–C), as all its character grams (D), or as pinyin."""
    clauses = []
    for word in words:
        options = [f"{_lexeme(word)}:ABC"]
        grams = search_text.word_grams(word)
        if any(not g.isascii() for g in grams):
            options.append("(" + " & ".join(f"{_lexeme(g)}:D" for g in grams) + ")")
        clauses.append("(" + " | ".join(options) + ")")
    return " & ".join(clauses)


class PostgresIndex:
    """The index in PostgreSQL; any process may sync it (the state row serialises them)."""

    path = "PostgreSQL (table search_terms)"

    def applied(self, uow: UnitOfWork) -> int:
        value = uow.session.scalar(select(SearchIndexState.applied).where(SearchIndexState.backend == NAME))
        return int(value or 0)

    def sync(self, uow_factory: UnitOfWorkFactory) -> int:
        """Apply the next changes of the log; returns how many were applied."""
        with uow_factory() as uow:
            uow.session.execute(
                pg_insert(SearchIndexState).values(backend=NAME, applied=0).on_conflict_do_nothing()
            )
            after = uow.session.scalar(
                select(SearchIndexState.applied).where(SearchIndexState.backend == NAME).with_for_update()
            )
            changes = list(
                uow.session.execute(
                    select(SearchChange.id, SearchChange.doc_id)
                    .where(SearchChange.id > (after or 0))
                    .order_by(SearchChange.id)
                    .limit(BATCH)
                )
            )
            if not changes:
                return 0
            doc_ids = sorted({doc_id for _, doc_id in changes})
            self._replace(uow, doc_ids)
            uow.session.execute(
                update(SearchIndexState)
                .where(SearchIndexState.backend == NAME)
                .values(applied=changes[-1][0])
            )
            uow.commit()
            return len(changes)

    def _replace(self, uow: UnitOfWork, doc_ids: list[str]) -> int:
        uow.session.execute(delete(SearchTerms).where(SearchTerms.doc_id.in_(doc_ids)))
        rows = []
        for row in uow.session.scalars(select(SearchDocument).where(SearchDocument.doc_id.in_(doc_ids))):
            fields = tokens(row)
            rows.append(
                {
                    "doc_id": row.doc_id,
                    "kind": row.kind,
                    "tsv": vector(fields),
                    "readers": fields["readers"].split(),
                }
            )
        if rows:
            statement = insert(SearchTerms).values(
                doc_id=bindparam("doc_id"),
                kind=bindparam("kind"),
                tsv=func.cast(bindparam("tsv"), TSVECTOR),
                readers=bindparam("readers"),
            )
            uow.session.execute(statement, rows)
        return len(rows)

    def pending(self, uow: UnitOfWork) -> int:
        """Changes logged but not applied yet."""
        count = uow.session.scalar(select(func.count()).where(SearchChange.id > self.applied(uow)))
        return int(count or 0)

    def search(
        self, uow: UnitOfWork, words: list[str], kinds: list[str] | None, limit: int, reader: str = PUBLIC
    ) -> list[Hit]:
        """Documents `reader` may find (`public`, or a user's id for their private ones) containing
        every query word, best `ts_rank` first."""
        if not words:
            return []
        return self._ranked(uow, query(words), kinds, limit, reader)

    def prefix_search(self, uow: UnitOfWork, whole: list[str], prefix: str, limit: int) -> list[Hit]:
        """Public documents with every word of `whole` and a title word (or pinyin) starting with
        `prefix`."""
        last = f"{_lexeme(prefix)}:*{'B' if search_text.is_latin(prefix) else 'A'}"
        head = query(whole)
        return self._ranked(uow, f"{head} & {last}" if head else last, None, limit, PUBLIC)

    def _ranked(
        self, uow: UnitOfWork, tsquery: str, kinds: list[str] | None, limit: int, reader: str
    ) -> list[Hit]:
        q = text("CAST(:q AS tsquery)")
        rank = func.ts_rank(text(f"'{RANK_WEIGHTS}'"), SearchTerms.tsv, q)
        statement = select(SearchTerms.doc_id, rank.label("rank")).where(
            SearchTerms.tsv.op("@@")(q),
            SearchTerms.readers.contains([reader]),
        )
        if kinds:
            statement = statement.where(SearchTerms.kind.in_(kinds))
        statement = statement.order_by(text("rank DESC"), SearchTerms.doc_id).limit(limit)
        rows = uow.session.execute(statement, {"q": tsquery}).all()
        return [Hit(doc_id, float(score)) for doc_id, score in rows]

    def rebuild(
        self, uow_factory: UnitOfWorkFactory, progress: Callable[[int, int], Any] | None = None
    ) -> int:
        """Index every document again in one transaction (readers see the old index until it commits)."""
        with uow_factory() as uow:
            last_change = int(uow.session.scalar(select(func.max(SearchChange.id))) or 0)
            doc_ids = list(uow.session.scalars(select(SearchDocument.doc_id).order_by(SearchDocument.doc_id)))
            uow.session.execute(delete(SearchTerms))
            done = 0
            for start in range(0, len(doc_ids), BATCH):
                done += self._replace(uow, doc_ids[start : start + BATCH])
                if progress is not None:
                    progress(done, len(doc_ids))
            uow.session.execute(
                pg_insert(SearchIndexState)
                .values(backend=NAME, applied=last_change)
                .on_conflict_do_update(index_elements=["backend"], set_={"applied": last_change})
            )
            uow.commit()
        return done
