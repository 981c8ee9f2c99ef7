"""Per-viewer sampling of ordinary entries under load.

A room with a hundred thousand people commenting cannot show every comment to every viewer, and
no one could read them. Each viewer's socket has a budget of ordinary entries (comments,
arrivals) per second, a token bucket; when a frame brings more than the budget allows, a random
sample of them is kept, in order, and a different one for each viewer. Gifts and announcements
(rooms.HIGH_PRIORITY) are never sampled away.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from yuanzi.live.rooms import HIGH_PRIORITY


class Budget:
    """One viewer's allowance of ordinary entries: `rate` a second, saved up to `rate`."""

    def __init__(
        self, rate: int, *, clock: Callable[[], float] = time.monotonic, rng: random.Random | None = None
    ) -> None:
        self._rate = rate
        self._tokens = float(rate)
        self._clock = clock
        self._last = clock()
        self._rng = rng or random.Random()  # noqa: S311  sampling comments, not secrets

    def sample(self, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The events this viewer gets: every high-priority one, and as many ordinary ones as
        the budget allows, chosen at random; in their original order."""
        now = self._clock()
        self._tokens = min(float(self._rate), self._tokens + (now - self._last) * self._rate)
        self._last = now
        ordinary = [i for i, e in enumerate(events) if e["kind"] not in HIGH_PRIORITY]
        allowed = int(self._tokens)
        if len(ordinary) <= allowed:
            self._tokens -= len(ordinary)
            return events
        self._tokens -= allowed
        keep = set(self._rng.sample(ordinary, allowed))
        return [e for i, e in enumerate(events) if e["kind"] in HIGH_PRIORITY or i in keep]
