"""Background workers: a step run in a thread, again and again, while the server runs.

A component hands the runtime a step (deliver due notifications, settle balances…) that does a
bounded batch of work and returns how much it did. The worker runs it at once when woken (after a
commit, or when the sandbox clock moves), immediately again while batches come back full, and
otherwise every `interval` seconds. Several processes may run the same step: steps claim their
rows atomically, so nothing is done twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

log = logging.getLogger("yuanzi.worker")


async def cancel_until_done(tasks: list[asyncio.Task[None]]) -> None:
    """Cancel `tasks` and wait for them, cancelling again any that lived through a cancel: before
    Python 3.12, asyncio.wait_for can swallow a cancellation that lands as its wait completes
    (the NATS bus hung CI that way). Loops that must stop should also check a flag of their own."""
    pending = [t for t in tasks if not t.done()]
    while pending:
        for task in pending:
            task.cancel()
        _, still = await asyncio.wait(pending, timeout=1)
        pending = list(still)


class Worker:
    """Runs `step` in a thread whenever woken and at least every `interval` seconds."""

    def __init__(
        self,
        name: str,
        step: Callable[[], int],
        *,
        interval: float = 0.5,
        batch: int = 100,
        on_commit: bool = True,
    ) -> None:
        self.name = name
        # Whether a commit anywhere should wake it: not for work that only a day boundary or
        # its own interval brings (settlement, income), which would otherwise run a transaction
        # after every commit of the platform.
        self.on_commit = on_commit
        self._step = step
        self._interval = interval
        self._batch = batch
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> None:
        """Start the worker's task on the running loop."""
        self._loop = asyncio.get_running_loop()
        self._wakeup = asyncio.Event()
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name=f"yuanzi-{self.name}")

    async def stop(self) -> None:
        """Cancel the task; a step in progress finishes in its thread."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True  # the loop checks it too
        await cancel_until_done([task])

    def wake(self) -> None:
        """Run the step soon (thread-safe)."""
        loop, wakeup = self._loop, self._wakeup
        if loop is not None and wakeup is not None and not loop.is_closed():
            loop.call_soon_threadsafe(wakeup.set)

    async def _run(self) -> None:
        assert self._wakeup is not None
        while not self._stopping:
            self._wakeup.clear()
            try:
                done = await asyncio.to_thread(self._step)
            except Exception:
                log.exception("worker %s failed; retrying", self.name)
                done = 0
            if done >= self._batch:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=self._interval)
