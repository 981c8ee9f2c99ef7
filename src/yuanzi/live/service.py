"""Live's public interface: what other components, the CLI and the web client may call.

Every function takes keyword-only arguments, the first being the caller's unit of work, and never
commits.
"""

from __future__ import annotations

from yuanzi.live.gifts import CATALOGUE, Sent, leaderboard
from yuanzi.live.gifts import send as send_gift
from yuanzi.live.rooms import (
    LogEntry,
    NewRoom,
    RoomInfo,
    comment,
    create_room,
    end,
    enter,
    entries_after,
    get_room,
    live_rooms,
    start,
)

__all__ = [
    "CATALOGUE",
    "LogEntry",
    "NewRoom",
    "RoomInfo",
    "Sent",
    "comment",
    "create_room",
    "end",
    "enter",
    "entries_after",
    "get_room",
    "leaderboard",
    "live_rooms",
    "send_gift",
    "start",
]
