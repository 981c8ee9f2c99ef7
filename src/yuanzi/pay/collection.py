"""Collection codes (收款码): a static code whose page lets anyone pay its owner any amount.

A merchant's code pays into its pending balance less the platform's fee; a person's code pays
into their wallet, free, as WeChat's personal codes do. Each payment is one ledger transaction
keyed by the form's one-time key, so a double submit pays once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from yuanzi.core import crypto
from yuanzi.core.errors import InvalidInput, NotFound, Problem
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.pay import ledger
from yuanzi.pay.models import Collection, CollectionCode, Merchant
from yuanzi.pay.payments import PLATFORM_FEES, fee_for, merchant_pending_account, wallet_account

MAX_AMOUNT = 5_000_000  # 50 000 yuan a payment
NAME_MAX = 64


@dataclasses.dataclass(frozen=True)
class CodeInfo:
    """A collection code with what it has collected."""

    code_id: str
    name: str
    owner_mchid: str | None
    owner_user_id: int | None
    created_at: dt.datetime
    payments: int
    collected: int


@dataclasses.dataclass(frozen=True)
class CollectionResult:
    """A payment made through a code."""

    collection_id: int
    code_id: str
    payee: str
    amount: int
    replayed: bool


def create_code(
    *, uow: UnitOfWork, name: str, mchid: str | None = None, user_id: int | None = None
) -> CodeInfo:
    """Issue a collection code to a merchant or to a person."""
    clean = name.strip()
    if not clean or len(clean) > NAME_MAX:
        raise InvalidInput(f"name must be 1–{NAME_MAX} characters", field="name")
    if (mchid is None) == (user_id is None):
        raise InvalidInput("a code belongs to exactly one of a merchant (mchid) or a person (user_id)")
    if mchid is not None and uow.session.get(Merchant, mchid) is None:
        raise NotFound("merchant", mchid)
    if user_id is not None:
        identity_service.get_user(uow=uow, user_id=user_id)
    row = CollectionCode(
        code_id=crypto.nonce(20), name=clean, owner_mchid=mchid, owner_user_id=user_id, created_at=uow.now()
    )
    uow.session.add(row)
    uow.session.flush()
    return _info(uow, row)


def _info(uow: UnitOfWork, row: CollectionCode) -> CodeInfo:
    count, total = uow.session.execute(
        select(func.count(), func.coalesce(func.sum(Collection.amount), 0)).where(
            Collection.code_id == row.code_id
        )
    ).one()
    return CodeInfo(
        row.code_id, row.name, row.owner_mchid, row.owner_user_id, row.created_at, count, int(total)
    )


def get_code(*, uow: UnitOfWork, code_id: str) -> CodeInfo:
    """The code `code_id`, or NotFound."""
    row = uow.session.get(CollectionCode, code_id)
    if row is None:
        raise NotFound("collection_code", code_id)
    return _info(uow, row)


def list_codes(*, uow: UnitOfWork, mchid: str | None = None, limit: int = 100) -> list[CodeInfo]:
    """Codes (a merchant's, or all), newest first, with their totals."""
    query = select(CollectionCode).order_by(CollectionCode.created_at.desc()).limit(limit)
    if mchid is not None:
        query = query.where(CollectionCode.owner_mchid == mchid)
    return [_info(uow, row) for row in uow.session.scalars(query)]


def pay_code(
    *,
    uow: UnitOfWork,
    code_id: str,
    user_id: int,
    amount: int,
    idempotency_key: str,
    remark: str | None = None,
) -> CollectionResult:
    """Pay `amount` fen from the user's wallet to the code's owner (once per idempotency key)."""
    code = uow.session.get(CollectionCode, code_id)
    if code is None:
        raise NotFound("collection_code", code_id)
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= MAX_AMOUNT:
        raise InvalidInput(f"amount must be a whole number of fen from 1 to {MAX_AMOUNT}", field="amount")
    if remark is not None and len(remark) > NAME_MAX:
        raise InvalidInput(f"remark is longer than {NAME_MAX} characters", field="remark")
    if not 8 <= len(idempotency_key) <= 64:
        raise InvalidInput("idempotency_key must be 8–64 characters", field="idempotency_key")
    identity_service.get_user(uow=uow, user_id=user_id)
    if code.owner_user_id == user_id:
        raise Problem(409, "own_code", "you cannot pay your own collection code")
    existing = uow.session.scalar(select(Collection).where(Collection.idempotency_key == idempotency_key))
    if existing is not None:
        return CollectionResult(existing.id, code_id, code.name, existing.amount, replayed=True)
    now = uow.now()
    if code.owner_mchid is not None:
        merchant = uow.session.get(Merchant, code.owner_mchid)
        assert merchant is not None
        fee = fee_for(amount, merchant.fee_rate_ppm)
        legs = [
            (wallet_account(user_id), -amount),
            (merchant_pending_account(code.owner_mchid), amount - fee),
        ]
        legs += [(PLATFORM_FEES, fee)] if fee else []
    else:
        assert code.owner_user_id is not None
        fee = 0
        legs = [(wallet_account(user_id), -amount), (wallet_account(code.owner_user_id), amount)]
    row = Collection(
        code_id=code_id,
        payer_user_id=user_id,
        amount=amount,
        fee=fee,
        remark=remark,
        idempotency_key=idempotency_key,
        created_at=now,
    )
    try:
        with uow.session.begin_nested():
            uow.session.add(row)
            uow.session.flush()
            ledger.post(
                uow.session,
                key=f"collection:{idempotency_key}",
                kind="collection",
                legs=legs,
                now=now,
                memo=code.name,
            )
    except ledger.InsufficientFunds:
        raise Problem(409, "insufficient_balance", "余额不足: the wallet cannot cover this amount") from None
    except IntegrityError:  # the same key submitted concurrently: that one paid
        first = uow.session.scalar(select(Collection).where(Collection.idempotency_key == idempotency_key))
        assert first is not None
        return CollectionResult(first.id, code_id, code.name, first.amount, replayed=True)
    return CollectionResult(row.id, code_id, code.name, amount, replayed=False)
