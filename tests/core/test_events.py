"""In-process delivery of outbox events: once per subscriber, retried, never duplicated."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.core.outbox_world import OtherHappened, ThingHappened, counts, publish, recorder, two_subscribers
from yuanzi.core.clock import FrozenClock
from yuanzi.core.events import (
    EventDelivery,
    OutboxEvent,
    Subscribers,
    deliver,
    event_type,
    pending_envelopes,
)
from yuanzi.core.runtime import Runtime

pytestmark = pytest.mark.usefixtures("event_log_table")


def make_runtime(runtime: Runtime, subscribers: Subscribers) -> Runtime:
    return Runtime(engine=runtime.engine, clock=runtime.clock, subscribers=subscribers, deliver=False)


def test_a_committed_event_reaches_each_subscriber_once(runtime: Runtime) -> None:
    rt = make_runtime(runtime, two_subscribers())
    publish(rt, "a")
    with rt.uow() as uow:
        uow.publish(OtherHappened(key="b"))
        uow.commit()
    assert rt.drain_events() == 2
    assert rt.drain_events() == 0
    assert counts(rt.engine) == {("audit", "a"): 1, ("mailer", "a"): 1, ("audit", "b"): 1}
    with rt.uow() as uow:
        assert uow.session.scalar(select(OutboxEvent.dispatched_at).limit(1)) is not None


def test_a_rolled_back_unit_of_work_publishes_nothing(runtime: Runtime) -> None:
    rt = make_runtime(runtime, two_subscribers())
    with rt.uow() as uow:
        uow.publish(ThingHappened(key="never"))
    assert rt.drain_events() == 0
    assert counts(rt.engine) == {}


def test_a_failing_subscriber_is_retried_after_backoff_without_holding_up_others(
    runtime: Runtime, clock: FrozenClock
) -> None:
    failures = {"left": 2}
    flaky_record = recorder("flaky")

    def flaky(event: object, uow: object) -> None:
        if failures["left"] > 0:
            failures["left"] -= 1
            raise RuntimeError("downstream is down")
        flaky_record(event, uow)  # type: ignore[arg-type]

    subs = Subscribers()
    subs.add("steady", [ThingHappened], recorder("steady"))
    subs.add("flaky", [ThingHappened], flaky)
    rt = make_runtime(runtime, subs)
    publish(rt, "x")
    assert rt.drain_events() == 0  # not complete: flaky failed
    assert counts(rt.engine) == {("steady", "x"): 1}
    rt.drain_events()  # before the backoff: not retried
    assert failures["left"] == 1
    clock.advance(1)
    rt.drain_events()  # first retry fails again
    assert failures["left"] == 0
    clock.advance(5)
    assert rt.drain_events() == 1
    assert counts(rt.engine) == {("steady", "x"): 1, ("flaky", "x"): 1}
    with rt.uow() as uow:
        row = uow.session.scalars(select(EventDelivery).where(EventDelivery.subscriber == "flaky")).one()
        assert row.attempts == 3
        assert row.done_at is not None


def test_delivering_the_same_envelope_twice_runs_the_handler_once(runtime: Runtime) -> None:
    subs = two_subscribers()
    rt = make_runtime(runtime, subs)
    publish(rt, "dup")
    (envelope,) = pending_envelopes(rt.plain_uow, 10)
    audit = next(s for s in subs if s.name == "audit")
    assert deliver(rt.plain_uow, audit, envelope)
    assert deliver(rt.plain_uow, audit, envelope)
    assert counts(rt.engine) == {("audit", "dup"): 1}


def test_events_round_trip_through_their_payload() -> None:
    event = ThingHappened(key="k")
    assert event_type(event.topic).from_payload(event.to_payload()) == event
    with pytest.raises(LookupError):
        event_type("no.such.topic")
