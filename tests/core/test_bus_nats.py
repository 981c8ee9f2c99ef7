"""The NATS JetStream transport against the machine's NATS server."""

from __future__ import annotations

import asyncio
import os
import socket
import time
import uuid
from collections.abc import Iterator
from typing import Any

import nats
import pytest
from nats.js.errors import NotFoundError

from tests.core.outbox_world import counts, nats_bus, publish, two_subscribers
from yuanzi.core.runtime import Runtime

pytestmark = [pytest.mark.nats, pytest.mark.usefixtures("event_log_table")]


def require_nats() -> None:
    """Skip without a NATS server, except in CI, where it must be there."""
    try:
        socket.create_connection(("127.0.0.1", 4222), timeout=2).close()
    except OSError:
        if os.environ.get("CI"):
            pytest.fail("NATS is not reachable on 127.0.0.1:4222; CI requires it")
        pytest.skip("NATS is not reachable on 127.0.0.1:4222")


async def delete_stream(name: str) -> None:
    """Delete a test stream if it exists."""
    nc = await nats.connect("nats://127.0.0.1:4222")
    try:
        await nc.jetstream().delete_stream(name)
    except NotFoundError:
        pass
    finally:
        await nc.close()


@pytest.fixture
def stream_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    require_nats()
    name = f"YUANZI_TEST_{uuid.uuid4().hex[:10].upper()}"
    monkeypatch.setenv("TEST_STREAM", name)
    monkeypatch.setenv("TEST_PREFIX", f"yuanzi.test.{name.lower()}")
    yield name
    asyncio.run(delete_stream(name))


def test_events_committed_while_running_reach_each_subscriber_once(runtime: Runtime, stream_env: str) -> None:
    subs = two_subscribers()
    rt = Runtime(engine=runtime.engine, clock=runtime.clock, subscribers=subs, deliver=False)

    async def scenario() -> None:
        bus = nats_bus(rt, subs)
        rt.bus = bus
        await bus.start()
        try:
            for key in ("a", "b", "c"):
                await asyncio.to_thread(publish, rt, key)
                bus.wake()
            deadline = time.monotonic() + 15
            while len(counts(rt.engine)) < 6 and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            await asyncio.sleep(1)
        finally:
            await bus.stop()

    asyncio.run(scenario())
    expected = {(s, k): 1 for s in ("audit", "mailer") for k in ("a", "b", "c")}
    assert counts(rt.engine) == expected


def test_relaying_twice_publishes_once(runtime: Runtime, stream_env: str) -> None:
    subs = two_subscribers()
    rt = Runtime(engine=runtime.engine, clock=runtime.clock, subscribers=subs, deliver=False)
    publish(rt, "once")

    async def scenario() -> int:
        bus = nats_bus(rt, subs)
        await bus.start()
        try:
            # Undo the relay's bookkeeping, as if the process died right after publishing.
            await bus.relay_pending()
            from sqlalchemy import update

            from yuanzi.core.events import OutboxEvent

            with rt.engine.begin() as conn:
                conn.execute(update(OutboxEvent).values(dispatched_at=None))
            await bus.relay_pending()
            nc = await nats.connect("nats://127.0.0.1:4222")
            info = await nc.jetstream().stream_info(stream_env)
            await nc.close()
            return int(info.state.messages)
        finally:
            await bus.stop()

    assert asyncio.run(scenario()) == 1


def test_the_bus_url_names_the_stream_and_the_subjects(runtime: Runtime) -> None:
    def bus(url: str) -> Any:
        return Runtime(
            engine=runtime.engine, clock=runtime.clock, subscribers=runtime.subscribers, bus_url=url
        ).bus

    default = bus("nats://127.0.0.1:4222")
    assert (default.subject("x"), default._stream) == ("yuanzi.events.x", "YUANZI_EVENTS")
    own = bus("nats://127.0.0.1:4222?stream=SHOP_A&prefix=shop.a")
    assert (own.subject("x"), own._stream, own._url) == ("shop.a.x", "SHOP_A", "nats://127.0.0.1:4222")
    with pytest.raises(ValueError, match="unknown bus URL parameters"):
        bus("nats://127.0.0.1:4222?streem=typo")
