"""A process killed between commit and delivery: the event is delivered after restart, once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.core.outbox_world import counts, nats_bus, two_subscribers
from yuanzi.core.runtime import Runtime

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.usefixtures("event_log_table")


def run_child(mode: str, database_url: str, **env: str) -> int:
    child = subprocess.run(
        [sys.executable, "-m", "tests.core.outbox_world", mode],
        cwd=ROOT,
        env={**os.environ, "TEST_DATABASE_URL": database_url, **env},
        timeout=60,
        check=False,
    )
    return child.returncode


def test_in_process_delivery_after_a_kill(runtime: Runtime, database_url: str) -> None:
    assert run_child("commit-then-die", database_url, TEST_KEY="k1") == -signal.SIGKILL
    restarted = Runtime(
        engine=runtime.engine, clock=runtime.clock, subscribers=two_subscribers(), deliver=False
    )
    assert counts(restarted.engine) == {}
    restarted.drain_events()
    restarted.drain_events()
    assert counts(restarted.engine) == {("audit", "k1"): 1, ("mailer", "k1"): 1}


@pytest.mark.nats
def test_nats_delivery_after_kills_before_relay_and_before_ack(
    runtime: Runtime, database_url: str, nats_stream: dict[str, str]
) -> None:
    assert run_child("commit-then-die", database_url, TEST_KEY="k2", **nats_stream) == -signal.SIGKILL
    # The next process relays it, delivers to a subscriber, and dies before acking.
    assert run_child("deliver-then-die-before-ack", database_url, **nats_stream) == -signal.SIGKILL
    # It handled at least one copy (the consumers run concurrently) and acked none.
    assert set(counts(runtime.engine).values()) == {1}
    # A restarted process gets the redelivery and the other subscriber's copy: each once.
    os.environ.update(nats_stream)
    asyncio.run(run_bus_until(runtime, {("audit", "k2"): 1, ("mailer", "k2"): 1}, extra_seconds=3))
    assert counts(runtime.engine) == {("audit", "k2"): 1, ("mailer", "k2"): 1}


async def run_bus_until(runtime: Runtime, expected: dict[tuple[str, str], int], extra_seconds: float) -> None:
    """Run a NatsBus until `expected` is seen, then a while longer to catch duplicates."""
    bus = nats_bus(runtime, two_subscribers())
    await bus.start()
    try:
        deadline = time.monotonic() + 20
        while counts(runtime.engine) != expected and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        await asyncio.sleep(extra_seconds)
    finally:
        await bus.stop()


@pytest.fixture
def nats_stream() -> Iterator[dict[str, str]]:
    """A stream and subject prefix of this test's own, deleted afterwards."""
    from tests.core.test_bus_nats import require_nats

    require_nats()
    name = f"YUANZI_TEST_{uuid.uuid4().hex[:10].upper()}"
    env = {"TEST_STREAM": name, "TEST_PREFIX": f"yuanzi.test.{name.lower()}"}
    yield env
    from tests.core.test_bus_nats import delete_stream

    asyncio.run(delete_stream(name))
