"""WeChat Pay v3 voucher routes (代金券, /v3/marketing/favor/…)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr
from sqlalchemy import func, select

from yuanzi.core.uow import UnitOfWork
from yuanzi.pay import coupon_flows, coupons, statements
from yuanzi.pay.errors import PayError, param_error
from yuanzi.pay.models import Coupon, CouponStock
from yuanzi.pay.models import Merchant as MerchantRow
from yuanzi.pay.protocol import Caller, Merchant, SignedRoute, in_unit_of_work
from yuanzi.pay.wire import parse_rfc3339, rfc3339

router = APIRouter(route_class=SignedRoute)
MAX_AMOUNT = 10_000_000_000
OUT_REQUEST_NO = r"^[0-9A-Za-z_\-|*]{1,128}$"


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class StockUseRule(_Body):
    max_coupons: StrictInt = Field(ge=1, le=1_000_000_000)
    max_amount: StrictInt = Field(ge=1, le=MAX_AMOUNT)
    max_amount_by_day: StrictInt | None = Field(default=None, ge=1, le=MAX_AMOUNT)
    max_coupons_per_user: StrictInt = Field(ge=1, le=100)
    natural_person_limit: StrictBool = False
    prevent_api_abuse: StrictBool = False


class FixedNormalCoupon(_Body):
    coupon_amount: StrictInt = Field(ge=1, le=MAX_AMOUNT)
    transaction_minimum: StrictInt = Field(ge=1, le=MAX_AMOUNT)


class CouponUseRule(_Body):
    fixed_normal_coupon: FixedNormalCoupon
    available_merchants: list[StrictStr] = Field(default_factory=list, max_length=50)


class StockBody(_Body):
    stock_name: StrictStr = Field(min_length=1, max_length=20)
    comment: StrictStr | None = Field(default=None, max_length=60)
    belong_merchant: StrictStr = Field(min_length=1, max_length=32)
    available_begin_time: StrictStr
    available_end_time: StrictStr
    stock_use_rule: StockUseRule
    coupon_use_rule: CouponUseRule
    no_cash: StrictBool = False
    stock_type: StrictStr = "NORMAL"
    out_request_no: StrictStr = Field(pattern=OUT_REQUEST_NO)

    def to_request(self, mchid: str) -> coupons.StockRequest:
        """The stock, validated as WeChat validates it."""
        if self.stock_type != "NORMAL":
            raise param_error("stock_type", self.stock_type, "仅支持NORMAL固定面额满减券")
        times = {}
        for field in ("available_begin_time", "available_end_time"):
            try:
                times[field] = parse_rfc3339(getattr(self, field))
            except ValueError:
                raise param_error(field, getattr(self, field), "时间格式须为RFC 3339") from None
        rule, use = self.stock_use_rule, self.coupon_use_rule.fixed_normal_coupon
        return coupons.StockRequest(
            creator_mchid=mchid,
            out_request_no=self.out_request_no,
            stock_name=self.stock_name,
            comment=self.comment,
            belong_merchant=self.belong_merchant,
            available_begin=times["available_begin_time"],
            available_end=times["available_end_time"],
            max_coupons=rule.max_coupons,
            max_amount=rule.max_amount,
            max_amount_by_day=rule.max_amount_by_day,
            max_coupons_per_user=rule.max_coupons_per_user,
            natural_person_limit=rule.natural_person_limit,
            prevent_api_abuse=rule.prevent_api_abuse,
            no_cash=self.no_cash,
            coupon_amount=use.coupon_amount,
            transaction_minimum=use.transaction_minimum,
            available_merchants=tuple(self.coupon_use_rule.available_merchants),
        )


class CreatorBody(_Body):
    stock_creator_mchid: StrictStr = Field(min_length=1, max_length=32)


class SendBody(_Body):
    stock_id: StrictStr = Field(min_length=1, max_length=32)
    out_request_no: StrictStr = Field(pattern=OUT_REQUEST_NO)
    appid: StrictStr = Field(min_length=1, max_length=32)
    stock_creator_mchid: StrictStr = Field(min_length=1, max_length=32)


class CallbackBody(_Body):
    mchid: StrictStr = Field(min_length=1, max_length=32)
    notify_url: StrictStr | None = Field(default=None, max_length=256)
    switch: StrictBool | None = None


def _creator(merchant: Caller, mchid: str) -> str:
    if mchid != merchant.mchid:
        raise PayError(403, "NO_AUTH", "请求的商户号与签名的商户号不一致")
    return mchid


@router.post("/marketing/favor/coupon-stocks")
async def create_stock(body: StockBody, merchant: Merchant, request: Request) -> dict[str, Any]:
    """Create a voucher stock (unactivated until started)."""
    stock_request = body.to_request(merchant.mchid)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        stock = coupons.create_stock(uow=uow, request=stock_request)
        uow.commit()
        return {"stock_id": stock.stock_id, "create_time": rfc3339(stock.created_at)}

    return await in_unit_of_work(request, work)


async def _change(
    request: Request, merchant: Caller, stock_id: str, body: CreatorBody, action: str
) -> dict[str, Any]:
    creator = _creator(merchant, body.stock_creator_mchid)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        stock = coupons.change_status(uow=uow, stock_id=stock_id, creator_mchid=creator, action=action)
        uow.commit()
        return {f"{action}_time": rfc3339(uow.now()), "stock_id": stock.stock_id}

    return await in_unit_of_work(request, work)


@router.post("/marketing/favor/stocks/{stock_id}/start")
async def start_stock(
    stock_id: str, body: CreatorBody, merchant: Merchant, request: Request
) -> dict[str, Any]:
    """Start sending (funds the stock's budget the first time)."""
    return await _change(request, merchant, stock_id, body, "start")


@router.post("/marketing/favor/stocks/{stock_id}/pause")
async def pause_stock(
    stock_id: str, body: CreatorBody, merchant: Merchant, request: Request
) -> dict[str, Any]:
    """Pause sending; vouchers already sent stay usable."""
    return await _change(request, merchant, stock_id, body, "pause")


@router.post("/marketing/favor/stocks/{stock_id}/restart")
async def restart_stock(
    stock_id: str, body: CreatorBody, merchant: Merchant, request: Request
) -> dict[str, Any]:
    """Resume sending a paused stock."""
    return await _change(request, merchant, stock_id, body, "restart")


@router.post("/marketing/favor/users/{openid}/coupons")
async def send_coupon(openid: str, body: SendBody, merchant: Merchant, request: Request) -> dict[str, str]:
    """Send a voucher to a user (idempotent by out_request_no)."""
    creator = _creator(merchant, body.stock_creator_mchid)

    def work(uow: UnitOfWork) -> dict[str, str]:
        coupon = coupons.send_coupon(
            uow=uow,
            stock_id=body.stock_id,
            creator_mchid=creator,
            openid=openid,
            appid=body.appid,
            out_request_no=body.out_request_no,
        )
        uow.commit()
        return {"coupon_id": coupon.coupon_id}

    return await in_unit_of_work(request, work)


@router.get("/marketing/favor/users/{openid}/coupons/{coupon_id}")
async def coupon_detail(
    openid: str, coupon_id: str, merchant: Merchant, request: Request, appid: str = ""
) -> dict[str, Any]:
    """One of the user's vouchers (of the caller's stocks)."""

    def work(uow: UnitOfWork) -> dict[str, Any]:
        coupon = uow.session.scalar(
            select(Coupon)
            .join(CouponStock, CouponStock.stock_id == Coupon.stock_id)
            .where(
                Coupon.coupon_id == coupon_id,
                Coupon.openid == openid,
                CouponStock.creator_mchid == merchant.mchid,
            )
        )
        if coupon is None or (appid and coupon.appid != appid):
            raise PayError(404, "RESOURCE_NOT_EXISTS", "代金券不存在")
        return coupons.coupon_json(uow, coupon)

    return await in_unit_of_work(request, work)


@router.get("/marketing/favor/users/{openid}/coupons")
async def user_coupons(
    openid: str,
    merchant: Merchant,
    request: Request,
    appid: str = "",
    stock_id: str | None = None,
    status: str | None = None,
    offset: int = 0,
    limit: int = 20,
) -> dict[str, Any]:
    """The user's vouchers of the caller's stocks."""
    if not appid:
        raise param_error("appid", None, "缺少参数appid", location="query")

    def work(uow: UnitOfWork) -> dict[str, Any]:
        query = (
            select(Coupon)
            .join(CouponStock, CouponStock.stock_id == Coupon.stock_id)
            .where(
                Coupon.openid == openid, Coupon.appid == appid, CouponStock.creator_mchid == merchant.mchid
            )
        )
        if stock_id:
            query = query.where(Coupon.stock_id == stock_id)
        rows = [
            coupons.coupon_json(uow, c) for c in uow.session.scalars(query.order_by(Coupon.created_at.desc()))
        ]
        if status:
            rows = [r for r in rows if r["status"] == status]
        page = rows[max(offset, 0) : max(offset, 0) + min(max(limit, 1), 100)]
        return {"data": page, "total_count": len(rows), "offset": offset, "limit": limit}

    return await in_unit_of_work(request, work)


@router.get("/marketing/favor/stocks/{stock_id}")
async def stock_detail(
    stock_id: str, merchant: Merchant, request: Request, stock_creator_mchid: str = ""
) -> dict[str, Any]:
    """A stock of the caller's."""
    creator = _creator(merchant, stock_creator_mchid or merchant.mchid)
    return await in_unit_of_work(
        request,
        lambda uow: coupons.stock_json(coupons.stock_for(uow, stock_id=stock_id, creator_mchid=creator)),
    )


@router.get("/marketing/favor/stocks")
async def stocks(
    merchant: Merchant,
    request: Request,
    stock_creator_mchid: str = "",
    offset: int = 0,
    limit: int = 10,
    status: str | None = None,
) -> dict[str, Any]:
    """The caller's stocks, newest first."""
    creator = _creator(merchant, stock_creator_mchid or merchant.mchid)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        query = select(CouponStock).where(CouponStock.creator_mchid == creator)
        if status:
            query = query.where(CouponStock.status == status)
        total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = uow.session.scalars(
            query.order_by(CouponStock.created_at.desc()).offset(max(offset, 0)).limit(min(max(limit, 1), 10))
        )
        return {
            "data": [coupons.stock_json(s) for s in rows],
            "total_count": total,
            "offset": offset,
            "limit": limit,
        }

    return await in_unit_of_work(request, work)


@router.post("/marketing/favor/callbacks")
async def set_callback(body: CallbackBody, merchant: Merchant, request: Request) -> dict[str, Any]:
    """Where COUPON.USE notifications go (switch false turns them off)."""
    mchid = _creator(merchant, body.mchid)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        row = uow.session.get(MerchantRow, mchid)
        assert row is not None
        row.coupon_notify_url = None if body.switch is False else body.notify_url or row.coupon_notify_url
        uow.commit()
        return {"update_time": rfc3339(uow.now()), "notify_url": row.coupon_notify_url or ""}

    return await in_unit_of_work(request, work)


async def _flow(request: Request, merchant: Caller, stock_id: str, kind: str) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/")

    def work(uow: UnitOfWork) -> dict[str, Any]:
        now = uow.now()
        bill = statements.BillRequest(kind, merchant.mchid, now.date(), stock_id, None)
        file, count = coupon_flows.flow_file(uow, bill)
        token = statements.download_token(bill, merchant.apiv3_key, now)
        return {
            "url": f"{base}/v3/billdownload/file?token={token}",
            "hash_value": file.hash_value,
            "hash_type": "SHA1",
            "exported_coupon_count": count,
        }

    return await in_unit_of_work(request, work)


@router.get("/marketing/favor/stocks/{stock_id}/use-flow")
async def use_flow(stock_id: str, merchant: Merchant, request: Request) -> dict[str, Any]:
    """The stock's used vouchers as a CSV file → {url, hash_value, hash_type, exported_coupon_count}."""
    return await _flow(request, merchant, stock_id, "useflow")


@router.get("/marketing/favor/stocks/{stock_id}/refund-flow")
async def refund_flow(stock_id: str, merchant: Merchant, request: Request) -> dict[str, Any]:
    """Refunds that gave the stock's vouchers' value back, as a CSV file."""
    return await _flow(request, merchant, stock_id, "refundflow")


@router.get("/marketing/favor/stocks/{stock_id}/items")
async def stock_items(
    stock_id: str,
    merchant: Merchant,
    request: Request,
    stock_creator_mchid: str = "",
    offset: int = 0,
    limit: int = 20,
) -> dict[str, Any]:
    """The vouchers of a stock that have been used (核销明细), newest first."""
    creator = _creator(merchant, stock_creator_mchid or merchant.mchid)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        stock = coupons.stock_for(uow, stock_id=stock_id, creator_mchid=creator)
        used = coupon_flows.used_coupons(uow, stock)[::-1]
        page = used[max(offset, 0) : max(offset, 0) + min(max(limit, 1), 100)]
        data = [
            {
                "coupon_id": c.coupon_id,
                "stock_id": stock.stock_id,
                "transaction_id": c.transaction_id,
                "consume_time": rfc3339(c.used_at) if c.used_at else None,
                "consume_mchid": c.used_mchid,
                "discount_amount": c.amount,
                "order_amount": order.total,
            }
            for c, order in page
        ]
        return {
            "data": data,
            "total_count": len(used),
            "offset": offset,
            "limit": limit,
            "stock_id": stock_id,
        }

    return await in_unit_of_work(request, work)


@router.get("/marketing/favor/stocks/{stock_id}/merchants")
async def stock_merchants(
    stock_id: str,
    merchant: Merchant,
    request: Request,
    stock_creator_mchid: str = "",
    offset: int = 0,
    limit: int = 20,
) -> dict[str, Any]:
    """The merchants where the stock's vouchers can be used."""
    creator = _creator(merchant, stock_creator_mchid or merchant.mchid)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        stock = coupons.stock_for(uow, stock_id=stock_id, creator_mchid=creator)
        mchids = json.loads(stock.available_merchants)
        page = mchids[max(offset, 0) : max(offset, 0) + min(max(limit, 1), 50)]
        return {
            "data": page,
            "total_count": len(mchids),
            "offset": offset,
            "limit": limit,
            "stock_id": stock_id,
        }

    return await in_unit_of_work(request, work)
