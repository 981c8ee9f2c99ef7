"""Pay's merchant, key and protocol tables. Only this component imports them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yuanzi.core.db import Base, BigIntPK, UTCDateTime


class CertificateAuthorityRow(Base):
    """yuanzi's root CA (one row): it signs merchant API certificates and platform certificates."""

    __tablename__ = "pay_certificate_authority"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    private_key_pem: Mapped[str] = mapped_column(Text, nullable=False)
    certificate_pem: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class Merchant(Base):
    """A merchant account (商户号) bound to an app."""

    __tablename__ = "pay_merchants"

    mchid: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    appid: Mapped[str] = mapped_column(String(32), nullable=False)
    # The APIv3 key encrypts callbacks and certificate downloads, so it is kept, not hashed.
    apiv3_key: Mapped[str] = mapped_column(String(32), nullable=False)
    # Which platform key signed this merchant's latest request ("public_key" | "certificate"):
    # callbacks are signed the same way, so an SDK set up for one mode can verify them.
    signing_mode: Mapped[str] = mapped_column(String(16), nullable=False)
    # The platform's fee on each payment, in millionths (6000 = 0.6%, WeChat's common rate).
    fee_rate_ppm: Mapped[int] = mapped_column(Integer, nullable=False, server_default="6000")
    # Sandbox fault injection: this many next notification deliveries fail without being sent.
    fail_notifications: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    # Where COUPON.USE notifications for this merchant's voucher stocks go (/v3/marketing/favor/callbacks).
    coupon_notify_url: Mapped[str | None] = mapped_column(String(256))
    # The WeChat user who administers the account (超级管理员): may sell through it in a live
    # room's shelf.
    admin_user_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class MerchantKey(Base):
    """A key a merchant signs requests with: an API certificate issued by yuanzi's CA."""

    __tablename__ = "pay_merchant_keys"

    serial_no: Mapped[str] = mapped_column(String(64), primary_key=True)
    mchid: Mapped[str] = mapped_column(String(32), ForeignKey("pay_merchants.mchid"), nullable=False)
    public_key_pem: Mapped[str] = mapped_column(Text, nullable=False)
    certificate_pem: Mapped[str] = mapped_column(Text, nullable=False)
    not_before: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    not_after: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (Index("ix_pay_merchant_keys_mchid", "mchid"),)


class PlatformKey(Base):
    """A key WeChat Pay (here, yuanzi) signs with for one merchant.

    `kind` is "certificate" (a platform certificate, serial = its 40-hex serial; rotatable) or
    "public_key" (微信支付公钥, serial = its `PUB_KEY_ID_…`).
    """

    __tablename__ = "pay_platform_keys"

    serial_no: Mapped[str] = mapped_column(String(64), primary_key=True)
    mchid: Mapped[str] = mapped_column(String(32), ForeignKey("pay_merchants.mchid"), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    private_key_pem: Mapped[str] = mapped_column(Text, nullable=False)
    public_key_pem: Mapped[str] = mapped_column(Text, nullable=False)
    certificate_pem: Mapped[str | None] = mapped_column(Text)
    not_before: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    not_after: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (Index("ix_pay_platform_keys_mchid_kind", "mchid", "kind", "not_before"),)


class RequestNonce(Base):
    """A nonce_str a merchant has used: accepted once inside the replay window."""

    __tablename__ = "pay_request_nonces"

    mchid: Mapped[str] = mapped_column(String(32), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[int] = mapped_column(BigInteger, nullable=False)

    __table_args__ = (Index("ix_pay_request_nonces_mchid_seen", "mchid", "seen_at"),)


class Transaction(Base):
    """A payment order (交易): created by the merchant, paid (or not) by a user."""

    __tablename__ = "pay_transactions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    mchid: Mapped[str] = mapped_column(String(32), ForeignKey("pay_merchants.mchid"), nullable=False)
    out_trade_no: Mapped[str] = mapped_column(String(32), nullable=False)
    appid: Mapped[str] = mapped_column(String(32), nullable=False)
    trade_type: Mapped[str] = mapped_column(String(16), nullable=False)
    # SHA-256 of the order's parameters: the same out_trade_no with the same parameters gets the
    # same prepay_id back; with different ones it is OUT_TRADE_NO_USED.
    request_digest: Mapped[str] = mapped_column(String(64), nullable=False)
    prepay_id: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    code_url_token: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    description: Mapped[str] = mapped_column(String(127), nullable=False)
    attach: Mapped[str | None] = mapped_column(String(128))
    goods_tag: Mapped[str | None] = mapped_column(String(32))
    notify_url: Mapped[str] = mapped_column(String(256), nullable=False)
    total: Mapped[int] = mapped_column(BigInteger, nullable=False)
    currency: Mapped[str] = mapped_column(String(16), nullable=False)
    payer_openid: Mapped[str | None] = mapped_column(String(128))
    scene_info: Mapped[str | None] = mapped_column(Text)
    time_expire: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    trade_state: Mapped[str] = mapped_column(String(16), nullable=False)
    transaction_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    payer_user_id: Mapped[int | None] = mapped_column(BigInteger)
    payer_total: Mapped[int | None] = mapped_column(BigInteger)
    # The platform's fee on this payment, kept so refunds give back their share of it.
    fee: Mapped[int | None] = mapped_column(BigInteger)
    # The voucher applied at payment, if any: the stock paid `coupon_amount`, the user the rest.
    coupon_id: Mapped[str | None] = mapped_column(String(32))
    coupon_amount: Mapped[int | None] = mapped_column(BigInteger)
    # The voucher as `promotion_detail` reports it (JSON), fixed at payment.
    promotion_detail: Mapped[str | None] = mapped_column(Text)
    # Set for a sub-order of a combined payment (合单支付): it is paid with its siblings.
    combine_pk: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("pay_combine_orders.id"))
    success_time: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (
        UniqueConstraint("mchid", "out_trade_no", name="uq_pay_transactions_mchid_out_trade_no"),
    )


class Notification(Base):
    """A callback to a merchant's notify_url, kept until delivered or given up (24 h 4 min)."""

    __tablename__ = "pay_notifications"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    mchid: Mapped[str] = mapped_column(String(32), ForeignKey("pay_merchants.mchid"), nullable=False)
    event_type: Mapped[str] = mapped_column(String(48), nullable=False)
    # What the notification is about (out_trade_no, out_refund_no…), for the console.
    subject: Mapped[str] = mapped_column(String(64), nullable=False)
    notify_url: Mapped[str] = mapped_column(String(256), nullable=False)
    # The exact body POSTed (its resource already encrypted); each attempt is signed afresh.
    body: Mapped[str] = mapped_column(Text, nullable=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Position in the retry schedule; a replay starts it again.
    schedule_index: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (
        Index("ix_pay_notifications_due", "state", "next_attempt_at"),
        Index("ix_pay_notifications_mchid", "mchid", "created_at"),
    )


class NotificationAttempt(Base):
    """One try at delivering a notification, as the merchant console lists it."""

    __tablename__ = "pay_notification_attempts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    notification_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("pay_notifications.id"), nullable=False
    )
    attempted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    status_code: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)
    detail: Mapped[str] = mapped_column(String(256), nullable=False, default="")

    __table_args__ = (Index("ix_pay_notification_attempts_notification", "notification_id", "id"),)


class Refund(Base):
    """A refund (退款单) of part or all of a paid order, back to the payer's wallet."""

    __tablename__ = "pay_refunds"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    mchid: Mapped[str] = mapped_column(String(32), ForeignKey("pay_merchants.mchid"), nullable=False)
    out_refund_no: Mapped[str] = mapped_column(String(64), nullable=False)
    refund_id: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    transaction_pk: Mapped[int] = mapped_column(BigInteger, ForeignKey("pay_transactions.id"), nullable=False)
    request_digest: Mapped[str] = mapped_column(String(64), nullable=False)
    reason: Mapped[str | None] = mapped_column(String(80))
    notify_url: Mapped[str | None] = mapped_column(String(256))
    refund: Mapped[int] = mapped_column(BigInteger, nullable=False)
    total: Mapped[int] = mapped_column(BigInteger, nullable=False)
    currency: Mapped[str] = mapped_column(String(16), nullable=False)
    # The share of the payment's fee the platform gives back with this refund.
    fee_refund: Mapped[int] = mapped_column(BigInteger, nullable=False)
    # The share of the refund that goes back to the voucher rather than to the payer.
    discount_refund: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default="0")
    # PROCESSING → SUCCESS, or ABNORMAL when the merchant's balance cannot cover it.
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    funds_account: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    success_time: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("mchid", "out_refund_no", name="uq_pay_refunds_mchid_out_refund_no"),
        Index("ix_pay_refunds_transaction", "transaction_pk"),
        Index("ix_pay_refunds_status", "status", "created_at"),
    )


class CouponStock(Base):
    """A voucher stock (代金券批次): a budget of fixed-value vouchers a merchant hands out."""

    __tablename__ = "pay_coupon_stocks"

    stock_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    creator_mchid: Mapped[str] = mapped_column(String(32), ForeignKey("pay_merchants.mchid"), nullable=False)
    out_request_no: Mapped[str] = mapped_column(String(128), nullable=False)
    request_digest: Mapped[str] = mapped_column(String(64), nullable=False)
    stock_name: Mapped[str] = mapped_column(String(64), nullable=False)
    comment: Mapped[str | None] = mapped_column(String(128))
    belong_merchant: Mapped[str] = mapped_column(String(32), nullable=False)
    available_begin: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    available_end: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    max_coupons: Mapped[int] = mapped_column(Integer, nullable=False)
    max_amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    max_amount_by_day: Mapped[int | None] = mapped_column(BigInteger)
    max_coupons_per_user: Mapped[int] = mapped_column(Integer, nullable=False)
    natural_person_limit: Mapped[bool] = mapped_column(Boolean, nullable=False)
    prevent_api_abuse: Mapped[bool] = mapped_column(Boolean, nullable=False)
    no_cash: Mapped[bool] = mapped_column(Boolean, nullable=False)
    coupon_amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    transaction_minimum: Mapped[int] = mapped_column(BigInteger, nullable=False)
    # JSON list of the mchids where the vouchers can be used.
    available_merchants: Mapped[str] = mapped_column(Text, nullable=False)
    # unactivated → running ⇄ paused (WeChat's words); sending stops once the budget is spent.
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    distributed_coupons: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    start_time: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint(
            "creator_mchid", "out_request_no", name="uq_pay_coupon_stocks_creator_out_request_no"
        ),
    )


class Coupon(Base):
    """A voucher sent to a user."""

    __tablename__ = "pay_coupons"

    coupon_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    stock_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("pay_coupon_stocks.stock_id"), nullable=False
    )
    sender_mchid: Mapped[str] = mapped_column(String(32), nullable=False)
    out_request_no: Mapped[str] = mapped_column(String(128), nullable=False)
    appid: Mapped[str] = mapped_column(String(32), nullable=False)
    openid: Mapped[str] = mapped_column(String(128), nullable=False)
    user_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    # SENDED → USED (or EXPIRED once the stock's availability ends, read on the platform clock).
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    transaction_id: Mapped[str | None] = mapped_column(String(32))
    used_mchid: Mapped[str | None] = mapped_column(String(32))
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (
        UniqueConstraint("sender_mchid", "out_request_no", name="uq_pay_coupons_sender_out_request_no"),
        Index("ix_pay_coupons_user", "user_id", "status"),
        Index("ix_pay_coupons_stock_user", "stock_id", "user_id"),
    )


class CollectionCode(Base):
    """A static collection code (收款码): anyone who scans it pays its owner any amount."""

    __tablename__ = "pay_collection_codes"

    code_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    # Exactly one owner: a merchant (the money lands in its pending balance, less the fee) or a
    # person (个人收款码: it lands in their wallet).
    owner_mchid: Mapped[str | None] = mapped_column(String(32), ForeignKey("pay_merchants.mchid"))
    owner_user_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (Index("ix_pay_collection_codes_mchid", "owner_mchid"),)


class Collection(Base):
    """One payment made through a collection code."""

    __tablename__ = "pay_collections"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    code_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("pay_collection_codes.code_id"), nullable=False
    )
    payer_user_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    fee: Mapped[int] = mapped_column(BigInteger, nullable=False)
    remark: Mapped[str | None] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (Index("ix_pay_collections_code", "code_id", "created_at"),)


class CombineOrder(Base):
    """A combined payment (合单支付): sub-orders of one or more merchants paid by one confirmation."""

    __tablename__ = "pay_combine_orders"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    combine_mchid: Mapped[str] = mapped_column(String(32), ForeignKey("pay_merchants.mchid"), nullable=False)
    combine_appid: Mapped[str] = mapped_column(String(32), nullable=False)
    combine_out_trade_no: Mapped[str] = mapped_column(String(32), nullable=False)
    trade_type: Mapped[str] = mapped_column(String(16), nullable=False)
    request_digest: Mapped[str] = mapped_column(String(64), nullable=False)
    prepay_id: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    code_url_token: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    notify_url: Mapped[str] = mapped_column(String(256), nullable=False)
    payer_openid: Mapped[str | None] = mapped_column(String(128))
    time_expire: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (
        UniqueConstraint(
            "combine_mchid", "combine_out_trade_no", name="uq_pay_combine_orders_mchid_out_trade_no"
        ),
    )
