"""One injectable clock for expiry, retries and schedules; the sandbox can move it forward."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Protocol

from sqlalchemy import Engine, Float, Integer, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from yuanzi.core.db import Base, read_only

# China Standard Time: WeChat's days (bills, settlement, daily limits, creator income) are Beijing days.
BEIJING = dt.timezone(dt.timedelta(hours=8))


class Clock(Protocol):
    """What every component asks for the time."""

    def now(self) -> dt.datetime:
        """The current instant, aware UTC."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> dt.datetime:
        """The machine's current instant."""
        return dt.datetime.now(dt.UTC)


class FrozenClock:
    """A clock that moves only when told; for tests."""

    def __init__(self, start: dt.datetime) -> None:
        self._now = start

    def now(self) -> dt.datetime:
        """The frozen instant."""
        return self._now

    def advance(self, seconds: float) -> dt.datetime:
        """Move forward by `seconds`."""
        self._now += dt.timedelta(seconds=seconds)
        return self._now


class ClockOffset(Base):
    """The sandbox clock's offset from the machine's, shared by every process on the database."""

    __tablename__ = "core_clock_offset"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offset_seconds: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)


class SandboxClock:
    """The machine's clock plus an offset that only grows; persisted so restarts keep the time."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._offset = 0.0

    def load(self) -> None:
        """Read the offset another process (or an earlier run) may have moved (a read-only
        transaction: on SQLite it neither takes nor waits for the writers' lock)."""
        with Session(read_only(self._engine)) as session:
            offset = session.scalar(select(ClockOffset.offset_seconds).where(ClockOffset.id == 1))
        with self._lock:
            self._offset = max(self._offset, offset or 0.0)

    def now(self) -> dt.datetime:
        """The machine's time plus the offset."""
        return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=self._offset)

    def advance(self, seconds: float) -> dt.datetime:
        """Move forward by `seconds` (never back) and persist the new offset."""
        if seconds < 0:
            raise ValueError("the clock never moves back")
        with self._lock, Session(self._engine) as session, session.begin():
            current = session.scalar(select(ClockOffset.offset_seconds).where(ClockOffset.id == 1))
            offset = max(self._offset, current or 0.0) + seconds
            insert = pg_insert if self._engine.dialect.name == "postgresql" else sqlite_insert
            stmt = insert(ClockOffset).values(id=1, offset_seconds=offset)
            session.execute(
                stmt.on_conflict_do_update(index_elements=["id"], set_={"offset_seconds": offset})
            )
            self._offset = offset
        return self.now()
