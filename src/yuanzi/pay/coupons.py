"""Vouchers (代金券): stocks with a budget, sent to users, applied at payment.

A stock's budget is a ledger account (`stock:<id>:budget`), funded in full when the stock first
starts; each voucher used moves its value from the budget to the merchant paid. Sending is
idempotent by out_request_no and bounded by the stock's count, budget, per-user and per-day
limits; all of them are checked under a lock on the stock row, so concurrent sends cannot exceed
them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import secrets
from typing import Any

from sqlalchemy import func, select

from yuanzi.core.errors import WxError
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.pay import ledger
from yuanzi.pay.errors import PayError, param_error
from yuanzi.pay.models import Coupon, CouponStock, Merchant
from yuanzi.pay.wire import BEIJING, rfc3339

UNACTIVATED, RUNNING, PAUSED = "unactivated", "running", "paused"
SENDED, USED, EXPIRED = "SENDED", "USED", "EXPIRED"
WORLD_MARKETING = "world:marketing"


def budget_account(stock_id: str) -> str:
    """The ledger account holding a stock's unspent budget."""
    return f"stock:{stock_id}:budget"


@dataclasses.dataclass(frozen=True)
class StockRequest:
    """A validated stock as the merchant asked for it."""

    creator_mchid: str
    out_request_no: str
    stock_name: str
    comment: str | None
    belong_merchant: str
    available_begin: dt.datetime
    available_end: dt.datetime
    max_coupons: int
    max_amount: int
    max_amount_by_day: int | None
    max_coupons_per_user: int
    natural_person_limit: bool
    prevent_api_abuse: bool
    no_cash: bool
    coupon_amount: int
    transaction_minimum: int
    available_merchants: tuple[str, ...]

    def digest(self) -> str:
        """A fingerprint of the parameters (a retry gets the same stock, a reuse an error)."""
        fields = dataclasses.asdict(self)
        fields["available_begin"] = self.available_begin.isoformat()
        fields["available_end"] = self.available_end.isoformat()
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def _new_id(prefix: str, digits: int) -> str:
    return prefix + f"{secrets.randbelow(10**digits):0{digits}d}"


def create_stock(*, uow: UnitOfWork, request: StockRequest) -> CouponStock:
    """Create a stock (unactivated), or return the one already made for this out_request_no."""
    existing = uow.session.scalar(
        select(CouponStock).where(
            CouponStock.creator_mchid == request.creator_mchid,
            CouponStock.out_request_no == request.out_request_no,
        )
    )
    if existing is not None:
        if existing.request_digest != request.digest():
            raise PayError(400, "INVALID_REQUEST", "out_request_no已使用,且批次参数不一致")
        return existing
    if request.belong_merchant != request.creator_mchid:
        raise param_error("belong_merchant", request.belong_merchant, "归属商户号须为创建批次的商户号")
    if request.available_end <= request.available_begin:
        raise param_error("available_end_time", rfc3339(request.available_end), "结束时间须晚于开始时间")
    if request.available_end <= uow.now():
        raise param_error("available_end_time", rfc3339(request.available_end), "结束时间须晚于当前时间")
    if request.max_amount != request.max_coupons * request.coupon_amount:
        raise param_error(
            "stock_use_rule.max_amount", request.max_amount, "max_amount须等于max_coupons×coupon_amount"
        )
    if request.transaction_minimum <= request.coupon_amount:
        raise param_error(
            "coupon_use_rule.fixed_normal_coupon.transaction_minimum",
            request.transaction_minimum,
            "使用门槛须大于券面额",
        )
    for mchid in request.available_merchants:
        if uow.session.get(Merchant, mchid) is None:
            raise param_error("coupon_use_rule.available_merchants", mchid, "可用商户号不存在")
    stock = CouponStock(
        stock_id=_new_id("98", 8),
        creator_mchid=request.creator_mchid,
        out_request_no=request.out_request_no,
        request_digest=request.digest(),
        stock_name=request.stock_name,
        comment=request.comment,
        belong_merchant=request.belong_merchant,
        available_begin=request.available_begin,
        available_end=request.available_end,
        max_coupons=request.max_coupons,
        max_amount=request.max_amount,
        max_amount_by_day=request.max_amount_by_day,
        max_coupons_per_user=request.max_coupons_per_user,
        natural_person_limit=request.natural_person_limit,
        prevent_api_abuse=request.prevent_api_abuse,
        no_cash=request.no_cash,
        coupon_amount=request.coupon_amount,
        transaction_minimum=request.transaction_minimum,
        available_merchants=json.dumps(list(request.available_merchants) or [request.creator_mchid]),
        status=UNACTIVATED,
        distributed_coupons=0,
        created_at=uow.now(),
    )
    uow.session.add(stock)
    uow.session.flush()
    return stock


def stock_for(uow: UnitOfWork, *, stock_id: str, creator_mchid: str, lock: bool = False) -> CouponStock:
    """The creator's stock, or 404 RESOURCE_NOT_EXISTS (another merchant's stock does not exist for you)."""
    query = select(CouponStock).where(
        CouponStock.stock_id == stock_id, CouponStock.creator_mchid == creator_mchid
    )
    row = uow.session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise PayError(404, "RESOURCE_NOT_EXISTS", "批次不存在")
    return row


def change_status(*, uow: UnitOfWork, stock_id: str, creator_mchid: str, action: str) -> CouponStock:
    """start (funding the budget the first time), pause or restart a stock."""
    stock = stock_for(uow, stock_id=stock_id, creator_mchid=creator_mchid, lock=True)
    now = uow.now()
    allowed = {"start": (UNACTIVATED,), "pause": (RUNNING,), "restart": (PAUSED,)}[action]
    if stock.status not in allowed:
        raise PayError(400, "INVALID_REQUEST", f"批次当前状态为{stock.status},不能{action}")
    if now >= stock.available_end:
        raise PayError(400, "INVALID_REQUEST", "批次已过可用时间")
    if action == "start":
        ledger.post(
            uow.session,
            key=f"stock-funding:{stock.stock_id}",
            kind="stock_funding",
            legs=[(WORLD_MARKETING, -stock.max_amount), (budget_account(stock.stock_id), stock.max_amount)],
            now=now,
            memo=stock.stock_name,
        )
        stock.start_time = now
    stock.status = PAUSED if action == "pause" else RUNNING
    return stock


def send_coupon(
    *, uow: UnitOfWork, stock_id: str, creator_mchid: str, openid: str, appid: str, out_request_no: str
) -> Coupon:
    """Send one voucher of the stock to `openid` (of `appid`); the same out_request_no is the same voucher."""
    stock = stock_for(uow, stock_id=stock_id, creator_mchid=creator_mchid, lock=True)
    existing = uow.session.scalar(
        select(Coupon).where(Coupon.sender_mchid == creator_mchid, Coupon.out_request_no == out_request_no)
    )
    if existing is not None:
        if existing.stock_id != stock_id or existing.openid != openid:
            raise PayError(400, "INVALID_REQUEST", "out_request_no已用于其他发券请求")
        return existing
    try:
        user = identity_service.user_for_openid(uow=uow, appid=appid, openid=openid)
    except WxError:
        raise param_error("openid", openid, "openid与appid不匹配", location="path") from None
    now = uow.now()
    if stock.status != RUNNING:
        raise PayError(400, "INVALID_REQUEST", "批次不在发放中")
    if now >= stock.available_end:
        raise PayError(400, "INVALID_REQUEST", "批次已过期")
    if stock.distributed_coupons >= stock.max_coupons:
        raise PayError(403, "NOT_ENOUGH", "批次预算不足")
    held = uow.session.scalar(
        select(func.count())
        .select_from(Coupon)
        .where(Coupon.stock_id == stock_id, Coupon.user_id == user.user_id)
    )
    if (held or 0) >= stock.max_coupons_per_user:
        raise PayError(403, "RULE_LIMIT", "用户领取已达上限")
    if (
        stock.max_amount_by_day is not None
        and _sent_today(uow, stock, now) + stock.coupon_amount > stock.max_amount_by_day
    ):
        raise PayError(403, "RULE_LIMIT", "已达单日发放上限")
    coupon = Coupon(
        coupon_id=_new_id("1", 10),
        stock_id=stock_id,
        sender_mchid=creator_mchid,
        out_request_no=out_request_no,
        appid=appid,
        openid=openid,
        user_id=user.user_id,
        amount=stock.coupon_amount,
        status=SENDED,
        created_at=now,
    )
    uow.session.add(coupon)
    stock.distributed_coupons += 1
    uow.session.flush()
    return coupon


def _sent_today(uow: UnitOfWork, stock: CouponStock, now: dt.datetime) -> int:
    day = now.astimezone(BEIJING).replace(hour=0, minute=0, second=0, microsecond=0)
    total = uow.session.scalar(
        select(func.coalesce(func.sum(Coupon.amount), 0)).where(
            Coupon.stock_id == stock.stock_id, Coupon.created_at >= day.astimezone(dt.UTC)
        )
    )
    return int(total or 0)


def coupon_status(coupon: Coupon, stock: CouponStock, now: dt.datetime) -> str:
    """SENDED, USED, or EXPIRED once the stock's availability has ended."""
    if coupon.status == SENDED and now >= stock.available_end:
        return EXPIRED
    return coupon.status


def coupon_json(uow: UnitOfWork, coupon: Coupon) -> dict[str, Any]:
    """A voucher as the query APIs and COUPON.USE describe it."""
    stock = uow.session.get(CouponStock, coupon.stock_id)
    assert stock is not None
    body: dict[str, Any] = {
        "stock_creator_mchid": stock.creator_mchid,
        "stock_id": stock.stock_id,
        "coupon_id": coupon.coupon_id,
        "cut_to_message": {"single_price_max": 0, "cut_to_price": 0},
        "coupon_name": stock.stock_name,
        "status": coupon_status(coupon, stock, uow.now()),
        "description": stock.comment or "",
        "create_time": rfc3339(coupon.created_at),
        "coupon_type": "NORMAL",
        "no_cash": stock.no_cash,
        "available_begin_time": rfc3339(stock.available_begin),
        "available_end_time": rfc3339(stock.available_end),
        "singleitem": False,
        "normal_coupon_information": {
            "coupon_amount": coupon.amount,
            "transaction_minimum": stock.transaction_minimum,
        },
    }
    if coupon.used_at is not None:
        body["consume_information"] = {
            "consume_time": rfc3339(coupon.used_at),
            "consume_mchid": coupon.used_mchid,
            "transaction_id": coupon.transaction_id,
        }
    return body


def stock_json(stock: CouponStock) -> dict[str, Any]:
    """A stock as the stock APIs describe it."""
    body: dict[str, Any] = {
        "stock_id": stock.stock_id,
        "stock_creator_mchid": stock.creator_mchid,
        "stock_name": stock.stock_name,
        "status": stock.status,
        "create_time": rfc3339(stock.created_at),
        "description": stock.comment or "",
        "stock_use_rule": {
            "max_coupons": stock.max_coupons,
            "max_amount": stock.max_amount,
            "max_coupons_per_user": stock.max_coupons_per_user,
            "natural_person_limit": stock.natural_person_limit,
            "prevent_api_abuse": stock.prevent_api_abuse,
        },
        "available_begin_time": rfc3339(stock.available_begin),
        "available_end_time": rfc3339(stock.available_end),
        "distributed_coupons": stock.distributed_coupons,
        "no_cash": stock.no_cash,
        "singleitem": False,
        "stock_type": "NORMAL",
        "coupon_use_rule": {
            "fixed_normal_coupon": {
                "coupon_amount": stock.coupon_amount,
                "transaction_minimum": stock.transaction_minimum,
            },
            "available_merchants": json.loads(stock.available_merchants),
        },
    }
    if stock.max_amount_by_day is not None:
        body["stock_use_rule"]["max_amount_by_day"] = stock.max_amount_by_day
    if stock.start_time is not None:
        body["start_time"] = rfc3339(stock.start_time)
    return body


@dataclasses.dataclass(frozen=True)
class AppliedCoupon:
    """A voucher checked for an order: what it takes off and where that money comes from."""

    coupon_id: str
    stock_id: str
    amount: int
    name: str
    no_cash: bool


def check_for_payment(
    uow: UnitOfWork, *, coupon_id: str, user_id: int, mchid: str, total: int
) -> AppliedCoupon:
    """The voucher `user_id` wants to use on an order of `mchid` for `total`, or a PayError."""
    coupon = uow.session.scalar(select(Coupon).where(Coupon.coupon_id == coupon_id).with_for_update())
    if coupon is None or coupon.user_id != user_id:
        raise PayError(404, "RESOURCE_NOT_EXISTS", "代金券不存在")
    stock = uow.session.get(CouponStock, coupon.stock_id)
    assert stock is not None
    now = uow.now()
    status = coupon_status(coupon, stock, now)
    if status != SENDED:
        raise PayError(400, "INVALID_REQUEST", f"代金券状态为{status},不可使用")
    if now < stock.available_begin:
        raise PayError(400, "INVALID_REQUEST", "代金券未到可用时间")
    if mchid not in json.loads(stock.available_merchants):
        raise PayError(400, "INVALID_REQUEST", "代金券不可在该商户使用")
    if total < stock.transaction_minimum:
        raise PayError(400, "INVALID_REQUEST", "订单金额未达到代金券使用门槛")
    return AppliedCoupon(coupon.coupon_id, stock.stock_id, coupon.amount, stock.stock_name, stock.no_cash)


def mark_used(uow: UnitOfWork, *, coupon_id: str, mchid: str, transaction_id: str) -> Coupon:
    """Record that the voucher paid part of `transaction_id`."""
    coupon = uow.session.get(Coupon, coupon_id)
    assert coupon is not None
    coupon.status = USED
    coupon.used_at = uow.now()
    coupon.used_mchid = mchid
    coupon.transaction_id = transaction_id
    return coupon


def user_coupons(uow: UnitOfWork, *, user_id: int, limit: int = 50) -> list[dict[str, Any]]:
    """The user's vouchers, newest first, as coupon_json describes them."""
    rows = uow.session.scalars(
        select(Coupon).where(Coupon.user_id == user_id).order_by(Coupon.created_at.desc()).limit(limit)
    )
    return [coupon_json(uow, row) for row in rows]


def usable_for(uow: UnitOfWork, *, user_id: int, mchid: str, total: int) -> list[dict[str, Any]]:
    """The user's vouchers that could pay part of an order of `mchid` for `total`, best first."""
    usable = []
    for coupon in uow.session.scalars(
        select(Coupon).where(Coupon.user_id == user_id, Coupon.status == SENDED)
    ):
        try:
            check_for_payment(uow, coupon_id=coupon.coupon_id, user_id=user_id, mchid=mchid, total=total)
        except PayError:
            continue
        if coupon.amount < total:
            usable.append(coupon_json(uow, coupon))
    return sorted(usable, key=lambda c: -int(c["normal_coupon_information"]["coupon_amount"]))
