"""The unit of work: one transaction, its clock and its outbox. Services never commit; callers do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import TracebackType
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from yuanzi.core.clock import Clock
from yuanzi.core.events import Event, OutboxEvent


class UnitOfWork:
    """A transaction in which services change state and publish events; `commit()` makes both real."""

    def __init__(
        self,
        session: Session,
        clock: Clock,
        on_commit: Callable[[], None] | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        self.session = session
        self.clock = clock
        self.read_only = read_only
        self._on_commit = on_commit
        self._published = False

    def now(self) -> dt.datetime:
        """The injectable clock's current instant."""
        return self.clock.now()

    def publish(self, event: Event) -> None:
        """Write `event` to the outbox; it is delivered only if this unit of work commits."""
        if self.read_only:
            raise RuntimeError("a read-only unit of work cannot publish events")
        self.session.add(OutboxEvent(topic=event.topic, payload=event.to_payload(), created_at=self.now()))
        self._published = True

    def commit(self) -> None:
        """Commit the change and its events together, then wake the dispatcher."""
        if self.read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        self.session.commit()
        if self._published and self._on_commit is not None:
            self._published = False
            self._on_commit()

    def rollback(self) -> None:
        """Forget everything since the last commit, events included."""
        self.session.rollback()
        self._published = False

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.rollback()
        self.session.close()


class UnitOfWorkFactory(Protocol):
    """Makes a fresh unit of work."""

    def __call__(self) -> UnitOfWork: ...


def uow_factory(
    sessions: sessionmaker[Session],
    clock: Clock,
    on_commit: Callable[[], None] | None = None,
    *,
    read_only: bool = False,
) -> UnitOfWorkFactory:
    """A factory of units of work over `sessions`."""

    def make() -> UnitOfWork:
        return UnitOfWork(sessions(), clock, on_commit, read_only=read_only)

    return make
