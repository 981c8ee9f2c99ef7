"""The outbox relayed through NATS JetStream, one durable consumer per subscriber and topic.

The relay publishes each pending outbox row to `<prefix>.<topic>` with `Nats-Msg-Id` set, so a
re-publish after a crash between publish and `mark_dispatched` is dropped by JetStream's
duplicate window; then marks the row dispatched. Consumers run `deliver()`, whose delivery row
makes a redelivered message (a crash between commit and ack) a no-op.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import re
from typing import Any

import nats
import orjson
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StreamConfig
from nats.js.errors import NotFoundError

from yuanzi.core.events import (
    Envelope,
    Subscriber,
    Subscribers,
    deliver,
    mark_dispatched,
    pending_envelopes,
)
from yuanzi.core.uow import UnitOfWorkFactory
from yuanzi.core.worker import cancel_until_done

log = logging.getLogger("yuanzi.bus.nats")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


DEFAULT_STREAM, DEFAULT_PREFIX = "YUANZI_EVENTS", "yuanzi.events"


class NatsBus:
    """Delivers committed events through NATS JetStream."""

    BATCH = 200

    def __init__(
        self,
        url: str,
        uow_factory: UnitOfWorkFactory,
        subscribers: Subscribers,
        *,
        stream: str = DEFAULT_STREAM,
        subject_prefix: str = DEFAULT_PREFIX,
        interval: float = 0.5,
        retry_delay: float = 1.0,
        ack_wait: float = 30.0,
    ) -> None:
        self._url = url
        self._uow_factory = uow_factory
        self._subscribers = subscribers
        self._stream = stream
        self._prefix = subject_prefix
        self._interval = interval
        self._retry_delay = retry_delay
        self._ack_wait = ack_wait
        self._nc: Any = None
        self._js: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False

    def subject(self, topic: str) -> str:
        """The subject an event of `topic` is published on."""
        return f"{self._prefix}.{topic}"

    async def start(self) -> None:
        """Connect, make sure the stream exists, start the relay and the consumers."""
        self._loop = asyncio.get_running_loop()
        self._wakeup = asyncio.Event()
        self._stopping = False
        self._nc = await nats.connect(self._url, max_reconnect_attempts=-1)
        self._js = self._nc.jetstream()
        config = StreamConfig(name=self._stream, subjects=[f"{self._prefix}.>"])
        try:
            await self._js.stream_info(self._stream)
            await self._js.update_stream(config)
        except NotFoundError:
            await self._js.add_stream(config)
        self._tasks.append(asyncio.create_task(self._relay(), name="yuanzi-nats-relay"))
        for subscriber in self._subscribers:
            for topic in sorted(subscriber.topics):
                sub = await self._js.pull_subscribe(
                    self.subject(topic),
                    durable=_durable_name(subscriber.name, topic),
                    stream=self._stream,
                    config=ConsumerConfig(
                        ack_policy=AckPolicy.EXPLICIT,
                        deliver_policy=DeliverPolicy.ALL,
                        ack_wait=self._ack_wait,
                        max_deliver=-1,
                    ),
                )
                self._tasks.append(
                    asyncio.create_task(self._consume(subscriber, sub), name=f"yuanzi-nats-{subscriber.name}")
                )

    async def stop(self) -> None:
        """Stop the tasks and close the connection; unacked messages are redelivered later."""
        self._stopping = True  # the loops check it too (nats-py's fetch uses asyncio.wait_for)
        tasks, self._tasks = self._tasks, []
        await cancel_until_done(tasks)
        if self._nc is not None:
            await self._nc.close()
            self._nc = None

    def wake(self) -> None:
        """Wake the relay from any thread."""
        loop, wakeup = self._loop, self._wakeup
        if loop is not None and wakeup is not None and not loop.is_closed():
            loop.call_soon_threadsafe(wakeup.set)

    async def relay_pending(self) -> int:
        """Publish pending outbox rows and mark them dispatched; returns how many."""
        envelopes = await asyncio.to_thread(pending_envelopes, self._uow_factory, self.BATCH)
        published: list[int] = []
        for envelope in envelopes:
            body = orjson.dumps(
                {
                    "id": envelope.id,
                    "topic": envelope.topic,
                    "payload": envelope.payload,
                    "created_at": envelope.created_at.isoformat(),
                }
            )
            msg_id = f"{envelope.id}-{envelope.created_at.timestamp():.6f}"
            await self._js.publish(self.subject(envelope.topic), body, headers={"Nats-Msg-Id": msg_id})
            published.append(envelope.id)
        await asyncio.to_thread(mark_dispatched, self._uow_factory, published)
        return len(published)

    async def _relay(self) -> None:
        assert self._wakeup is not None
        while not self._stopping:
            self._wakeup.clear()
            try:
                done = await self.relay_pending()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay to NATS failed; retrying")
                done = 0
            if done >= self.BATCH:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=self._interval)

    async def _consume(self, subscriber: Subscriber, sub: Any) -> None:
        while not self._stopping:
            try:
                messages = await sub.fetch(batch=50, timeout=1)
            except (NatsTimeout, TimeoutError):  # nats-py raises either when nothing came
                continue
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("fetch for %s failed; retrying", subscriber.name)
                await asyncio.sleep(self._retry_delay)
                continue
            for msg in messages:
                await self._handle(subscriber, msg)

    async def _handle(self, subscriber: Subscriber, msg: Any) -> None:
        data = orjson.loads(msg.data)
        envelope = Envelope(
            id=int(data["id"]),
            topic=data["topic"],
            payload=data["payload"],
            created_at=dt.datetime.fromisoformat(data["created_at"]),
        )
        done = await asyncio.to_thread(deliver, self._uow_factory, subscriber, envelope)
        if done:
            await msg.ack()
        else:
            await msg.nak(delay=self._retry_delay)


def _durable_name(subscriber: str, topic: str) -> str:
    return _UNSAFE.sub("_", f"{subscriber}__{topic}")
