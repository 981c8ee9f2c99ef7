"""Chats: sending (one unit of work per message: membership, the chat's row lock, the friendship
check, the idempotency lookup, the insert, the outbox event) and syncing (`since=<seq>`).

Baselines measured in the same run on the same database: a raw INSERT of the same message row
committed one at a time (the least a durable send can cost), and the raw indexed SELECT a sync
runs. Prints each and the ratio.

    .venv/bin/python bench/chats_messages.py --messages 3000 [--database-url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scratch_db import scratch_database
from timing import percentiles

from yuanzi.chats import service as chats_service
from yuanzi.chats.models import Message
from yuanzi.core import migrate
from yuanzi.core.clock import SystemClock
from yuanzi.core.db import create_db_engine
from yuanzi.core.events import Subscribers
from yuanzi.core.runtime import Runtime
from yuanzi.identity import service as identity_service

CHATS = 20


def setup(runtime: Runtime) -> tuple[list[tuple[int, int]], int]:
    """`CHATS` direct chats (sender, chat id) around one user, and that user."""
    with runtime.uow() as uow:
        me = identity_service.create_user(uow=uow, nickname="我").user_id
        chats = []
        for i in range(CHATS):
            friend = identity_service.create_user(uow=uow, nickname=f"好友{i}").user_id
            identity_service.add_friend(uow=uow, user_id=me, friend_id=friend)
            chat, _ = chats_service.open_direct(uow=uow, user_id=me, other_id=friend)
            chats.append((friend, chat.conversation_id))
        uow.commit()
    return chats, me


def bench_send(runtime: Runtime, chats: list[tuple[int, int]], count: int) -> float:
    start = time.perf_counter()
    for i in range(count):
        sender, chat = chats[i % len(chats)]
        with runtime.uow() as uow:
            chats_service.send(
                uow=uow,
                user_id=sender,
                conversation_id=chat,
                text=f"第{i}条消息：今晚吃什么？",
                client_msg_id=f"b{i}",
            )
            uow.commit()
    return count / (time.perf_counter() - start)


def bench_raw_insert(engine: Engine, chats: list[tuple[int, int]], count: int) -> float:
    now = dt.datetime.now(dt.UTC)
    start = time.perf_counter()
    for i in range(count):
        sender, chat = chats[i % len(chats)]
        with engine.begin() as conn:
            conn.execute(
                insert(Message).values(
                    conversation_id=chat,
                    sender_id=sender,
                    client_msg_id=f"raw{i}",
                    text=f"第{i}条消息：今晚吃什么？",
                    sent_at=now,
                    seq=10_000_000 + i,
                )
            )
    return count / (time.perf_counter() - start)


def bench_sync(runtime: Runtime, engine: Engine, me: int, chats: list[tuple[int, int]], rounds: int) -> None:
    """A client that has all but the last 5 changes of a chat asks for the rest."""
    through_service, raw = [], []
    for i in range(rounds):
        _, chat = chats[i % len(chats)]
        with runtime.read_uow() as uow:
            latest = chats_service.get_conversation(uow=uow, user_id=me, conversation_id=chat).seq
        since = max(latest - 5, 0)
        start = time.perf_counter()
        with runtime.read_uow() as uow:
            got = chats_service.history(uow=uow, user_id=me, conversation_id=chat, since=since)
        through_service.append(time.perf_counter() - start)
        start = time.perf_counter()
        with engine.connect() as conn:
            rows = conn.execute(
                select(Message)
                .where(Message.conversation_id == chat, Message.seq > since)
                .order_by(Message.seq)
                .limit(50)
            ).all()
        raw.append(time.perf_counter() - start)
        assert len(got) == len(rows) == 5
    (s50, s99), (r50, r99) = percentiles(through_service), percentiles(raw)
    print(f"{'sync (since=seq), service':<38} p50 {s50:6.2f} ms  p99 {s99:6.2f} ms")
    print(f"{'sync, raw indexed SELECT':<38} p50 {r50:6.2f} ms  p99 {r99:6.2f} ms")
    print(f"{'ratio (service / raw), p50':<38} ×{s50 / r50:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument(
        "--database-url", default=None, help="a PostgreSQL server (a database is made and dropped)"
    )
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="yuanzi-bench-chats-") as tmp,
        scratch_database(args.database_url, Path(tmp), "chats") as url,
    ):
        engine = create_db_engine(url)
        try:
            migrate.upgrade(engine)
            runtime = Runtime(engine=engine, clock=SystemClock(), subscribers=Subscribers(), deliver=False)
            chats, me = setup(runtime)
            print(
                f"database: {engine.dialect.name}; {args.messages} messages over {CHATS} chats, a commit each"
            )
            sent = bench_send(runtime, chats, args.messages)
            raw = bench_raw_insert(engine, chats, args.messages)
            with engine.begin() as conn:  # the baseline's rows are not part of any chat's changes
                conn.execute(text("DELETE FROM chat_messages WHERE client_msg_id LIKE 'raw%'"))
            print(f"{'send through Chats':<38} {sent:8.0f} messages/s")
            print(f"{'raw INSERT + commit, same row':<38} {raw:8.0f} messages/s")
            print(f"{'ratio (raw / service)':<38} ×{raw / sent:.1f}")
            bench_sync(runtime, engine, me, chats, rounds=500)
        finally:
            engine.dispose()


if __name__ == "__main__":
    main()
