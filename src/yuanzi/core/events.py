"""Events: written to the outbox in the changing transaction, delivered at least once after commit.

A component declares its events as frozen dataclasses subclassing `Event` in its `events.py`, and
its subscribers with `Subscribers.add`. Delivery records one row per (event, subscriber) in the
subscriber's own transaction, so a subscriber's database effects happen exactly once even when the
transport (the in-process dispatcher or NATS JetStream) delivers twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from yuanzi.core.db import Base, BigIntPK, UTCDateTime

if TYPE_CHECKING:
    from yuanzi.core.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger("yuanzi.events")

_EVENT_TYPES: dict[str, type[Event]] = {}

# Seconds before a failed delivery is tried again, by attempt; the last step repeats.
RETRY_BACKOFF = (1, 5, 15, 60, 300, 900, 3600)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Event:
    """Base of every event; `topic` names it on the wire (`<component>.<thing>.<happened>`)."""

    topic: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        topic = cls.__dict__.get("topic")
        if topic is None:
            return
        if topic in _EVENT_TYPES and _EVENT_TYPES[topic].__qualname__ != cls.__qualname__:
            raise TypeError(f"event topic {topic!r} declared twice")
        _EVENT_TYPES[topic] = cls

    def to_payload(self) -> dict[str, Any]:
        """The event's fields as JSON-ready values."""
        return dataclasses.asdict(self)

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Event:
        """Rebuild an event from `to_payload()` output."""
        return cls(**payload)


def event_type(topic: str) -> type[Event]:
    """The event class registered for `topic`."""
    try:
        return _EVENT_TYPES[topic]
    except KeyError:
        raise LookupError(f"no event type for topic {topic!r}") from None


class OutboxEvent(Base):
    """An event committed with the change that caused it, waiting to be delivered."""

    __tablename__ = "core_outbox"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(100), nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    # Set once every subscriber has it (in-process) or the transport has accepted it (NATS).
    dispatched_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_core_outbox_pending", "dispatched_at", "id"),)


class EventDelivery(Base):
    """One subscriber's handling of one event: done exactly once, or failing with a retry time."""

    __tablename__ = "core_event_deliveries"

    event_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("core_outbox.id", ondelete="CASCADE"), primary_key=True
    )
    subscriber: Mapped[str] = mapped_column(String(100), primary_key=True)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


Handler = Callable[[Event, "UnitOfWork"], None]


@dataclasses.dataclass(frozen=True)
class Subscriber:
    """A named, idempotent handler of some topics; the name is its durable identity."""

    name: str
    topics: frozenset[str]
    handler: Handler


class Subscribers:
    """The subscribers the running components registered."""

    def __init__(self) -> None:
        self._by_name: dict[str, Subscriber] = {}

    def add(self, name: str, event_types: Iterable[type[Event]], handler: Handler) -> None:
        """Register `handler` under the stable `name` for `event_types`."""
        if name in self._by_name:
            raise ValueError(f"subscriber {name!r} registered twice")
        topics = frozenset(t.topic for t in event_types)
        self._by_name[name] = Subscriber(name=name, topics=topics, handler=handler)

    def for_topic(self, topic: str) -> list[Subscriber]:
        """The subscribers of `topic`, in registration order."""
        return [s for s in self._by_name.values() if topic in s.topics]

    def __iter__(self) -> Any:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)


@dataclasses.dataclass(frozen=True)
class Envelope:
    """An outbox row as a transport carries it."""

    id: int
    topic: str
    payload: dict[str, Any]
    created_at: dt.datetime


def deliver(uow_factory: UnitOfWorkFactory, subscriber: Subscriber, envelope: Envelope) -> bool:
    """Run `subscriber` on `envelope` once; True when it is done (now or before)."""
    with uow_factory() as uow:
        existing = uow.session.get(EventDelivery, (envelope.id, subscriber.name))
        if existing is not None and existing.done_at is not None:
            return True
        if existing is not None and existing.next_attempt_at and existing.next_attempt_at > uow.now():
            return False
        try:
            event = event_type(envelope.topic).from_payload(envelope.payload)
            subscriber.handler(event, uow)
            if existing is None:
                uow.session.add(
                    EventDelivery(
                        event_id=envelope.id, subscriber=subscriber.name, done_at=uow.now(), attempts=1
                    )
                )
            else:
                existing.done_at = uow.now()
                existing.attempts += 1
                existing.next_attempt_at = None
            uow.commit()
            return True
        except IntegrityError:
            uow.rollback()
            if _is_done(uow_factory, subscriber.name, envelope.id):
                return True  # another dispatcher delivered it first
            error: BaseException = RuntimeError("integrity error in subscriber")
        except Exception as exc:
            uow.rollback()
            error = exc
    log.warning("subscriber %s failed on event %s: %r", subscriber.name, envelope.id, error)
    _record_failure(uow_factory, subscriber.name, envelope.id, repr(error))
    return False


def _is_done(uow_factory: UnitOfWorkFactory, subscriber: str, event_id: int) -> bool:
    with uow_factory() as uow:
        done = uow.session.scalar(
            select(EventDelivery.done_at).where(
                EventDelivery.event_id == event_id, EventDelivery.subscriber == subscriber
            )
        )
        return done is not None


def _record_failure(uow_factory: UnitOfWorkFactory, subscriber: str, event_id: int, error: str) -> None:
    with uow_factory() as uow:
        row = uow.session.get(EventDelivery, (event_id, subscriber))
        if row is None:
            row = EventDelivery(event_id=event_id, subscriber=subscriber, attempts=0)
            uow.session.add(row)
        row.attempts += 1
        backoff = RETRY_BACKOFF[min(row.attempts, len(RETRY_BACKOFF)) - 1]
        row.next_attempt_at = uow.now() + dt.timedelta(seconds=backoff)
        row.last_error = error[:2000]
        uow.commit()


def pending_envelopes(uow_factory: UnitOfWorkFactory, limit: int) -> list[Envelope]:
    """The oldest events not yet dispatched."""
    with uow_factory() as uow:
        rows = uow.session.execute(
            select(OutboxEvent.id, OutboxEvent.topic, OutboxEvent.payload, OutboxEvent.created_at)
            .where(OutboxEvent.dispatched_at.is_(None))
            .order_by(OutboxEvent.id)
            .limit(limit)
        ).all()
    return [Envelope(id=r.id, topic=r.topic, payload=r.payload, created_at=r.created_at) for r in rows]


def mark_dispatched(uow_factory: UnitOfWorkFactory, event_ids: list[int]) -> None:
    """Record that `event_ids` need no more dispatching."""
    if not event_ids:
        return
    with uow_factory() as uow:
        uow.session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id.in_(event_ids), OutboxEvent.dispatched_at.is_(None))
            .values(dispatched_at=uow.now())
        )
        uow.commit()


def dispatch_pending(uow_factory: UnitOfWorkFactory, subscribers: Subscribers, limit: int = 200) -> int:
    """Deliver pending events to their subscribers in-process; returns how many were completed."""
    completed: list[int] = []
    for envelope in pending_envelopes(uow_factory, limit):
        results = [deliver(uow_factory, s, envelope) for s in subscribers.for_topic(envelope.topic)]
        if all(results):
            completed.append(envelope.id)
    mark_dispatched(uow_factory, completed)
    return len(completed)
