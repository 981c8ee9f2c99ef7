"""Rooms and their log.

A room belongs to a Channels creator and moves scheduled → live → ended, never back. Its stream
key is shown once, at creation, and stored hashed. Everything that happens in a room is appended
to its log under the next sequence number, taken by one atomic UPDATE of the room row, so two
writers never get the same number and numbers have no gaps.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Collection
from typing import Any

from sqlalchemy import select, update

from yuanzi.channels import service as channels_service
from yuanzi.core import cards
from yuanzi.core.errors import InvalidInput, Problem
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.live import moderation
from yuanzi.live.events import RoomCreated, RoomEnded, RoomStarted
from yuanzi.live.models import Room, RoomEvent
from yuanzi.live.rows import owned_room, room_row

SCHEDULED, LIVE, ENDED = "scheduled", "live", "ended"
TITLE_MAX, COMMENT_MAX, MAX_CARDS = 64, 200, 3
KINDS = ("enter", "comment", "gift", "announcement", "product", "purchase")
# Never sampled away under load, and always resent after a reconnect.
HIGH_PRIORITY = frozenset({"gift", "announcement", "product", "purchase"})


@dataclasses.dataclass(frozen=True)
class RoomInfo:
    """A room as viewers and its owner see it (never its stream key)."""

    room_id: int
    creator_id: int
    creator_name: str
    user_id: int
    title: str
    state: str
    scheduled_at: dt.datetime | None
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    last_seq: int
    cards: list[cards.Card] = dataclasses.field(default_factory=list)
    has_cover: bool = False


@dataclasses.dataclass(frozen=True)
class NewRoom:
    """A room just created, with its stream key shown this once."""

    room: RoomInfo
    stream_key: str


@dataclasses.dataclass(frozen=True)
class LogEntry:
    """One entry of a room's log."""

    seq: int
    kind: str
    user_id: int | None
    body: dict[str, Any]
    at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "kind": self.kind,
            "user_id": self.user_id,
            "body": self.body,
            "at": self.at.isoformat(),
        }


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def info(uow: UnitOfWork, row: Room) -> RoomInfo:
    """A room row as viewers and its owner see it."""
    creator = channels_service.get_creator(uow=uow, creator_id=row.creator_id)
    return RoomInfo(
        row.id,
        row.creator_id,
        creator.name,
        row.user_id,
        row.title,
        row.state,
        row.scheduled_at,
        row.started_at,
        row.ended_at,
        row.last_seq,
        [cards.resolve(uow, cards.CardRef(c["kind"], c["ref"])) for c in json.loads(row.cards)],
        row.cover_path is not None,
    )


def create_room(
    *,
    uow: UnitOfWork,
    user_id: int,
    title: str,
    scheduled_at: dt.datetime | None = None,
    card_refs: list[cards.CardRef] | None = None,
) -> NewRoom:
    """A room for the user's channel (预约 when `scheduled_at` is given), showing up to MAX_CARDS
    cards (a mini program, a voucher, a WeCom contact…)."""
    creator = channels_service.creator_of_user(uow=uow, user_id=user_id)
    if creator is None:
        raise Problem(409, "no_channel", "open a channel account before going live")
    clean = title.strip()
    if not 1 <= len(clean) <= TITLE_MAX:
        raise InvalidInput(f"a title is 1–{TITLE_MAX} characters", field="title")
    now = uow.now()
    if scheduled_at is not None and scheduled_at <= now:
        raise InvalidInput("scheduled_at is in the past", field="scheduled_at")
    refs = card_refs or []
    if len(refs) > MAX_CARDS:
        raise InvalidInput(f"at most {MAX_CARDS} cards", field="cards")
    for ref in refs:
        cards.check(uow, ref)
    key = "live_" + secrets.token_urlsafe(24)
    row = Room(
        creator_id=creator.creator_id,
        user_id=user_id,
        title=clean,
        state=SCHEDULED,
        stream_key_hash=_hash(key),
        cards=json.dumps([{"kind": r.kind, "ref": r.ref} for r in refs], ensure_ascii=False),
        scheduled_at=scheduled_at,
        created_at=now,
        last_seq=0,
    )
    uow.session.add(row)
    uow.session.flush()
    uow.publish(
        RoomCreated(room_id=row.id, creator_id=creator.creator_id, creator_name=creator.name, title=clean)
    )
    return NewRoom(info(uow, row), key)


def get_room(*, uow: UnitOfWork, room_id: int) -> RoomInfo:
    """A room, or NotFound."""
    return info(uow, room_row(uow, room_id))


def live_rooms(*, uow: UnitOfWork, limit: int = 50) -> list[RoomInfo]:
    """Rooms live now, the most recently started first."""
    rows = uow.session.scalars(
        select(Room).where(Room.state == LIVE).order_by(Room.started_at.desc(), Room.id.desc()).limit(limit)
    )
    return [info(uow, row) for row in rows]


def recent_rooms(*, uow: UnitOfWork, limit: int = 50) -> list[RoomInfo]:
    """Every room, the most recently created first (the console)."""
    rows = uow.session.scalars(select(Room).order_by(Room.id.desc()).limit(limit))
    return [info(uow, row) for row in rows]


def room_for_key(*, uow: UnitOfWork, stream_key: str) -> RoomInfo | None:
    """The room a stream key belongs to (the ingest server asks on publish)."""
    row = uow.session.scalar(select(Room).where(Room.stream_key_hash == _hash(stream_key)))
    return None if row is None else info(uow, row)


def start(*, uow: UnitOfWork, room_id: int, user_id: int) -> RoomInfo:
    """Go live (scheduled → live); starting a live room again changes nothing."""
    row = owned_room(uow, room_id, user_id)
    if row.state == ENDED:
        raise Problem(409, "room_ended", "this room has ended; create a new one")
    if row.state == SCHEDULED:
        row.state, row.started_at = LIVE, uow.now()
        uow.session.flush()
        uow.publish(RoomStarted(room_id=room_id))
        append(
            uow=uow,
            room_id=room_id,
            kind="announcement",
            user_id=None,
            body={"text": "直播开始 Live", "state": LIVE},
        )
    return info(uow, row)


def end(*, uow: UnitOfWork, room_id: int, user_id: int) -> RoomInfo:
    """End the room (live → ended); ending it again changes nothing."""
    row = owned_room(uow, room_id, user_id)
    if row.state == SCHEDULED:
        raise Problem(409, "room_not_live", "the room has not started")
    if row.state == LIVE:
        append(
            uow=uow,
            room_id=room_id,
            kind="announcement",
            user_id=None,
            body={"text": "直播结束 Ended", "state": ENDED},
        )
        row = room_row(uow, room_id)
        row.state, row.ended_at = ENDED, uow.now()
        uow.session.flush()
        uow.publish(RoomEnded(room_id=room_id))
    return info(uow, row)


def append(
    *, uow: UnitOfWork, room_id: int, kind: str, user_id: int | None, body: dict[str, Any]
) -> LogEntry:
    """Add an entry to a live room's log under the next sequence number."""
    if kind not in KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(KINDS)}", field="kind")
    seq = uow.session.execute(
        update(Room)
        .where(Room.id == room_id, Room.state == LIVE)
        .values(last_seq=Room.last_seq + 1)
        .returning(Room.last_seq)
    ).scalar_one_or_none()
    if seq is None:
        room_row(uow, room_id)
        raise Problem(409, "room_not_live", "the room is not live")
    now = uow.now()
    uow.session.add(
        RoomEvent(
            room_id=room_id,
            seq=seq,
            kind=kind,
            user_id=user_id,
            body=json.dumps(body, ensure_ascii=False),
            created_at=now,
        )
    )
    uow.session.flush()
    return LogEntry(seq, kind, user_id, body, now)


def comment(*, uow: UnitOfWork, room_id: int, user_id: int, text: str) -> LogEntry:
    """A viewer's comment (1–200 characters, as that viewer: never on another's behalf)."""
    user = identity_service.get_user(uow=uow, user_id=user_id)
    clean = text.strip()
    if not 1 <= len(clean) <= COMMENT_MAX:
        raise InvalidInput(f"a comment is 1–{COMMENT_MAX} characters", field="text")
    moderation.check_comment(uow, room_row(uow, room_id), user_id, clean)
    return append(
        uow=uow,
        room_id=room_id,
        kind="comment",
        user_id=user_id,
        body={"text": clean, "nickname": user.nickname},
    )


def entries_after(
    *,
    uow: UnitOfWork,
    room_id: int,
    after: int,
    limit: int = 200,
    kinds: Collection[str] | None = None,
    newest: bool = False,
) -> list[LogEntry]:
    """The room's log after sequence number `after`, oldest first: the first `limit` entries, or
    with `newest` the last `limit`; only entries of `kinds` when given."""
    room_row(uow, room_id)
    query = select(RoomEvent).where(RoomEvent.room_id == room_id, RoomEvent.seq > after)
    if kinds is not None:
        query = query.where(RoomEvent.kind.in_(sorted(kinds)))
    query = query.order_by(RoomEvent.seq.desc() if newest else RoomEvent.seq).limit(limit)
    rows = sorted(uow.session.scalars(query), key=lambda r: r.seq)
    return [LogEntry(r.seq, r.kind, r.user_id, json.loads(r.body), r.created_at) for r in rows]
