"""The real-time hub: read-diffusion from the room log to this process's sockets.

Per room with viewers connected here, one task reads the log's new entries and the room's
counters (likes, viewers across processes) every FRAME_SECONDS and hands the same frame to every
viewer's queue: one read per room, not one per viewer. Every HEARTBEAT it also tells the database
how many viewers this process has in the room (figures.report_presence). A viewer who reconnects
says the last sequence number it saw and first gets what it missed: every high-priority entry,
and the latest ordinary ones. Several processes on one database each read the log for their own
viewers, so a comment sent to one reaches viewers on all, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from typing import Any

from yuanzi.core.uow import UnitOfWorkFactory
from yuanzi.live import figures, rooms

FRAME_SECONDS = 0.25
QUEUE_FRAMES = 64  # a viewer this far behind is cut off (it reconnects and resumes by sequence)
READ_LIMIT = 500
BACKLOG_ORDINARY = 50  # ordinary entries resent after a reconnect (high-priority ones: all)
ORDINARY = frozenset(rooms.KINDS) - rooms.HIGH_PRIORITY


class Viewer:
    """One connected viewer's queue of frames."""

    def __init__(self) -> None:
        self.frames: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(maxsize=QUEUE_FRAMES)


class _Room:
    def __init__(self, room_id: int, last_seq: int) -> None:
        self.room_id = room_id
        self.last_seq = last_seq
        self.counters: tuple[int, int] | None = None
        self.viewers: set[Viewer] = set()
        self.task: asyncio.Task[None] | None = None


class Hub:
    """This process's rooms and viewers."""

    def __init__(
        self, read_uow: UnitOfWorkFactory, write_uow: UnitOfWorkFactory, node: str | None = None
    ) -> None:
        self._read_uow = read_uow
        self._write_uow = write_uow
        self.node = node or uuid.uuid4().hex[:16]
        self._rooms: dict[int, _Room] = {}
        self._farewells: set[asyncio.Task[None]] = set()

    def _read(self, room_id: int, after: int) -> tuple[list[rooms.LogEntry], tuple[int, int]]:
        with self._read_uow() as uow:
            entries = rooms.entries_after(uow=uow, room_id=room_id, after=after, limit=READ_LIMIT)
            return entries, figures.counters(uow=uow, room_id=room_id)

    def _backlog(self, room_id: int, after: int) -> list[rooms.LogEntry]:
        with self._read_uow() as uow:
            important: list[rooms.LogEntry] = []
            cursor = after
            while page := rooms.entries_after(
                uow=uow, room_id=room_id, after=cursor, limit=READ_LIMIT, kinds=rooms.HIGH_PRIORITY
            ):
                important += page
                cursor = page[-1].seq
            latest = rooms.entries_after(
                uow=uow, room_id=room_id, after=after, limit=BACKLOG_ORDINARY, kinds=ORDINARY, newest=True
            )
        merged = {e.seq: e for e in important + latest}
        return [merged[seq] for seq in sorted(merged)]

    def _report(self, room_id: int, viewers: int) -> None:
        with self._write_uow() as uow:
            figures.report_presence(uow=uow, room_id=room_id, node=self.node, viewers=viewers)
            uow.commit()

    async def backlog(self, room_id: int, after: int) -> list[rooms.LogEntry]:
        """What a (re)connecting viewer missed after `after`: every high-priority entry and the
        latest BACKLOG_ORDINARY others."""
        return await asyncio.to_thread(self._backlog, room_id, after)

    def join(self, room_id: int, last_seq: int) -> Viewer:
        """Register a viewer who has seen the log up to `last_seq`."""
        room = self._rooms.get(room_id)
        if room is None:
            room = self._rooms[room_id] = _Room(room_id, last_seq)
            room.task = asyncio.create_task(self._pump(room), name=f"yuanzi-live-room-{room_id}")
        viewer = Viewer()
        room.viewers.add(viewer)
        return viewer

    def leave(self, room_id: int, viewer: Viewer) -> None:
        """Unregister a viewer; the room's reader stops with its last viewer, saying so."""
        room = self._rooms.get(room_id)
        if room is None:
            return
        room.viewers.discard(viewer)
        if not room.viewers:
            del self._rooms[room_id]
            if room.task is not None:
                room.task.cancel()
            farewell = asyncio.create_task(self._say(room_id, 0))
            self._farewells.add(farewell)
            farewell.add_done_callback(self._farewells.discard)

    def viewers(self, room_id: int) -> int:
        """Viewers connected to this process."""
        room = self._rooms.get(room_id)
        return len(room.viewers) if room else 0

    async def _say(self, room_id: int, viewers: int) -> None:
        with contextlib.suppress(Exception):  # presence goes stale on its own if this fails
            await asyncio.to_thread(self._report, room_id, viewers)

    async def _pump(self, room: _Room) -> None:
        last_beat = 0.0
        while True:
            await asyncio.sleep(FRAME_SECONDS)
            if time.monotonic() - last_beat >= figures.HEARTBEAT:
                last_beat = time.monotonic()
                await self._say(room.room_id, len(room.viewers))
            with contextlib.suppress(Exception):  # a failed read is retried next frame
                entries, counters = await asyncio.to_thread(self._read, room.room_id, room.last_seq)
                if not entries and counters == room.counters:
                    continue
                if entries:
                    room.last_seq = entries[-1].seq
                room.counters = counters
                frame = {
                    "room_id": room.room_id,
                    "events": [e.to_json() for e in entries],
                    "likes": counters[0],
                    "viewers": counters[1],
                }
                for viewer in list(room.viewers):
                    try:
                        viewer.frames.put_nowait(frame)
                    except asyncio.QueueFull:
                        room.viewers.discard(viewer)
                        viewer.frames = asyncio.Queue(maxsize=1)
                        viewer.frames.put_nowait(None)  # tells the socket to close: reconnect and resume
