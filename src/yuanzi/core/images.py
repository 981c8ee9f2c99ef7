"""Images people upload (post images, live room covers): normalised to an RGB JPEG."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

from yuanzi.core.errors import Problem


def save_jpeg(source: Path | BinaryIO, target: Path, max_side: int) -> tuple[int, int]:
    """Write `source` (a file, or an upload's file object) to `target` as an RGB JPEG at most
    `max_side` on its long side (through a .part file, so a reader never sees half of it); its
    width and height. 422 `unsupported_media` when it is not an image Pillow can read, and
    nothing is written."""
    try:
        with Image.open(source) as image:
            image.load()
            rgb = image.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError):
        raise Problem(
            422, "unsupported_media", "not an image Pillow can read (JPEG, PNG, WebP, GIF…)"
        ) from None
    rgb.thumbnail((max_side, max_side))
    partial = target.with_name(target.name + ".part")
    rgb.save(partial, "JPEG", quality=88)
    partial.rename(target)
    return rgb.width, rgb.height
