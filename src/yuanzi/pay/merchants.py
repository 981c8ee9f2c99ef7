"""Merchants and their keys: yuanzi's CA, merchant API certificates, platform certificates and the
platform public key (微信支付公钥).

Certificate validity is set on the real clock, not the sandbox clock: SDKs check certificates
against their own wall clock, and moving sandbox time forward must not make them look forged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import string
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from yuanzi.core import crypto
from yuanzi.core.errors import InvalidInput, NotFound
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.pay import keyring
from yuanzi.pay.events import MerchantCreated
from yuanzi.pay.keyring import CERTIFICATE, PUBLIC_KEY, PUBLIC_KEY_ID_PREFIX, private_key, wall_now
from yuanzi.pay.models import CertificateAuthorityRow, Merchant, MerchantKey, PlatformKey

NAME_MAX = 64
CERTIFICATE_LIFETIME = dt.timedelta(days=5 * 365)
# Backdating covers clients whose clocks run a little behind ours.
CLOCK_SKEW = dt.timedelta(minutes=10)
DEFAULT_FEE_RATE_PPM = 6000  # 0.6%, WeChat Pay's usual rate
MAX_FEE_RATE_PPM = 100_000  # 10%


@dataclasses.dataclass(frozen=True)
class MerchantInfo:
    """A merchant as other components see it (never its keys)."""

    mchid: str
    name: str
    appid: str
    created_at: dt.datetime
    fee_rate_ppm: int = DEFAULT_FEE_RATE_PPM
    admin_user_id: int | None = None


@dataclasses.dataclass(frozen=True)
class NewMerchant:
    """A just-created merchant with everything its backend needs; the private key is shown once."""

    merchant: MerchantInfo
    cert_serial_no: str
    private_key: str
    certificate: str
    apiv3_key: str
    platform_cert_serial: str
    platform_certificate: str
    public_key_id: str
    public_key: str

    def to_json(self) -> dict[str, Any]:
        """What `yuanzi pay merchant create --json` and `POST /sandbox/merchants` return."""
        return {
            "mchid": self.merchant.mchid,
            "name": self.merchant.name,
            "appid": self.merchant.appid,
            "fee_rate_ppm": self.merchant.fee_rate_ppm,
            "admin_user_id": self.merchant.admin_user_id,
            "cert_serial_no": self.cert_serial_no,
            "private_key": self.private_key,
            "certificate": self.certificate,
            "apiv3_key": self.apiv3_key,
            "platform_cert_serial": self.platform_cert_serial,
            "platform_certificate": self.platform_certificate,
            "public_key_id": self.public_key_id,
            "public_key": self.public_key,
        }


@dataclasses.dataclass(frozen=True)
class PlatformCertificate:
    """A platform certificate as `GET /v3/certificates` lists it."""

    serial_no: str
    certificate_pem: str
    not_before: dt.datetime
    not_after: dt.datetime


def merchant_info(row: Merchant) -> MerchantInfo:
    return MerchantInfo(
        mchid=row.mchid,
        name=row.name,
        appid=row.appid,
        created_at=row.created_at,
        fee_rate_ppm=row.fee_rate_ppm,
        admin_user_id=row.admin_user_id,
    )


def certificate_authority(uow: UnitOfWork) -> crypto.CertificateAuthority:
    """yuanzi's root CA, created the first time it is needed (concurrent first uses agree)."""
    row = uow.session.get(CertificateAuthorityRow, 1)
    if row is None:
        ca = crypto.CertificateAuthority.create("yuanzi Pay CA", wall_now())
        try:
            with uow.session.begin_nested():
                uow.session.add(
                    CertificateAuthorityRow(
                        id=1,
                        private_key_pem=crypto.private_key_pem(ca.key),
                        certificate_pem=crypto.certificate_pem(ca.certificate),
                        created_at=uow.now(),
                    )
                )
        except IntegrityError:
            row = uow.session.get(CertificateAuthorityRow, 1, populate_existing=True)
            assert row is not None
        else:
            return ca
    return crypto.CertificateAuthority(
        private_key(row.private_key_pem), crypto.load_certificate(row.certificate_pem)
    )


def _new_mchid(uow: UnitOfWork) -> str:
    while True:
        mchid = "19" + "".join(secrets.choice(string.digits) for _ in range(8))
        if uow.session.get(Merchant, mchid) is None:
            return mchid


def _apiv3_key() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(32))


def _public_key_id() -> str:
    return PUBLIC_KEY_ID_PREFIX + "".join(secrets.choice(string.digits) for _ in range(32))


def _issue_api_certificate(
    uow: UnitOfWork, ca: crypto.CertificateAuthority, mchid: str, name: str, key: rsa.RSAPublicKey
) -> MerchantKey:
    now = wall_now()
    cert = ca.issue(
        common_name=name,
        organization_unit=mchid,
        public_key=key,
        not_before=now - CLOCK_SKEW,
        not_after=now + CERTIFICATE_LIFETIME,
    )
    row = MerchantKey(
        serial_no=crypto.certificate_serial(cert),
        mchid=mchid,
        public_key_pem=crypto.public_key_pem(key),
        certificate_pem=crypto.certificate_pem(cert),
        not_before=now - CLOCK_SKEW,
        not_after=now + CERTIFICATE_LIFETIME,
        created_at=uow.now(),
    )
    uow.session.add(row)
    return row


def _issue_platform_certificate(uow: UnitOfWork, ca: crypto.CertificateAuthority, mchid: str) -> PlatformKey:
    now = wall_now()
    key = crypto.generate_rsa_key()
    cert = ca.issue(
        common_name="Tenpay.com Root CA",
        organization_unit="Tenpay.com",
        public_key=key.public_key(),
        not_before=now - CLOCK_SKEW,
        not_after=now + CERTIFICATE_LIFETIME,
    )
    row = PlatformKey(
        serial_no=crypto.certificate_serial(cert),
        mchid=mchid,
        kind=CERTIFICATE,
        private_key_pem=crypto.private_key_pem(key),
        public_key_pem=crypto.public_key_pem(key.public_key()),
        certificate_pem=crypto.certificate_pem(cert),
        not_before=now - CLOCK_SKEW,
        not_after=now + CERTIFICATE_LIFETIME,
        created_at=uow.now(),
    )
    uow.session.add(row)
    return row


def _issue_platform_public_key(uow: UnitOfWork, mchid: str) -> PlatformKey:
    now = wall_now()
    key = crypto.generate_rsa_key()
    row = PlatformKey(
        serial_no=_public_key_id(),
        mchid=mchid,
        kind=PUBLIC_KEY,
        private_key_pem=crypto.private_key_pem(key),
        public_key_pem=crypto.public_key_pem(key.public_key()),
        certificate_pem=None,
        not_before=now - CLOCK_SKEW,
        # The public key does not expire; it is replaced when the merchant asks.
        not_after=now + 20 * CERTIFICATE_LIFETIME,
        created_at=uow.now(),
    )
    uow.session.add(row)
    return row


def create_merchant(
    *,
    uow: UnitOfWork,
    name: str,
    appid: str,
    fee_rate_ppm: int = DEFAULT_FEE_RATE_PPM,
    admin_user_id: int | None = None,
) -> NewMerchant:
    """Open a merchant account bound to `appid`, with an API certificate, a platform certificate
    and a platform public key; the platform keeps `fee_rate_ppm` millionths of each payment.
    `admin_user_id` is the user who administers it (超级管理员), if any."""
    clean_name = name.strip()
    if not clean_name or len(clean_name) > NAME_MAX:
        raise InvalidInput(f"name must be 1–{NAME_MAX} characters", field="name")
    if (
        isinstance(fee_rate_ppm, bool)
        or not isinstance(fee_rate_ppm, int)
        or not 0 <= fee_rate_ppm <= MAX_FEE_RATE_PPM
    ):
        raise InvalidInput(
            f"fee_rate_ppm must be a whole number from 0 to {MAX_FEE_RATE_PPM}", field="fee_rate_ppm"
        )
    app = identity_service.get_app(uow=uow, appid=appid)
    if admin_user_id is not None:
        identity_service.get_user(uow=uow, user_id=admin_user_id)
    ca = certificate_authority(uow)
    mchid = _new_mchid(uow)
    merchant = Merchant(
        mchid=mchid,
        name=clean_name,
        appid=app.appid,
        apiv3_key=_apiv3_key(),
        signing_mode=PUBLIC_KEY,
        fee_rate_ppm=fee_rate_ppm,
        fail_notifications=0,
        admin_user_id=admin_user_id,
        created_at=uow.now(),
    )
    uow.session.add(merchant)
    uow.session.flush()
    merchant_key = crypto.generate_rsa_key()
    api_cert = _issue_api_certificate(uow, ca, mchid, clean_name, merchant_key.public_key())
    platform_cert = _issue_platform_certificate(uow, ca, mchid)
    platform_public_key = _issue_platform_public_key(uow, mchid)
    uow.session.flush()
    uow.publish(MerchantCreated(mchid=mchid, name=clean_name, appid=app.appid))
    assert platform_cert.certificate_pem is not None
    return NewMerchant(
        merchant=merchant_info(merchant),
        cert_serial_no=api_cert.serial_no,
        private_key=crypto.private_key_pem(merchant_key),
        certificate=api_cert.certificate_pem,
        apiv3_key=merchant.apiv3_key,
        platform_cert_serial=platform_cert.serial_no,
        platform_certificate=platform_cert.certificate_pem,
        public_key_id=platform_public_key.serial_no,
        public_key=platform_public_key.public_key_pem,
    )


def merchant_row(uow: UnitOfWork, mchid: str) -> Merchant | None:
    """The merchant `mchid`'s row, if it exists."""
    return uow.session.get(Merchant, mchid)


def get_merchant(*, uow: UnitOfWork, mchid: str) -> MerchantInfo:
    """The merchant `mchid`, or NotFound."""
    row = merchant_row(uow, mchid)
    if row is None:
        raise NotFound("merchant", mchid)
    return merchant_info(row)


def list_merchants(*, uow: UnitOfWork, limit: int = 100, offset: int = 0) -> list[MerchantInfo]:
    """Merchants, oldest first."""
    rows = uow.session.scalars(
        select(Merchant).order_by(Merchant.created_at, Merchant.mchid).limit(limit).offset(offset)
    )
    return [merchant_info(r) for r in rows]


def administered_by(*, uow: UnitOfWork, user_id: int) -> list[MerchantInfo]:
    """The merchant accounts `user_id` administers (超级管理员), oldest first."""
    rows = uow.session.scalars(
        select(Merchant)
        .where(Merchant.admin_user_id == user_id)
        .order_by(Merchant.created_at, Merchant.mchid)
    )
    return [merchant_info(r) for r in rows]


def register_api_key(*, uow: UnitOfWork, mchid: str, public_key_pem: str) -> tuple[str, str]:
    """Issue an API certificate for a key the merchant made itself; returns (serial_no, PEM)."""
    row = merchant_row(uow, mchid)
    if row is None:
        raise NotFound("merchant", mchid)
    try:
        key = crypto.load_public_key(public_key_pem)
    except crypto.CryptoError as exc:
        raise InvalidInput(str(exc), field="public_key") from None
    cert = _issue_api_certificate(uow, certificate_authority(uow), mchid, row.name, key)
    uow.session.flush()
    keyring.forget(mchid)
    return cert.serial_no, cert.certificate_pem


def rotate_platform_certificate(*, uow: UnitOfWork, mchid: str) -> PlatformCertificate:
    """Issue a new platform certificate for `mchid`; responses are signed with it from now on and
    the older ones stay listed until they expire, as WeChat rotates them."""
    if merchant_row(uow, mchid) is None:
        raise NotFound("merchant", mchid)
    row = _issue_platform_certificate(uow, certificate_authority(uow), mchid)
    uow.session.flush()
    keyring.forget(mchid)
    return _platform_certificate(row)


def _platform_certificate(row: PlatformKey) -> PlatformCertificate:
    assert row.certificate_pem is not None
    return PlatformCertificate(
        serial_no=row.serial_no,
        certificate_pem=row.certificate_pem,
        not_before=row.not_before,
        not_after=row.not_after,
    )


def platform_certificates(uow: UnitOfWork, mchid: str) -> list[PlatformCertificate]:
    """The merchant's currently valid platform certificates, newest first."""
    now = wall_now()
    rows = uow.session.scalars(
        select(PlatformKey)
        .where(
            PlatformKey.mchid == mchid,
            PlatformKey.kind == CERTIFICATE,
            PlatformKey.not_before <= now,
            PlatformKey.not_after > now,
        )
        .order_by(PlatformKey.not_before.desc(), PlatformKey.created_at.desc())
    )
    return [_platform_certificate(r) for r in rows]


def callback_signer(uow: UnitOfWork, mchid: str) -> tuple[str, rsa.RSAPrivateKey]:
    """(serial, key) to sign the merchant's callbacks with: the kind of platform key its latest
    request was answered with (the public key until it has made one)."""
    merchant = merchant_row(uow, mchid)
    assert merchant is not None
    signer = keyring.signer(uow.session, mchid, merchant.signing_mode)
    assert signer is not None, f"merchant {mchid} has no valid {merchant.signing_mode}"
    return signer.serial_no, signer.key
