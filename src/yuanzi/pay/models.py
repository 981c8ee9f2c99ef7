"""Pay's merchant, key and protocol tables. Only this component imports them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
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
