"""The merchant console: merchants, and for each its balance, orders, refunds, notification log
(with every attempt, and replay), voucher stocks and collection codes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from yuanzi.core.clock import BEIJING
from yuanzi.core.errors import Problem
from yuanzi.core.http import runtime
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.pay import service as pay_service
from yuanzi.web import session
from yuanzi.web.actions import form_post
from yuanzi.web.render import csrf_rejected, page, redirect

router = APIRouter(prefix="/console")
FormStr = Annotated[str, Form()]
ROWS = 50


def _merchants(request: Request, uow: UnitOfWork, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    merchants = pay_service.list_merchants(uow=uow, limit=200)
    ctx: dict[str, Any] = {
        "merchants": [(m, pay_service.merchant_balance(uow=uow, mchid=m.mchid)) for m in merchants],
        "apps": identity_service.list_apps(uow=uow, limit=500),
        "form": {"name": "", "appid": ""},
        "error": None,
        "new_merchant": None,
        "replace_url": "/console/merchants",
        **context,
    }
    return page(request, "console/merchants.html", ctx, status_code=status_code)


@router.get("/merchants", response_class=HTMLResponse)
def merchants(request: Request) -> HTMLResponse:
    """Every merchant with its balance, and a form to open one."""
    with runtime(request).uow() as uow:
        return _merchants(request, uow)


@router.post("/merchants", response_model=None)
def create_merchant(
    request: Request, csrf_token: FormStr = "", name: FormStr = "", appid: FormStr = ""
) -> Response:
    """Open a merchant; 201 with its keys, shown this once."""

    def action(uow: UnitOfWork) -> Response:
        new = pay_service.create_merchant(uow=uow, name=name, appid=appid)
        return _merchants(request, uow, new_merchant=new, status_code=201)

    def failed(uow: UnitOfWork, exc: Problem) -> Response:
        form = {"name": name, "appid": appid}
        return _merchants(request, uow, form=form, error=exc.detail, status_code=exc.status)

    return form_post(request, csrf_token, action, failed)


def _merchant(
    request: Request, uow: UnitOfWork, mchid: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    ctx: dict[str, Any] = {
        "merchant": pay_service.get_merchant(uow=uow, mchid=mchid),
        "balance": pay_service.merchant_balance(uow=uow, mchid=mchid),
        "orders": pay_service.recent_orders(uow=uow, mchid=mchid, limit=ROWS),
        "refunds": pay_service.recent_refunds(uow=uow, mchid=mchid, limit=ROWS),
        "notifications": pay_service.list_notifications(uow=uow, mchid=mchid, limit=ROWS),
        "stocks": pay_service.stocks(uow=uow, mchid=mchid, limit=ROWS),
        "codes": pay_service.list_codes(uow=uow, mchid=mchid),
        "code_error": None,
        "bill_error": None,
        "yesterday": (uow.now().astimezone(BEIJING) - dt.timedelta(days=1)).date().isoformat(),
        "replace_url": f"/console/merchants/{mchid}",
        **context,
    }
    return page(request, "console/merchant.html", ctx, status_code=status_code)


@router.get("/merchants/{mchid}", response_class=HTMLResponse)
def merchant(request: Request, mchid: str) -> HTMLResponse:
    """One merchant's business."""
    with runtime(request).uow() as uow:
        return _merchant(request, uow, mchid)


@router.post("/merchants/{mchid}/codes", response_model=None)
def create_code(request: Request, mchid: str, csrf_token: FormStr = "", name: FormStr = "") -> Response:
    """Issue a collection code to the merchant."""

    def action(uow: UnitOfWork) -> str:
        pay_service.create_code(uow=uow, name=name, mchid=mchid)
        return f"/console/merchants/{mchid}#codes"

    def failed(uow: UnitOfWork, exc: Problem) -> Response:
        return _merchant(request, uow, mchid, code_error=exc.detail, status_code=exc.status)

    return form_post(request, csrf_token, action, failed)


@router.get("/merchants/{mchid}/bills/{kind}", response_model=None)
def bill(request: Request, mchid: str, kind: str, bill_date: str = "") -> Response:
    """A trade or fund flow bill of a past day, as the CSV the bill APIs serve."""
    if kind not in ("trade", "fundflow"):
        raise Problem(404, "not_found", "bills are trade or fundflow")
    with runtime(request).uow() as uow:
        pay_service.get_merchant(uow=uow, mchid=mchid)
        try:
            csv = pay_service.bill_csv(
                uow=uow,
                mchid=mchid,
                kind=kind,
                bill_date=bill_date,
                type="ALL" if kind == "trade" else "BASIC",
            )
        except pay_service.PayError as exc:
            return _merchant(request, uow, mchid, bill_error=exc.message, status_code=exc.status)
    filename = f"{kind}bill-{mchid}-{bill_date}.csv"
    return Response(
        csv,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post("/notifications/{notification_id}/replay", response_model=None)
def replay(request: Request, notification_id: str, csrf_token: FormStr = "") -> Response:
    """Deliver a notification again now."""
    try:
        session.check_csrf(request, csrf_token)
    except session.CsrfRejected:
        return csrf_rejected(request)
    with runtime(request).uow() as uow:
        pay_service.replay_notification(uow=uow, notification_id=notification_id)
        mchid = pay_service.get_notification(uow=uow, notification_id=notification_id).mchid
        uow.commit()
    runtime(request).wake()
    return redirect(request, f"/console/merchants/{mchid}#notifications")
