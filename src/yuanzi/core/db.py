"""Engines, the declarative base every component's tables share, and column types."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    CursorResult,
    DateTime,
    Engine,
    Integer,
    MetaData,
    Result,
    case,
    create_engine,
    event,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The declarative base of every yuanzi table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware UTC datetime on every backend (SQLite stores no zone; we put it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


BUSY_TIMEOUT = 30.0  # seconds a SQLite transaction waits for the write lock
READ_ONLY = "yuanzi_read_only"  # the execution option of read-only units of work

# SQLite's INTEGER PRIMARY KEY is its rowid only when spelled INTEGER, not BIGINT.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE transactions."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT, "isolation_level": None},
            **kwargs,
        )
        writer = _WriterLock()
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", writer.begin)
        event.listen(engine, "commit", writer.end)
        event.listen(engine, "rollback", writer.end)
        # A connection returned or dropped mid-transaction must not keep the lock.
        event.listen(engine, "checkin", writer.released)
        event.listen(engine, "invalidate", writer.released)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, **kwargs)


def _sqlite_on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
    cursor.close()


class _WriterLock:
    """Every SQLite transaction begins IMMEDIATE (ADR 0002): it takes the database's write lock up
    front. Threads of this process first queue on a lock of their own, handed over the moment the
    holder commits; SQLite's busy handler would make them poll with sleeps of up to 100 ms and
    give the unlucky ones seconds of latency. Other processes still wait on busy_timeout."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holder: Any = None

    def begin(self, connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            # WAL: a deferred reader sees the last commit and neither waits for nor blocks writers.
            connection.exec_driver_sql("BEGIN")
            return
        if not self._lock.acquire(timeout=BUSY_TIMEOUT):
            raise OperationalError("BEGIN IMMEDIATE", None, TimeoutError("database is locked"))
        try:
            # A deferred transaction that reads and then writes can fail with SQLITE_BUSY without
            # waiting when another writer got in between (docs/adr/0002-sqlite-write-transactions.md).
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise
        self._holder = connection.connection.dbapi_connection

    def end(self, connection: Any) -> None:
        self.released(connection.connection.dbapi_connection)

    def released(self, dbapi_connection: Any, *_: Any) -> None:
        if self._holder is not None and self._holder is dbapi_connection:
            self._holder = None
            self._lock.release()


def read_only(engine: Engine) -> Engine:
    """`engine` for transactions that only read: on SQLite a deferred BEGIN outside the writers'
    queue (ADR 0002), on PostgreSQL a READ ONLY transaction, so a stray write fails loudly."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(**{READ_ONLY: True}, postgresql_readonly=True)
    return engine.execution_options(**{READ_ONLY: True})


def inserted(result: Result[Any]) -> bool:
    """Whether an `INSERT … ON CONFLICT DO NOTHING … RETURNING …` inserted its row.

    rowcount cannot tell (psycopg reports -1), and Python's sqlite3 reports no result columns at
    all when RETURNING yields no row, so look for the row itself.
    """
    return cast(CursorResult[Any], result).returns_rows and result.first() is not None


def _insert(session: Session, table: Any) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT."""
    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)


def keep_max(session: Session, table: Any, keys: dict[str, Any], column: str, value: int) -> None:
    """Raise `column` of the row at `keys` to `value` if it is lower, creating the row if missing:
    one `INSERT … ON CONFLICT DO UPDATE`, safe against concurrent writers."""
    statement = _insert(session, table).values(**keys, **{column: value})
    current, offered = getattr(table.c, column), statement.excluded[column]
    session.execute(
        statement.on_conflict_do_update(
            index_elements=list(keys), set_={column: case((offered > current, offered), else_=current)}
        )
    )


def add_counts(session: Session, table: Any, keys: dict[str, Any], counts: dict[str, int]) -> None:
    """Add `counts` to the row of `table` at `keys`, creating it (with those counts) if missing:
    one `INSERT … ON CONFLICT DO UPDATE`, so concurrent writers never lose an increment."""
    statement = _insert(session, table).values(**keys, **counts)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={name: getattr(table.c, name) + statement.excluded[name] for name in counts},
        )
    )
