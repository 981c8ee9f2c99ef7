"""The real-time hub: read-diffusion from the room log to this process's sockets.

Per room with viewers connected here, one task reads the log's new entries (every FRAME_SECONDS)
and hands the same frame to every viewer's queue: one read per room, not one per viewer. A viewer
who reconnects says the last sequence number it saw and gets everything after it first, so it
misses nothing. Several processes on one database each read the log for their own viewers.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from yuanzi.core.uow import UnitOfWorkFactory
from yuanzi.live import rooms

FRAME_SECONDS = 0.25
QUEUE_FRAMES = 64  # a viewer this far behind is cut off (it reconnects and resumes by sequence)


class Viewer:
    """One connected viewer's queue of frames."""

    def __init__(self) -> None:
        self.frames: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(maxsize=QUEUE_FRAMES)


class _Room:
    def __init__(self, room_id: int, last_seq: int) -> None:
        self.room_id = room_id
        self.last_seq = last_seq
        self.viewers: set[Viewer] = set()
        self.task: asyncio.Task[None] | None = None


class Hub:
    """This process's rooms and viewers."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory
        self._rooms: dict[int, _Room] = {}

    def _read(self, room_id: int, after: int) -> list[rooms.LogEntry]:
        with self._uow_factory() as uow:
            return rooms.entries_after(uow=uow, room_id=room_id, after=after, limit=500)

    async def backlog(self, room_id: int, after: int) -> list[rooms.LogEntry]:
        """What a (re)connecting viewer missed after `after`."""
        return await asyncio.to_thread(self._read, room_id, after)

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
        """Unregister a viewer; the room's reader stops with its last viewer."""
        room = self._rooms.get(room_id)
        if room is None:
            return
        room.viewers.discard(viewer)
        if not room.viewers:
            del self._rooms[room_id]
            if room.task is not None:
                room.task.cancel()

    def viewers(self, room_id: int) -> int:
        """Viewers connected to this process."""
        room = self._rooms.get(room_id)
        return len(room.viewers) if room else 0

    async def _pump(self, room: _Room) -> None:
        while True:
            await asyncio.sleep(FRAME_SECONDS)
            with contextlib.suppress(Exception):  # a failed read is retried next frame
                entries = await asyncio.to_thread(self._read, room.room_id, room.last_seq)
                if not entries:
                    continue
                room.last_seq = entries[-1].seq
                frame = {"room_id": room.room_id, "events": [e.to_json() for e in entries]}
                for viewer in list(room.viewers):
                    try:
                        viewer.frames.put_nowait(frame)
                    except asyncio.QueueFull:
                        room.viewers.discard(viewer)
                        viewer.frames = asyncio.Queue(maxsize=1)
                        viewer.frames.put_nowait(None)  # tells the socket to close: reconnect and resume
