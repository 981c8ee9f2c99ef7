"""The merchant traffic incentive (私域→公域): for every viewer a room's owner brings from its own
private domain, the platform grants at least one from public recommendation.

Every entry already records its domain (figures.enter). Per room and Beijing day the grants
ledger (`live_grants`) counts the private entries brought, the public entries from the
Recommended feed, and the impressions the platform spent placing the room there. While a room is
live it is owed `min(cap, ceil(private × ratio)) − public` more public entries; each time someone
opens Recommended, one owed room they have not entered today is placed at its top, chosen with a
probability proportional to what it is owed (`allocate`, which the simulation runs for 100k
merchants at once). Ratio and cap are settings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
from sqlalchemy import and_, select

from yuanzi.core.clock import BEIJING
from yuanzi.core.db import add_counts
from yuanzi.core.uow import UnitOfWork
from yuanzi.live import rooms
from yuanzi.live.models import Entry, Grant, Room
from yuanzi.live.rows import owned_room
from yuanzi.settings import Settings

PRIVATE, PUBLIC = "private", "public"
GRANTING_SOURCE = "recommended"  # the only public source the platform places rooms in


@dataclasses.dataclass(frozen=True)
class Terms:
    """The rule's parameters (settings `live_incentive_ratio`, `live_incentive_daily_cap`)."""

    ratio: float = 1.0  # public entries granted per private entry brought
    daily_cap: int = 100_000  # at most this many granted entries per room and day


def terms(settings: Settings) -> Terms:
    """The rule as this deployment sets it."""
    return Terms(settings.live_incentive_ratio, settings.live_incentive_daily_cap)


@dataclasses.dataclass(frozen=True)
class GrantDay:
    """One line of a room's grants ledger."""

    day: str
    private_entries: int
    public_entries: int
    impressions: int
    owed: int


def beijing_day(now: dt.datetime) -> str:
    return now.astimezone(BEIJING).date().isoformat()


def owed(private: np.ndarray | int, public: np.ndarray | int, terms: Terms) -> np.ndarray:
    """Public entries still owed, elementwise: never negative, never past the cap."""
    target = np.minimum(terms.daily_cap, np.ceil(np.asarray(private) * terms.ratio))
    result: np.ndarray = np.maximum(0, target - np.asarray(public)).astype(np.int64)
    return result


def allocate(deficits: np.ndarray, impressions: int, rng: np.random.Generator) -> np.ndarray:
    """Share `impressions` placements among rooms in proportion to what each is owed; rooms owed
    nothing get none. The live feed places one at a time; the simulation, a minute's worth."""
    total = int(deficits.sum())
    if total == 0 or impressions <= 0:
        return np.zeros(len(deficits), dtype=np.int64)
    return rng.multinomial(impressions, deficits / total).astype(np.int64)


def record_entry(*, uow: UnitOfWork, room_id: int, domain: str, source: str, at: dt.datetime) -> None:
    """Count an entry in the room's ledger for the day: private ones earn grants, and public ones
    from Recommended pay them back."""
    keys = {"room_id": room_id, "day": beijing_day(at)}
    zero = {"private_entries": 0, "public_entries": 0, "impressions": 0}
    if domain == PRIVATE:
        add_counts(uow.session, Grant.__table__, keys, zero | {"private_entries": 1})
    elif source == GRANTING_SOURCE:
        add_counts(uow.session, Grant.__table__, keys, zero | {"public_entries": 1})


def promote(
    *, uow: UnitOfWork, user_id: int, terms: Terms, rng: np.random.Generator | None = None
) -> rooms.RoomInfo | None:
    """The live room to place at the top of this user's Recommended feed now, if any is owed
    public entries (not the user's own, nor one the user entered today); the placement is
    counted as an impression."""
    now = uow.now()
    day = beijing_day(now)
    candidates = uow.session.execute(
        select(Room.id, Grant.private_entries, Grant.public_entries)
        .join(Grant, and_(Grant.room_id == Room.id, Grant.day == day))
        .where(Room.state == rooms.LIVE, Room.user_id != user_id)
    ).all()
    if not candidates:
        return None
    start = dt.datetime.fromisoformat(day).replace(tzinfo=BEIJING)
    seen = set(
        uow.session.scalars(
            select(Entry.room_id).where(Entry.user_id == user_id, Entry.at >= start).distinct()
        )
    )
    rows = [c for c in candidates if c.id not in seen]
    if not rows:
        return None
    deficits = owed(
        np.array([r.private_entries for r in rows]), np.array([r.public_entries for r in rows]), terms
    )
    placed = allocate(deficits, 1, rng or np.random.default_rng())
    if not placed.any():
        return None
    room_id = int(rows[int(placed.argmax())].id)
    add_counts(
        uow.session,
        Grant.__table__,
        {"room_id": room_id, "day": day},
        {"private_entries": 0, "public_entries": 0, "impressions": 1},
    )
    return rooms.get_room(uow=uow, room_id=room_id)


def ledger(*, uow: UnitOfWork, room_id: int, user_id: int, terms: Terms) -> list[GrantDay]:
    """The room's grants by day, newest first — for its owner only."""
    owned_room(uow, room_id, user_id, "see its grants")
    found = uow.session.scalars(select(Grant).where(Grant.room_id == room_id).order_by(Grant.day.desc()))
    return [
        GrantDay(
            g.day,
            g.private_entries,
            g.public_entries,
            g.impressions,
            int(owed(g.private_entries, g.public_entries, terms)),
        )
        for g in found
    ]
