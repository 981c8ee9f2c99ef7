"""Temporary media (临时素材, /cgi-bin/media/upload): images a corp uploads to use by media_id for
three days, such as a customer-service account's avatar."""

from __future__ import annotations

import dataclasses
import datetime as dt
from io import BytesIO
from typing import BinaryIO

from sqlalchemy import select

from yuanzi.core import ids, images
from yuanzi.core.errors import WxError
from yuanzi.core.uow import UnitOfWork
from yuanzi.wecom.models import Media

MEDIA_TTL = dt.timedelta(days=3)
IMAGE_MAX_BYTES = 10 << 20  # WeCom's limit for an image
IMAGE_MIN_BYTES = 5
UPLOAD_MAX = IMAGE_MAX_BYTES + (1 << 20)  # the image plus its multipart envelope
IMAGE_MAX_SIDE = 1280
MEDIA_ID_MAX = 128


@dataclasses.dataclass(frozen=True)
class KeptMedia:
    """A temporary media file as the APIs answer it."""

    media_id: str
    type: str
    created_at: dt.datetime
    content: bytes


def image_content(*, type: str | None, data: BinaryIO, size: int) -> bytes:
    """An uploaded image as the JPEG yuanzi keeps (no database work: it may run before a lock is
    taken). 40005 for a type other than image (the only one yuanzi keeps), 40009 for a size
    outside 5 B–10 MB, 40004 for what is not an image."""
    if type != "image":
        raise WxError(40005, "invalid media type: yuanzi keeps type=image only")
    if not IMAGE_MIN_BYTES <= size <= IMAGE_MAX_BYTES:
        raise WxError(40009, "invalid image size")
    content = images.jpeg_bytes(data, IMAGE_MAX_SIDE)
    if content is None:
        raise WxError(40004, "invalid media type: not an image")
    return content


def keep(uow: UnitOfWork, corp_id: int, content: bytes) -> KeptMedia:
    """Keep an image (from `image_content`) for the corp for three days."""
    now = uow.now()
    row = Media(
        media_id=ids.media_id(),
        corp_id=corp_id,
        type="image",
        content=content,
        created_at=now,
        expires_at=now + MEDIA_TTL,
    )
    uow.session.add(row)
    return KeptMedia(media_id=row.media_id, type=row.type, created_at=now, content=content)


def upload(*, uow: UnitOfWork, corp_id: int, type: str | None, data: BinaryIO, size: int) -> KeptMedia:
    """media/upload: keep an uploaded image (as a JPEG) for three days."""
    return keep(uow, corp_id, image_content(type=type, data=data, size=size))


def image(uow: UnitOfWork, corp_id: int, media_id: object) -> bytes:
    """The bytes of the corp's unexpired image `media_id`, or 40007."""
    if not isinstance(media_id, str) or not media_id or len(media_id.encode()) > MEDIA_ID_MAX:
        raise WxError(40007, "invalid media_id")
    row = uow.session.scalar(
        select(Media).where(
            Media.media_id == media_id,
            Media.corp_id == corp_id,
            Media.type == "image",
            Media.expires_at > uow.now(),
        )
    )
    if row is None:
        raise WxError(40007, "invalid media_id")
    return row.content


def image_at(uow: UnitOfWork, corp_id: int, media_id: object, max_side: int) -> bytes:
    """The corp's live image `media_id` made at most `max_side` on its long side (an avatar, a
    card's thumbnail), or 40007."""
    content = images.jpeg_bytes(BytesIO(image(uow, corp_id, media_id)), max_side)
    assert content is not None  # media keeps only images it could read
    return content
