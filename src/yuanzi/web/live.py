"""The phone's live rooms (直播): the rooms live now, and a room with its comment stream (over the
room's WebSocket), a comment box and the gift panel."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse

from yuanzi.core.errors import InvalidInput, NotFound, Problem
from yuanzi.core.http import runtime
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.live import service as live_service
from yuanzi.pay import service as pay_service
from yuanzi.web.actions import User, form_action, json_action
from yuanzi.web.render import fen_from_yuan, not_found, page, redirect, settings
from yuanzi.web.session import current_user

router = APIRouter(prefix="/live")
FormStr = Annotated[str, Form()]


@router.get("", response_class=HTMLResponse, response_model=None)
def rooms(request: Request) -> Response:
    """Rooms live now."""
    with runtime(request).read_uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        return _rooms_page(request, uow, user)


def _rooms_page(
    request: Request, uow: UnitOfWork, user: User, error: str | None = None, status_code: int = 200
) -> Response:
    ctx = {
        "tab": "discover",
        "user": user,
        "rooms": live_service.live_rooms(uow=uow),
        "upcoming": live_service.scheduled_rooms(uow=uow),
        "booked": live_service.booked(uow=uow, user_id=user.user_id),
        "error": error,
    }
    return page(request, "client/live_rooms.html", ctx, status_code=status_code)


@router.post("/{room_id}/reminder", response_model=None)
def reminder(request: Request, room_id: int, csrf_token: FormStr = "", on: FormStr = "1") -> Response:
    """预约 (or cancel) a reminder for an upcoming room, as the signed-in user."""

    def action(uow: UnitOfWork, user: User) -> str:
        live_service.book(uow=uow, room_id=room_id, user_id=user.user_id, on=on == "1")
        return "/live"

    def failed(uow: UnitOfWork, user: User, exc: Problem) -> Response:
        return _rooms_page(request, uow, user, error=exc.detail, status_code=exc.status)

    return form_action(request, csrf_token, action, failed)


@router.get("/{room_id}", response_class=HTMLResponse, response_model=None)
def room(request: Request, room_id: int, source: str = Query("discover", alias="from")) -> Response:
    """A room: its video, the stream of comments and gifts, and what a viewer can send. Opening
    a live room counts as an entry from `?from=` (share, chat, recommended, search…)."""
    with runtime(request).uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        try:
            info = live_service.get_room(uow=uow, room_id=room_id)
        except NotFound:
            return not_found(request, user)
        if info.state == "live" and info.user_id != user.user_id:
            known = source if source in live_service.SOURCES else "discover"
            live_service.enter(uow=uow, room_id=room_id, user_id=user.user_id, source=known)
        response = _room_page(request, uow, user, info)
        uow.commit()
        return response


def _room_page(
    request: Request,
    uow: UnitOfWork,
    user: User,
    info: live_service.RoomInfo,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    owner = info.user_id == user.user_id
    room_id = info.room_id
    ctx = {
        "tab": "discover",
        "user": user,
        "room": info,
        "gifts": live_service.CATALOGUE,
        "givers": [
            (identity_service.get_user(uow=uow, user_id=giver).nickname, amount)
            for giver, amount in live_service.leaderboard(uow=uow, room_id=room_id)
        ],
        "figures": live_service.figures(uow=uow, room_id=room_id),
        "grants": _grants(request, uow, room_id, user.user_id) if owner else None,
        "pinned": live_service.pinned(uow=uow, room_id=room_id),
        "shelf": live_service.products(uow=uow, room_id=room_id)[0] if owner else [],
        "shops": pay_service.administered_by(uow=uow, user_id=user.user_id) if owner else [],
        "error": error,
    }
    return page(request, "client/live_room.html", ctx, status_code=status_code)


def _grants(request: Request, uow: UnitOfWork, room_id: int, owner: int) -> list[live_service.GrantDay]:
    """The owner's dashboard of the merchant incentive: the room's grants ledger by day."""
    terms = live_service.incentive_terms(settings(request))
    return live_service.grants(uow=uow, room_id=room_id, user_id=owner, terms=terms)


@router.post("/{room_id}/comments", response_model=None)
async def comment(request: Request, room_id: int) -> Response:
    """Comment as the signed-in user (JSON with the page's CSRF header)."""

    def action(uow: UnitOfWork, user_id: int, body: dict[str, Any]) -> dict[str, Any]:
        text = str(body.get("text", ""))
        return live_service.comment(uow=uow, room_id=room_id, user_id=user_id, text=text).to_json()

    return await json_action(request, action, status_code=201)


def _count(body: dict[str, Any]) -> int:
    """A JSON body's `count` (1 when absent); anything but a number is 0, which the service refuses."""
    count = body.get("count", 1)
    return count if isinstance(count, int) else 0


@router.post("/{room_id}/likes", response_model=None)
async def like(request: Request, room_id: int) -> Response:
    """Taps on the like button, sent in bursts by the page."""

    def action(uow: UnitOfWork, user_id: int, body: dict[str, Any]) -> dict[str, Any]:
        total = live_service.like(uow=uow, room_id=room_id, user_id=user_id, count=_count(body))
        return {"likes": total}

    return await json_action(request, action, status_code=200)


@router.post("/{room_id}/products", response_model=None)
def add_product(
    request: Request,
    room_id: int,
    csrf_token: FormStr = "",
    mchid: FormStr = "",
    title: FormStr = "",
    price: FormStr = "",
    notify_url: FormStr = "",
) -> Response:
    """The owner puts a product on the shelf (price typed in yuan)."""

    def action(uow: UnitOfWork, user: User) -> str:
        fen = fen_from_yuan(price)
        if fen is None:
            raise InvalidInput("the price is an amount in yuan, like 19.90", field="price")
        live_service.add_product(
            uow=uow,
            room_id=room_id,
            user_id=user.user_id,
            mchid=mchid,
            title=title,
            price=fen,
            notify_url=notify_url,
        )
        return f"/live/{room_id}#shelf"

    def failed(uow: UnitOfWork, user: User, exc: Problem) -> Response:
        try:
            info = live_service.get_room(uow=uow, room_id=room_id)
        except NotFound:
            return not_found(request, user)
        return _room_page(request, uow, user, info, error=exc.detail, status_code=exc.status)

    return form_action(request, csrf_token, action, failed)


@router.post("/{room_id}/products/{product_id}/buy", response_model=None)
async def buy(request: Request, room_id: int, product_id: int) -> Response:
    """Buy the pinned product: the order is placed and the page goes to the payment sheet."""

    def action(uow: UnitOfWork, user_id: int, body: dict[str, Any]) -> dict[str, Any]:
        order = live_service.buy(uow=uow, room_id=room_id, product_id=product_id, user_id=user_id)
        return {"pay_url": f"/pay/h5?prepay_id={order.prepay_id}"}

    return await json_action(request, action, status_code=201)


@router.post("/{room_id}/pinned/{product_id}", response_model=None)
async def pin(request: Request, room_id: int, product_id: int) -> Response:
    """The owner pins a shelf product for every viewer."""

    def action(uow: UnitOfWork, user_id: int, body: dict[str, Any]) -> dict[str, Any]:
        live_service.pin(uow=uow, room_id=room_id, user_id=user_id, product_id=product_id)
        return {"pinned": product_id}

    return await json_action(request, action, status_code=200)


@router.post("/{room_id}/gifts", response_model=None)
async def gift(request: Request, room_id: int) -> Response:
    """Send a gift as the signed-in user; `request_id` comes from the page, once per click."""
    share = settings(request).live_gift_share_ppm

    def action(uow: UnitOfWork, user_id: int, body: dict[str, Any]) -> dict[str, Any]:
        sent = live_service.send_gift(
            uow=uow,
            room_id=room_id,
            user_id=user_id,
            gift=str(body.get("gift", "")),
            count=_count(body),
            request_id=str(body.get("request_id", "")),
            share_ppm=share,
        )
        return {"seq": sent.seq, "amount": sent.amount, "new": sent.new}

    return await json_action(request, action, status_code=201)
