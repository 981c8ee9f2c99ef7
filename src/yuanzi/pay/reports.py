"""Read-only views of a merchant's business for the console: orders, refunds, voucher stocks."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from yuanzi.core.uow import UnitOfWork
from yuanzi.pay.models import CouponStock, Refund, Transaction
from yuanzi.pay.transactions import current_state


@dataclasses.dataclass(frozen=True)
class OrderLine:
    """One order as the console lists it."""

    out_trade_no: str
    trade_type: str
    trade_state: str
    description: str
    total: int
    payer_total: int | None
    coupon_amount: int | None
    transaction_id: str | None
    created_at: dt.datetime
    success_time: dt.datetime | None


@dataclasses.dataclass(frozen=True)
class RefundLine:
    """One refund as the console lists it."""

    out_refund_no: str
    out_trade_no: str
    status: str
    refund: int
    total: int
    created_at: dt.datetime
    success_time: dt.datetime | None


@dataclasses.dataclass(frozen=True)
class StockLine:
    """One voucher stock as the console lists it."""

    stock_id: str
    stock_name: str
    status: str
    coupon_amount: int
    transaction_minimum: int
    distributed: int
    max_coupons: int
    no_cash: bool
    available_end: dt.datetime


def recent_orders(*, uow: UnitOfWork, mchid: str, limit: int = 50) -> list[OrderLine]:
    """The merchant's latest orders, newest first, in their current state."""
    now = uow.now()
    rows = uow.session.scalars(
        select(Transaction)
        .where(Transaction.mchid == mchid)
        .order_by(Transaction.created_at.desc())
        .limit(limit)
    )
    return [
        OrderLine(
            out_trade_no=r.out_trade_no,
            trade_type=r.trade_type,
            trade_state=current_state(r, now).value,
            description=r.description,
            total=r.total,
            payer_total=r.payer_total,
            coupon_amount=r.coupon_amount,
            transaction_id=r.transaction_id,
            created_at=r.created_at,
            success_time=r.success_time,
        )
        for r in rows
    ]


def recent_refunds(*, uow: UnitOfWork, mchid: str, limit: int = 50) -> list[RefundLine]:
    """The merchant's latest refunds, newest first."""
    rows = uow.session.execute(
        select(Refund, Transaction.out_trade_no)
        .join(Transaction, Transaction.id == Refund.transaction_pk)
        .where(Refund.mchid == mchid)
        .order_by(Refund.created_at.desc())
        .limit(limit)
    ).all()
    return [
        RefundLine(r.out_refund_no, out_trade_no, r.status, r.refund, r.total, r.created_at, r.success_time)
        for r, out_trade_no in rows
    ]


def stocks(*, uow: UnitOfWork, mchid: str, limit: int = 50) -> list[StockLine]:
    """The merchant's voucher stocks, newest first."""
    rows = uow.session.scalars(
        select(CouponStock)
        .where(CouponStock.creator_mchid == mchid)
        .order_by(CouponStock.created_at.desc())
        .limit(limit)
    )
    return [
        StockLine(
            r.stock_id,
            r.stock_name,
            r.status,
            r.coupon_amount,
            r.transaction_minimum,
            r.distributed_coupons,
            r.max_coupons,
            r.no_cash,
            r.available_end,
        )
        for r in rows
    ]
