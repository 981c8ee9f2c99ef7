"""The card Pay offers: a voucher stock (`ref` = stock_id) that a viewer can claim from content."""

from __future__ import annotations

from yuanzi.core import cards
from yuanzi.core.uow import UnitOfWork
from yuanzi.pay.models import CouponStock


def voucher_card(uow: UnitOfWork, ref: str) -> cards.Card | None:
    """A voucher stock, if it exists."""
    stock = uow.session.get(CouponStock, ref)
    if stock is None:
        return None
    amount, minimum = stock.coupon_amount, stock.transaction_minimum
    return cards.Card(
        kind="coupon",
        ref=ref,
        title=stock.stock_name,
        subtitle=f"代金券 −¥{amount // 100}.{amount % 100:02d} over ¥{minimum // 100}.{minimum % 100:02d}",
    )


cards.register("coupon", voucher_card)
