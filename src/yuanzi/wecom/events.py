"""Events WeCom publishes: customer-service accounts (微信客服) as they appear, change and go, for
whoever lists or indexes them (Search finds them)."""

from __future__ import annotations

import dataclasses

from yuanzi.core.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class KfAccountCreated(Event):
    """A corp added a customer-service account."""

    topic = "wecom.kf_account.created"
    open_kfid: str
    corpid: str
    corp_name: str
    name: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class KfAccountChanged(Event):
    """A customer-service account's name or avatar changed."""

    topic = "wecom.kf_account.changed"
    open_kfid: str
    corpid: str
    corp_name: str
    name: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class KfAccountDeleted(Event):
    """A customer-service account was deleted: nobody can reach it any more."""

    topic = "wecom.kf_account.deleted"
    open_kfid: str
