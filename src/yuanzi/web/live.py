"""The phone's live rooms (直播): the rooms live now, and a room with its comment stream (over the
room's WebSocket), a comment box and the gift panel."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from yuanzi.core.errors import NotFound, Problem
from yuanzi.core.http import runtime
from yuanzi.live import service as live_service
from yuanzi.web import session
from yuanzi.web.client import current_user
from yuanzi.web.render import page, redirect, settings

router = APIRouter(prefix="/live")


@router.get("", response_class=HTMLResponse, response_model=None)
def rooms(request: Request) -> Response:
    """Rooms live now."""
    with runtime(request).read_uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        ctx = {"tab": "discover", "user": user, "rooms": live_service.live_rooms(uow=uow)}
        return page(request, "client/live_rooms.html", ctx)


@router.get("/{room_id}", response_class=HTMLResponse, response_model=None)
def room(request: Request, room_id: int) -> Response:
    """A room: the stream of comments and gifts, and what a viewer can send."""
    with runtime(request).read_uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        try:
            info = live_service.get_room(uow=uow, room_id=room_id)
        except NotFound:
            return page(
                request, "client/channels_missing.html", {"tab": "discover", "user": user}, status_code=404
            )
        ctx = {
            "tab": "discover",
            "user": user,
            "room": info,
            "gifts": live_service.CATALOGUE,
            "givers": live_service.leaderboard(uow=uow, room_id=room_id),
        }
        return page(request, "client/live_room.html", ctx)


async def _json(request: Request) -> dict[str, Any] | None:
    try:
        session.check_csrf(request, "")
        body = await request.json()
    except (session.CsrfRejected, ValueError):
        return None
    return body if isinstance(body, dict) else None


@router.post("/{room_id}/comments", response_model=None)
async def comment(request: Request, room_id: int) -> Response:
    """Comment as the signed-in user (JSON with the page's CSRF header)."""
    body = await _json(request)
    if body is None:
        return JSONResponse({"error": "bad request"}, status_code=400)
    return _act(
        request,
        lambda uow, user_id: live_service.comment(
            uow=uow, room_id=room_id, user_id=user_id, text=str(body.get("text", ""))
        ).to_json(),
    )


@router.post("/{room_id}/gifts", response_model=None)
async def gift(request: Request, room_id: int) -> Response:
    """Send a gift as the signed-in user; `request_id` comes from the page, once per click."""
    body = await _json(request)
    if body is None:
        return JSONResponse({"error": "bad request"}, status_code=400)
    share = settings(request).live_gift_share_ppm

    def send(uow: Any, user_id: int) -> dict[str, Any]:
        sent = live_service.send_gift(
            uow=uow,
            room_id=room_id,
            user_id=user_id,
            gift=str(body.get("gift", "")),
            count=body.get("count", 1) if isinstance(body.get("count", 1), int) else 0,
            request_id=str(body.get("request_id", "")),
            share_ppm=share,
        )
        return {"seq": sent.seq, "amount": sent.amount, "new": sent.new}

    return _act(request, send)


def _act(request: Request, action: Any) -> Response:
    with runtime(request).uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return JSONResponse({"error": "sign in"}, status_code=401)
        try:
            result = action(uow, user.user_id)
        except Problem as exc:
            uow.rollback()
            return JSONResponse({"error": exc.detail, "code": exc.code}, status_code=exc.status)
        uow.commit()
    return JSONResponse(result, status_code=201)
