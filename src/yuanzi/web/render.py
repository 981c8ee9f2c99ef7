"""Rendering the web screens: the Jinja2 environment and what every page is given."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

import yuanzi
from yuanzi.core.clock import BEIJING
from yuanzi.settings import Settings
from yuanzi.web import session

TEMPLATES_DIR = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES_DIR)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def chat_time(value: dt.datetime, now: dt.datetime) -> str:
    """When a message was sent, as WeChat's chat list says it, in Beijing time: the time today,
    昨天 yesterday, the date this year, the full date before."""
    sent, today = value.astimezone(BEIJING), now.astimezone(BEIJING).date()
    if sent.date() == today:
        return sent.strftime("%H:%M")
    if sent.date() == today - dt.timedelta(days=1):
        return "昨天"
    return f"{sent.month}月{sent.day}日" if sent.year == today.year else sent.strftime("%Y/%m/%d")


def _yuan(fen: int) -> str:
    """Fen as yuan with two decimals: 1234 → 12.34 (negative amounts keep their sign)."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100:,}.{abs(fen) % 100:02d}"


def fen_from_yuan(text: str) -> int | None:
    """A positive amount typed in yuan (at most two decimals) as fen, or None if it is not one."""
    try:
        amount = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        return None
    return int(amount * 100)


templates.env.filters["utc"] = _utc
templates.env.filters["yuan"] = _yuan
templates.env.filters["chat_time"] = chat_time


def settings(request: Request) -> Settings:
    """The settings of the app serving `request`."""
    value: Settings = request.app.state.settings
    return value


def page(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    """Render template `name` with the CSRF token and mode every screen needs."""
    ctx: dict[str, Any] = {
        "csrf_token": session.csrf_token(request),
        "csrf_field": session.CSRF_FIELD,
        "csrf_header": session.CSRF_HEADER,
        "is_sandbox": settings(request).is_sandbox,
        "mode": settings(request).mode.value,
        "version": yuanzi.__version__,
        "replace_url": None,
        **(context or {}),
    }
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    finish(request, response)
    return response


def not_found(request: Request, user: object, status_code: int = 404) -> HTMLResponse:
    """The phone's page for a post, channel, room or article that does not exist (or was deleted)."""
    return page(request, "client/missing.html", {"tab": "discover", "user": user}, status_code=status_code)


def redirect(request: Request, url: str) -> RedirectResponse:
    """A 303 See Other to `url` (after a form POST)."""
    response = RedirectResponse(url, status_code=303)
    finish(request, response)
    return response


def finish(request: Request, response: HTMLResponse | RedirectResponse) -> None:
    """Set the cookies this request decided on; screens are never cached (they hold tokens)."""
    session.attach_csrf_cookie(request, response)
    if getattr(request.state, "drop_session", False):
        session.clear_session(request, response)
    response.headers["Cache-Control"] = "no-store"


def csrf_rejected(request: Request) -> HTMLResponse:
    """403: the form did not carry this browser's CSRF token."""
    return page(request, "csrf_rejected.html", status_code=403)
