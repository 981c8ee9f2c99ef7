"""Fixtures shared by the whole suite.

The suite runs on SQLite by default and on PostgreSQL with `YUANZI_TEST_DATABASE=postgresql`
(a database of its own, created on 127.0.0.1:5432 and dropped afterwards).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from yuanzi.app import create_app
from yuanzi.core import migrate
from yuanzi.core.clock import FrozenClock, SandboxClock
from yuanzi.core.db import create_db_engine
from yuanzi.core.events import Subscribers
from yuanzi.core.runtime import Runtime
from yuanzi.core.uow import UnitOfWork
from yuanzi.models import metadata
from yuanzi.search import service as search_service
from yuanzi.settings import Mode, Settings

PG_SERVER = os.environ.get("YUANZI_TEST_PG_SERVER", "postgresql://postgres@127.0.0.1:5432/test")
START = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)


def pytest_report_header() -> str:
    return f"yuanzi test database: {os.environ.get('YUANZI_TEST_DATABASE', 'sqlite')}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, migrated database for this test session (worker)."""
    if os.environ.get("YUANZI_TEST_DATABASE") == "postgresql":
        name = f"yuanzi_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG_SERVER, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        base = PG_SERVER.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        yield f"{base}/{name}"
        with psycopg.connect(PG_SERVER, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'yuanzi.sqlite3'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """The migrated engine shared by the session's tests."""
    eng = create_db_engine(database_url)
    migrate.upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture(autouse=True)
def _clean_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts with empty tables (only when it used the database)."""
    yield
    if "engine" not in request.fixturenames:
        return
    eng: Engine = request.getfixturevalue("engine")
    tables = list(reversed(metadata.sorted_tables))
    if eng.dialect.name == "postgresql":
        _truncate_postgresql(eng, tables)
        return
    with eng.begin() as conn:
        for table in tables:
            conn.execute(table.delete())
        conn.execute(text("DELETE FROM sqlite_sequence")) if _has_sqlite_sequence(conn) else None


def _truncate_postgresql(eng: Engine, tables: list[Any]) -> None:
    """TRUNCATE waits for every other transaction on these tables: a connection a test left open
    in a transaction would stall the suite, so wait at most 30 s and name what held the lock."""
    names = ", ".join(f'"{t.name}"' for t in tables)
    try:
        with eng.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '30s'"))
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    except OperationalError:
        with eng.connect() as conn:
            holders = conn.execute(
                text(
                    "SELECT pid, state, xact_start, left(query, 200) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).all()
        pytest.fail(f"a connection left in a transaction blocks cleaning the tables: {holders}")


def _has_sqlite_sequence(conn: object) -> bool:
    return bool(
        conn.execute(  # type: ignore[attr-defined]
            text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")
        ).first()
    )


@pytest.fixture
def clock() -> FrozenClock:
    """A clock that moves only when the test says."""
    return FrozenClock(START)


@pytest.fixture
def subscribers() -> Subscribers:
    """An empty subscriber registry tests may add to."""
    return Subscribers()


@pytest.fixture
def runtime(engine: Engine, clock: FrozenClock, subscribers: Subscribers) -> Runtime:
    """A runtime on the test database with a frozen clock; events are drained explicitly."""
    return Runtime(engine=engine, clock=clock, subscribers=subscribers, deliver=False)


@pytest.fixture
def uow(runtime: Runtime) -> Iterator[UnitOfWork]:
    """A unit of work on the test database."""
    with runtime.uow() as unit:
        yield unit


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Sandbox-mode settings on the test database (already migrated)."""
    return Settings(
        mode=Mode.SANDBOX, data_dir=tmp_path / "data", database_url=database_url, migrate_on_start=False
    )


@pytest.fixture
def app_runtime(engine: Engine, settings: Settings, subscribers: Subscribers) -> Runtime:
    """The runtime behind `client`: the real sandbox clock, moved through /sandbox/clock/advance."""
    return Runtime(engine=engine, clock=SandboxClock(engine), subscribers=subscribers, deliver=False)


@pytest.fixture
def client(settings: Settings, app_runtime: Runtime) -> Iterator[TestClient]:
    """An HTTP client for a sandbox-mode yuanzi on the test database."""
    with TestClient(create_app(settings, runtime=app_runtime)) as test_client:
        yield test_client


@contextlib.contextmanager
def serve_in_thread(app: Any) -> Iterator[str]:
    """Serve `app` with uvicorn in a thread on a free port; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive(), "uvicorn stopped during start-up"
        assert time.monotonic() < deadline, "uvicorn did not start within 15 s"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def live_server(settings: Settings, app_runtime: Runtime) -> Iterator[str]:
    """The base URL of a yuanzi (sandbox mode, test database) served by uvicorn in a thread;
    events and background work wait for the test to run them."""
    with serve_in_thread(create_app(settings, runtime=app_runtime)) as base:
        yield base


@pytest.fixture
def running_server(settings: Settings, engine: Engine, subscribers: Subscribers) -> Iterator[str]:
    """Like `live_server`, but running as `yuanzi serve` does: events delivered and background
    workers (refunds, notifications) running."""
    runtime = Runtime(engine=engine, clock=SandboxClock(engine), subscribers=subscribers, deliver=True)
    with serve_in_thread(create_app(settings, runtime=runtime)) as base:
        yield base


@pytest.fixture(params=search_service.BACKENDS)
def indexed(
    request: pytest.FixtureRequest, subscribers: Subscribers, app_runtime: Runtime, settings: Settings
) -> Any:
    """Search's subscribers registered, on each backend in turn (PostgreSQL's only on PostgreSQL);
    calling the result delivers events and syncs the index."""
    if request.param == "postgresql" and app_runtime.engine.dialect.name != "postgresql":
        pytest.skip("the PostgreSQL search backend runs in the PostgreSQL pass")
    settings.search_backend = request.param
    search_service.subscribe(subscribers)
    index = search_service.open_index(settings)

    def sync() -> None:
        app_runtime.drain_events()
        while index.sync(app_runtime.plain_uow):
            pass

    return sync


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str, engine: Engine) -> Path:
    """Point the `yuanzi` command at the (already migrated) test database; returns the data dir."""
    monkeypatch.setenv("YUANZI_DATABASE_URL", database_url)
    monkeypatch.setenv("YUANZI_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"
