"""A database of a benchmark's own for one run: a SQLite file in `tmp`, or with a PostgreSQL
server URL a fresh database on it, dropped (even with connections left open) when the run ends."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text


@contextlib.contextmanager
def scratch_database(server_url: str | None, tmp: Path, name: str) -> Iterator[str]:
    """The URL of the run's database `name` (`<tmp>/<name>.sqlite3` without a server)."""
    if server_url is None:
        yield f"sqlite:///{tmp / name}.sqlite3"
        return
    database = f"yuanzi_bench_{name}_{os.getpid()}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{database}"'))
        try:
            yield f"{server_url.rsplit('/', 1)[0]}/{database}"
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    finally:
        admin.dispose()
