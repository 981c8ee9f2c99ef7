"""Pay's public interface: what other components, the CLI and the web client may call.

Every function takes keyword-only arguments, the first being the caller's unit of work, and never
commits.
"""

from __future__ import annotations

from typing import Any

from yuanzi.channels.events import CreatorIncomeEarned
from yuanzi.core.errors import Problem
from yuanzi.core.events import Subscribers
from yuanzi.core.uow import UnitOfWork, UnitOfWorkFactory
from yuanzi.core.worker import Worker
from yuanzi.identity import service as identity_service
from yuanzi.pay import combine, incentives, ledger, notifications, payments, refunds, settlement, statements
from yuanzi.pay.checkout import OrderSheet, order_sheet, verify_payment_request
from yuanzi.pay.collection import CodeInfo, CollectionResult, create_code, get_code, list_codes, pay_code
from yuanzi.pay.coupons import usable_for as _usable_for
from yuanzi.pay.coupons import user_coupons as _user_coupons
from yuanzi.pay.errors import PayError
from yuanzi.pay.ledger import Movement
from yuanzi.pay.merchants import (
    MerchantInfo,
    NewMerchant,
    PlatformCertificate,
    administered_by,
    create_merchant,
    get_merchant,
    list_merchants,
    register_api_key,
    rotate_platform_certificate,
)
from yuanzi.pay.notifications import (
    NotificationInfo,
    fail_next_notifications,
    get_notification,
    list_notifications,
    replay_notification,
)
from yuanzi.pay.payments import (
    MerchantBalance,
    PaymentResult,
    merchant_balance,
    topup,
    wallet_balance,
    wallet_history,
    withdraw,
)
from yuanzi.pay.reports import OrderLine, RefundLine, StockLine, recent_orders, recent_refunds, stocks
from yuanzi.pay.transactions import place_order

__all__ = [
    "CodeInfo",
    "CollectionResult",
    "MerchantBalance",
    "MerchantInfo",
    "Movement",
    "NewMerchant",
    "NotificationInfo",
    "OrderLine",
    "OrderSheet",
    "PayError",
    "PaymentResult",
    "PlatformCertificate",
    "RefundLine",
    "StockLine",
    "administered_by",
    "bill_csv",
    "check_books",
    "create_code",
    "create_merchant",
    "fail_next_notifications",
    "get_code",
    "get_merchant",
    "get_notification",
    "gift",
    "list_codes",
    "list_merchants",
    "list_notifications",
    "merchant_balance",
    "order_sheet",
    "pay",
    "pay_code",
    "place_order",
    "recent_orders",
    "recent_refunds",
    "register_api_key",
    "replay_notification",
    "rotate_platform_certificate",
    "stocks",
    "subscribe",
    "topup",
    "usable_coupons",
    "user_coupons",
    "verify_payment_request",
    "wallet_balance",
    "wallet_history",
    "withdraw",
    "workers",
]


def user_coupons(*, uow: UnitOfWork, user_id: int, limit: int = 50) -> list[dict[str, Any]]:
    """The user's vouchers, newest first (coupon_id, stock_id, coupon_name, status, amounts, times)."""
    return _user_coupons(uow, user_id=user_id, limit=limit)


def usable_coupons(*, uow: UnitOfWork, user_id: int, mchid: str, total: int) -> list[dict[str, Any]]:
    """The user's vouchers usable on an order of `mchid` for `total` fen, largest first."""
    return _usable_for(uow, user_id=user_id, mchid=mchid, total=total)


def bill_csv(*, uow: UnitOfWork, mchid: str, kind: str, bill_date: str, type: str) -> str:
    """A merchant's trade (`kind` "trade") or fund flow ("fundflow") bill of a past day, as CSV."""
    request = statements.parse_request(
        kind=kind, mchid=mchid, bill_date=bill_date, type=type, tar_type=None, now=uow.now()
    )
    return statements.bill_file(uow, request).content.decode()


def pay(
    *,
    uow: UnitOfWork,
    user_id: int,
    prepay_id: str | None = None,
    code_url: str | None = None,
    h5_url: str | None = None,
    coupon_id: str | None = None,
) -> PaymentResult:
    """Pay an order — or a combined order, all its sub-orders at once — from the user's wallet
    (and a voucher, for a single order), as confirming WeChat's payment sheet does."""
    prepay, token = payments.order_reference(prepay_id=prepay_id, code_url=code_url, h5_url=h5_url)
    combined = combine.lookup(uow, prepay_id=prepay, code_url_token=token)
    if combined is None:
        return payments.pay(
            uow=uow,
            user_id=user_id,
            prepay_id=prepay_id,
            code_url=code_url,
            h5_url=h5_url,
            coupon_id=coupon_id,
        )
    if coupon_id:
        raise Problem(409, "coupon_unusable", "vouchers cannot be used on a combined payment")
    identity_service.get_user(uow=uow, user_id=user_id)
    return combine.pay(uow=uow, user_id=user_id, combined=combined)


def check_books(*, uow: UnitOfWork) -> ledger.BooksReport:
    """Prove the ledger balances (what `yuanzi pay ledger check` runs)."""
    return ledger.check_books(uow.session)


def gift(
    *, uow: UnitOfWork, from_user_id: int, to_user_id: int, amount: int, share_ppm: int, key: str, memo: str
) -> bool:
    """A gift from one user's wallet to another's, less the platform's share (`share_ppm`);
    False when `key` was already paid. 409 not_enough on a short balance, moving nothing."""
    return incentives.gift(
        uow=uow,
        from_user_id=from_user_id,
        to_user_id=to_user_id,
        amount=amount,
        share_ppm=share_ppm,
        key=key,
        memo=memo,
    )


def subscribe(subscribers: Subscribers) -> None:
    """Register Pay's event subscribers: creator income from Channels goes to the creator's wallet."""
    subscribers.add("pay.creator-income", [CreatorIncomeEarned], incentives.credit_creator_income)


def workers(uow_factory: UnitOfWorkFactory) -> list[Worker]:
    """Pay's background work while the server runs: settle refunds, settle merchants' takings
    (T+1), deliver notifications."""
    return [
        Worker("pay-refunds", lambda: refunds.process_due(uow_factory), interval=0.5, batch=50),
        Worker(
            "pay-settlement",
            lambda: settlement.settle_due(uow_factory),
            interval=5.0,
            batch=1_000_000,
            on_commit=False,
        ),
        Worker("pay-notifications", lambda: notifications.deliver_due(uow_factory), interval=0.5, batch=50),
    ]
