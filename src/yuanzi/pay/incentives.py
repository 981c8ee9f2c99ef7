"""Creator income from Channels' incentive plan, paid into the creator's wallet.

Channels decides who earns what (CreatorIncomeEarned); Pay moves the money: one ledger transaction
from the platform's incentive budget (`world:incentive`, money entering the platform like a top-up)
to the creator's wallet, keyed by creator and day, so a redelivered event pays once.
"""

from __future__ import annotations

from yuanzi.channels.events import CreatorIncomeEarned
from yuanzi.core.events import Event
from yuanzi.core.uow import UnitOfWork
from yuanzi.pay import ledger
from yuanzi.pay.payments import wallet_account

WORLD_INCENTIVE = "world:incentive"


def credit_creator_income(event: Event, uow: UnitOfWork) -> None:
    """Pay a creator's daily income into their wallet (once per creator and day)."""
    assert isinstance(event, CreatorIncomeEarned)
    if event.amount_fen <= 0:
        return
    ledger.post(
        uow.session,
        key=f"creator-income:{event.creator_id}:{event.day}",
        kind="creator_income",
        legs=[(WORLD_INCENTIVE, -event.amount_fen), (wallet_account(event.user_id), event.amount_fen)],
        now=uow.now(),
        memo=f"视频号创作者激励 {event.day}",
    )
