"""Events Pay publishes."""

from __future__ import annotations

import dataclasses

from yuanzi.core.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class MerchantCreated(Event):
    """A merchant account was opened."""

    topic = "pay.merchant.created"
    mchid: str
    name: str
    appid: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class PaymentSucceeded(Event):
    """A user paid an order (the money is in the merchant's pending balance)."""

    topic = "pay.payment.succeeded"
    mchid: str
    out_trade_no: str
    transaction_id: str
    user_id: int
    total: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class RefundSettled(Event):
    """A refund finished: SUCCESS (money back in the payer's wallet) or ABNORMAL."""

    topic = "pay.refund.settled"
    mchid: str
    out_refund_no: str
    out_trade_no: str
    status: str
    refund: int
