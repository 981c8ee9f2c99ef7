"""Live in the console (直播助手): go live for a channel (the stream key, shown once, with the
commands to push), every room with its figures, and a room's page: its concurrency curve, the
merchant incentive's ledger, the shelf's sales, start and end. Like the rest of the console it
has no sign-in yet (docs/web.md): it acts as the channel's owner."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse

from yuanzi.channels import service as channels_service
from yuanzi.core.errors import NotFound, Problem
from yuanzi.core.http import runtime
from yuanzi.core.uow import UnitOfWork
from yuanzi.live import service as live_service
from yuanzi.web.actions import form_post
from yuanzi.web.render import page, settings

router = APIRouter(prefix="/console/live")
FormStr = Annotated[str, Form()]
CHART_WIDTH, CHART_HEIGHT = 640, 160


def concurrency_chart(samples: list[tuple[dt.datetime, int]]) -> dict[str, Any]:
    """An SVG polyline of viewers per minute (the most in each), scaled to the chart."""
    if not samples:
        return {"points": "", "peak": 0, "first": None, "last": None}
    if len(samples) == 1:  # one minute so far: a flat line across the chart
        samples = [samples[0], samples[0]]
    peak = max(v for _, v in samples) or 1
    step = CHART_WIDTH / max(1, len(samples) - 1)
    points = " ".join(
        f"{i * step:.1f},{CHART_HEIGHT - v * (CHART_HEIGHT - 10) / peak:.1f}"
        for i, (_, v) in enumerate(samples)
    )
    return {"points": points, "peak": peak, "first": samples[0][0], "last": samples[-1][0]}


@router.get("", response_class=HTMLResponse)
def rooms(request: Request) -> HTMLResponse:
    """Every room with its figures, and the go-live form."""
    return _rooms_page(request)


def _rooms_page(request: Request, error: str | None = None, status_code: int = 200) -> HTMLResponse:
    with runtime(request).read_uow() as uow:
        found = live_service.recent_rooms(uow=uow, limit=100)
        ctx = {
            "rooms": found,
            "figures": {r.room_id: live_service.figures(uow=uow, room_id=r.room_id) for r in found},
            "creators": channels_service.list_creators(uow=uow, limit=500),
            "error": error,
        }
        return page(request, "console/live.html", ctx, status_code=status_code)


@router.post("", response_class=HTMLResponse, response_model=None)
def go_live(
    request: Request,
    csrf_token: FormStr = "",
    creator_id: FormStr = "",
    title: FormStr = "",
    cover: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Create a room for a channel (with a cover photo, if given); its page shows the stream key
    this once."""

    def action(uow: UnitOfWork) -> Response:
        if not creator_id.strip().isdigit():
            raise Problem(422, "invalid_input", "choose a channel")
        creator = channels_service.get_creator(uow=uow, creator_id=int(creator_id))
        new = live_service.create_room(uow=uow, user_id=creator.user_id, title=title)
        if cover is not None and cover.filename:
            live_service.set_cover(
                uow=uow,
                data_dir=settings(request).data_dir,
                room_id=new.room.room_id,
                user_id=creator.user_id,
                upload=cover.file,
            )
        return _room_page(request, uow, new.room.room_id, stream_key=new.stream_key, status_code=201)

    def failed(uow: UnitOfWork, exc: Problem) -> Response:
        return _rooms_page(request, error=exc.detail, status_code=exc.status)

    return form_post(request, csrf_token, action, failed)


def _room_page(request: Request, uow: UnitOfWork, room_id: int, **extra: Any) -> HTMLResponse:
    status = extra.pop("status_code", 200)
    room = live_service.get_room(uow=uow, room_id=room_id)
    terms = live_service.incentive_terms(settings(request))
    shelf, gmv = live_service.products(uow=uow, room_id=room_id)
    ctx = {
        "room": room,
        "figures": live_service.figures(uow=uow, room_id=room_id),
        "chart": concurrency_chart(live_service.concurrency(uow=uow, room_id=room_id)),
        "chart_size": (CHART_WIDTH, CHART_HEIGHT),
        "grants": live_service.grants(uow=uow, room_id=room_id, user_id=room.user_id, terms=terms),
        "shelf": shelf,
        "gmv": gmv,
        "host": request.url.hostname or "127.0.0.1",
        "stream_key": None,
        "error": None,
        **extra,
    }
    return page(request, "console/live_room.html", ctx, status_code=status)


@router.get("/{room_id}", response_class=HTMLResponse, response_model=None)
def room(request: Request, room_id: int) -> Response:
    """A room's figures, concurrency curve, incentive ledger and sales."""
    with runtime(request).read_uow() as uow:
        try:
            return _room_page(request, uow, room_id)
        except NotFound:
            return _rooms_page(request, error=f"no room {room_id}", status_code=404)


@router.post("/{room_id}/{action}", response_class=HTMLResponse, response_model=None)
def start_or_end(request: Request, room_id: int, action: str, csrf_token: FormStr = "") -> Response:
    """开播 start / 下播 end, as the room's owner."""

    def start_or_end_room(uow: UnitOfWork) -> str:
        if action not in ("start", "end"):
            raise Problem(404, "not_found", f"no action {action!r}")
        owner = live_service.get_room(uow=uow, room_id=room_id).user_id
        change = live_service.start if action == "start" else live_service.end
        change(uow=uow, room_id=room_id, user_id=owner)
        return f"/console/live/{room_id}"

    def failed(uow: UnitOfWork, exc: Problem) -> Response:
        if exc.status == 404:
            return _rooms_page(request, error=exc.detail, status_code=404)
        return _room_page(request, uow, room_id, error=exc.detail, status_code=exc.status)

    return form_post(request, csrf_token, start_or_end_room, failed)
