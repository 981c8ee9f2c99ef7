"""The double-entry ledger: every movement of money is one balanced transaction of signed entries.

- Amounts are integers (fen). A transaction's entries sum to zero; money is never made or lost.
- Each transaction has an idempotency key: posting the same key again moves nothing.
- Balances change only through one conditional UPDATE per account
  (`balance = balance + d WHERE balance + d >= 0`), applied in ascending account id order so
  concurrent transactions on PostgreSQL lock rows in one order and cannot deadlock; a short
  balance raises InsufficientFunds and the caller's unit of work rolls everything back.
- Only `world:*` accounts (money entering or leaving the platform) may go negative.

See docs/adr/0005-double-entry-ledger.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from yuanzi.core.db import Base, BigIntPK, UTCDateTime
from yuanzi.core.errors import YuanziError

WORLD_PREFIX = "world:"


class Account(Base):
    """A balance: a user's wallet, a merchant's pending or available funds, the platform's fees…"""

    __tablename__ = "pay_ledger_accounts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(96), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    balance: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    allow_negative: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (CheckConstraint("balance >= 0 OR allow_negative", name="balance_not_negative"),)


class LedgerTransaction(Base):
    """One balanced movement of money, unique by its idempotency key."""

    __tablename__ = "pay_ledger_transactions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(128), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    memo: Mapped[str] = mapped_column(String(256), nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class Entry(Base):
    """One leg of a transaction: a signed amount on one account."""

    __tablename__ = "pay_ledger_entries"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    transaction_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("pay_ledger_transactions.id"), nullable=False
    )
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("pay_ledger_accounts.id"), nullable=False)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)

    __table_args__ = (
        Index("ix_pay_ledger_entries_account", "account_id", "id"),
        Index("ix_pay_ledger_entries_transaction", "transaction_id"),
    )


class InsufficientFunds(YuanziError):
    """An account would go below zero; nothing of the transaction may be kept."""

    def __init__(self, code: str) -> None:
        super().__init__(f"insufficient funds in {code}")
        self.code = code


class UnbalancedTransaction(ValueError):
    """Entries that do not sum to zero, or are not whole positive/negative fen."""


@dataclasses.dataclass(frozen=True)
class PostResult:
    """The posted transaction; `replayed` when its key had been posted before (nothing moved)."""

    transaction_id: int
    replayed: bool


@dataclasses.dataclass(frozen=True)
class Movement:
    """One entry on an account, for statements."""

    key: str
    kind: str
    memo: str
    amount: int
    created_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class BooksReport:
    """The result of `check_books`."""

    ok: bool
    problems: list[str]
    accounts: int
    transactions: int
    entries_total: int


def open_account(session: Session, *, code: str, now: dt.datetime) -> int:
    """The id of account `code`, created on first use (concurrent first uses agree)."""
    existing = session.scalar(select(Account.id).where(Account.code == code))
    if existing is not None:
        return existing
    try:
        with session.begin_nested():
            session.execute(
                insert(Account).values(
                    code=code,
                    kind=code.split(":", 1)[0],
                    balance=0,
                    allow_negative=code.startswith(WORLD_PREFIX),
                    created_at=now,
                )
            )
    except IntegrityError:
        pass
    account_id = session.scalar(select(Account.id).where(Account.code == code))
    assert account_id is not None
    return account_id


def balance(session: Session, code: str) -> int:
    """The balance of `code` in fen (0 for an account never used)."""
    return session.scalar(select(Account.balance).where(Account.code == code)) or 0


def _check_legs(legs: Sequence[tuple[str, int]]) -> dict[str, int]:
    if len(legs) < 2:
        raise UnbalancedTransaction("a transaction needs at least two entries")
    merged: dict[str, int] = defaultdict(int)
    for code, amount in legs:
        if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0:
            raise UnbalancedTransaction(f"entry on {code} must be a non-zero whole number of fen")
        merged[code] += amount
    if sum(merged.values()) != 0:
        raise UnbalancedTransaction(f"entries sum to {sum(merged.values())}, not 0")
    return {code: amount for code, amount in merged.items() if amount != 0}


def post(
    session: Session,
    *,
    key: str,
    kind: str,
    legs: Sequence[tuple[str, int]],
    now: dt.datetime,
    memo: str = "",
) -> PostResult:
    """Post a balanced transaction once per `key`; InsufficientFunds if any account would go negative."""
    merged = _check_legs(legs)
    try:
        with session.begin_nested():
            transaction_id = session.execute(
                insert(LedgerTransaction)
                .values(key=key, kind=kind, memo=memo[:256], created_at=now)
                .returning(LedgerTransaction.id)
            ).scalar_one()
    except IntegrityError:
        existing = session.scalar(select(LedgerTransaction.id).where(LedgerTransaction.key == key))
        assert existing is not None
        return PostResult(existing, replayed=True)
    accounts = sorted(
        (open_account(session, code=code, now=now), code, amount) for code, amount in merged.items()
    )
    for account_id, code, amount in accounts:
        moved = session.execute(
            update(Account)
            .where(Account.id == account_id, (Account.balance + amount >= 0) | Account.allow_negative)
            .values(balance=Account.balance + amount)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise InsufficientFunds(code)
    session.execute(
        insert(Entry),
        [{"transaction_id": transaction_id, "account_id": a, "amount": amount} for a, _, amount in accounts],
    )
    return PostResult(transaction_id, replayed=False)


def history(session: Session, code: str, limit: int = 50) -> list[Movement]:
    """The account's entries, newest first."""
    rows = session.execute(
        select(
            LedgerTransaction.key,
            LedgerTransaction.kind,
            LedgerTransaction.memo,
            Entry.amount,
            LedgerTransaction.created_at,
        )
        .join(Entry, Entry.transaction_id == LedgerTransaction.id)
        .join(Account, Account.id == Entry.account_id)
        .where(Account.code == code)
        .order_by(Entry.id.desc())
        .limit(limit)
    ).all()
    return [Movement(key, kind, memo, amount, created_at) for key, kind, memo, amount, created_at in rows]


def check_books(session: Session) -> BooksReport:
    """Prove the books balance: every transaction sums to zero, every stored balance equals the sum
    of its entries, and no account that may not go negative is negative."""
    problems: list[str] = []
    for key, total in session.execute(
        select(LedgerTransaction.key, func.sum(Entry.amount))
        .join(Entry, Entry.transaction_id == LedgerTransaction.id)
        .group_by(LedgerTransaction.id, LedgerTransaction.key)
        .having(func.sum(Entry.amount) != 0)
    ):
        problems.append(f"transaction {key} sums to {total}")
    sums = {
        account_id: int(total or 0)
        for account_id, total in session.execute(
            select(Entry.account_id, func.sum(Entry.amount)).group_by(Entry.account_id)
        )
    }
    accounts = session.execute(
        select(Account.id, Account.code, Account.balance, Account.allow_negative)
    ).all()
    for account_id, code, stored, allow_negative in accounts:
        expected = sums.get(account_id, 0)
        if stored != expected:
            problems.append(f"account {code} holds {stored} but its entries sum to {expected}")
        if stored < 0 and not allow_negative:
            problems.append(f"account {code} is negative ({stored})")
    entries_total = int(session.scalar(select(func.coalesce(func.sum(Entry.amount), 0))) or 0)
    if entries_total != 0:
        problems.append(f"all entries sum to {entries_total}, not 0")
    transactions = session.scalar(select(func.count()).select_from(LedgerTransaction)) or 0
    return BooksReport(
        ok=not problems,
        problems=problems,
        accounts=len(accounts),
        transactions=transactions,
        entries_total=entries_total,
    )
