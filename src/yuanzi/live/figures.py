"""A room's figures: entries and where they came from, likes, and viewers across server processes.

- **Entries.** Each time a viewer enters a live room it is recorded with its source, and the
  room's `views` counter goes up by one. Sources from the room owner's own channels (a shared
  link, a chat, a WeCom contact, its followers, its mini program) are private-domain; the
  Recommended feed is public-domain; search and the live list are neither.
- **Likes** fold into the room's `likes` counter (one atomic UPDATE per tap burst), never one log
  entry each: at a million taps a minute the log stays for comments and gifts.
- **Viewers.** Each server process knows exactly how many sockets it has in a room and says so
  every HEARTBEAT seconds in a presence row of its own; the room's current viewers are the sum of
  the rows fresher than STALE seconds, and its peak is raised to that sum as it is written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import distinct, func, select, update

from yuanzi.core.db import keep_max
from yuanzi.core.errors import InvalidInput, Problem
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.live import incentive, reminders, rooms
from yuanzi.live.models import Entry, Presence, Room, ViewerMinute
from yuanzi.live.rows import room_row

PRIVATE, PUBLIC, OTHER = incentive.PRIVATE, incentive.PUBLIC, "other"
SOURCES = {
    "share": PRIVATE,  # a link or card someone shared
    "chat": PRIVATE,
    "wecom": PRIVATE,
    "followers": PRIVATE,  # the channel's own followers (its page)
    "reminder": PRIVATE,  # a viewer who booked the room (预约), reminded when it started
    "card": PRIVATE,  # a live_room card in content (a post announcing the show)
    "mini_program": PRIVATE,
    "recommended": PUBLIC,  # the platform's Recommended feed
    "search": OTHER,
    "discover": OTHER,  # Discover → 直播, the list of rooms live now
}
MAX_LIKES = 99  # taps one request may carry
HEARTBEAT = 2.0
STALE = dt.timedelta(seconds=15)


@dataclasses.dataclass(frozen=True)
class Figures:
    """A room's figures."""

    viewers: int  # connected now, across server processes
    peak_viewers: int
    views: int  # entries
    unique_viewers: int
    likes: int
    entries: dict[str, int]  # by domain: private, public, other
    gmv: int  # fen paid for the shelf's products


def enter(*, uow: UnitOfWork, room_id: int, user_id: int, source: str) -> rooms.LogEntry:
    """A viewer entered a live room from `source` (one of SOURCES)."""
    domain = SOURCES.get(source)
    if domain is None:
        raise InvalidInput(f"source must be one of {', '.join(SOURCES)}", field="source")
    user = identity_service.get_user(uow=uow, user_id=user_id)
    entry = rooms.append(
        uow=uow, room_id=room_id, kind="enter", user_id=user_id, body={"nickname": user.nickname}
    )
    uow.session.add(Entry(room_id=room_id, user_id=user_id, source=source, domain=domain, at=entry.at))
    incentive.record_entry(uow=uow, room_id=room_id, domain=domain, source=source, at=entry.at)
    reminders.mark_seen(uow=uow, room_id=room_id, user_id=user_id)  # in the room: reminded enough
    uow.session.execute(update(Room).where(Room.id == room_id).values(views=Room.views + 1))
    return entry


def like(*, uow: UnitOfWork, room_id: int, user_id: int, count: int) -> int:
    """Add a viewer's taps (1–99) to a live room's likes; the new total."""
    if isinstance(count, bool) or not 1 <= count <= MAX_LIKES:
        raise InvalidInput(f"count is 1–{MAX_LIKES}", field="count")
    identity_service.get_user(uow=uow, user_id=user_id)
    total = uow.session.execute(
        update(Room)
        .where(Room.id == room_id, Room.state == rooms.LIVE)
        .values(likes=Room.likes + count)
        .returning(Room.likes)
    ).scalar_one_or_none()
    if total is None:
        rooms.get_room(uow=uow, room_id=room_id)
        raise Problem(409, "room_not_live", "the room is not live")
    return int(total)


def _current(uow: UnitOfWork, room_id: int) -> int:
    fresh = uow.now() - STALE
    total = uow.session.scalar(
        select(func.coalesce(func.sum(Presence.viewers), 0)).where(
            Presence.room_id == room_id, Presence.updated_at > fresh
        )
    )
    return int(total or 0)


def report_presence(*, uow: UnitOfWork, room_id: int, node: str, viewers: int) -> int:
    """This process has `viewers` sockets in the room: record it, raise the peak; the room's
    current viewers across processes. Reports for one room take the room's row lock first:
    without it, two nodes reporting at once each summed without the other's uncommitted row
    (PostgreSQL), and the peak missed their total."""
    uow.session.execute(select(Room.id).where(Room.id == room_id).with_for_update())
    uow.session.merge(Presence(room_id=room_id, node=node, viewers=viewers, updated_at=uow.now()))
    uow.session.flush()
    current = _current(uow, room_id)
    uow.session.execute(
        update(Room).where(Room.id == room_id, Room.peak_viewers < current).values(peak_viewers=current)
    )
    minute = uow.now().replace(second=0, microsecond=0)
    keep_max(uow.session, ViewerMinute.__table__, {"room_id": room_id, "minute": minute}, "viewers", current)
    return current


def concurrency(*, uow: UnitOfWork, room_id: int, limit: int = 24 * 60) -> list[tuple[dt.datetime, int]]:
    """The room's concurrency curve: (minute, most viewers in it), oldest first."""
    rows = uow.session.execute(
        select(ViewerMinute.minute, ViewerMinute.viewers)
        .where(ViewerMinute.room_id == room_id)
        .order_by(ViewerMinute.minute.desc())
        .limit(limit)
    ).all()
    return [(m, int(v)) for m, v in reversed(rows)]


def counters(*, uow: UnitOfWork, room_id: int) -> tuple[int, int]:
    """(likes, current viewers): what every frame to viewers carries. The room row is usually in
    the session already (the hub has just read its log), so this costs one query, the sum."""
    return room_row(uow, room_id).likes, _current(uow, room_id)


def figures(*, uow: UnitOfWork, room_id: int) -> Figures:
    """The room's figures."""
    row = room_row(uow, room_id)
    unique = uow.session.scalar(select(func.count(distinct(Entry.user_id))).where(Entry.room_id == room_id))
    by_domain = dict.fromkeys((PRIVATE, PUBLIC, OTHER), 0)
    for domain, n in uow.session.execute(
        select(Entry.domain, func.count()).where(Entry.room_id == room_id).group_by(Entry.domain)
    ):
        by_domain[domain] = int(n)
    return Figures(
        viewers=_current(uow, room_id),
        peak_viewers=row.peak_viewers,
        views=row.views,
        unique_viewers=int(unique or 0),
        likes=row.likes,
        entries=by_domain,
        gmv=row.gmv,
    )
