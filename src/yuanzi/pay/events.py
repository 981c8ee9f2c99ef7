"""Events Pay publishes."""

from __future__ import annotations

import dataclasses

from yuanzi.core.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class MerchantCreated(Event):
    """A merchant account was opened."""

    topic = "pay.merchant.created"
    mchid: str
    name: str
    appid: str
