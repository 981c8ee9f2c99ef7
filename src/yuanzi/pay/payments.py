"""The user's side of a payment: the wallet (零钱) and paying an order from it.

Paying is one unit of work: the order moves NOTPAY/PAYERROR → SUCCESS by one conditional UPDATE
(two payers of one order cannot both win), the money moves by one balanced ledger transaction keyed
by the order (it can never be taken twice), and the TRANSACTION.SUCCESS notification is written
alongside. A short balance moves nothing and leaves the order PAYERROR, payable again.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select, update

from yuanzi.core.errors import InvalidInput, NotFound, Problem
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.pay import coupons, ledger, notifications
from yuanzi.pay.errors import PayError
from yuanzi.pay.events import PaymentSucceeded
from yuanzi.pay.models import CouponStock, Merchant, Transaction
from yuanzi.pay.transactions import (
    PREPAY_TTL,
    TradeState,
    current_state,
    new_transaction_id,
    transaction_json,
)

PLATFORM_FEES = "platform:fees"
WORLD_TOPUP = "world:topup"
WORLD_WITHDRAWAL = "world:withdrawal"
MAX_TOPUP = 100_000_000  # one million yuan per sandbox top-up
CODE_URL_PREFIX = "weixin://wxpay/bizpayurl?pr="


def wallet_account(user_id: int) -> str:
    """The ledger account of a user's wallet."""
    return f"user:{user_id}:wallet"


def merchant_pending_account(mchid: str) -> str:
    """Where a merchant's takings wait for settlement."""
    return f"merchant:{mchid}:pending"


def merchant_available_account(mchid: str) -> str:
    """A merchant's settled funds."""
    return f"merchant:{mchid}:available"


def fee_for(total: int, rate_ppm: int) -> int:
    """The platform's fee, rounded half up to the fen."""
    return (total * rate_ppm + 500_000) // 1_000_000


@dataclasses.dataclass(frozen=True)
class PaymentResult:
    """What the user sees after confirming a payment."""

    trade_state: TradeState
    mchid: str
    out_trade_no: str
    total: int
    transaction_id: str | None = None
    err_code: str | None = None
    err_code_des: str | None = None


def wallet_balance(*, uow: UnitOfWork, user_id: int) -> int:
    """The user's wallet balance in fen."""
    identity_service.get_user(uow=uow, user_id=user_id)
    return ledger.balance(uow.session, wallet_account(user_id))


def wallet_history(*, uow: UnitOfWork, user_id: int, limit: int = 50) -> list[ledger.Movement]:
    """The user's wallet movements (账单), newest first."""
    identity_service.get_user(uow=uow, user_id=user_id)
    return ledger.history(uow.session, wallet_account(user_id), limit=limit)


def topup(*, uow: UnitOfWork, user_id: int, amount: int) -> int:
    """Put money into a user's wallet from outside the platform (sandbox); returns the balance."""
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= MAX_TOPUP:
        raise InvalidInput(f"amount must be a whole number of fen from 1 to {MAX_TOPUP}", field="amount")
    identity_service.get_user(uow=uow, user_id=user_id)
    ledger.post(
        uow.session,
        key=f"topup:{uuid.uuid4()}",
        kind="topup",
        legs=[(WORLD_TOPUP, -amount), (wallet_account(user_id), amount)],
        now=uow.now(),
        memo="sandbox top-up",
    )
    return ledger.balance(uow.session, wallet_account(user_id))


@dataclasses.dataclass(frozen=True)
class MerchantBalance:
    """A merchant's money on the platform, in fen."""

    pending: int
    available: int


def merchant_balance(*, uow: UnitOfWork, mchid: str) -> MerchantBalance:
    """What the merchant holds: takings not yet settled, and settled funds."""
    if uow.session.get(Merchant, mchid) is None:
        raise NotFound("merchant", mchid)
    return MerchantBalance(
        pending=ledger.balance(uow.session, merchant_pending_account(mchid)),
        available=ledger.balance(uow.session, merchant_available_account(mchid)),
    )


def withdraw(*, uow: UnitOfWork, mchid: str, amount: int) -> MerchantBalance:
    """Take money out of the platform for a merchant (available funds first, then pending)."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise InvalidInput("amount must be a whole number of fen, at least 1", field="amount")
    held = merchant_balance(uow=uow, mchid=mchid)
    if amount > held.pending + held.available:
        raise Problem(409, "insufficient_balance", f"the merchant holds {held.pending + held.available} fen")
    from_available = min(amount, held.available)
    legs = [(WORLD_WITHDRAWAL, amount)]
    if from_available:
        legs.append((merchant_available_account(mchid), -from_available))
    if amount - from_available:
        legs.append((merchant_pending_account(mchid), -(amount - from_available)))
    ledger.post(uow.session, key=f"withdrawal:{uuid.uuid4()}", kind="withdrawal", legs=legs, now=uow.now())
    return merchant_balance(uow=uow, mchid=mchid)


def order_reference(
    *, prepay_id: str | None, code_url: str | None, h5_url: str | None
) -> tuple[str | None, str | None]:
    """(prepay_id, Native code token) named by exactly one of a prepay_id, code_url or h5_url."""
    given = [v for v in (prepay_id, code_url, h5_url) if v]
    if len(given) != 1:
        raise InvalidInput("give exactly one of prepay_id, code_url and h5_url")
    if h5_url:
        return (parse_qs(urlsplit(h5_url).query).get("prepay_id") or [""])[0], None
    if code_url:
        if not code_url.startswith(CODE_URL_PREFIX):
            raise InvalidInput("code_url must start with " + CODE_URL_PREFIX, field="code_url")
        return None, code_url.removeprefix(CODE_URL_PREFIX)
    return prepay_id, None


def _order_for(
    uow: UnitOfWork, *, prepay_id: str | None, code_url: str | None, h5_url: str | None
) -> Transaction:
    prepay, token = order_reference(prepay_id=prepay_id, code_url=code_url, h5_url=h5_url)
    if token is not None:
        row = uow.session.scalar(select(Transaction).where(Transaction.code_url_token == token))
    else:
        row = uow.session.scalar(select(Transaction).where(Transaction.prepay_id == prepay))
    if row is None or row.combine_pk is not None:  # a sub-order is paid through its combined order
        raise NotFound("order", prepay_id or code_url or h5_url)
    return row


def pay(
    *,
    uow: UnitOfWork,
    user_id: int,
    prepay_id: str | None = None,
    code_url: str | None = None,
    h5_url: str | None = None,
    coupon_id: str | None = None,
) -> PaymentResult:
    """Pay an order from the user's wallet (and a voucher, if given), as confirming WeChat's
    payment sheet does."""
    row = _order_for(uow, prepay_id=prepay_id, code_url=code_url, h5_url=h5_url)
    identity_service.get_user(uow=uow, user_id=user_id)
    now = uow.now()
    state = current_state(row, now)
    if state in (TradeState.SUCCESS, TradeState.REFUND):
        raise Problem(409, "order_paid", f"order {row.out_trade_no} is already paid")
    if state is not TradeState.NOTPAY and state is not TradeState.PAYERROR:
        raise Problem(409, "order_closed", f"order {row.out_trade_no} is {state.value}")
    if now - row.created_at >= PREPAY_TTL:
        raise Problem(409, "prepay_expired", "the payment link has expired; the merchant must order again")
    openid = identity_service.openid_for(uow=uow, appid=row.appid, user_id=user_id)
    if row.payer_openid is not None and row.payer_openid != openid:
        raise Problem(403, "payer_mismatch", "this order was placed for another user")
    merchant = uow.session.get(Merchant, row.mchid)
    assert merchant is not None
    voucher = _voucher(uow, coupon_id, user_id, row)
    plan = _plan(row, merchant.fee_rate_ppm, user_id, voucher)
    transaction_id = new_transaction_id(now)
    try:
        with uow.session.begin_nested():
            claimed = uow.session.execute(
                update(Transaction)
                .where(
                    Transaction.id == row.id,
                    Transaction.trade_state.in_([TradeState.NOTPAY.value, TradeState.PAYERROR.value]),
                )
                .values(
                    trade_state=TradeState.SUCCESS.value,
                    transaction_id=transaction_id,
                    payer_openid=openid,
                    payer_user_id=user_id,
                    payer_total=plan.payer_total,
                    fee=plan.fee,
                    coupon_id=voucher.coupon_id if voucher else None,
                    coupon_amount=voucher.amount if voucher else None,
                    promotion_detail=json.dumps(plan.promotion, ensure_ascii=False) if voucher else None,
                    success_time=now,
                )
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                raise _AlreadyPaid
            posted = ledger.post(
                uow.session,
                key=f"payment:{row.id}",
                kind="payment",
                legs=plan.legs,
                now=now,
                memo=f"{row.mchid} {row.out_trade_no}",
            )
            if posted.replayed:
                raise _AlreadyPaid
    except _AlreadyPaid:
        raise Problem(409, "order_paid", f"order {row.out_trade_no} is already paid") from None
    except ledger.InsufficientFunds as short:
        if short.code != wallet_account(user_id):
            raise Problem(409, "coupon_unusable", "the voucher's stock has no budget left") from None
        row.trade_state = TradeState.PAYERROR.value
        return PaymentResult(
            TradeState.PAYERROR,
            row.mchid,
            row.out_trade_no,
            row.total,
            err_code="NOT_ENOUGH",
            err_code_des="余额不足",
        )
    uow.session.refresh(row)
    resource = transaction_json(row, now)
    notifications.enqueue(
        uow,
        mchid=row.mchid,
        notify_url=row.notify_url,
        event_type="TRANSACTION.SUCCESS",
        summary="支付成功",
        original_type="transaction",
        subject=row.out_trade_no,
        resource=resource,
    )
    if voucher is not None:
        _voucher_used(uow, voucher, row.mchid, transaction_id)
    uow.publish(
        PaymentSucceeded(
            mchid=row.mchid,
            out_trade_no=row.out_trade_no,
            transaction_id=transaction_id,
            user_id=user_id,
            total=row.total,
        )
    )
    return PaymentResult(
        TradeState.SUCCESS, row.mchid, row.out_trade_no, row.total, transaction_id=transaction_id
    )


@dataclasses.dataclass(frozen=True)
class _Plan:
    payer_total: int
    fee: int
    legs: list[tuple[str, int]]
    promotion: list[dict[str, object]]


def _voucher(
    uow: UnitOfWork, coupon_id: str | None, user_id: int, row: Transaction
) -> coupons.AppliedCoupon | None:
    if not coupon_id:
        return None
    try:
        voucher = coupons.check_for_payment(
            uow, coupon_id=coupon_id, user_id=user_id, mchid=row.mchid, total=row.total
        )
    except PayError as exc:
        status = 404 if exc.status == 404 else 409
        raise Problem(
            status, "coupon_not_found" if status == 404 else "coupon_unusable", exc.message
        ) from None
    if voucher.amount >= row.total:
        raise Problem(
            409, "coupon_unusable", "the voucher is worth the whole order; the payer must pay something"
        )
    return voucher


def _plan(row: Transaction, fee_rate_ppm: int, user_id: int, voucher: coupons.AppliedCoupon | None) -> _Plan:
    """Who pays what: the payer pays the total less the voucher; a cash voucher's stock pays the
    rest to the merchant, a no-cash voucher is the merchant's own discount."""
    discount = voucher.amount if voucher else 0
    payer_total = row.total - discount
    settled = payer_total if voucher and voucher.no_cash else row.total
    fee = fee_for(settled, fee_rate_ppm)
    legs = [(wallet_account(user_id), -payer_total), (merchant_pending_account(row.mchid), settled - fee)]
    if fee:
        legs.append((PLATFORM_FEES, fee))
    promotion: list[dict[str, object]] = []
    if voucher:
        if not voucher.no_cash:
            legs.append((coupons.budget_account(voucher.stock_id), -discount))
        promotion.append(
            {
                "coupon_id": voucher.coupon_id,
                "name": voucher.name,
                "scope": "GLOBAL",
                "type": "NOCASH" if voucher.no_cash else "CASH",
                "amount": discount,
                "stock_id": voucher.stock_id,
                "wechatpay_contribute": 0,
                "merchant_contribute": discount if voucher.no_cash else 0,
                "other_contribute": 0 if voucher.no_cash else discount,
                "currency": "CNY",
            }
        )
    return _Plan(payer_total, fee, [(account, amount) for account, amount in legs if amount], promotion)


def _voucher_used(uow: UnitOfWork, voucher: coupons.AppliedCoupon, mchid: str, transaction_id: str) -> None:
    coupon = coupons.mark_used(uow, coupon_id=voucher.coupon_id, mchid=mchid, transaction_id=transaction_id)
    stock = uow.session.get(CouponStock, coupon.stock_id)
    assert stock is not None
    creator = uow.session.get(Merchant, stock.creator_mchid)
    assert creator is not None
    if creator.coupon_notify_url:
        notifications.enqueue(
            uow,
            mchid=creator.mchid,
            notify_url=creator.coupon_notify_url,
            event_type="COUPON.USE",
            summary="代金券核销通知",
            original_type="coupon",
            subject=coupon.coupon_id,
            resource=coupons.coupon_json(uow, coupon),
        )


class _AlreadyPaid(Exception):
    """Another payment of the same order won the race."""
