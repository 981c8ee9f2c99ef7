"""Live's API under /api/live/: rooms, reminders, the room log (long-poll), the viewers'
WebSocket, figures, gifts and moderation (the shelf and the incentive are in commerce_routes.py,
the video and nginx's callbacks in video_routes.py)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import time
from typing import Any

from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from yuanzi.core import cards
from yuanzi.core.errors import InvalidInput, NotFound
from yuanzi.core.http import ReadUoW, UoW, User, runtime
from yuanzi.live import figures, gifts, moderation, reminders, rooms, sampling
from yuanzi.live.hub import Hub, Viewer

router = APIRouter(prefix="/api/live", tags=["live"])
LONG_POLL_MAX = 25.0


def hub(request_or_socket: Request | WebSocket) -> Hub:
    """This process's hub (made on first use)."""
    state = request_or_socket.app.state
    if getattr(state, "live_hub", None) is None:
        rt = runtime(request_or_socket)  # type: ignore[arg-type]
        state.live_hub = Hub(rt.read_uow, rt.uow)
    found: Hub = state.live_hub
    return found


def room_json(room: rooms.RoomInfo) -> dict[str, Any]:
    return {
        "room_id": room.room_id,
        "creator_id": room.creator_id,
        "creator_name": room.creator_name,
        "title": room.title,
        "state": room.state,
        "scheduled_at": room.scheduled_at.isoformat() if room.scheduled_at else None,
        "started_at": room.started_at.isoformat() if room.started_at else None,
        "ended_at": room.ended_at.isoformat() if room.ended_at else None,
        "last_seq": room.last_seq,
        "cards": [dataclasses.asdict(c) for c in room.cards],
        "cover_url": f"/api/live/rooms/{room.room_id}/cover" if room.has_cover else None,
    }


class CardBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: StrictStr
    ref: StrictStr


class NewRoom(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: StrictStr = Field(min_length=1, max_length=rooms.TITLE_MAX)
    scheduled_at: dt.datetime | None = None
    cards: list[CardBody] = Field(default_factory=list, max_length=rooms.MAX_CARDS)


class NewComment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: StrictStr = Field(min_length=1, max_length=rooms.COMMENT_MAX)


@router.post("/rooms", status_code=201)
def create_room(body: NewRoom, user: User, uow: UoW) -> dict[str, Any]:
    """A room for your channel; the stream key is shown only now."""
    scheduled = body.scheduled_at
    if scheduled is not None and scheduled.tzinfo is None:
        scheduled = scheduled.replace(tzinfo=dt.UTC)
    refs = [cards.CardRef(c.kind, c.ref) for c in body.cards]
    new = rooms.create_room(uow=uow, user_id=user, title=body.title, scheduled_at=scheduled, card_refs=refs)
    uow.commit()
    return room_json(new.room) | {"stream_key": new.stream_key}


@router.get("/rooms")
def list_live(uow: ReadUoW, state: str = "live") -> dict[str, Any]:
    """Rooms live now, the most recently started first; with `state=scheduled`, rooms booked to
    start, the soonest first."""
    if state == rooms.SCHEDULED:
        return {"rooms": [room_json(r) for r in reminders.scheduled_rooms(uow=uow)]}
    if state != rooms.LIVE:
        raise InvalidInput("state is live or scheduled", field="state")
    return {"rooms": [room_json(r) for r in rooms.live_rooms(uow=uow)]}


@router.put("/rooms/{room_id}/reminder")
@router.delete("/rooms/{room_id}/reminder")
def reminder(request: Request, room_id: int, user: User, uow: UoW) -> dict[str, Any]:
    """PUT books a reminder for a scheduled room (预约; `409 room_not_scheduled` otherwise);
    DELETE cancels it."""
    changed = reminders.book(uow=uow, room_id=room_id, user_id=user, on=request.method == "PUT")
    uow.commit()
    return {"room_id": room_id, "booked": request.method == "PUT", "changed": changed}


@router.get("/reminders")
def my_reminders(user: User, uow: ReadUoW) -> dict[str, Any]:
    """Your bookings: `due` when the room is live and you have not been in it yet."""
    return {
        "reminders": [room_json(b.room) | {"due": b.due} for b in reminders.booked(uow=uow, user_id=user)]
    }


@router.get("/rooms/{room_id}")
def get_room(room_id: int, request: Request, uow: ReadUoW) -> dict[str, Any]:
    """A room, with how many viewers this server has connected."""
    return room_json(rooms.get_room(uow=uow, room_id=room_id)) | {
        "viewers_here": hub(request).viewers(room_id)
    }


@router.post("/rooms/{room_id}/start")
def start(room_id: int, user: User, uow: UoW) -> dict[str, Any]:
    """Go live (idempotent)."""
    room = rooms.start(uow=uow, room_id=room_id, user_id=user)
    uow.commit()
    return room_json(room)


@router.post("/rooms/{room_id}/end")
def end(room_id: int, user: User, uow: UoW) -> dict[str, Any]:
    """End the room (idempotent)."""
    room = rooms.end(uow=uow, room_id=room_id, user_id=user)
    uow.commit()
    return room_json(room)


@router.post("/rooms/{room_id}/comments", status_code=201)
def comment(room_id: int, body: NewComment, user: User, uow: UoW) -> dict[str, Any]:
    """Comment in a live room, as yourself."""
    entry = rooms.comment(uow=uow, room_id=room_id, user_id=user, text=body.text)
    uow.commit()
    return entry.to_json()


class NewEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: StrictStr = "discover"


class NewLikes(BaseModel):
    model_config = ConfigDict(extra="forbid")
    count: int = Field(default=1, ge=1, le=figures.MAX_LIKES, strict=True)


@router.post("/rooms/{room_id}/enter", status_code=201)
def enter(room_id: int, body: NewEntry, user: User, uow: UoW) -> dict[str, Any]:
    """You entered a live room from `source`: share, chat, wecom, followers or mini_program (the
    owner's private domain), recommended (public), search or discover."""
    entry = figures.enter(uow=uow, room_id=room_id, user_id=user, source=body.source)
    uow.commit()
    return entry.to_json()


@router.post("/rooms/{room_id}/likes")
def like(room_id: int, body: NewLikes, user: User, uow: UoW) -> dict[str, Any]:
    """Taps on the like button (1–99 in one request), folded into the room's counter."""
    total = figures.like(uow=uow, room_id=room_id, user_id=user, count=body.count)
    uow.commit()
    return {"room_id": room_id, "likes": total}


@router.get("/rooms/{room_id}/stats")
def stats(room_id: int, uow: ReadUoW) -> dict[str, Any]:
    """The room's figures: viewers now (across servers), peak, views, unique viewers, likes, and
    entries by domain."""
    found = figures.figures(uow=uow, room_id=room_id)
    return {"room_id": room_id, **dataclasses.asdict(found)}


class NewGift(BaseModel):
    model_config = ConfigDict(extra="forbid")
    gift: StrictStr
    count: int = Field(default=1, ge=1, le=gifts.MAX_COUNT, strict=True)
    request_id: StrictStr = Field(min_length=8, max_length=64)


@router.post("/rooms/{room_id}/gifts", status_code=201)
def send_gift(request: Request, room_id: int, body: NewGift, user: User, uow: UoW) -> dict[str, Any]:
    """Send a gift (heart 10 fen, flower 100, cake 1,000, rocket 50,000) × count, paid from your
    wallet to the creator less the platform's share; `request_id` makes it idempotent (the same
    request pays and appears once). 409 not_enough on a short balance, moving nothing."""
    sent = gifts.send(
        uow=uow,
        room_id=room_id,
        user_id=user,
        gift=body.gift,
        count=body.count,
        request_id=body.request_id,
        share_ppm=request.app.state.settings.live_gift_share_ppm,
    )
    uow.commit()
    return {"seq": sent.seq, "gift": sent.gift, "count": sent.count, "amount": sent.amount, "new": sent.new}


@router.get("/rooms/{room_id}/leaderboard")
def leaderboard(room_id: int, uow: ReadUoW) -> dict[str, Any]:
    """The room's biggest givers."""
    rooms.get_room(uow=uow, room_id=room_id)
    return {
        "room_id": room_id,
        "givers": [{"user_id": u, "amount": a} for u, a in gifts.leaderboard(uow=uow, room_id=room_id)],
    }


@router.put("/rooms/{room_id}/moderators/{user_id}")
@router.delete("/rooms/{room_id}/moderators/{user_id}")
def moderator(request: Request, room_id: int, user_id: int, user: User, uow: UoW) -> dict[str, Any]:
    """PUT: the owner makes a viewer a moderator (may mute; not rate-limited); DELETE: takes it back."""
    on = request.method == "PUT"
    changed = moderation.set_moderator(uow=uow, room_id=room_id, owner_id=user, user_id=user_id, on=on)
    uow.commit()
    return {"moderator": user_id, "changed": changed}


@router.put("/rooms/{room_id}/mutes/{user_id}")
@router.delete("/rooms/{room_id}/mutes/{user_id}")
def mute(request: Request, room_id: int, user_id: int, user: User, uow: UoW) -> dict[str, Any]:
    """PUT: the owner or a moderator mutes a viewer in this room, on every device; DELETE: unmutes."""
    on = request.method == "PUT"
    changed = moderation.set_mute(uow=uow, room_id=room_id, by_user_id=user, user_id=user_id, on=on)
    uow.commit()
    return {"muted": user_id, "changed": changed}


@router.put("/bans/{user_id}")
@router.delete("/bans/{user_id}")
def ban(request: Request, user_id: int, user: User, uow: UoW) -> dict[str, Any]:
    """PUT: your channel bans a user from all its rooms (no comments, no gifts); DELETE: lifts it."""
    changed = moderation.set_ban(uow=uow, owner_id=user, user_id=user_id, on=request.method == "PUT")
    uow.commit()
    return {"banned": user_id, "changed": changed}


@router.get("/rooms/{room_id}/events")
async def events(request: Request, room_id: int, after: int = 0, wait: float = 0.0) -> dict[str, Any]:
    """The room's log after sequence number `after` — the long-poll fallback: with `wait`, the
    answer waits up to that many seconds (at most 25) for something new."""
    deadline = time.monotonic() + min(max(wait, 0.0), LONG_POLL_MAX)

    def read() -> list[rooms.LogEntry]:
        with runtime(request).read_uow() as uow:
            return rooms.entries_after(uow=uow, room_id=room_id, after=max(after, 0))

    while True:
        found = await asyncio.to_thread(read)  # waiting holds no thread, only reading does
        if found or time.monotonic() >= deadline:
            return {"room_id": room_id, "events": [e.to_json() for e in found]}
        await asyncio.sleep(0.2)


@router.websocket("/rooms/{room_id}/ws")
async def viewer_socket(socket: WebSocket, room_id: int, after: int = 0) -> None:
    """Frames of the room's log, a few a second: `{room_id, events: [...]}`. Reconnect with
    `after=<last seq seen>` to resume without missing anything."""
    live_hub = hub(socket)
    try:
        room = await asyncio.to_thread(_check_room, socket, room_id)
    except NotFound:
        await socket.accept()  # then close with a reason the client can read
        await socket.close(code=4404, reason="no such room")
        return
    await socket.accept()
    if room.state == rooms.ENDED:  # what was said, then the door closes
        backlog = await live_hub.backlog(room_id, max(after, 0))
        if backlog:
            await socket.send_json({"room_id": room_id, "events": [e.to_json() for e in backlog]})
        await socket.close(code=4410, reason="the room has ended")
        return
    viewer = live_hub.join(room_id, max(after, 0))  # before reading the backlog: nothing falls between
    sent = max(after, 0)
    budget = sampling.Budget(socket.app.state.settings.live_comments_per_viewer_second)
    counters: tuple[int, int] | None = None
    gone = asyncio.create_task(_until_gone(socket))
    try:
        backlog = await live_hub.backlog(room_id, sent)
        if backlog:
            await socket.send_json({"room_id": room_id, "events": [e.to_json() for e in backlog]})
            sent = backlog[-1].seq
        while True:
            frame = await _next_frame(viewer, gone)
            if frame is None:
                await socket.close(code=4408, reason="too far behind: reconnect with after=<last seq>")
                return
            newer = [e for e in frame["events"] if e["seq"] > sent]
            fresh = budget.sample(newer)
            if fresh or (frame["likes"], frame["viewers"]) != counters:
                counters = (frame["likes"], frame["viewers"])
                await socket.send_json(
                    {"room_id": room_id, "events": fresh, "likes": counters[0], "viewers": counters[1]}
                )
            if newer:
                sent = newer[-1]["seq"]  # sampled-away entries are not sent after a reconnect either
            if any(e["body"].get("state") == rooms.ENDED for e in newer):
                await socket.close(code=4410, reason="the room has ended")
                return
    except WebSocketDisconnect:
        pass
    finally:
        gone.cancel()
        live_hub.leave(room_id, viewer)


async def _until_gone(socket: WebSocket) -> None:
    """Returns when the client disconnects (what it sends is ignored)."""
    while (await socket.receive())["type"] != "websocket.disconnect":
        pass


async def _next_frame(viewer: Viewer, gone: asyncio.Task[None]) -> dict[str, Any] | None:
    """The viewer's next frame (None: too far behind). Waiting on the socket too matters: a
    viewer who left a quiet room would otherwise count as watching, and hold up the server's
    shutdown, until the next frame."""
    getter = asyncio.ensure_future(viewer.frames.get())
    await asyncio.wait({getter, gone}, return_when=asyncio.FIRST_COMPLETED)
    if getter.done():
        return getter.result()
    getter.cancel()
    raise WebSocketDisconnect


def _check_room(socket: WebSocket, room_id: int) -> rooms.RoomInfo:
    with runtime(socket).read_uow() as uow:  # type: ignore[arg-type]
        return rooms.get_room(uow=uow, room_id=room_id)
