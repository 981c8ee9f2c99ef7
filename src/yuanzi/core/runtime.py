"""The running platform's shared parts: engine, sessions, clock, subscribers and bus."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit, urlunsplit

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from yuanzi.core.bus import Bus, InProcessBus, NoBus
from yuanzi.core.clock import Clock
from yuanzi.core.db import read_only
from yuanzi.core.events import Subscribers, dispatch_pending
from yuanzi.core.uow import UnitOfWorkFactory, uow_factory
from yuanzi.core.worker import Worker


class Runtime:
    """What a request, a CLI command or a test needs to open a unit of work and deliver events."""

    def __init__(
        self,
        *,
        engine: Engine,
        clock: Clock,
        subscribers: Subscribers,
        bus_url: str = "",
        dispatch_interval: float = 0.5,
        deliver: bool = True,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.subscribers = subscribers
        self.sessions: sessionmaker[Session] = sessionmaker(engine, expire_on_commit=False)
        # Delivery bookkeeping uses units of work that do not wake the bus themselves.
        self.plain_uow: UnitOfWorkFactory = uow_factory(self.sessions, clock)
        self.bus: Bus = self._make_bus(bus_url, dispatch_interval) if deliver else NoBus()
        self._deliver = deliver
        self.workers: list[Worker] = []
        self.uow: UnitOfWorkFactory = uow_factory(self.sessions, clock, on_commit=self._wake)
        # For requests that only read: they do not queue behind writers (core.db.read_only).
        self.read_uow: UnitOfWorkFactory = uow_factory(
            sessionmaker(read_only(engine), expire_on_commit=False), clock, read_only=True
        )

    def _wake(self) -> None:
        """A commit: the bus, and the workers that react to commits."""
        self.bus.wake()
        for worker in self.workers:
            if worker.on_commit:
                worker.wake()

    def wake(self) -> None:
        """Something changed (the sandbox clock, an operator's request): let the bus and every
        worker look now."""
        self.bus.wake()
        for worker in self.workers:
            worker.wake()

    def add_worker(self, worker: Worker) -> None:
        """Run `worker` while the server runs (not in one-shot CLI runtimes, which deliver nothing)."""
        if self._deliver:
            self.workers.append(worker)

    async def start(self) -> None:
        """Start delivering events and running workers."""
        await self.bus.start()
        for worker in self.workers:
            await worker.start()

    async def stop(self) -> None:
        """Stop the workers and the bus; pending work stays in the database."""
        for worker in self.workers:
            await worker.stop()
        await self.bus.stop()

    def _make_bus(self, bus_url: str, interval: float) -> Bus:
        if not bus_url:
            return InProcessBus(self.plain_uow, self.subscribers, interval)
        if bus_url.startswith("nats://"):
            from yuanzi.core.bus_nats import DEFAULT_PREFIX, DEFAULT_STREAM, NatsBus  # only when configured

            # nats://host:port?stream=NAME&prefix=subject.prefix: deployments (and tests) sharing
            # one NATS server keep their events apart.
            parts = urlsplit(bus_url)
            params = dict(parse_qsl(parts.query))
            if unknown := set(params) - {"stream", "prefix"}:
                raise ValueError(f"unknown bus URL parameters {sorted(unknown)}: expected stream, prefix")
            server = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
            stream, prefix = params.get("stream", DEFAULT_STREAM), params.get("prefix", DEFAULT_PREFIX)
            return NatsBus(server, self.plain_uow, self.subscribers, stream=stream, subject_prefix=prefix)
        raise ValueError(f"unsupported bus URL {bus_url!r}: expected empty or nats://host:port")

    def drain_events(self) -> int:
        """Deliver every pending event now, in this thread (CLI commands and tests)."""
        total = 0
        while (done := dispatch_pending(self.plain_uow, self.subscribers)) > 0:
            total += done
        return total
