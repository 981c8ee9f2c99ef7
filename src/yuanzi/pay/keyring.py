"""The keys and merchant facts every signed request needs, loaded with Core SQL and kept a few
seconds in this process.

Verifying a request and signing its response needs the merchant, its API key and a platform key.
They rarely change, and loading and parsing them on every request would cost more than the RSA
work itself. Entries live `CACHE_SECONDS`; changes made in this process (rotation, a registered
key) drop the merchant's entries at once, other processes see them within `CACHE_SECONDS`.
Only keys that exist are cached, never a miss.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import threading
import time
from typing import Generic, TypeVar

from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session

from yuanzi.core import crypto
from yuanzi.pay.models import Merchant, MerchantKey, PlatformKey

CACHE_SECONDS = 5.0
CERTIFICATE = "certificate"
PUBLIC_KEY = "public_key"
PUBLIC_KEY_ID_PREFIX = "PUB_KEY_ID_"

_K = TypeVar("_K")
_V = TypeVar("_V")


def wall_now() -> dt.datetime:
    """The real time: what clients sign requests and check certificates with."""
    return dt.datetime.now(dt.UTC)


@functools.lru_cache(maxsize=4096)
def private_key(pem: str) -> rsa.RSAPrivateKey:
    """The parsed private key of `pem`; parsing checks the key and is slow, so it is cached."""
    return crypto.load_private_key(pem)


@functools.lru_cache(maxsize=4096)
def public_key(pem: str) -> rsa.RSAPublicKey:
    """The parsed public key of `pem` (cached)."""
    return crypto.load_public_key(pem)


class _Cache(Generic[_K, _V]):
    def __init__(self) -> None:
        self._entries: dict[_K, tuple[float, str, _V]] = {}
        self._lock = threading.Lock()

    def get(self, key: _K) -> _V | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[2]

    def put(self, key: _K, mchid: str, value: _V) -> _V:
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[key] = (time.monotonic() + CACHE_SECONDS, mchid, value)
        return value

    def forget(self, mchid: str) -> None:
        with self._lock:
            for key in [k for k, (_, owner, _) in self._entries.items() if owner == mchid]:
                del self._entries[key]


@dataclasses.dataclass(frozen=True)
class MerchantView:
    """What requests need to know about a merchant."""

    mchid: str
    appid: str
    apiv3_key: str
    signing_mode: str


@dataclasses.dataclass(frozen=True)
class ApiKey:
    """A merchant API certificate's public key and validity."""

    serial_no: str
    mchid: str
    key: rsa.RSAPublicKey
    not_before: dt.datetime
    not_after: dt.datetime


@dataclasses.dataclass(frozen=True)
class Signer:
    """A platform key responses and callbacks are signed with."""

    serial_no: str
    kind: str
    key: rsa.RSAPrivateKey


_merchants: _Cache[str, MerchantView] = _Cache()
_api_keys: _Cache[str, ApiKey] = _Cache()
_signers: _Cache[tuple[str, str], Signer] = _Cache()


def forget(mchid: str) -> None:
    """Drop what this process cached about `mchid` (after its keys changed)."""
    for cache in (_merchants, _api_keys, _signers):
        cache.forget(mchid)


def merchant(session: Session | Connection, mchid: str) -> MerchantView | None:
    """The merchant `mchid`, if it exists."""
    cached = _merchants.get(mchid)
    if cached is not None:
        return cached
    row = session.execute(
        select(Merchant.appid, Merchant.apiv3_key, Merchant.signing_mode).where(Merchant.mchid == mchid)
    ).first()
    if row is None:
        return None
    return _merchants.put(mchid, mchid, MerchantView(mchid, row.appid, row.apiv3_key, row.signing_mode))


def api_key(session: Session | Connection, serial_no: str) -> ApiKey | None:
    """The unrevoked merchant API certificate `serial_no`, if there is one."""
    cached = _api_keys.get(serial_no)
    if cached is not None:
        return cached
    row = session.execute(
        select(
            MerchantKey.mchid, MerchantKey.public_key_pem, MerchantKey.not_before, MerchantKey.not_after
        ).where(MerchantKey.serial_no == serial_no, MerchantKey.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    value = ApiKey(serial_no, row.mchid, public_key(row.public_key_pem), row.not_before, row.not_after)
    return _api_keys.put(serial_no, row.mchid, value)


def signer(session: Session | Connection, mchid: str, wanted: str) -> Signer | None:
    """The platform key named `wanted` (a certificate serial or a PUB_KEY_ID_…), or, when `wanted`
    is a kind ("certificate" / "public_key"), the newest valid key of that kind."""
    cached = _signers.get((mchid, wanted))
    if cached is not None:
        return cached
    now = wall_now()
    query = (
        select(PlatformKey.serial_no, PlatformKey.kind, PlatformKey.private_key_pem)
        .where(PlatformKey.mchid == mchid, PlatformKey.not_before <= now, PlatformKey.not_after > now)
        .order_by(PlatformKey.not_before.desc())
        .limit(1)
    )
    if wanted in (CERTIFICATE, PUBLIC_KEY):
        row = session.execute(query.where(PlatformKey.kind == wanted)).first()
    else:
        row = session.execute(query.where(PlatformKey.serial_no == wanted)).first()
    if row is None:
        return None
    return _signers.put(
        (mchid, wanted), mchid, Signer(row.serial_no, row.kind, private_key(row.private_key_pem))
    )


def note_signing_mode(session: Session | Connection, view: MerchantView, kind: str) -> None:
    """Remember which kind of platform key answered the merchant's latest request (callbacks use it)."""
    if view.signing_mode == kind:
        return
    session.execute(update(Merchant).where(Merchant.mchid == view.mchid).values(signing_mode=kind))
    _merchants.put(view.mchid, view.mchid, dataclasses.replace(view, signing_mode=kind))
