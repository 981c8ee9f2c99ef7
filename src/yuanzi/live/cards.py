"""The card Live offers: a live room (`ref` = room id) that content can point to — a post
announcing tonight's show. Opening it from the card is an entry from `card`: the owner's own
content, its private domain."""

from __future__ import annotations

from yuanzi.core import cards
from yuanzi.core.uow import UnitOfWork
from yuanzi.live.models import Room

SUBTITLES = {"scheduled": "预约 Upcoming", "live": "直播中 Live now", "ended": "回放 Replay"}


def live_room_card(uow: UnitOfWork, ref: str) -> cards.Card | None:
    """A live room, if it exists."""
    if not ref.isdigit():
        return None
    room = uow.session.get(Room, int(ref))
    if room is None:
        return None
    return cards.Card(
        kind="live_room",
        ref=ref,
        title=room.title,
        subtitle=SUBTITLES.get(room.state, room.state),
        image_url=f"/api/live/rooms/{room.id}/cover" if room.cover_path else None,
        action_url=f"/live/{room.id}?from=card",
    )


cards.register("live_room", live_room_card)
