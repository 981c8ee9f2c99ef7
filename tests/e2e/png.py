"""Just enough PNG decoding (standard library only) to tell a real screenshot from a blank one."""

from __future__ import annotations

import struct
import zlib
from collections import Counter

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {2: 3, 6: 4}  # truecolour, truecolour with alpha: what Chromium writes


def pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and every pixel (as bytes) of an 8-bit, non-interlaced RGB or RGBA PNG."""
    assert png.startswith(SIGNATURE), "not a PNG"
    pos, idat, header = len(SIGNATURE), bytearray(), None
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", data)
        elif kind == b"IDAT":
            idat += data
        elif kind == b"IEND":
            break
    assert header is not None, "no IHDR"
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8, f"unsupported bit depth {depth}"
    assert colour in CHANNELS, f"unsupported colour type {colour}"
    assert interlace == 0, "interlaced PNG"
    bpp = CHANNELS[colour]
    raw, stride = zlib.decompress(bytes(idat)), width * bpp
    previous, out = bytearray(stride), []
    for y in range(height):
        start = y * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        _unfilter(kind, row, previous, bpp)
        out.extend(bytes(row[x : x + bpp]) for x in range(0, stride, bpp))
        previous = row
    return width, height, out


def _unfilter(kind: int, row: bytearray, prev: bytearray, bpp: int) -> None:
    for i in range(len(row)):
        left = row[i - bpp] if i >= bpp else 0
        up = prev[i]
        if kind == 1:
            row[i] = (row[i] + left) & 0xFF
        elif kind == 2:
            row[i] = (row[i] + up) & 0xFF
        elif kind == 3:
            row[i] = (row[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            up_left = prev[i - bpp] if i >= bpp else 0
            p = left + up - up_left
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
            pred = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
            row[i] = (row[i] + pred) & 0xFF
        else:
            assert kind == 0, f"unknown PNG filter {kind}"


def colour_stats(png: bytes) -> tuple[int, float, Counter[bytes]]:
    """How many distinct colours the image has, the share of its commonest one, and the counts."""
    width, height, px = pixels(png)
    counts = Counter(p[:3] for p in px)
    return len(counts), counts.most_common(1)[0][1] / (width * height), counts
