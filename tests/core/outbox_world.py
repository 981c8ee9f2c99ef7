"""A tiny world for event-delivery tests: two events, a log table, subscribers that write to it.

Also runnable as a child process (`python -m tests.core.outbox_world MODE`) that dies by SIGKILL
at a chosen moment, to show that what was committed is delivered after a restart, once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import sys
from typing import Any

from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, func, select

from yuanzi.core.bus_nats import NatsBus
from yuanzi.core.clock import SystemClock
from yuanzi.core.db import create_db_engine
from yuanzi.core.events import Event, Subscribers
from yuanzi.core.runtime import Runtime
from yuanzi.core.uow import UnitOfWork

test_metadata = MetaData()
event_log = Table(
    "test_event_log",
    test_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subscriber", String(50), nullable=False),
    Column("key", String(50), nullable=False),
)


@dataclasses.dataclass(frozen=True, kw_only=True)
class ThingHappened(Event):
    """A test event."""

    topic = "test.thing.happened"
    key: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class OtherHappened(Event):
    """Another test event, with one subscriber only."""

    topic = "test.other.happened"
    key: str


def recorder(name: str) -> Any:
    """A subscriber handler that logs (name, key) in the subscriber's transaction."""

    def handle(event: Event, uow: UnitOfWork) -> None:
        assert isinstance(event, ThingHappened | OtherHappened)
        uow.session.execute(event_log.insert().values(subscriber=name, key=event.key))

    return handle


def two_subscribers() -> Subscribers:
    """'audit' hears both events; 'mailer' only ThingHappened."""
    subs = Subscribers()
    subs.add("audit", [ThingHappened, OtherHappened], recorder("audit"))
    subs.add("mailer", [ThingHappened], recorder("mailer"))
    return subs


def counts(engine: Engine) -> dict[tuple[str, str], int]:
    """How often each (subscriber, key) was handled."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(event_log.c.subscriber, event_log.c.key, func.count()).group_by(
                event_log.c.subscriber, event_log.c.key
            )
        ).all()
    return {(r[0], r[1]): r[2] for r in rows}


def publish(runtime: Runtime, key: str) -> None:
    """Commit a ThingHappened(key)."""
    with runtime.uow() as uow:
        uow.publish(ThingHappened(key=key))
        uow.commit()


def nats_bus(runtime: Runtime, subscribers: Subscribers) -> NatsBus:
    """A NatsBus on the stream and subject prefix the environment names."""
    return NatsBus(
        "nats://127.0.0.1:4222",
        runtime.plain_uow,
        subscribers,
        stream=os.environ["TEST_STREAM"],
        subject_prefix=os.environ["TEST_PREFIX"],
        interval=0.1,
        retry_delay=0.2,
        ack_wait=2.0,
    )


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main(mode: str) -> None:
    engine = create_db_engine(os.environ["TEST_DATABASE_URL"])
    subscribers = two_subscribers()
    runtime = Runtime(engine=engine, clock=SystemClock(), subscribers=subscribers, deliver=False)
    if mode == "commit-then-die":
        publish(runtime, os.environ["TEST_KEY"])
        _die()
    if mode == "deliver-then-die-before-ack":
        bus = nats_bus(runtime, subscribers)

        class DiesBeforeAck(NatsBus):
            async def _handle(self, subscriber: Any, msg: Any) -> None:
                msg.ack = _async_die
                await NatsBus._handle(self, subscriber, msg)

        bus.__class__ = DiesBeforeAck
        asyncio.run(_run_until_killed(bus))
    raise SystemExit(f"unknown mode {mode!r}")


async def _async_die() -> None:
    _die()


async def _run_until_killed(bus: NatsBus) -> None:
    await bus.start()
    await asyncio.sleep(30)


if __name__ == "__main__":
    main(sys.argv[1])
