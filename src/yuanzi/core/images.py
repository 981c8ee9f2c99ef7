"""Images people upload (post images, live room covers, avatars): normalised to an RGB JPEG."""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

from yuanzi.core.errors import Problem

JPEG_QUALITY = 88


def _rgb(source: Path | BinaryIO, max_side: int) -> Image.Image | None:
    """The image at most `max_side` on its long side, in RGB; None if Pillow cannot read it."""
    try:
        with Image.open(source) as image:
            image.load()
            rgb = image.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    rgb.thumbnail((max_side, max_side))
    return rgb


def save_jpeg(source: Path | BinaryIO, target: Path, max_side: int) -> tuple[int, int]:
    """Write `source` (a file, or an upload's file object) to `target` as an RGB JPEG at most
    `max_side` on its long side (through a .part file, so a reader never sees half of it); its
    width and height. 422 `unsupported_media` when it is not an image Pillow can read, and
    nothing is written."""
    rgb = _rgb(source, max_side)
    if rgb is None:
        raise Problem(422, "unsupported_media", "not an image Pillow can read (JPEG, PNG, WebP, GIF…)")
    partial = target.with_name(target.name + ".part")
    rgb.save(partial, "JPEG", quality=JPEG_QUALITY)
    partial.rename(target)
    return rgb.width, rgb.height


def jpeg_bytes(source: Path | BinaryIO, max_side: int) -> bytes | None:
    """`source` as RGB JPEG bytes at most `max_side` on its long side; None if it is not an image
    Pillow can read (each dialect words that refusal its own way)."""
    rgb = _rgb(source, max_side)
    if rgb is None:
        return None
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()
