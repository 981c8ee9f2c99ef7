"""A room's cover image: uploaded by its owner, kept as a JPEG in the data dir."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import BinaryIO

from yuanzi.core import images
from yuanzi.core.errors import NotFound
from yuanzi.core.uow import UnitOfWork
from yuanzi.live.rows import owned_room, room_row

COVER_SIDE = 1280


def covers_dir(data_dir: Path) -> Path:
    return data_dir / "live" / "covers"


def set_cover(
    *, uow: UnitOfWork, data_dir: Path, room_id: int, user_id: int, upload: Path | BinaryIO
) -> None:
    """Make `upload` the room's cover (the owner only); the old file goes once the new one is in.
    An upload that is not an image is refused and changes nothing."""
    room = owned_room(uow, room_id, user_id)
    folder = covers_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{room_id}-{secrets.token_hex(6)}.jpg"
    images.save_jpeg(upload, folder / name, COVER_SIDE)
    old, room.cover_path = room.cover_path, name
    uow.session.flush()
    if old:
        (folder / old).unlink(missing_ok=True)


def cover_file(*, uow: UnitOfWork, data_dir: Path, room_id: int) -> Path:
    """The room's cover file, or NotFound."""
    room = room_row(uow, room_id)
    path = covers_dir(data_dir) / room.cover_path if room.cover_path else None
    if path is None or not path.is_file():
        raise NotFound("cover", room_id)
    return path
