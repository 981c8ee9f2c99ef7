"""Search over 100k Chinese documents: indexing and query latency, against the raw engines.

Documents are generated from jieba's own dictionary (words drawn by their corpus frequency), so
no corpus has to ship with the repository. Measured in the same run:

- indexing: documents/s through Search (segmentation, grams, pinyin, Tantivy), and Tantivy alone
  indexing the same, already tokenised documents;
- a fixed query mix through `search_service.search` (segment the query, Tantivy, read the rows,
  rank, highlight) and the raw Tantivy search for the same queries: p50 / p99, queries/s, ratio;
- suggestions (`search_service.suggest`): p50 / p99 (the target: under 20 ms);
- SQLite FTS5 with the trigram tokenizer over the same text, for the same queries: its latency,
  and how many queries it cannot answer at all (fewer than three characters).

    .venv/bin/python bench/search_latency.py [--documents 100000 --queries 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import jieba
import tantivy
from sqlalchemy import Engine, insert

from yuanzi.core import migrate
from yuanzi.core.clock import SystemClock
from yuanzi.core.db import create_db_engine
from yuanzi.core.events import Subscribers
from yuanzi.core.runtime import Runtime
from yuanzi.models import metadata
from yuanzi.search import index as search_index
from yuanzi.search import service as search_service
from yuanzi.search import text
from yuanzi.settings import Settings


def dictionary() -> tuple[list[str], list[float]]:
    """jieba's dictionary: Chinese words of two or more characters and their frequencies."""
    words, weights = [], []
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as source:
        for line in source:
            word, freq, *_ = line.split()
            if len(word) >= 2 and not word.isascii():
                words.append(word)
                weights.append(float(freq))
    return words, weights


def corpus(count: int, rng: random.Random) -> list[dict[str, str]]:
    words, weights = dictionary()
    cumulative = list(itertools.accumulate(weights))  # once: choices() would sum 349k weights a call
    docs = []
    for i in range(count):
        title = "".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(2, 5)))
        clauses = rng.randint(2, 6)
        body = "，".join(
            "".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(3, 8))) for _ in range(clauses)
        )
        docs.append({"doc_id": f"article:{i}", "title": title, "body": body})
    return docs


def query_mix(docs: list[dict[str, str]], rng: random.Random, count: int) -> list[str]:
    """Two-character words, longer words, two-word queries and pinyin initials, from the corpus."""
    queries = []
    for _ in range(count):
        doc = rng.choice(docs)
        words = [w for w in text.words_for_query(doc["title"]) if len(w) >= 2]
        if not words:
            continue
        kind = rng.randrange(4)
        if kind == 0:
            queries.append(rng.choice(words)[:2])
        elif kind == 1:
            queries.append(max(words, key=len))
        elif kind == 2 and len(words) > 1:
            queries.append(" ".join(rng.sample(words, 2)))
        else:
            initials = [t for t in text.pinyin_tokens(rng.choice(words)) if len(t) == len(words[0])]
            queries.append(initials[0] if initials else words[0])
    return queries


def load_documents(engine: Engine, rows: list[dict[str, Any]]) -> None:
    """Write documents (and the change log entries the index applies) in bulk, as subscribers would."""
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(metadata.tables["search_documents"]),
            [{"live": False, "updated_at": now, **r} for r in rows],
        )
        changes = [{"doc_id": r["doc_id"], "changed_at": now} for r in rows]
        conn.execute(insert(metadata.tables["search_changes"]), changes)


def timed(function: object, items: list[str]) -> list[float]:
    out = []
    for item in items:
        start = time.perf_counter()
        function(item)  # type: ignore[operator]
        out.append(time.perf_counter() - start)
    return out


def line(name: str, latencies: list[float], baseline: list[float] | None = None) -> None:
    ordered = sorted(latencies)
    p50, p99 = statistics.median(ordered), ordered[max(int(len(ordered) * 0.99) - 1, 0)]
    ratio = f"   p50 {p50 / statistics.median(baseline):5.1f}× the raw engine" if baseline else ""
    print(
        f"{name:<34} {len(ordered) / sum(ordered):9,.0f} queries/s   p50 {p50 * 1000:7.2f} ms   "
        f"p99 {p99 * 1000:7.2f} ms{ratio}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(11)
    docs = corpus(args.documents, rng)
    with tempfile.TemporaryDirectory(prefix="yuanzi-search-bench-") as tmp:
        settings = Settings(data_dir=Path(tmp), database_url=f"sqlite:///{tmp}/bench.sqlite3")
        engine = create_db_engine(settings.sqlalchemy_url)
        migrate.upgrade(engine)
        runtime = Runtime(engine=engine, clock=SystemClock(), subscribers=Subscribers(), deliver=False)
        now = dt.datetime.now(dt.UTC)
        load_documents(
            engine,
            [
                {
                    **d,
                    "kind": "article",
                    "tags": "",
                    "author": "",
                    "url": "",
                    "created_at": now,
                    "popularity": 0.0,
                }
                for d in docs
            ],
        )
        index = search_service.open_index(settings)
        assert isinstance(index, search_index.TantivyIndex)
        start = time.perf_counter()
        while index.sync(runtime.plain_uow):
            pass
        ours = time.perf_counter() - start
        with runtime.read_uow() as uow:
            rows = uow.session.execute(metadata.tables["search_documents"].select().limit(20_000)).all()
            fields = [search_index.tokens(row) for row in rows]  # type: ignore[arg-type]
        (Path(tmp) / "raw").mkdir()
        raw_index = tantivy.Index(index.schema, path=str(Path(tmp) / "raw"))
        writer = raw_index.writer(heap_size=search_index.WRITER_HEAP, num_threads=1)
        start = time.perf_counter()
        for f in fields:
            writer.add_document(tantivy.Document(**f))
        writer.commit()
        raw = time.perf_counter() - start
        print(f"documents: {len(docs):,} generated from jieba's dictionary")
        print(f"{'indexing through Search':<34} {len(docs) / ours:9,.0f} documents/s  ({ours:.1f} s)")
        print(
            f"{'Tantivy alone, pre-tokenised':<34} {len(fields) / raw:9,.0f} documents/s  "
            f"(Search: {(len(docs) / ours) / (len(fields) / raw):.2f}× of it; the rest is segmentation)"
        )

        queries = query_mix(docs, rng, args.queries)
        prepared = [index.query(text.words_for_query(q)) for q in queries]  # built before the clock

        def raw_search(i: str) -> None:
            index.searcher().search(prepared[int(i)], search_service.CANDIDATES)

        def full_search(q: str) -> None:
            with runtime.read_uow() as uow:
                search_service.search(uow=uow, index=index, query=q, limit=20)

        def suggest(q: str) -> None:
            with runtime.read_uow() as uow:
                search_service.suggest(uow=uow, index=index, prefix=q)

        for q in queries[:20]:
            full_search(q)  # warm up
        indices = [str(i) for i in range(len(queries))]
        raw_times = timed(raw_search, indices)
        line("raw Tantivy (same queries)", raw_times)
        line("Search (segment, rank, snippets)", timed(full_search, queries), raw_times)
        prefixes = [q.replace(" ", "")[: max(1, len(q.replace(" ", "")) - 1)] for q in queries]
        line("suggestions", timed(suggest, prefixes))

        fts = sqlite3.connect(":memory:")
        fts.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='trigram')")
        fts.executemany("INSERT INTO docs VALUES (?, ?)", [(d["title"], d["body"]) for d in docs])
        answerable = [q for q in queries if not q.isascii() and all(len(w) >= 3 for w in q.split())]

        def fts_search(q: str) -> None:
            match = " AND ".join('"' + w.replace('"', '""') + '"' for w in q.split())
            fts.execute(
                "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 200", (match,)
            ).fetchall()

        line("SQLite FTS5 trigram", timed(fts_search, answerable))
        print(
            f"FTS5 trigram cannot answer {len(queries) - len(answerable)} of {len(queries)} queries "
            "(a word under three characters, or pinyin); Search answers all of them"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
