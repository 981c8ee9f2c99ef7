"""A voucher stock's use flow and refund flow (核销明细, 退款明细): the CSV files the marketing APIs
hand out through the same short-lived download URLs as bills."""

from __future__ import annotations

from sqlalchemy import select

from yuanzi.core.uow import UnitOfWork
from yuanzi.pay.errors import PayError
from yuanzi.pay.models import Coupon, CouponStock, Refund, Transaction
from yuanzi.pay.statements import BillFile, BillRequest, csv_line, pack, time_text, yuan

USE_HEADER = (
    "批次id,代金券id,优惠类型,优惠金额（元）,订单总金额（元）,交易类型,支付单号,"
    "消耗时间,消耗商户号,设备号,银行流水号"
)
REFUND_HEADER = (
    "批次id,代金券id,优惠类型,代金券金额（元）,退款金额（元）,交易类型,支付单号,退款单号,退款时间,消耗商户号"
)


def used_coupons(uow: UnitOfWork, stock: CouponStock) -> list[tuple[Coupon, Transaction]]:
    """The stock's used vouchers with the order each paid part of, in the order they were used."""
    rows = uow.session.execute(
        select(Coupon, Transaction)
        .join(Transaction, Transaction.transaction_id == Coupon.transaction_id)
        .where(Coupon.stock_id == stock.stock_id, Coupon.used_at.is_not(None))
        .order_by(Coupon.used_at, Coupon.coupon_id)
    ).all()
    return [(coupon, order) for coupon, order in rows]


def use_flow(uow: UnitOfWork, stock: CouponStock) -> tuple[str, int]:
    """The use flow CSV and how many vouchers it lists."""
    kind = "NOCASH" if stock.no_cash else "CASH"
    used = used_coupons(uow, stock)
    lines = [USE_HEADER]
    for coupon, order in used:
        assert coupon.used_at is not None
        fields = [
            stock.stock_id, coupon.coupon_id, kind, yuan(coupon.amount), yuan(order.total), order.trade_type,
            order.transaction_id, time_text(coupon.used_at), order.mchid, "", "",
        ]  # fmt: skip
        lines.append(csv_line(fields))
    return "\r\n".join(lines) + "\r\n", len(used)


def refund_flow(uow: UnitOfWork, stock: CouponStock) -> tuple[str, int]:
    """The refund flow CSV (refunds that gave vouchers' value back) and how many lines it has."""
    kind = "NOCASH" if stock.no_cash else "CASH"
    lines = [REFUND_HEADER]
    count = 0
    for coupon, order in used_coupons(uow, stock):
        for refund in uow.session.scalars(
            select(Refund)
            .where(Refund.transaction_pk == order.id, Refund.status == "SUCCESS", Refund.discount_refund > 0)
            .order_by(Refund.id)
        ):
            assert refund.success_time is not None
            fields = [
                stock.stock_id, coupon.coupon_id, kind, yuan(coupon.amount), yuan(refund.discount_refund),
                order.trade_type, order.transaction_id, refund.refund_id, time_text(refund.success_time),
                order.mchid,
            ]  # fmt: skip
            lines.append(csv_line(fields))
            count += 1
    return "\r\n".join(lines) + "\r\n", count


def flow_file(uow: UnitOfWork, request: BillRequest) -> tuple[BillFile, int]:
    """The use flow (`kind` "useflow") or refund flow file of the stock `request.type`."""
    stock = uow.session.get(CouponStock, request.type)
    if stock is None or stock.creator_mchid != request.mchid:
        raise PayError(404, "RESOURCE_NOT_EXISTS", "批次不存在")
    text, count = (use_flow if request.kind == "useflow" else refund_flow)(uow, stock)
    return pack(text, None), count
