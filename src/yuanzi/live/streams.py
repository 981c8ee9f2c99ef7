"""The RTMP publisher's comings and goings (nginx's callbacks), with a grace period.

A streamer's connection drops more often than a streamer means to stop. When publishing stops,
the room stays live and says so ("主播暂时离开"); if the same key publishes again within the grace
period the room carries on ("主播回来了"); otherwise a worker ends it, as its owner would.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from yuanzi.core.uow import UnitOfWork, UnitOfWorkFactory
from yuanzi.live import rooms
from yuanzi.live.models import Room
from yuanzi.live.rows import room_row

AWAY, BACK = "主播暂时离开 The streamer stepped away", "主播回来了 The streamer is back"


def published(*, uow: UnitOfWork, room_id: int) -> None:
    """The stream (re)started: go live, or carry on after a drop."""
    room = room_row(uow, room_id)
    if room.state == rooms.SCHEDULED:
        rooms.start(uow=uow, room_id=room_id, user_id=room.user_id)
    elif room.stream_stopped_at is not None:
        room.stream_stopped_at = None
        rooms.append(uow=uow, room_id=room_id, kind="announcement", user_id=None, body={"text": BACK})


def stopped(*, uow: UnitOfWork, room_id: int, grace: dt.timedelta) -> None:
    """The stream stopped: end the room now (no grace) or give the streamer time to return."""
    room = room_row(uow, room_id)
    if room.state != rooms.LIVE:
        return
    if not grace:
        rooms.end(uow=uow, room_id=room_id, user_id=room.user_id)
        return
    room.stream_stopped_at = uow.now()
    rooms.append(uow=uow, room_id=room_id, kind="announcement", user_id=None, body={"text": AWAY})


def end_abandoned(uow_factory: UnitOfWorkFactory, grace: dt.timedelta, limit: int = 100) -> int:
    """End the live rooms whose stream stopped more than `grace` ago; how many."""
    with uow_factory() as uow:
        due = list(
            uow.session.scalars(
                select(Room)
                .where(Room.state == rooms.LIVE, Room.stream_stopped_at <= uow.now() - grace)
                .limit(limit)
            )
        )
        for room in due:
            rooms.end(uow=uow, room_id=room.id, user_id=room.user_id)
        uow.commit()
        return len(due)
