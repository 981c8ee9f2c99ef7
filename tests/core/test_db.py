"""Transactions: writers queue on one lock per database (SQLite) and readers do not wait for them."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, Table, insert, select, update
from sqlalchemy.exc import DBAPIError

from yuanzi.core.runtime import Runtime

counters = Table(
    "core_test_counters", MetaData(), Column("id", Integer, primary_key=True), Column("n", Integer)
)


@pytest.fixture
def counter(engine: Engine) -> Iterator[None]:
    counters.create(engine)
    with engine.begin() as conn:
        conn.execute(insert(counters).values(id=1, n=0))
    yield
    counters.drop(engine)


def test_concurrent_read_then_write_transactions_lose_no_update(runtime: Runtime, counter: None) -> None:
    def bump() -> None:
        for _ in range(25):
            with runtime.uow() as uow:
                n = uow.session.execute(select(counters.c.n).where(counters.c.id == 1)).scalar_one()
                uow.session.execute(update(counters).where(counters.c.id == 1).values(n=n + 1))
                uow.commit()

    if runtime.engine.dialect.name == "postgresql":
        pytest.skip("READ COMMITTED: PostgreSQL services lock rows instead (ADR 0002)")
    threads = [threading.Thread(target=bump) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with runtime.read_uow() as uow:
        assert uow.session.execute(select(counters.c.n)).scalar_one() == 150


def test_a_reader_does_not_wait_for_a_writer(runtime: Runtime, counter: None) -> None:
    with runtime.uow() as writer:
        writer.session.execute(update(counters).values(n=41))  # holds the write lock, uncommitted
        started = time.perf_counter()
        with runtime.read_uow() as reader:
            assert reader.session.execute(select(counters.c.n)).scalar_one() == 0  # the last commit
        assert time.perf_counter() - started < 1.0
        writer.commit()
    with runtime.read_uow() as reader:
        assert reader.session.execute(select(counters.c.n)).scalar_one() == 41


def test_a_read_only_unit_of_work_cannot_commit_or_publish(runtime: Runtime, counter: None) -> None:
    with runtime.read_uow() as uow:
        with pytest.raises(RuntimeError, match="cannot commit"):
            uow.commit()
        with pytest.raises(RuntimeError, match="cannot publish"):
            uow.publish(None)  # type: ignore[arg-type]


def test_postgresql_refuses_a_write_in_a_read_only_unit_of_work(runtime: Runtime, counter: None) -> None:
    if runtime.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no read-only transactions; the unit of work refuses to commit")
    with runtime.read_uow() as uow, pytest.raises(DBAPIError, match="read-only transaction"):
        uow.session.execute(update(counters).values(n=1))


def test_a_writer_after_a_failed_transaction_is_not_locked_out(runtime: Runtime, counter: None) -> None:
    with runtime.uow() as uow, pytest.raises(DBAPIError):
        uow.session.execute(insert(counters).values(id=1, n=0))  # duplicate key
    done = threading.Event()

    def write() -> None:
        with runtime.uow() as uow:
            uow.session.execute(update(counters).values(n=7))
            uow.commit()
        done.set()

    threading.Thread(target=write).start()
    assert done.wait(timeout=5)
