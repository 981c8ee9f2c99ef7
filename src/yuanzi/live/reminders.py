"""Reminders (预约): a viewer books a scheduled room and is reminded once it goes live.

A booking is kept against the user, so the reminder reaches every device. The phone shows the
booked rooms that are live now and not yet opened; opening one from there is an entry from the
`reminder` source, which is the room owner's private domain (its audience, booked in advance).
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from yuanzi.core.errors import Problem
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.live import rooms
from yuanzi.live.models import Reminder, Room


@dataclasses.dataclass(frozen=True)
class Booked:
    """A room the user booked, and whether the reminder is due (live, not yet opened)."""

    room: rooms.RoomInfo
    due: bool


def book(*, uow: UnitOfWork, room_id: int, user_id: int, on: bool) -> bool:
    """Book (or cancel) a reminder for a scheduled room; whether anything changed."""
    identity_service.get_user(uow=uow, user_id=user_id)
    room = rooms.get_room(uow=uow, room_id=room_id)
    existing = uow.session.get(Reminder, (room_id, user_id))
    if not on:
        if existing is None:
            return False
        uow.session.delete(existing)
        return True
    if room.state != rooms.SCHEDULED:
        raise Problem(409, "room_not_scheduled", "only a room that has not started can be booked")
    if existing is not None:
        return False
    uow.session.add(Reminder(room_id=room_id, user_id=user_id, booked_at=uow.now()))
    uow.session.flush()
    return True


def booked(*, uow: UnitOfWork, user_id: int, limit: int = 50) -> list[Booked]:
    """The user's bookings, due reminders (live now, not yet opened) first."""
    rows = uow.session.execute(
        select(Room, Reminder.seen_at)
        .join(Reminder, Reminder.room_id == Room.id)
        .where(Reminder.user_id == user_id, Room.state != rooms.ENDED)
        .order_by(Reminder.booked_at.desc())
        .limit(limit)
    ).all()
    found = [Booked(rooms.info(uow, room), room.state == rooms.LIVE and seen is None) for room, seen in rows]
    return sorted(found, key=lambda b: not b.due)


def mark_seen(*, uow: UnitOfWork, room_id: int, user_id: int) -> bool:
    """The user opened the room: its reminder is no longer due. Whether it was."""
    reminder = uow.session.get(Reminder, (room_id, user_id))
    if reminder is None or reminder.seen_at is not None:
        return False
    reminder.seen_at = uow.now()
    uow.session.flush()
    return True


def scheduled_rooms(*, uow: UnitOfWork, limit: int = 50) -> list[rooms.RoomInfo]:
    """Rooms booked to start, the soonest first."""
    rows = uow.session.scalars(
        select(Room)
        .where(Room.state == rooms.SCHEDULED, Room.scheduled_at.is_not(None))
        .order_by(Room.scheduled_at, Room.id)
        .limit(limit)
    )
    return [rooms.info(uow, row) for row in rows]
