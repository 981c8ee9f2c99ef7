"""Settlement (T+1): what a merchant had pending at the end of a Beijing day becomes available the
next day — one ledger transaction per merchant per day, keyed by the day, so running it twice or
in several processes settles once. Refunds after the cut-off have already taken their share from
pending, so at most what is still pending moves."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from yuanzi.core.uow import UnitOfWorkFactory
from yuanzi.pay import ledger
from yuanzi.pay.ledger import Account, Entry, LedgerTransaction
from yuanzi.pay.payments import merchant_available_account, merchant_pending_account
from yuanzi.pay.wire import BEIJING


def cutoff(now: dt.datetime) -> dt.datetime:
    """The start of `now`'s Beijing day: what was pending before it settles today."""
    return now.astimezone(BEIJING).replace(hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)


def settle_due(uow_factory: UnitOfWorkFactory) -> int:
    """Settle every merchant whose pending balance at today's cut-off has not been settled yet;
    returns how many settlements were posted."""
    posted = 0
    with uow_factory() as uow:
        day = cutoff(uow.now())
        pending_accounts = list(
            uow.session.execute(
                select(Account.id, Account.code).where(
                    Account.code.like("merchant:%:pending"), Account.balance > 0
                )
            )
        )
    for account_id, code in pending_accounts:
        mchid = code.split(":")[1]
        with uow_factory() as uow:
            key = f"settlement:{mchid}:{day.astimezone(BEIJING).date().isoformat()}"
            if (
                uow.session.scalar(select(LedgerTransaction.id).where(LedgerTransaction.key == key))
                is not None
            ):
                continue
            before_cutoff = uow.session.scalar(
                select(func.coalesce(func.sum(Entry.amount), 0))
                .join(LedgerTransaction, LedgerTransaction.id == Entry.transaction_id)
                .where(Entry.account_id == account_id, LedgerTransaction.created_at < day)
            )
            amount = min(
                int(before_cutoff or 0), ledger.balance(uow.session, merchant_pending_account(mchid))
            )
            if amount <= 0:
                continue
            try:
                with uow.session.begin_nested():
                    ledger.post(
                        uow.session,
                        key=key,
                        kind="settlement",
                        legs=[
                            (merchant_pending_account(mchid), -amount),
                            (merchant_available_account(mchid), amount),
                        ],
                        now=uow.now(),
                        memo=f"T+1 settlement of {day.astimezone(BEIJING).date().isoformat()}",
                    )
            except ledger.InsufficientFunds:
                continue  # a refund took it meanwhile; the next run settles what is left
            uow.commit()
            posted += 1
    return posted
