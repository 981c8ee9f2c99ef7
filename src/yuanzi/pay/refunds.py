"""Refunds: accepted as PROCESSING, then settled by a worker — SUCCESS with the money back in the
payer's wallet, or ABNORMAL when the merchant's balance cannot cover it — and notified.

The rules are WeChat's: within a year of payment, at most 50 refunds an order, never more than
was paid, the same out_refund_no with the same parameters is the same refund. The platform gives
back its fee in proportion (cumulatively rounded, so a full refund returns exactly the fee).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import secrets
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from yuanzi.core.uow import UnitOfWork, UnitOfWorkFactory
from yuanzi.pay import coupons, ledger, notifications
from yuanzi.pay.errors import PayError, param_error
from yuanzi.pay.events import RefundSettled
from yuanzi.pay.models import Refund, Transaction
from yuanzi.pay.payments import (
    PLATFORM_FEES,
    merchant_available_account,
    merchant_pending_account,
    wallet_account,
)
from yuanzi.pay.transactions import TradeState, current_state
from yuanzi.pay.wire import BEIJING, rfc3339

MAX_REFUNDS_PER_ORDER = 50
REFUND_WINDOW = dt.timedelta(days=365)
PROCESSING, SUCCESS, ABNORMAL, CLOSED = "PROCESSING", "SUCCESS", "ABNORMAL", "CLOSED"
# Statuses whose amount counts against what may still be refunded.
_COMMITTED = (PROCESSING, SUCCESS)


@dataclasses.dataclass(frozen=True)
class RefundRequest:
    """A validated refund request."""

    mchid: str
    out_refund_no: str
    transaction_id: str | None
    out_trade_no: str | None
    refund: int
    total: int
    currency: str
    reason: str | None = None
    notify_url: str | None = None

    def digest(self) -> str:
        """A fingerprint of the parameters, to tell a retry from a conflicting reuse."""
        key = f"{self.refund}|{self.total}|{self.currency}"
        return hashlib.sha256(key.encode()).hexdigest()


def new_refund_id(now: dt.datetime) -> str:
    """29 digits starting `50`, WeChat's refund_id shape."""
    return (
        "50"
        + f"{secrets.randbelow(10**9):09d}"
        + now.astimezone(BEIJING).strftime("%Y%m%d")
        + f"{secrets.randbelow(10**10):010d}"
    )


def _order(uow: UnitOfWork, request: RefundRequest) -> Transaction:
    query = select(Transaction).where(Transaction.mchid == request.mchid)
    if request.transaction_id:
        query = query.where(Transaction.transaction_id == request.transaction_id)
    else:
        query = query.where(Transaction.out_trade_no == request.out_trade_no)
    row = uow.session.scalar(query.with_for_update())
    if row is None:
        raise PayError(404, "RESOURCE_NOT_EXISTS", "订单不存在")
    return row


def create_refund(*, uow: UnitOfWork, request: RefundRequest) -> Refund:
    """Accept a refund (PROCESSING), or return the same one for a retry of the same out_refund_no."""
    # Locking the order (FOR UPDATE on PostgreSQL; SQLite writers are serialised) makes the
    # "never more than was paid" check and the insert one step for concurrent refunds of it.
    order = _order(uow, request)
    existing = _existing(uow, request, order.id)
    if existing is not None:
        return existing
    now = uow.now()
    if current_state(order, now) not in (TradeState.SUCCESS, TradeState.REFUND):
        raise PayError(400, "INVALID_REQUEST", "订单未支付,不能退款")
    assert order.success_time is not None
    assert order.fee is not None
    if now - order.success_time > REFUND_WINDOW:
        raise PayError(400, "INVALID_REQUEST", "订单已超过退款期限")
    if request.total != order.total:
        raise param_error("amount.total", request.total, "原订单金额与订单实际金额不一致")
    if request.currency != order.currency:
        raise param_error("amount.currency", request.currency, "币种与原订单不一致")
    refunds, refunded = uow.session.execute(
        select(func.count(), func.coalesce(func.sum(Refund.refund), 0)).where(
            Refund.transaction_pk == order.id, Refund.status.in_(_COMMITTED)
        )
    ).one()
    refunded = int(refunded)  # SUM over BIGINT is NUMERIC (Decimal) on PostgreSQL
    if refunds >= MAX_REFUNDS_PER_ORDER:
        raise PayError(403, "REQUEST_BLOCKED", f"一笔订单最多部分退款{MAX_REFUNDS_PER_ORDER}次")
    if request.refund > order.total - refunded:
        issue = "订单已全额退款" if refunded == order.total else "申请退款金额超过订单可退金额"
        raise PayError(400, "INVALID_REQUEST", issue)
    fee_before = _share(order.fee, refunded, order.total)
    fee_after = _share(order.fee, refunded + request.refund, order.total)
    refund = Refund(
        mchid=request.mchid,
        out_refund_no=request.out_refund_no,
        refund_id=new_refund_id(now),
        transaction_pk=order.id,
        request_digest=request.digest(),
        reason=request.reason,
        notify_url=request.notify_url,
        refund=request.refund,
        total=order.total,
        currency=order.currency,
        fee_refund=fee_after - fee_before,
        discount_refund=_share(order.coupon_amount or 0, refunded + request.refund, order.total)
        - _share(order.coupon_amount or 0, refunded, order.total),
        status=PROCESSING,
        created_at=now,
    )
    try:
        with uow.session.begin_nested():
            uow.session.add(refund)
    except IntegrityError:
        # The same out_refund_no, taken concurrently for another of the merchant's orders.
        existing = _existing(uow, request, order.id)
        assert existing is not None
        return existing
    return refund


def _existing(uow: UnitOfWork, request: RefundRequest, order_pk: int) -> Refund | None:
    """The refund already made under this out_refund_no (the same order and amounts), if any."""
    existing = uow.session.scalar(
        select(Refund).where(Refund.mchid == request.mchid, Refund.out_refund_no == request.out_refund_no)
    )
    if existing is not None and (
        existing.request_digest != request.digest() or existing.transaction_pk != order_pk
    ):
        raise PayError(400, "INVALID_REQUEST", "订单金额或退款金额与之前请求不一致,请核实后再试")
    return existing


def _share(part: int, refunded: int, total: int) -> int:
    """The share of `part` (the fee, the voucher) that `refunded` of `total` carries, rounded half
    up; differences of these cumulative shares add up to exactly `part` on a full refund."""
    return (part * refunded * 2 + total) // (total * 2)


def _voucher_is_cash(order: Transaction) -> bool:
    """Whether the order's voucher was paid from a stock budget (CASH) rather than by the merchant."""
    detail = json.loads(order.promotion_detail) if order.promotion_detail else []
    return bool(detail) and detail[0].get("type") == "CASH"


def find_refund(uow: UnitOfWork, *, mchid: str, out_refund_no: str) -> Refund:
    """The merchant's refund, or 404 RESOURCE_NOT_EXISTS."""
    row = uow.session.scalar(
        select(Refund).where(Refund.mchid == mchid, Refund.out_refund_no == out_refund_no)
    )
    if row is None:
        raise PayError(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
    return row


def refund_json(uow: UnitOfWork, refund: Refund) -> dict[str, Any]:
    """The refund as the refund APIs and REFUND.* notifications describe it."""
    order = uow.session.get(Transaction, refund.transaction_pk)
    assert order is not None
    cash = _voucher_is_cash(order)
    body: dict[str, Any] = {
        "refund_id": refund.refund_id,
        "out_refund_no": refund.out_refund_no,
        "transaction_id": order.transaction_id,
        "out_trade_no": order.out_trade_no,
        "channel": "ORIGINAL",
        "user_received_account": "支付用户零钱",
        "create_time": rfc3339(refund.created_at),
        "status": refund.status,
        "amount": {
            "total": refund.total,
            "refund": refund.refund,
            "payer_total": order.payer_total or refund.total,
            "payer_refund": refund.refund - refund.discount_refund,
            "settlement_total": refund.total - (0 if cash else order.coupon_amount or 0),
            "settlement_refund": refund.refund - (0 if cash else refund.discount_refund),
            "discount_refund": refund.discount_refund,
            "currency": refund.currency,
            "from": [],
        },
        "promotion_detail": [],
    }
    if refund.funds_account:
        body["funds_account"] = refund.funds_account
    if refund.success_time:
        body["success_time"] = rfc3339(refund.success_time)
    return body


def _settle(uow: UnitOfWork, refund: Refund) -> None:
    now = uow.now()
    order = uow.session.get(Transaction, refund.transaction_pk)
    assert order is not None
    cash = _voucher_is_cash(order)
    to_payer = refund.refund - refund.discount_refund
    # A cash voucher's share goes back to its stock budget and the merchant had received it;
    # a no-cash voucher was the merchant's own discount, so the merchant only returns what was paid.
    from_merchant = (refund.refund if cash else to_payer) - refund.fee_refund
    pending = ledger.balance(uow.session, merchant_pending_account(refund.mchid))
    from_pending = min(from_merchant, max(pending, 0))
    legs = [(wallet_account(order.payer_user_id or 0), to_payer)]
    if cash and refund.discount_refund:
        assert order.promotion_detail is not None
        stock_id = json.loads(order.promotion_detail)[0]["stock_id"]
        legs.append((coupons.budget_account(stock_id), refund.discount_refund))
    if from_pending:
        legs.append((merchant_pending_account(refund.mchid), -from_pending))
    if from_merchant - from_pending:
        legs.append((merchant_available_account(refund.mchid), -(from_merchant - from_pending)))
    if refund.fee_refund:
        legs.append((PLATFORM_FEES, -refund.fee_refund))
    legs = [(account, amount) for account, amount in legs if amount]
    try:
        with uow.session.begin_nested():
            ledger.post(
                uow.session,
                key=f"refund:{refund.id}",
                kind="refund",
                legs=legs,
                now=now,
                memo=refund.out_refund_no,
            )
    except ledger.InsufficientFunds:
        refund.status = ABNORMAL
    else:
        refund.status = SUCCESS
        refund.success_time = now
        refund.funds_account = "UNSETTLED" if from_pending == from_merchant else "AVAILABLE"
        uow.session.execute(
            update(Transaction)
            .where(Transaction.id == order.id, Transaction.trade_state == TradeState.SUCCESS.value)
            .values(trade_state=TradeState.REFUND.value)
        )
    event = "REFUND.SUCCESS" if refund.status == SUCCESS else "REFUND.ABNORMAL"
    resource = refund_json(uow, refund)
    notify = {key: resource[key] for key in ("out_trade_no", "transaction_id", "out_refund_no", "refund_id")}
    notify |= {
        "mchid": refund.mchid,
        "refund_status": refund.status,
        "user_received_account": resource["user_received_account"],
        "amount": {k: resource["amount"][k] for k in ("total", "refund", "payer_total", "payer_refund")},
    }
    if refund.success_time:
        notify["success_time"] = rfc3339(refund.success_time)
    notifications.enqueue(
        uow,
        mchid=refund.mchid,
        notify_url=refund.notify_url or order.notify_url,
        event_type=event,
        summary="退款成功" if refund.status == SUCCESS else "退款异常",
        original_type="refund",
        subject=refund.out_refund_no,
        resource=notify,
    )
    uow.publish(
        RefundSettled(
            mchid=refund.mchid,
            out_refund_no=refund.out_refund_no,
            out_trade_no=order.out_trade_no,
            status=refund.status,
            refund=refund.refund,
        )
    )


def process_due(uow_factory: UnitOfWorkFactory, limit: int = 50) -> int:
    """Settle refunds still PROCESSING, each in its own unit of work; returns how many."""
    with uow_factory() as uow:
        ids = list(
            uow.session.scalars(
                select(Refund.id).where(Refund.status == PROCESSING).order_by(Refund.id).limit(limit)
            )
        )
    for refund_id in ids:
        with uow_factory() as uow:
            refund = uow.session.scalar(
                select(Refund).where(Refund.id == refund_id, Refund.status == PROCESSING).with_for_update()
            )
            if refund is None:
                continue  # another process settled it
            _settle(uow, refund)
            uow.commit()
    return len(ids)
