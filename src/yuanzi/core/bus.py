"""Transports that carry committed outbox events to subscribers.

`InProcessBus` (the embedded default) runs the dispatcher as a task in the server's event loop,
woken by every commit that published and polling for other processes' events. `yuanzi.core.bus_nats`
relays the outbox to NATS JetStream instead, with one durable consumer per subscriber.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

from yuanzi.core.events import Subscribers, dispatch_pending
from yuanzi.core.uow import UnitOfWorkFactory

log = logging.getLogger("yuanzi.bus")


class Bus(Protocol):
    """Delivers committed events while the server runs."""

    async def start(self) -> None:
        """Begin delivering (pending events from before a restart first)."""

    async def stop(self) -> None:
        """Stop delivering; undelivered events stay in the outbox."""

    def wake(self) -> None:
        """Tell the bus a commit published events (thread-safe, cheap)."""


class InProcessBus:
    """Dispatches the outbox inside this process."""

    BATCH = 200

    def __init__(self, uow_factory: UnitOfWorkFactory, subscribers: Subscribers, interval: float) -> None:
        self._uow_factory = uow_factory
        self._subscribers = subscribers
        self._interval = interval
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start the dispatcher task on the running loop."""
        self._loop = asyncio.get_running_loop()
        self._wakeup = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name="yuanzi-outbox-dispatcher")

    async def stop(self) -> None:
        """Cancel the dispatcher task."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def wake(self) -> None:
        """Wake the dispatcher from any thread."""
        loop, wakeup = self._loop, self._wakeup
        if loop is not None and wakeup is not None and not loop.is_closed():
            loop.call_soon_threadsafe(wakeup.set)

    async def _run(self) -> None:
        assert self._wakeup is not None
        while True:
            self._wakeup.clear()
            try:
                done = await asyncio.to_thread(
                    dispatch_pending, self._uow_factory, self._subscribers, self.BATCH
                )
            except Exception:
                log.exception("outbox dispatch failed; retrying")
                done = 0
            if done >= self.BATCH:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=self._interval)


class NoBus:
    """No delivery at all: for one-shot CLI commands, whose events the server delivers later."""

    async def start(self) -> None:
        """Nothing to start."""

    async def stop(self) -> None:
        """Nothing to stop."""

    def wake(self) -> None:
        """Nothing to wake."""
