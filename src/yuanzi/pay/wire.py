"""How WeChat Pay writes values on the wire."""

from __future__ import annotations

import datetime as dt

from yuanzi.core.clock import BEIJING

__all__ = ["BEIJING", "parse_rfc3339", "rfc3339"]


def rfc3339(value: dt.datetime) -> str:
    """`2018-06-08T10:34:56+08:00`: RFC 3339 in Beijing time, to the second."""
    return value.astimezone(BEIJING).replace(microsecond=0).isoformat()


def parse_rfc3339(value: str) -> dt.datetime:
    """An aware datetime from RFC 3339 text (`Z` or an offset required), or ValueError."""
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("the time needs a zone offset, e.g. +08:00")
    return parsed.astimezone(dt.UTC)
