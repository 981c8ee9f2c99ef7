"""Collection codes in the client: the QR code (PNG, SVG) and the pay-any-amount page it opens."""

from __future__ import annotations

import io
import uuid
from typing import Annotated

import segno
from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from yuanzi.core.errors import InvalidInput, Problem
from yuanzi.core.http import runtime
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.pay import service as pay_service
from yuanzi.web.actions import User, form_action
from yuanzi.web.render import fen_from_yuan, page, redirect
from yuanzi.web.session import current_user

router = APIRouter()
FormStr = Annotated[str, Form()]


def code_url(request: Request, code_id: str) -> str:
    """What the QR code encodes: the page, on the base URL the request came in on."""
    return f"{str(request.base_url).rstrip('/')}/collect/{code_id}"


def _qr(request: Request, code_id: str) -> segno.QRCode:
    with runtime(request).uow() as uow:
        pay_service.get_code(uow=uow, code_id=code_id)
    return segno.make(code_url(request, code_id), error="m")


@router.get("/collect/{code_id}.png")
def code_png(request: Request, code_id: str) -> Response:
    """The code as a PNG."""
    out = io.BytesIO()
    _qr(request, code_id).save(out, kind="png", scale=8, border=2)
    return Response(
        out.getvalue(), media_type="image/png", headers={"Cache-Control": "public, max-age=86400"}
    )


@router.get("/collect/{code_id}.svg")
def code_svg(request: Request, code_id: str) -> Response:
    """The code as an SVG."""
    out = io.BytesIO()
    _qr(request, code_id).save(out, kind="svg", scale=8, border=2, xmldecl=False)
    return Response(
        out.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"}
    )


def _page(
    request: Request,
    uow: UnitOfWork,
    user: identity_service.UserInfo,
    code: pay_service.CodeInfo,
    *,
    error: str | None = None,
    paid: pay_service.CollectionResult | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    ctx = {
        "tab": None,
        "user": user,
        "code": code,
        "error": error,
        "paid": paid,
        "balance": pay_service.wallet_balance(uow=uow, user_id=user.user_id),
        "payment_key": uuid.uuid4().hex,
        "replace_url": f"/collect/{code.code_id}",
    }
    return page(request, "client/collect.html", ctx, status_code=status_code)


@router.get("/collect/{code_id}", response_class=HTMLResponse, response_model=None)
def collect_page(request: Request, code_id: str) -> Response:
    """What scanning the code opens: pay its owner any amount."""
    with runtime(request).uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        return _page(request, uow, user, pay_service.get_code(uow=uow, code_id=code_id))


@router.post("/collect/{code_id}", response_class=HTMLResponse, response_model=None)
def collect_pay(
    request: Request,
    code_id: str,
    csrf_token: FormStr = "",
    yuan: FormStr = "",
    remark: FormStr = "",
    payment_key: FormStr = "",
) -> Response:
    """Pay the code's owner; the form's one-time key makes a double submit pay once."""

    def action(uow: UnitOfWork, user: User) -> Response:
        fen = fen_from_yuan(yuan)
        if fen is None:
            raise InvalidInput("Enter an amount in yuan, e.g. 12.50. 请输入金额。", field="yuan")
        result = pay_service.pay_code(
            uow=uow,
            code_id=code_id,
            user_id=user.user_id,
            amount=fen,
            idempotency_key=payment_key,
            remark=remark.strip() or None,
        )
        return _page(request, uow, user, pay_service.get_code(uow=uow, code_id=code_id), paid=result)

    def failed(uow: UnitOfWork, user: User, exc: Problem) -> Response:
        code = pay_service.get_code(uow=uow, code_id=code_id)  # an unknown code: NotFound, a 404
        return _page(request, uow, user, code, error=exc.detail, status_code=exc.status)

    return form_action(request, csrf_token, action, failed)
