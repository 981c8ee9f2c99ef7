"""WeChat customer service (微信客服): customers writing (`customer_send`: the account, the session,
the corp's row lock, the client_msg_id lookup, the insert numbered in the corp's sequence, the
callback outbox check), the corp syncing (`sync_msg` pages of 100 from the start: the joins to the
session, the account, the customer's external_userid and the servicer) and the corp answering
(`send_msg`: the corp's row lock, the account, the customer, the session and its reply window,
the insert). One corp, 2 accounts, `CUSTOMERS` customers writing to both.

Baselines measured in the same run on the same database: a raw INSERT of the same
`wecom_kf_messages` row committed one at a time (the least a durable message can cost), and the
raw indexed SELECT of the same page (by corp_id and seq > cursor, ordered, limit 100). Prints
each and the ratio. Callbacks are not configured, so no callback row is written (only looked for).
The database is ANALYZEd before the sync, as autovacuum would have done on a live one.

    .venv/bin/python bench/wecom_kf.py --messages 3000 [--database-url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import json
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image
from sqlalchemy import Engine, delete, func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scratch_db import scratch_database
from timing import percentiles

from yuanzi.core import migrate
from yuanzi.core.clock import SystemClock
from yuanzi.core.db import create_db_engine
from yuanzi.core.events import Subscribers
from yuanzi.core.runtime import Runtime
from yuanzi.identity import service as identity_service
from yuanzi.wecom import corps, kf_accounts, kf_messages, kf_sessions, media
from yuanzi.wecom.corps import CorpInfo
from yuanzi.wecom.models import KfMessage, KfSession

CUSTOMERS = 50
ACCOUNTS = 2
PAGE = 100
RAW_SEQ_WRITE = 10_000_000  # the baselines' rows, far above any real seq
RAW_SEQ_ANSWER = 20_000_000


@dataclasses.dataclass(frozen=True)
class Conversation:
    """A customer and an account: who writes, where, and who the corp answers."""

    user_id: int
    open_kfid: str
    external_userid: str = ""
    session_id: int = 0


def _png() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (7, 193, 96)).save(out, "PNG")
    out.seek(0)
    return out


def setup(runtime: Runtime) -> tuple[CorpInfo, list[Conversation]]:
    """The corp, its accounts (with avatars) and every customer × account pair."""
    with runtime.uow() as uow:
        corp = corps.create_corp(uow=uow, name="原子商城").corp
        accounts = []
        for i in range(ACCOUNTS):
            avatar = _png()
            uploaded = media.upload(
                uow=uow, corp_id=corp.corp_id, type="image", data=avatar, size=len(avatar.getvalue())
            )
            name = f"售后服务{i}"
            accounts.append(
                kf_accounts.add_account(uow=uow, corp=corp, name=name, media_id=uploaded.media_id)
            )
        customers = [
            identity_service.create_user(uow=uow, nickname=f"顾客{i}").user_id for i in range(CUSTOMERS)
        ]
        uow.commit()
    return corp, [Conversation(user, account) for account in accounts for user in customers]


def _conversation(conversations: list[Conversation], i: int) -> Conversation:
    """Message i: each customer in turn, to one account then the other."""
    return conversations[(i // CUSTOMERS) % ACCOUNTS * CUSTOMERS + i % CUSTOMERS]


def _customer_text(i: int) -> str:
    return f"第{i}条：我的订单什么时候发货？"


def _answer_text(i: int) -> str:
    return f"您好，第{i}条答复：今天发货，请留意物流。"


def bench_customers(runtime: Runtime, conversations: list[Conversation], count: int) -> float:
    start = time.perf_counter()
    for i in range(count):
        conversation = _conversation(conversations, i)
        with runtime.uow() as uow:
            kf_sessions.customer_send(
                uow=uow,
                open_kfid=conversation.open_kfid,
                user_id=conversation.user_id,
                text=_customer_text(i),
                client_msg_id=f"b{i}",
            )
            uow.commit()
    return count / (time.perf_counter() - start)


def with_sessions(runtime: Runtime, corp: CorpInfo, conversations: list[Conversation]) -> list[Conversation]:
    """Each conversation with its session and the customer's external_userid (made by the first
    message), which the raw baseline and the answers need."""
    with runtime.uow() as uow:
        done = []
        for conversation in conversations:
            account = kf_accounts.account_row(uow, corp.corp_id, conversation.open_kfid)
            session_id = uow.session.scalar(
                select(KfSession.id).where(
                    KfSession.account_id == account.id, KfSession.user_id == conversation.user_id
                )
            )
            assert session_id is not None
            external = kf_sessions.external_userid(uow, corp.corp_id, conversation.user_id)
            done.append(dataclasses.replace(conversation, external_userid=external, session_id=session_id))
    return done


def bench_raw_insert(
    engine: Engine, corp: CorpInfo, sessions: list[Conversation], count: int, *, origin: int, base: int
) -> float:
    now = dt.datetime.now(dt.UTC)
    words = _customer_text if origin == kf_sessions.FROM_CUSTOMER else _answer_text
    start = time.perf_counter()
    for i in range(count):
        conversation = _conversation(sessions, i)
        with engine.begin() as conn:
            conn.execute(
                insert(KfMessage).values(
                    msgid=f"raw{base + i}",
                    corp_id=corp.corp_id,
                    seq=base + i,
                    session_id=conversation.session_id,
                    origin=origin,
                    msgtype="text",
                    content=json.dumps({"content": words(i)}, ensure_ascii=False),
                    send_time=now,
                    client_msg_id=f"raw{base + i}" if origin == kf_sessions.FROM_CUSTOMER else None,
                )
            )
    elapsed = time.perf_counter() - start
    with engine.begin() as conn:  # the baseline's rows are no part of any conversation
        # by seq, not msgid LIKE 'raw%': a real msgid is random and SQLite's LIKE ignores case
        conn.execute(delete(KfMessage).where(KfMessage.corp_id == corp.corp_id, KfMessage.seq >= base))
    return count / elapsed


def bench_sync(runtime: Runtime, engine: Engine, corp: CorpInfo, count: int, passes: int) -> int:
    """The corp reads everything from an empty cursor, a page of 100 at a time, `passes` times;
    each page is also read by the raw SELECT right after. Returns the pages read."""
    through_service, raw = [], []
    for _ in range(passes):
        cursor, after, seen, more = "", 0, 0, True
        while more:
            start = time.perf_counter()
            with runtime.read_uow() as uow:
                page = kf_messages.sync(uow=uow, corp=corp, cursor=cursor, limit=PAGE, open_kfid=None)
            through_service.append(time.perf_counter() - start)
            start = time.perf_counter()
            with engine.connect() as conn:
                rows = conn.execute(
                    select(KfMessage)
                    .where(KfMessage.corp_id == corp.corp_id, KfMessage.seq > after)
                    .order_by(KfMessage.seq)
                    .limit(PAGE)
                ).all()
            raw.append(time.perf_counter() - start)
            assert [item["msgid"] for item in page.msg_list] == [row.msgid for row in rows]
            cursor, more, seen = page.next_cursor, page.has_more, seen + len(page.msg_list)
            after = rows[-1].seq if rows else after
        assert seen == count, (seen, count)
    (s50, s99), (r50, r99) = percentiles(through_service), percentiles(raw)
    print(f"{'sync_msg page of 100, service':<38} p50 {s50:6.2f} ms  p99 {s99:6.2f} ms")
    print(f"{'sync, raw indexed SELECT':<38} p50 {r50:6.2f} ms  p99 {r99:6.2f} ms")
    print(f"{'ratio (service / raw), p50':<38} ×{s50 / r50:.1f}")
    return len(through_service)


def bench_answers(
    runtime: Runtime, corp: CorpInfo, sessions: list[Conversation], count: int, first_fresh: int
) -> float:
    """`count` answers, a session in turn, each within its window of 5: after five answers to a
    session its customer writes again first (not timed). Only the answers' units of work are timed."""
    elapsed = 0.0
    fresh = first_fresh
    for j in range(count):
        conversation = sessions[j % len(sessions)]
        answered = j // len(sessions)  # answers this session already had
        if answered and answered % kf_sessions.REPLIES_MAX == 0:
            with runtime.uow() as uow:
                kf_sessions.customer_send(
                    uow=uow,
                    open_kfid=conversation.open_kfid,
                    user_id=conversation.user_id,
                    text=_customer_text(fresh),
                    client_msg_id=f"b{fresh}",
                )
                uow.commit()
            fresh += 1
        body = {
            "touser": conversation.external_userid,
            "open_kfid": conversation.open_kfid,
            "msgtype": "text",
            "text": {"content": _answer_text(j)},
        }
        start = time.perf_counter()
        with runtime.uow() as uow:
            kf_messages.send(uow=uow, corp=corp, body=body)
            uow.commit()
        elapsed += time.perf_counter() - start
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=3000, help="customer messages, and answers")
    parser.add_argument("--sync-passes", type=int, default=5, help="full reads of the corp's messages")
    parser.add_argument(
        "--database-url", default=None, help="a PostgreSQL server (a database is made and dropped)"
    )
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="yuanzi-bench-wecom-kf-") as tmp,
        scratch_database(args.database_url, Path(tmp), "wecom_kf") as url,
    ):
        engine = create_db_engine(url)
        try:
            migrate.upgrade(engine)
            runtime = Runtime(engine=engine, clock=SystemClock(), subscribers=Subscribers(), deliver=False)
            corp, conversations = setup(runtime)
            print(
                f"database: {engine.dialect.name}; {args.messages} messages from {CUSTOMERS} customers "
                f"to {ACCOUNTS} accounts of one corp, a commit each"
            )
            sent = bench_customers(runtime, conversations, args.messages)
            sessions = with_sessions(runtime, corp, conversations)
            raw = bench_raw_insert(
                engine, corp, sessions, args.messages, origin=kf_sessions.FROM_CUSTOMER, base=RAW_SEQ_WRITE
            )
            print(f"{'customer_send (client_msg_id)':<38} {sent:8.0f} messages/s")
            print(f"{'raw INSERT + commit, same row':<38} {raw:8.0f} messages/s")
            print(f"{'ratio (raw / service)':<38} ×{raw / sent:.1f}")

            with engine.begin() as conn:
                # Statistics, as autovacuum keeps on a live database. Without them PostgreSQL plans
                # sync_msg on a just-filled table as "everything after the cursor, sorted, then
                # limit": a page costs in proportion to what is left (p50 ~8 ms for 3000, not ~2).
                conn.execute(text("ANALYZE"))
            pages = bench_sync(runtime, engine, corp, args.messages, args.sync_passes)
            print(
                f"{'':<38} ({pages} pages: all {args.messages} messages from cursor '', {args.sync_passes}×)"
            )

            answered = bench_answers(runtime, corp, sessions, args.messages, first_fresh=args.messages)
            raw = bench_raw_insert(
                engine, corp, sessions, args.messages, origin=kf_sessions.FROM_API, base=RAW_SEQ_ANSWER
            )
            with engine.connect() as conn:
                answers = conn.scalar(
                    select(func.count())
                    .select_from(KfMessage)
                    .where(KfMessage.corp_id == corp.corp_id, KfMessage.origin == kf_sessions.FROM_API)
                )
            assert answers == args.messages, (answers, args.messages)
            print(f"{'send_msg text answer (window of 5)':<38} {answered:8.0f} answers/s")
            print(f"{'raw INSERT + commit, same row':<38} {raw:8.0f} answers/s")
            print(f"{'ratio (raw / service)':<38} ×{raw / answered:.1f}")
        finally:
            engine.dispose()


if __name__ == "__main__":
    main()
