"""Channels feed requests over HTTP against one yuanzi server worker, on 100k posts by 10k creators.

Each feed is measured one request at a time (the latency of a request) and `--concurrency` at a
time (throughput, and the latency under load).

Seeds the tables in bulk (posts over the last week, counters, originality), then measures
`GET /api/channels/feed/recommended` (rank, allocate, record impressions) and
`GET /api/channels/feed/following` (a cursor page): p50 / p99 latency and requests/s. Alongside,
measured in the same run on the same database: the raw SQL of the Recommended feed's candidate
fetch (the 500 newest unseen posts of the week), and the ratio of a request to it.

    .venv/bin/python bench/channels_feed.py [--posts 100000 --creators 10000 --requests 2000
                                             --concurrency 4 --database-url postgresql+psycopg://postgres@127.0.0.1/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import Engine, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pay_api import free_port, start_server
from scratch_db import scratch_database

from yuanzi.core import migrate
from yuanzi.core.db import create_db_engine
from yuanzi.models import metadata

VIEWERS = 2_000
FOLLOWS_PER_VIEWER = 50


def seed(engine: Engine, creators: int, posts: int) -> None:
    """Users, creators, posts spread over the last 7 days with counters, originality, follows."""
    rng = random.Random(7)
    now = dt.datetime.now(dt.UTC)
    tables = metadata.tables
    with engine.begin() as conn:
        conn.execute(
            insert(tables["identity_users"]),
            [{"nickname": f"user {i}", "created_at": now} for i in range(creators + VIEWERS)],
        )
        conn.execute(
            insert(tables["channels_creators"]),
            [
                {"user_id": i + 1, "name": f"creator {i}", "bio": "", "created_at": now}
                for i in range(creators)
            ],
        )
        rows = []
        for i in range(posts):
            plays = rng.randint(0, 5_000)
            rows.append(
                {
                    "creator_id": rng.randint(1, creators),
                    "kind": "images",
                    "text": f"post {i}",
                    "topics": "[]",
                    "media": "[]",
                    "cards": "[]",
                    "declared_original": True,
                    "created_at": now - dt.timedelta(seconds=rng.uniform(0, 7 * 86_400)),
                    "plays": plays,
                    "likes": int(plays * rng.uniform(0, 0.1)),
                    "finishes": int(plays * rng.uniform(0, 0.5)),
                    "shares": int(plays * rng.uniform(0, 0.02)),
                }
            )
        for start in range(0, posts, 10_000):
            conn.execute(insert(tables["channels_posts"]), rows[start : start + 10_000])
        conn.execute(
            insert(tables["channels_originality"]),
            [
                {
                    "post_id": i + 1,
                    "declared": True,
                    "granted": rng.random() < 0.6,
                    "reason": "seeded",
                    "evidence": "{}",
                    "decided_at": now,
                }
                for i in range(posts)
            ],
        )
        conn.execute(
            insert(tables["channels_follows"]),
            [
                {"user_id": creators + 1 + v, "creator_id": c, "created_at": now}
                for v in range(VIEWERS)
                for c in rng.sample(range(1, creators + 1), FOLLOWS_PER_VIEWER)
            ],
        )


def raw_candidates(engine: Engine, user_id: int) -> float:
    """Seconds for the Recommended feed's candidate fetch as plain SQL (no ORM, no ranking)."""
    tables = metadata.tables
    posts, impressions = tables["channels_posts"], tables["channels_impressions"]
    now = dt.datetime.now(dt.UTC)
    seen = select(impressions.c.post_id).where(
        impressions.c.user_id == user_id, impressions.c.shown_at >= now - dt.timedelta(hours=24)
    )
    query = (
        select(posts)
        .where(
            posts.c.deleted_at.is_(None),
            posts.c.created_at >= now - dt.timedelta(days=7),
            posts.c.id.not_in(seen),
        )
        .order_by(posts.c.created_at.desc())
        .limit(500)
    )
    start = time.perf_counter()
    with engine.connect() as conn:
        conn.execute(query).all()
    return time.perf_counter() - start


def measure(base: str, path: str, users: list[int], requests: int, concurrency: int) -> list[float]:
    """Latencies (s) of `requests` GETs of `path`, acting as users in turn, `concurrency` at a time."""

    def one(i: int, client: httpx.Client) -> float:
        start = time.perf_counter()
        response = client.get(base + path, headers={"X-Yuanzi-User": str(users[i % len(users)])})
        assert response.status_code == 200, response.text
        return time.perf_counter() - start

    clients = [httpx.Client(timeout=30) for _ in range(concurrency)]
    with ThreadPoolExecutor(concurrency) as pool:
        latencies = list(pool.map(lambda i: one(i, clients[i % concurrency]), range(requests)))
    for client in clients:
        client.close()
    return latencies


def report(name: str, latencies: list[float], wall: float, baseline: float) -> None:
    ordered = sorted(latencies)
    p50, p99 = statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1]
    print(
        f"{name:<38} {len(latencies) / wall:8,.0f} requests/s   p50 {p50 * 1000:6.1f} ms   "
        f"p99 {p99 * 1000:6.1f} ms   p50 / raw candidate query {p50 / baseline:5.1f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--creators", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="yuanzi-bench-") as tmp,
        scratch_database(args.database_url, Path(tmp), "feed") as url,
    ):
        data_dir = Path(tmp)
        engine = create_db_engine(url)
        migrate.upgrade(engine)
        started = time.perf_counter()
        seed(engine, args.creators, args.posts)
        if args.database_url:  # fresh statistics, as autovacuum would gather after a bulk load
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))
        took = time.perf_counter() - started
        print(f"seeded {args.posts:,} posts by {args.creators:,} creators in {took:.1f} s")
        viewers = list(range(args.creators + 1, args.creators + VIEWERS + 1))
        raw = [raw_candidates(engine, v) for v in viewers[:200]]
        baseline = statistics.median(raw)
        print(f"{'raw candidate query':<38} p50 {baseline * 1000:6.2f} ms (SQLAlchemy Core, same database)")
        port = free_port()
        server = start_server(data_dir, port, url)
        try:
            base = f"http://127.0.0.1:{port}"
            for name, path in (
                ("Recommended (limit 10)", "/api/channels/feed/recommended?limit=10"),
                ("Following (limit 20)", "/api/channels/feed/following?limit=20"),
            ):
                measure(base, path, viewers, 50, args.concurrency)  # warm up
                for concurrency in sorted({1, args.concurrency}):
                    start = time.perf_counter()
                    latencies = measure(base, path, viewers, args.requests, concurrency)
                    report(
                        f"{name}, {concurrency} at a time", latencies, time.perf_counter() - start, baseline
                    )
        finally:
            server.terminate()
            server.wait(timeout=30)
            engine.dispose()


if __name__ == "__main__":
    main()
