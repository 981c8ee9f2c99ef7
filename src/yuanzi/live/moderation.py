"""Moderation in live rooms: the platform's content check on comments, moderators, mutes (per room)
and bans (across a creator's rooms) that stick to the user — not to a connection or a device —
and per-user rate limits that moderators and the owner are exempt from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import func, select

from yuanzi.channels import service as channels_service
from yuanzi.core import moderation
from yuanzi.core.db import Base
from yuanzi.core.errors import Problem
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.live.models import Ban, Moderator, Mute, Room, RoomEvent
from yuanzi.live.rows import owned_room, room_row

RATE_COMMENTS, RATE_SECONDS = 5, 10  # at most 5 comments in 10 seconds per viewer and room


def is_moderator(uow: UnitOfWork, room: Room, user_id: int) -> bool:
    """The owner or a moderator of the room."""
    return room.user_id == user_id or uow.session.get(Moderator, (room.id, user_id)) is not None


def _switch(uow: UnitOfWork, existing: Base | None, on: bool, make: Callable[[], Base]) -> bool:
    """Add the row `make` builds, or delete `existing`; False when it is already so."""
    if on == (existing is not None):
        return False
    if on:
        uow.session.add(make())
    else:
        uow.session.delete(existing)
    return True


def set_moderator(*, uow: UnitOfWork, room_id: int, owner_id: int, user_id: int, on: bool) -> bool:
    """The owner adds or removes a moderator; False when nothing changed."""
    owned_room(uow, room_id, owner_id, "choose moderators")
    identity_service.get_user(uow=uow, user_id=user_id)
    existing = uow.session.get(Moderator, (room_id, user_id))
    return _switch(uow, existing, on, lambda: Moderator(room_id=room_id, user_id=user_id))


def set_mute(*, uow: UnitOfWork, room_id: int, by_user_id: int, user_id: int, on: bool) -> bool:
    """The owner or a moderator mutes or unmutes a viewer in the room; False when nothing changed."""
    room = room_row(uow, room_id)
    if not is_moderator(uow, room, by_user_id):
        raise Problem(403, "not_a_moderator", "only the owner and moderators can mute")
    if is_moderator(uow, room, user_id):
        raise Problem(409, "cannot_mute_moderator", "the owner and moderators cannot be muted")
    identity_service.get_user(uow=uow, user_id=user_id)
    existing = uow.session.get(Mute, (room_id, user_id))
    return _switch(
        uow, existing, on, lambda: Mute(room_id=room_id, user_id=user_id, by_user_id=by_user_id, at=uow.now())
    )


def set_ban(*, uow: UnitOfWork, owner_id: int, user_id: int, on: bool) -> bool:
    """A creator (the acting user's channel) bans or unbans a user from all its rooms; False when
    nothing changed."""
    creator = channels_service.creator_of_user(uow=uow, user_id=owner_id)
    if creator is None:
        raise Problem(409, "no_channel", "only a channel can ban from its rooms")
    if owner_id == user_id:
        raise Problem(409, "cannot_ban_yourself", "you cannot ban yourself")
    identity_service.get_user(uow=uow, user_id=user_id)
    creator_id = creator.creator_id
    existing = uow.session.get(Ban, (creator_id, user_id))
    return _switch(uow, existing, on, lambda: Ban(creator_id=creator_id, user_id=user_id, at=uow.now()))


def check_comment(uow: UnitOfWork, room: Room, user_id: int, text: str) -> None:
    """Refuse a comment that is risky, from a banned or muted user, or over the rate limit."""
    if moderation.risky(text):
        raise Problem(422, "risky_content", "the comment contains words that are not allowed")
    check_allowed(uow, room, user_id)
    if uow.session.get(Mute, (room.id, user_id)) is not None:
        raise Problem(403, "muted", "you are muted in this room")
    if is_moderator(uow, room, user_id):
        return
    since = uow.now() - dt.timedelta(seconds=RATE_SECONDS)
    recent = uow.session.scalar(
        select(func.count())
        .select_from(RoomEvent)
        .where(
            RoomEvent.room_id == room.id,
            RoomEvent.user_id == user_id,
            RoomEvent.kind == "comment",
            RoomEvent.created_at >= since,
        )
    )
    if (recent or 0) >= RATE_COMMENTS:
        raise Problem(429, "rate_limited", f"at most {RATE_COMMENTS} comments in {RATE_SECONDS} seconds")


def check_allowed(uow: UnitOfWork, room: Room, user_id: int) -> None:
    """Refuse a user the room's creator banned."""
    if uow.session.get(Ban, (room.creator_id, user_id)) is not None:
        raise Problem(403, "banned", "the creator has banned you from its rooms")
