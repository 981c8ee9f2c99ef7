"""Combined payment (合单支付): one confirmation pays up to 50 sub-orders of one or more merchants.

Each sub-order is an ordinary order (queried, refunded and billed as one) tied to the combined
order; paying moves every sub-order to SUCCESS and the money in one ledger transaction, so the
payer pays all of them or none.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import select, update

from yuanzi.core import crypto
from yuanzi.core.errors import Problem, WxError
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.pay import keyring, ledger, notifications
from yuanzi.pay.errors import PayError, param_error
from yuanzi.pay.events import PaymentSucceeded
from yuanzi.pay.models import CombineOrder, Merchant, Transaction
from yuanzi.pay.payments import (
    PLATFORM_FEES,
    PaymentResult,
    fee_for,
    merchant_pending_account,
    wallet_account,
)
from yuanzi.pay.transactions import (
    PREPAY_TTL,
    TRADE_STATE_DESC,
    TradeState,
    TradeType,
    code_url,
    current_state,
    new_prepay_id,
    new_transaction_id,
)
from yuanzi.pay.wire import rfc3339

MAX_SUB_ORDERS = 50


@dataclasses.dataclass(frozen=True)
class SubOrder:
    """One merchant's part of a combined order."""

    mchid: str
    out_trade_no: str
    description: str
    total: int
    attach: str | None = None


@dataclasses.dataclass(frozen=True)
class CombineRequest:
    """A validated combined order."""

    trade_type: TradeType
    combine_mchid: str
    combine_appid: str
    combine_out_trade_no: str
    notify_url: str
    sub_orders: tuple[SubOrder, ...]
    payer_openid: str | None = None
    time_expire: dt.datetime | None = None

    def digest(self) -> str:
        """A fingerprint of the parameters (a retry gets the same prepay, a reuse an error)."""
        fields = dataclasses.asdict(self)
        fields["time_expire"] = self.time_expire.isoformat() if self.time_expire else None
        return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def create(*, uow: UnitOfWork, caller_mchid: str, request: CombineRequest) -> CombineOrder:
    """Create a combined order and its sub-orders, or return it again for the same parameters."""
    if request.combine_mchid != caller_mchid:
        raise PayError(403, "NO_AUTH", "请求的商户号与签名的商户号不一致")
    merchant = keyring.merchant(uow.session, caller_mchid)
    assert merchant is not None
    if merchant.appid != request.combine_appid:
        raise PayError(400, "APPID_MCHID_NOT_MATCH", "combine_appid和combine_mchid不匹配")
    if not 1 <= len(request.sub_orders) <= MAX_SUB_ORDERS:
        raise param_error("sub_orders", len(request.sub_orders), f"子单数量须为1到{MAX_SUB_ORDERS}")
    if len({(s.mchid, s.out_trade_no) for s in request.sub_orders}) != len(request.sub_orders):
        raise param_error("sub_orders", None, "子单商户订单号重复")
    for sub in request.sub_orders:
        if uow.session.get(Merchant, sub.mchid) is None:
            raise param_error("sub_orders.mchid", sub.mchid, "子单商户号不存在")
    if request.trade_type is TradeType.JSAPI:
        if not request.payer_openid:
            raise param_error("combine_payer_info.openid", None, "JSAPI合单必须传入combine_payer_info.openid")
        try:
            identity_service.user_for_openid(
                uow=uow, appid=request.combine_appid, openid=request.payer_openid
            )
        except WxError:
            raise PayError(500, "OPENID_MISMATCH", "openid和appid不匹配") from None
    now = uow.now()
    existing = uow.session.scalar(
        select(CombineOrder).where(
            CombineOrder.combine_mchid == caller_mchid,
            CombineOrder.combine_out_trade_no == request.combine_out_trade_no,
        )
    )
    if existing is not None:
        if existing.request_digest != request.digest():
            raise PayError(403, "OUT_TRADE_NO_USED", "合单商户订单号重复")
        if _state(uow, existing, now) is not TradeState.NOTPAY:
            raise PayError(400, "ORDER_CLOSED", "合单已支付或已关闭")
        return existing
    combined = CombineOrder(
        combine_mchid=caller_mchid,
        combine_appid=request.combine_appid,
        combine_out_trade_no=request.combine_out_trade_no,
        trade_type=request.trade_type.value,
        request_digest=request.digest(),
        prepay_id=new_prepay_id(now),
        code_url_token=crypto.nonce(16),
        notify_url=request.notify_url,
        payer_openid=request.payer_openid,
        time_expire=request.time_expire,
        created_at=now,
    )
    uow.session.add(combined)
    uow.session.flush()
    for sub in request.sub_orders:
        if uow.session.scalar(
            select(Transaction.id).where(
                Transaction.mchid == sub.mchid, Transaction.out_trade_no == sub.out_trade_no
            )
        ):
            raise PayError(403, "OUT_TRADE_NO_USED", f"子单商户订单号已使用: {sub.out_trade_no}")
        uow.session.add(
            Transaction(
                mchid=sub.mchid,
                out_trade_no=sub.out_trade_no,
                appid=request.combine_appid,
                trade_type=request.trade_type.value,
                request_digest=request.digest(),
                prepay_id=new_prepay_id(now),
                code_url_token=crypto.nonce(16),
                description=sub.description,
                attach=sub.attach,
                notify_url=request.notify_url,
                total=sub.total,
                currency="CNY",
                payer_openid=request.payer_openid,
                time_expire=request.time_expire,
                trade_state=TradeState.NOTPAY.value,
                combine_pk=combined.id,
                created_at=now,
            )
        )
    uow.session.flush()
    return combined


def prepay_result(combined: CombineOrder, base_url: str) -> dict[str, str]:
    """What creation answers for the combined order's trade type."""
    if combined.trade_type == TradeType.NATIVE.value:
        return {"code_url": code_url(combined.code_url_token)}
    if combined.trade_type == TradeType.MWEB.value:
        return {"h5_url": f"{base_url}/pay/h5?prepay_id={combined.prepay_id}"}
    return {"prepay_id": combined.prepay_id}


def _subs(uow: UnitOfWork, combined: CombineOrder) -> list[Transaction]:
    return list(
        uow.session.scalars(
            select(Transaction).where(Transaction.combine_pk == combined.id).order_by(Transaction.id)
        )
    )


def _state(uow: UnitOfWork, combined: CombineOrder, now: dt.datetime) -> TradeState:
    states = {current_state(sub, now) for sub in _subs(uow, combined)}
    return states.pop() if len(states) == 1 else TradeState.SUCCESS


def find(uow: UnitOfWork, *, caller_mchid: str, combine_out_trade_no: str) -> CombineOrder:
    """The caller's combined order, or 404 ORDER_NOT_EXIST."""
    row = uow.session.scalar(
        select(CombineOrder).where(
            CombineOrder.combine_mchid == caller_mchid,
            CombineOrder.combine_out_trade_no == combine_out_trade_no,
        )
    )
    if row is None:
        raise PayError(404, "ORDER_NOT_EXIST", "订单不存在")
    return row


def combine_json(uow: UnitOfWork, combined: CombineOrder) -> dict[str, Any]:
    """The combined order as its query and its TRANSACTION.SUCCESS notification describe it."""
    now = uow.now()
    subs = []
    for sub in _subs(uow, combined):
        state = current_state(sub, now)
        entry: dict[str, Any] = {
            "mchid": sub.mchid,
            "trade_type": sub.trade_type,
            "trade_state": state.value,
            "out_trade_no": sub.out_trade_no,
            "amount": {"total_amount": sub.total, "currency": "CNY", "payer_currency": "CNY"},
        }
        if sub.attach:
            entry["attach"] = sub.attach
        if sub.transaction_id:
            entry |= {"transaction_id": sub.transaction_id, "bank_type": "OTHERS"}
            entry["amount"]["payer_amount"] = sub.payer_total
        if sub.success_time:
            entry["success_time"] = rfc3339(sub.success_time)
        subs.append(entry)
    return {
        "combine_appid": combined.combine_appid,
        "combine_mchid": combined.combine_mchid,
        "combine_out_trade_no": combined.combine_out_trade_no,
        "combine_payer_info": {"openid": combined.payer_openid} if combined.payer_openid else {},
        "sub_orders": subs,
    }


def close(*, uow: UnitOfWork, caller_mchid: str, combine_out_trade_no: str, combine_appid: str) -> None:
    """Close every unpaid sub-order of a combined order."""
    combined = find(uow, caller_mchid=caller_mchid, combine_out_trade_no=combine_out_trade_no)
    if combined.combine_appid != combine_appid:
        raise PayError(400, "APPID_MCHID_NOT_MATCH", "combine_appid和combine_mchid不匹配")
    now = uow.now()
    subs = _subs(uow, combined)
    if any(current_state(s, now) in (TradeState.SUCCESS, TradeState.REFUND) for s in subs):
        raise PayError(400, "ORDERPAID", "订单已支付,不能关单")
    for sub in subs:
        sub.trade_state = TradeState.CLOSED.value
        sub.closed_at = now


def lookup(uow: UnitOfWork, *, prepay_id: str | None, code_url_token: str | None) -> CombineOrder | None:
    """The combined order a prepay_id or Native code token names, if it is one."""
    if code_url_token:
        return uow.session.scalar(select(CombineOrder).where(CombineOrder.code_url_token == code_url_token))
    if prepay_id:
        return uow.session.scalar(select(CombineOrder).where(CombineOrder.prepay_id == prepay_id))
    return None


def pay(*, uow: UnitOfWork, user_id: int, combined: CombineOrder) -> PaymentResult:
    """Pay every sub-order from the user's wallet, all or nothing."""
    now = uow.now()
    subs = _subs(uow, combined)
    states = {current_state(s, now) for s in subs}
    if states & {TradeState.SUCCESS, TradeState.REFUND}:
        raise Problem(409, "order_paid", f"order {combined.combine_out_trade_no} is already paid")
    if states - {TradeState.NOTPAY, TradeState.PAYERROR}:
        raise Problem(409, "order_closed", f"order {combined.combine_out_trade_no} is closed")
    if now - combined.created_at >= PREPAY_TTL:
        raise Problem(409, "prepay_expired", "the payment link has expired; the merchant must order again")
    openid = identity_service.openid_for(uow=uow, appid=combined.combine_appid, user_id=user_id)
    if combined.payer_openid is not None and combined.payer_openid != openid:
        raise Problem(403, "payer_mismatch", "this order was placed for another user")
    total = sum(s.total for s in subs)
    legs: list[tuple[str, int]] = [(wallet_account(user_id), -total)]
    ids: dict[int, str] = {}
    try:
        with uow.session.begin_nested():
            for sub in subs:
                merchant = uow.session.get(Merchant, sub.mchid)
                assert merchant is not None
                fee = fee_for(sub.total, merchant.fee_rate_ppm)
                ids[sub.id] = new_transaction_id(now)
                claimed = uow.session.execute(
                    update(Transaction)
                    .where(
                        Transaction.id == sub.id,
                        Transaction.trade_state.in_([TradeState.NOTPAY.value, TradeState.PAYERROR.value]),
                    )
                    .values(
                        trade_state=TradeState.SUCCESS.value,
                        transaction_id=ids[sub.id],
                        payer_openid=openid,
                        payer_user_id=user_id,
                        payer_total=sub.total,
                        fee=fee,
                        success_time=now,
                    )
                )
                if claimed.rowcount != 1:  # type: ignore[attr-defined]
                    raise Problem(409, "order_paid", f"order {combined.combine_out_trade_no} is already paid")
                legs += [(merchant_pending_account(sub.mchid), sub.total - fee)] + (
                    [(PLATFORM_FEES, fee)] if fee else []
                )
            ledger.post(
                uow.session,
                key=f"combine-payment:{combined.id}",
                kind="payment",
                legs=legs,
                now=now,
                memo=f"{combined.combine_mchid} {combined.combine_out_trade_no}",
            )
    except ledger.InsufficientFunds:
        for sub in subs:
            sub.trade_state = TradeState.PAYERROR.value
        result = PaymentResult(
            TradeState.PAYERROR, combined.combine_mchid, combined.combine_out_trade_no, total
        )
        return dataclasses.replace(result, err_code="NOT_ENOUGH", err_code_des="余额不足")
    for sub in subs:
        uow.session.refresh(sub)
        uow.publish(
            PaymentSucceeded(
                mchid=sub.mchid,
                out_trade_no=sub.out_trade_no,
                transaction_id=ids[sub.id],
                user_id=user_id,
                total=sub.total,
            )
        )
    notifications.enqueue(
        uow,
        mchid=combined.combine_mchid,
        notify_url=combined.notify_url,
        event_type="TRANSACTION.SUCCESS",
        summary=TRADE_STATE_DESC[TradeState.SUCCESS],
        original_type="transaction",
        subject=combined.combine_out_trade_no,
        resource=combine_json(uow, combined),
    )
    first = ids[subs[0].id]
    return PaymentResult(
        TradeState.SUCCESS, combined.combine_mchid, combined.combine_out_trade_no, total, transaction_id=first
    )
