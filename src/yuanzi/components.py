"""Loads what each component contributes to the platform as a whole (its card resolvers).

Imported by app.py and the CLI: a card kind resolves only once its component's `cards` module has
registered it.
"""

from yuanzi.identity import cards as identity_cards  # noqa: F401 - registers the miniprogram card
from yuanzi.pay import cards as pay_cards  # noqa: F401 - registers the coupon card
