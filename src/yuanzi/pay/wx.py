"""WeChat Pay v3 routes (`/v3/…`): every one verified and signed by `SignedRoute`."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from yuanzi.core import crypto
from yuanzi.core.http import unit_of_work
from yuanzi.core.uow import UnitOfWork
from yuanzi.pay import merchants, transactions
from yuanzi.pay.errors import param_error
from yuanzi.pay.protocol import Caller, SignedRoute, caller
from yuanzi.pay.wire import parse_rfc3339, rfc3339

router = APIRouter(prefix="/v3", tags=["pay: WeChat Pay v3"], route_class=SignedRoute)
UoW = Annotated[UnitOfWork, Depends(unit_of_work)]
Merchant = Annotated[Caller, Depends(caller)]
MAX_TOTAL = 2_147_483_647  # amount.total is a 32-bit int in WeChat's API


@router.get("/certificates")
def certificates(uow: UoW, merchant: Merchant) -> dict[str, Any]:
    """The merchant's valid platform certificates, each encrypted with its APIv3 key."""
    data = []
    for cert in merchants.platform_certificates(uow, merchant.mchid):
        nonce = crypto.nonce(12)
        data.append(
            {
                "serial_no": cert.serial_no,
                "effective_time": rfc3339(cert.not_before),
                "expire_time": rfc3339(cert.not_after),
                "encrypt_certificate": {
                    "algorithm": "AEAD_AES_256_GCM",
                    "nonce": nonce,
                    "associated_data": "certificate",
                    "ciphertext": crypto.aead_encrypt(
                        merchant.apiv3_key.encode(), nonce, "certificate", cert.certificate_pem
                    ),
                },
            }
        )
    return {"data": data}


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
        url = urlsplit(self.notify_url)
        if url.scheme not in ("http", "https") or not url.netloc or url.query or url.fragment:
            raise param_error("notify_url", self.notify_url, "通知地址必须是http(s)的URL,不能携带参数")
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


def _create(
    uow: UnitOfWork, merchant: Caller, body: OrderBody, trade_type: transactions.TradeType
) -> transactions.Prepay:
    prepay = transactions.create_order(
        uow=uow, caller_mchid=merchant.mchid, order=body.to_request(trade_type)
    )
    uow.commit()
    return prepay


@router.post("/pay/transactions/jsapi")
def create_jsapi(body: OrderBody, uow: UoW, merchant: Merchant) -> dict[str, str]:
    """JSAPI / mini program order → prepay_id (for `wx.requestPayment`)."""
    return {"prepay_id": _create(uow, merchant, body, transactions.TradeType.JSAPI).prepay_id}


@router.post("/pay/transactions/app")
def create_app(body: OrderBody, uow: UoW, merchant: Merchant) -> dict[str, str]:
    """APP order → prepay_id."""
    return {"prepay_id": _create(uow, merchant, body, transactions.TradeType.APP).prepay_id}


@router.post("/pay/transactions/h5")
def create_h5(body: OrderBody, uow: UoW, merchant: Merchant, request: Request) -> dict[str, str]:
    """H5 order → h5_url, the page (in yuanzi's client) where the user pays."""
    prepay = _create(uow, merchant, body, transactions.TradeType.MWEB)
    return {"h5_url": f"{str(request.base_url).rstrip('/')}/client/pay/h5?prepay_id={prepay.prepay_id}"}


@router.post("/pay/transactions/native")
def create_native(body: OrderBody, uow: UoW, merchant: Merchant) -> dict[str, str]:
    """Native order → code_url, which the merchant shows as a QR code."""
    return {
        "code_url": transactions.code_url(
            _create(uow, merchant, body, transactions.TradeType.NATIVE).code_url_token
        )
    }


@router.get("/pay/transactions/id/{transaction_id}")
def query_by_transaction_id(
    transaction_id: str, uow: UoW, merchant: Merchant, mchid: str | None = None
) -> dict[str, Any]:
    """An order by WeChat's transaction_id (only paid orders have one)."""
    transactions.check_query_mchid(merchant.mchid, mchid)
    row = transactions.find_order(uow, mchid=merchant.mchid, transaction_id=transaction_id)
    return transactions.transaction_json(row, uow.now())


@router.get("/pay/transactions/out-trade-no/{out_trade_no}")
def query_by_out_trade_no(
    out_trade_no: str, uow: UoW, merchant: Merchant, mchid: str | None = None
) -> dict[str, Any]:
    """An order by the merchant's out_trade_no."""
    transactions.check_query_mchid(merchant.mchid, mchid)
    row = transactions.find_order(uow, mchid=merchant.mchid, out_trade_no=out_trade_no)
    return transactions.transaction_json(row, uow.now())


@router.post("/pay/transactions/out-trade-no/{out_trade_no}/close", status_code=204)
def close(out_trade_no: str, body: CloseBody, uow: UoW, merchant: Merchant) -> Response:
    """Close an unpaid order → 204."""
    transactions.close_order(
        uow=uow, caller_mchid=merchant.mchid, mchid=body.mchid, out_trade_no=out_trade_no
    )
    uow.commit()
    return Response(status_code=204)
