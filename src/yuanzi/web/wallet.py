"""Paying in the client: the sheet `wx.requestPayment` opens, H5 and scanned Native orders, and the
wallet (零钱) with its bills and, in the sandbox, top-ups."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from yuanzi.core.errors import InvalidInput, Problem
from yuanzi.core.http import runtime
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.pay import service as pay_service
from yuanzi.web.actions import User, form_action
from yuanzi.web.render import fen_from_yuan, page, redirect, settings
from yuanzi.web.session import current_user

router = APIRouter()
FormStr = Annotated[str, Form()]
HISTORY_SHOWN = 30


def _sheet_page(
    request: Request,
    uow: UnitOfWork,
    user: identity_service.UserInfo,
    sheet: pay_service.OrderSheet | None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    balance = pay_service.wallet_balance(uow=uow, user_id=user.user_id)
    vouchers = (
        pay_service.usable_coupons(uow=uow, user_id=user.user_id, mchid=sheet.mchid, total=sheet.total)
        if sheet is not None and sheet.payable and not sheet.combined
        else []
    )
    ctx = {
        "tab": None,
        "user": user,
        "sheet": sheet,
        "balance": balance,
        "error": error,
        "vouchers": vouchers,
    }
    return page(request, "client/pay_sheet.html", ctx, status_code=status_code)


@router.get("/pay/request", response_class=HTMLResponse, response_model=None)
def request_payment(
    request: Request,
    appId: str = "",
    timeStamp: str = "",
    nonceStr: str = "",
    package: str = "",
    signType: str = "",
    paySign: str = "",
) -> Response:
    """The sheet `wx.requestPayment({timeStamp, nonceStr, package, signType, paySign})` opens."""
    with runtime(request).uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        try:
            sheet = pay_service.verify_payment_request(
                uow=uow,
                app_id=appId,
                time_stamp=timeStamp,
                nonce_str=nonceStr,
                package=package,
                sign_type=signType,
                pay_sign=paySign,
            )
        except Problem as exc:
            return _sheet_page(request, uow, user, None, exc.detail, exc.status)
        return _sheet_page(request, uow, user, sheet)


@router.get("/pay/h5", response_class=HTMLResponse, response_model=None)
def h5_payment(request: Request, prepay_id: str = "") -> Response:
    """Where an H5 order's h5_url leads: the same sheet."""
    with runtime(request).uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        try:
            sheet = pay_service.order_sheet(uow=uow, prepay_id=prepay_id)
        except Problem as exc:
            return _sheet_page(request, uow, user, None, exc.detail, exc.status)
        return _sheet_page(request, uow, user, sheet)


@router.get("/scan", response_class=HTMLResponse, response_model=None)
def scan(request: Request, code_url: str = "") -> Response:
    """扫一扫: read a Native payment code (typed or pasted here) and show its sheet."""
    with runtime(request).uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        if not code_url:
            return page(request, "client/scan.html", {"tab": "discover", "user": user, "error": None})
        try:
            sheet = pay_service.order_sheet(uow=uow, code_url=code_url)
        except Problem as exc:
            ctx = {"tab": "discover", "user": user, "error": exc.detail, "code_url": code_url}
            return page(request, "client/scan.html", ctx, status_code=exc.status)
        return _sheet_page(request, uow, user, sheet)


@router.post("/pay/confirm", response_class=HTMLResponse, response_model=None)
def confirm(
    request: Request,
    csrf_token: FormStr = "",
    prepay_id: FormStr = "",
    code_url: FormStr = "",
    coupon_id: FormStr = "",
) -> Response:
    """The payer confirms the sheet: pay from the wallet (and a voucher, if chosen)."""

    def action(uow: UnitOfWork, user: User) -> Response:
        result = pay_service.pay(
            uow=uow,
            user_id=user.user_id,
            prepay_id=prepay_id or None,
            code_url=code_url or None,
            coupon_id=coupon_id or None,
        )
        return _result(request, uow, user, result, None, 200)

    def failed(uow: UnitOfWork, user: User, exc: Problem) -> Response:
        return _result(request, uow, user, None, exc.detail, exc.status)

    return form_action(request, csrf_token, action, failed)


def _result(
    request: Request,
    uow: UnitOfWork,
    user: identity_service.UserInfo,
    result: pay_service.PaymentResult | None,
    error: str | None,
    status_code: int,
) -> HTMLResponse:
    ctx: dict[str, Any] = {
        "tab": None,
        "user": user,
        "result": result,
        "error": error,
        "balance": pay_service.wallet_balance(uow=uow, user_id=user.user_id),
        "replace_url": "/me/wallet",
    }
    return page(request, "client/pay_result.html", ctx, status_code=status_code)


def _wallet(request: Request, uow: UnitOfWork, user: identity_service.UserInfo, **extra: Any) -> HTMLResponse:
    status = extra.pop("status_code", 200)
    ctx = {
        "tab": "me",
        "user": user,
        "balance": pay_service.wallet_balance(uow=uow, user_id=user.user_id),
        "history": pay_service.wallet_history(uow=uow, user_id=user.user_id, limit=HISTORY_SHOWN),
        "vouchers": pay_service.user_coupons(uow=uow, user_id=user.user_id),
        "error": None,
        "replace_url": "/me/wallet",
        **extra,
    }
    return page(request, "client/wallet.html", ctx, status_code=status)


@router.get("/me/wallet", response_class=HTMLResponse, response_model=None)
def wallet(request: Request) -> Response:
    """零钱: the balance and its bills."""
    with runtime(request).uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        return _wallet(request, uow, user)


@router.post("/me/wallet/topup", response_class=HTMLResponse, response_model=None)
def wallet_topup(request: Request, csrf_token: FormStr = "", yuan: FormStr = "") -> Response:
    """Sandbox: add money to the wallet."""

    def action(uow: UnitOfWork, user: User) -> str:
        if not settings(request).is_sandbox:
            raise Problem(403, "sandbox_only", "Top-ups exist only in the sandbox.")
        fen = fen_from_yuan(yuan)
        if fen is None:
            raise InvalidInput("Enter an amount in yuan, e.g. 50 or 12.34. 请输入金额。", field="yuan")
        pay_service.topup(uow=uow, user_id=user.user_id, amount=fen)
        return "/me/wallet"

    def failed(uow: UnitOfWork, user: User, exc: Problem) -> Response:
        return _wallet(request, uow, user, error=exc.detail, status_code=exc.status)

    return form_action(request, csrf_token, action, failed)
