"""Transports that carry committed outbox events to subscribers.

`InProcessBus` (the embedded default) runs the dispatcher as a task in the server's event loop,
woken by every commit that published and polling for other processes' events. `yuanzi.core.bus_nats`
relays the outbox to NATS JetStream instead, with one durable consumer per subscriber.
"""

from __future__ import annotations

from typing import Protocol

from yuanzi.core.events import Subscribers, dispatch_pending
from yuanzi.core.uow import UnitOfWorkFactory
from yuanzi.core.worker import Worker


class Bus(Protocol):
    """Delivers committed events while the server runs."""

    async def start(self) -> None:
        """Begin delivering (pending events from before a restart first)."""

    async def stop(self) -> None:
        """Stop delivering; undelivered events stay in the outbox."""

    def wake(self) -> None:
        """Tell the bus a commit published events (thread-safe, cheap)."""


class InProcessBus:
    """Dispatches the outbox inside this process: a worker woken by every commit that published,
    and polling every `interval` seconds for events other processes wrote."""

    BATCH = 200

    def __init__(self, uow_factory: UnitOfWorkFactory, subscribers: Subscribers, interval: float) -> None:
        self._worker = Worker(
            "outbox-dispatcher",
            lambda: dispatch_pending(uow_factory, subscribers, self.BATCH),
            interval=interval,
            batch=self.BATCH,
        )

    async def start(self) -> None:
        """Start the dispatcher on the running loop."""
        await self._worker.start()

    async def stop(self) -> None:
        """Stop the dispatcher; undelivered events stay in the outbox."""
        await self._worker.stop()

    def wake(self) -> None:
        """Wake the dispatcher from any thread."""
        self._worker.wake()


class NoBus:
    """No delivery at all: for one-shot CLI commands, whose events the server delivers later."""

    async def start(self) -> None:
        """Nothing to start."""

    async def stop(self) -> None:
        """Nothing to stop."""

    def wake(self) -> None:
        """Nothing to wake."""
