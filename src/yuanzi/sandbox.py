"""Platform-wide sandbox controls: the clock every component reads for expiry and schedules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from yuanzi.core.clock import Clock, SandboxClock
from yuanzi.core.errors import Problem
from yuanzi.core.http import runtime

router = APIRouter(prefix="/sandbox", tags=["sandbox: clock"])
TEN_YEARS = 10 * 366 * 86400


class Advance(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)

    seconds: float = Field(gt=0, le=TEN_YEARS, allow_inf_nan=False)


def _clock_json(now: dt.datetime) -> dict[str, Any]:
    return {"now": now.isoformat().replace("+00:00", "Z"), "timestamp": int(now.timestamp())}


def _sandbox_clock(clock: Clock) -> SandboxClock:
    if not isinstance(clock, SandboxClock):
        raise Problem(409, "clock_not_movable", "this server's clock is not a sandbox clock")
    return clock


@router.get("/clock")
def get_clock(request: Request) -> dict[str, Any]:
    """The platform's current time."""
    return _clock_json(runtime(request).clock.now())


@router.post("/clock/advance")
def advance_clock(request: Request, body: Advance) -> dict[str, Any]:
    """Move the platform's time forward (expire codes, tokens and orders; run retries)."""
    rt = runtime(request)
    now = _sandbox_clock(rt.clock).advance(body.seconds)
    rt.wake()
    return _clock_json(now)
