"""Money between users and creators that is not an order: creator income from Channels'
incentive plan, and gifts (礼物) in live rooms.

Channels decides who earns what (CreatorIncomeEarned); Pay moves the money: one ledger transaction
from the platform's incentive budget (`world:incentive`, money entering the platform like a top-up)
to the creator's wallet, keyed by creator and day, so a redelivered event pays once.

A gift moves money from the viewer's wallet to the creator's, less the platform's share, in one
transaction keyed by the caller; a short balance moves nothing.
"""

from __future__ import annotations

from yuanzi.channels.events import CreatorIncomeEarned
from yuanzi.core.errors import InvalidInput, Problem
from yuanzi.core.events import Event
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.pay import ledger
from yuanzi.pay.payments import PLATFORM_FEES, wallet_account

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


def gift(
    *, uow: UnitOfWork, from_user_id: int, to_user_id: int, amount: int, share_ppm: int, key: str, memo: str
) -> bool:
    """Pay `amount` fen from one wallet to another, `share_ppm` millionths of it to the platform;
    False when `key` was paid before (nothing moves twice). 409 not_enough on a short balance."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise InvalidInput("amount must be a whole number of fen, at least 1", field="amount")
    if from_user_id == to_user_id:
        raise InvalidInput("a gift goes to someone else", field="to_user_id")
    identity_service.get_user(uow=uow, user_id=from_user_id)
    identity_service.get_user(uow=uow, user_id=to_user_id)
    share = (amount * share_ppm + 500_000) // 1_000_000
    try:
        with uow.session.begin_nested():
            result = ledger.post(
                uow.session,
                key=f"gift:{key}",
                kind="gift",
                legs=[
                    (wallet_account(from_user_id), -amount),
                    (wallet_account(to_user_id), amount - share),
                    (PLATFORM_FEES, share),
                ],
                now=uow.now(),
                memo=memo,
            )
    except ledger.InsufficientFunds:
        raise Problem(409, "not_enough", "the wallet balance is not enough for this gift") from None
    return not result.replayed
