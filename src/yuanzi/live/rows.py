"""Looking up a room row: the lookups every part of Live starts from (no imports of its own
beyond the models, so rooms, moderation, the shelf and the rest can all use them)."""

from __future__ import annotations

from yuanzi.core.errors import NotFound, Problem
from yuanzi.core.uow import UnitOfWork
from yuanzi.live.models import Room


def room_row(uow: UnitOfWork, room_id: int) -> Room:
    """The room's row, or NotFound."""
    row = uow.session.get(Room, room_id)
    if row is None:
        raise NotFound("room", room_id)
    return row


def owned_room(uow: UnitOfWork, room_id: int, user_id: int, what: str = "do this") -> Room:
    """The room's row when `user_id` owns it; 403 `not_your_room` otherwise."""
    row = room_row(uow, room_id)
    if row.user_id != user_id:
        raise Problem(403, "not_your_room", f"only the room's owner can {what}")
    return row
