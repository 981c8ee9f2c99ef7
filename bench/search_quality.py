"""Search relevance on the labelled set in bench/search_eval/: nDCG@10 and recall@50, for BM25
alone (the index's own order) and for the full ranking (× freshness, popularity, type), side by side.

The corpus (38 posts, channels, mini programs, a merchant and articles, written for this set:
sub-words, pinyin and initials, traditional characters, near-duplicates, popular and old posts)
and 28 queries with graded judgements (3 exactly it, 2 highly relevant, 1 related; unjudged 0).

    .venv/bin/python bench/search_quality.py [--backend tantivy|postgresql --database-url …]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scratch_db import scratch_database
from search_latency import load_documents

from yuanzi.core import migrate
from yuanzi.core.clock import SystemClock
from yuanzi.core.db import create_db_engine
from yuanzi.core.events import Subscribers
from yuanzi.core.runtime import Runtime
from yuanzi.search import service as search_service
from yuanzi.search import text as search_text
from yuanzi.settings import Settings

HERE = Path(__file__).resolve().parent / "search_eval"


def load(name: str) -> list[dict[str, Any]]:
    return [
        json.loads(line) for line in (HERE / name).read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def ndcg(ranked: list[str], judgements: dict[str, int], k: int = 10) -> float:
    gains = [judgements.get(doc, 0) for doc in ranked[:k]]
    dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted(judgements.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


def recall(ranked: list[str], judgements: dict[str, int], k: int = 50) -> float:
    relevant = {doc for doc, grade in judgements.items() if grade > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=search_service.BACKENDS, default="tantivy")
    parser.add_argument("--database-url", default=None, help="PostgreSQL server for --backend postgresql")
    args = parser.parse_args()
    server = None
    if args.backend == "postgresql":
        server = args.database_url or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    with (
        tempfile.TemporaryDirectory(prefix="yuanzi-search-eval-") as tmp,
        scratch_database(server, Path(tmp), "search_eval") as url,
    ):
        settings = Settings(data_dir=Path(tmp), database_url=url, search_backend=args.backend)
        engine = create_db_engine(url)
        try:
            migrate.upgrade(engine)
            runtime = Runtime(engine=engine, clock=SystemClock(), subscribers=Subscribers(), deliver=False)
            corpus, queries = load("corpus.jsonl"), load("queries.jsonl")
            now = dt.datetime.now(dt.UTC)
            search_text.add_words([d["author"] for d in corpus if d["author"]])
            search_text.add_words(
                [d["title"] for d in corpus if d["kind"] in ("creator", "miniprogram", "merchant")]
            )
            load_documents(
                engine,
                [
                    {
                        **{k: d[k] for k in ("doc_id", "kind", "title", "body", "tags", "author")},
                        "url": "",
                        "created_at": now - dt.timedelta(days=d["days"]),
                        "popularity": d["popularity"],
                    }
                    for d in corpus
                ],
            )
            index = search_service.open_index(settings)
            while index.sync(runtime.plain_uow):
                pass
            rows = []
            for item in queries:
                with runtime.read_uow() as uow:
                    words = search_text.words_for_query(item["query"])
                    bm25 = [h.doc_id for h in index.search(uow, words, None, 50)]
                    full = [
                        r.doc_id
                        for r in search_service.search(
                            uow=uow, index=index, query=item["query"], limit=50
                        ).results
                    ]
                judged = item["judgements"]
                rows.append(
                    (
                        item["query"],
                        ndcg(bm25, judged),
                        ndcg(full, judged),
                        recall(bm25, judged),
                        recall(full, judged),
                    )
                )
        finally:
            engine.dispose()
    print(f"backend: {args.backend}; {len(corpus)} documents, {len(rows)} queries (bench/search_eval/)")
    print(f"{'query':<14} {'nDCG@10 BM25':>13} {'full':>7} {'recall@50 BM25':>15} {'full':>7}")
    for query, n_bm25, n_full, r_bm25, r_full in rows:
        print(f"{query:<14} {n_bm25:13.3f} {n_full:7.3f} {r_bm25:15.3f} {r_full:7.3f}")
    means = [sum(r[i] for r in rows) / len(rows) for i in range(1, 5)]
    print(f"{'mean':<14} {means[0]:13.3f} {means[1]:7.3f} {means[2]:15.3f} {means[3]:7.3f}")


if __name__ == "__main__":
    main()
