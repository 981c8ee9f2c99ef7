"""WeChat Pay v3 refund routes: apply for a refund, query it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from yuanzi.core.uow import UnitOfWork
from yuanzi.pay import refunds
from yuanzi.pay.errors import param_error
from yuanzi.pay.protocol import Merchant, SignedRoute, in_unit_of_work

router = APIRouter(route_class=SignedRoute)
MAX_TOTAL = 2_147_483_647


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class RefundAmountBody(_Body):
    refund: StrictInt = Field(ge=1, le=MAX_TOTAL)
    total: StrictInt = Field(ge=1, le=MAX_TOTAL)
    currency: StrictStr = "CNY"


class RefundBody(_Body):
    transaction_id: StrictStr | None = Field(default=None, max_length=32)
    out_trade_no: StrictStr | None = Field(default=None, max_length=32)
    out_refund_no: StrictStr = Field(pattern=r"^[0-9A-Za-z_\-|*@]{1,64}$")
    reason: StrictStr | None = Field(default=None, max_length=80)
    notify_url: StrictStr | None = Field(default=None, max_length=256)
    funds_account: StrictStr | None = None
    amount: RefundAmountBody

    def to_request(self, mchid: str) -> refunds.RefundRequest:
        """The refund, validated as WeChat validates it."""
        if not self.transaction_id and not self.out_trade_no:
            raise param_error("transaction_id", None, "transaction_id和out_trade_no必须二选一")
        if self.amount.refund > self.amount.total:
            raise param_error("amount.refund", self.amount.refund, "退款金额不能大于原订单金额")
        if self.amount.currency != "CNY":
            raise param_error("amount.currency", self.amount.currency, "币种只支持CNY")
        if self.funds_account not in (None, "AVAILABLE", "UNSETTLED"):
            raise param_error("funds_account", self.funds_account, "funds_account只能是AVAILABLE或UNSETTLED")
        if self.notify_url is not None:
            url = urlsplit(self.notify_url)
            if url.scheme not in ("http", "https") or not url.netloc or url.query:
                raise param_error("notify_url", self.notify_url, "通知地址必须是http(s)的URL,不能携带参数")
        return refunds.RefundRequest(
            mchid=mchid,
            out_refund_no=self.out_refund_no,
            transaction_id=self.transaction_id,
            out_trade_no=None if self.transaction_id else self.out_trade_no,
            refund=self.amount.refund,
            total=self.amount.total,
            currency=self.amount.currency,
            reason=self.reason,
            notify_url=self.notify_url,
        )


@router.post("/refund/domestic/refunds")
async def create_refund(body: RefundBody, merchant: Merchant, request: Request) -> dict[str, Any]:
    """Apply for a refund → the refund, PROCESSING until it settles."""
    refund_request = body.to_request(merchant.mchid)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        refund = refunds.create_refund(uow=uow, request=refund_request)
        answer = refunds.refund_json(uow, refund)
        uow.commit()
        return answer

    return await in_unit_of_work(request, work)


@router.get("/refund/domestic/refunds/{out_refund_no}")
async def query_refund(out_refund_no: str, merchant: Merchant, request: Request) -> dict[str, Any]:
    """A refund by out_refund_no."""

    def work(uow: UnitOfWork) -> dict[str, Any]:
        return refunds.refund_json(
            uow, refunds.find_refund(uow, mchid=merchant.mchid, out_refund_no=out_refund_no)
        )

    return await in_unit_of_work(request, work)
