"""Temporary media (临时素材, /cgi-bin/media/upload): images a corp uploads to use by media_id for
three days, such as a customer-service account's avatar."""

from __future__ import annotations

import datetime as dt
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


def upload(*, uow: UnitOfWork, corp_id: int, type: str | None, data: BinaryIO, size: int) -> Media:
    """Keep an uploaded image (as a JPEG) for three days. 40005 for a type other than image (the
    only one yuanzi keeps), 40009 for a size outside 5 B–10 MB, 40004 for what is not an image."""
    if type != "image":
        raise WxError(40005, "invalid media type: yuanzi keeps type=image only")
    if not IMAGE_MIN_BYTES <= size <= IMAGE_MAX_BYTES:
        raise WxError(40009, "invalid image size")
    content = images.jpeg_bytes(data, IMAGE_MAX_SIDE)
    if content is None:
        raise WxError(40004, "invalid media type: not an image")
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
    return row


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
