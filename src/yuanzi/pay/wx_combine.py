"""WeChat Pay v3 combined payment routes (/v3/combine-transactions/…)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from yuanzi.core.uow import UnitOfWork
from yuanzi.pay import combine
from yuanzi.pay.errors import param_error
from yuanzi.pay.protocol import Caller, Merchant, SignedRoute, in_unit_of_work
from yuanzi.pay.transactions import TradeType
from yuanzi.pay.wire import parse_rfc3339
from yuanzi.pay.wx_orders import MAX_TOTAL, SceneInfoBody, check_notify_url

router = APIRouter(route_class=SignedRoute)
OUT_TRADE_NO = r"^[0-9A-Za-z_\-|*]{6,32}$"


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SubAmount(_Body):
    total_amount: StrictInt = Field(ge=1, le=MAX_TOTAL)
    currency: StrictStr = "CNY"


class SubOrderBody(_Body):
    mchid: StrictStr = Field(min_length=1, max_length=32)
    out_trade_no: StrictStr = Field(pattern=OUT_TRADE_NO)
    description: StrictStr = Field(min_length=1, max_length=127)
    attach: StrictStr | None = Field(default=None, max_length=128)
    amount: SubAmount


class PayerInfo(_Body):
    openid: StrictStr = Field(min_length=1, max_length=128)


class CombineBody(_Body):
    combine_appid: StrictStr = Field(min_length=1, max_length=32)
    combine_mchid: StrictStr = Field(min_length=1, max_length=32)
    combine_out_trade_no: StrictStr = Field(pattern=OUT_TRADE_NO)
    notify_url: StrictStr = Field(min_length=1, max_length=256)
    sub_orders: list[SubOrderBody] = Field(min_length=1, max_length=combine.MAX_SUB_ORDERS)
    combine_payer_info: PayerInfo | None = None
    scene_info: SceneInfoBody | None = None
    time_expire: StrictStr | None = Field(default=None, max_length=64)

    def to_request(self, trade_type: TradeType) -> combine.CombineRequest:
        """The combined order, validated as WeChat validates it."""
        check_notify_url(self.notify_url)
        for sub in self.sub_orders:
            if sub.amount.currency != "CNY":
                raise param_error("sub_orders.amount.currency", sub.amount.currency, "币种只支持CNY")
        expire = None
        if self.time_expire is not None:
            try:
                expire = parse_rfc3339(self.time_expire)
            except ValueError:
                raise param_error("time_expire", self.time_expire, "时间格式须为RFC 3339") from None
        if trade_type is TradeType.MWEB and (self.scene_info is None or not self.scene_info.payer_client_ip):
            raise param_error("scene_info", None, "H5合单必须传入scene_info.payer_client_ip")
        return combine.CombineRequest(
            trade_type=trade_type,
            combine_mchid=self.combine_mchid,
            combine_appid=self.combine_appid,
            combine_out_trade_no=self.combine_out_trade_no,
            notify_url=self.notify_url,
            sub_orders=tuple(
                combine.SubOrder(s.mchid, s.out_trade_no, s.description, s.amount.total_amount, s.attach)
                for s in self.sub_orders
            ),
            payer_openid=self.combine_payer_info.openid if self.combine_payer_info else None,
            time_expire=expire,
        )


class CloseSubOrder(_Body):
    mchid: StrictStr = Field(min_length=1, max_length=32)
    out_trade_no: StrictStr = Field(min_length=1, max_length=32)


class CombineCloseBody(_Body):
    combine_appid: StrictStr = Field(min_length=1, max_length=32)
    sub_orders: list[CloseSubOrder] = Field(min_length=1, max_length=combine.MAX_SUB_ORDERS)


async def _create(
    request: Request, merchant: Caller, body: CombineBody, trade_type: TradeType
) -> dict[str, str]:
    combined_request = body.to_request(trade_type)
    base = str(request.base_url).rstrip("/")

    def work(uow: UnitOfWork) -> dict[str, str]:
        combined = combine.create(uow=uow, caller_mchid=merchant.mchid, request=combined_request)
        uow.commit()
        return combine.prepay_result(combined, base)

    return await in_unit_of_work(request, work)


@router.post("/combine-transactions/jsapi")
async def combine_jsapi(body: CombineBody, merchant: Merchant, request: Request) -> dict[str, str]:
    """Combined JSAPI order → prepay_id."""
    return await _create(request, merchant, body, TradeType.JSAPI)


@router.post("/combine-transactions/app")
async def combine_app(body: CombineBody, merchant: Merchant, request: Request) -> dict[str, str]:
    """Combined APP order → prepay_id."""
    return await _create(request, merchant, body, TradeType.APP)


@router.post("/combine-transactions/h5")
async def combine_h5(body: CombineBody, merchant: Merchant, request: Request) -> dict[str, str]:
    """Combined H5 order → h5_url."""
    return await _create(request, merchant, body, TradeType.MWEB)


@router.post("/combine-transactions/native")
async def combine_native(body: CombineBody, merchant: Merchant, request: Request) -> dict[str, str]:
    """Combined Native order → code_url."""
    return await _create(request, merchant, body, TradeType.NATIVE)


@router.get("/combine-transactions/out-trade-no/{combine_out_trade_no}")
async def combine_query(combine_out_trade_no: str, merchant: Merchant, request: Request) -> dict[str, Any]:
    """A combined order with its sub-orders."""

    def work(uow: UnitOfWork) -> dict[str, Any]:
        found = combine.find(uow, caller_mchid=merchant.mchid, combine_out_trade_no=combine_out_trade_no)
        return combine.combine_json(uow, found)

    return await in_unit_of_work(request, work)


@router.post("/combine-transactions/out-trade-no/{combine_out_trade_no}/close", status_code=204)
async def combine_close(
    combine_out_trade_no: str, body: CombineCloseBody, merchant: Merchant, request: Request
) -> Response:
    """Close a combined order's unpaid sub-orders → 204."""

    def work(uow: UnitOfWork) -> None:
        combine.close(
            uow=uow,
            caller_mchid=merchant.mchid,
            combine_out_trade_no=combine_out_trade_no,
            combine_appid=body.combine_appid,
        )
        uow.commit()

    await in_unit_of_work(request, work)
    return Response(status_code=204)
