"""WeChat Pay v3 order routes: create (JSAPI, APP, H5, Native), query, close."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from yuanzi.core.uow import UnitOfWork
from yuanzi.pay import transactions
from yuanzi.pay.errors import param_error
from yuanzi.pay.protocol import Caller, Merchant, SignedRoute, in_unit_of_work
from yuanzi.pay.wire import parse_rfc3339

router = APIRouter(route_class=SignedRoute)
MAX_TOTAL = 2_147_483_647  # amount.total is a 32-bit int in WeChat's API


def check_notify_url(notify_url: str) -> None:
    """WeChat's rule: an http(s) URL without a query string (PARAM_ERROR otherwise)."""
    url = urlsplit(notify_url)
    if url.scheme not in ("http", "https") or not url.netloc or url.query or url.fragment:
        raise param_error("notify_url", notify_url, "通知地址必须是http(s)的URL,不能携带参数")


class _Body(BaseModel):
    # WeChat ignores fields it does not know (SDKs send e.g. support_fapiao, detail, settle_info).
    model_config = ConfigDict(extra="ignore")


class AmountBody(_Body):
    total: StrictInt = Field(ge=1, le=MAX_TOTAL)
    currency: StrictStr = "CNY"


class PayerBody(_Body):
    openid: StrictStr = Field(min_length=1, max_length=128)


class H5InfoBody(_Body):
    type: StrictStr = Field(min_length=1, max_length=32)


class SceneInfoBody(_Body):
    payer_client_ip: StrictStr | None = Field(default=None, max_length=45)
    device_id: StrictStr | None = Field(default=None, max_length=32)
    store_info: dict[str, Any] | None = None
    h5_info: H5InfoBody | None = None


class OrderBody(_Body):
    appid: StrictStr = Field(min_length=1, max_length=32)
    mchid: StrictStr = Field(min_length=1, max_length=32)
    description: StrictStr = Field(min_length=1, max_length=127)
    out_trade_no: StrictStr = Field(pattern=r"^[0-9A-Za-z_\-|*]{6,32}$")
    time_expire: StrictStr | None = Field(default=None, max_length=64)
    attach: StrictStr | None = Field(default=None, max_length=128)
    notify_url: StrictStr = Field(min_length=1, max_length=256)
    goods_tag: StrictStr | None = Field(default=None, max_length=32)
    amount: AmountBody
    payer: PayerBody | None = None
    scene_info: SceneInfoBody | None = None

    def to_request(self, trade_type: transactions.TradeType) -> transactions.OrderRequest:
        """The order, validated the way WeChat validates it (each failure a PARAM_ERROR)."""
        if self.amount.currency != "CNY":
            raise param_error("amount.currency", self.amount.currency, "币种只支持CNY")
        check_notify_url(self.notify_url)
        expire = None
        if self.time_expire is not None:
            try:
                expire = parse_rfc3339(self.time_expire)
            except ValueError:
                raise param_error(
                    "time_expire", self.time_expire, "时间格式须为RFC 3339,如2018-06-08T10:34:56+08:00"
                ) from None
        if trade_type is transactions.TradeType.MWEB and (
            self.scene_info is None or not self.scene_info.payer_client_ip or self.scene_info.h5_info is None
        ):
            raise param_error(
                "scene_info", None, "H5下单必须传入scene_info.payer_client_ip和scene_info.h5_info"
            )
        return transactions.OrderRequest(
            trade_type=trade_type,
            appid=self.appid,
            mchid=self.mchid,
            description=self.description,
            out_trade_no=self.out_trade_no,
            notify_url=self.notify_url,
            total=self.amount.total,
            currency=self.amount.currency,
            payer_openid=self.payer.openid if self.payer else None,
            time_expire=expire,
            attach=self.attach,
            goods_tag=self.goods_tag,
            scene_info=self.scene_info.model_dump(exclude_none=True) if self.scene_info else None,
        )


class CloseBody(_Body):
    mchid: StrictStr = Field(min_length=1, max_length=32)


async def _create(
    request: Request, merchant: Caller, body: OrderBody, trade_type: transactions.TradeType
) -> transactions.Prepay:
    order = body.to_request(trade_type)

    def work(uow: UnitOfWork) -> transactions.Prepay:
        prepay = transactions.create_order(uow=uow, caller_mchid=merchant.mchid, order=order)
        uow.commit()
        return prepay

    return await in_unit_of_work(request, work)


@router.post("/pay/transactions/jsapi")
async def create_jsapi(body: OrderBody, merchant: Merchant, request: Request) -> dict[str, str]:
    """JSAPI / mini program order → prepay_id (for `wx.requestPayment`)."""
    return {"prepay_id": (await _create(request, merchant, body, transactions.TradeType.JSAPI)).prepay_id}


@router.post("/pay/transactions/app")
async def create_app(body: OrderBody, merchant: Merchant, request: Request) -> dict[str, str]:
    """APP order → prepay_id."""
    return {"prepay_id": (await _create(request, merchant, body, transactions.TradeType.APP)).prepay_id}


@router.post("/pay/transactions/h5")
async def create_h5(body: OrderBody, merchant: Merchant, request: Request) -> dict[str, str]:
    """H5 order → h5_url, the page (in yuanzi's client) where the user pays."""
    prepay = await _create(request, merchant, body, transactions.TradeType.MWEB)
    return {"h5_url": f"{str(request.base_url).rstrip('/')}/pay/h5?prepay_id={prepay.prepay_id}"}


@router.post("/pay/transactions/native")
async def create_native(body: OrderBody, merchant: Merchant, request: Request) -> dict[str, str]:
    """Native order → code_url, which the merchant shows as a QR code."""
    prepay = await _create(request, merchant, body, transactions.TradeType.NATIVE)
    return {"code_url": transactions.code_url(prepay.code_url_token)}


async def _query(request: Request, merchant: Caller, mchid: str | None, **key: str) -> dict[str, Any]:
    transactions.check_query_mchid(merchant.mchid, mchid)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        row = transactions.find_order(uow, mchid=merchant.mchid, **key)
        return transactions.transaction_json(row, uow.now())

    return await in_unit_of_work(request, work)


@router.get("/pay/transactions/id/{transaction_id}")
async def query_by_transaction_id(
    transaction_id: str, merchant: Merchant, request: Request, mchid: str | None = None
) -> dict[str, Any]:
    """An order by WeChat's transaction_id (only paid orders have one)."""
    return await _query(request, merchant, mchid, transaction_id=transaction_id)


@router.get("/pay/transactions/out-trade-no/{out_trade_no}")
async def query_by_out_trade_no(
    out_trade_no: str, merchant: Merchant, request: Request, mchid: str | None = None
) -> dict[str, Any]:
    """An order by the merchant's out_trade_no."""
    return await _query(request, merchant, mchid, out_trade_no=out_trade_no)


@router.post("/pay/transactions/out-trade-no/{out_trade_no}/close", status_code=204)
async def close(out_trade_no: str, body: CloseBody, merchant: Merchant, request: Request) -> Response:
    """Close an unpaid order → 204."""

    def work(uow: UnitOfWork) -> None:
        transactions.close_order(
            uow=uow, caller_mchid=merchant.mchid, mchid=body.mchid, out_trade_no=out_trade_no
        )
        uow.commit()

    await in_unit_of_work(request, work)
    return Response(status_code=204)
