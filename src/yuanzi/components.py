"""What each component contributes to the platform as a whole: card resolvers, event subscribers
and background workers.

Imported by app.py and the CLI: a card kind resolves only once its component's `cards` module has
registered it.
"""

from __future__ import annotations

from yuanzi.channels import service as channels_service
from yuanzi.core.events import Subscribers
from yuanzi.core.uow import UnitOfWorkFactory
from yuanzi.core.worker import Worker
from yuanzi.identity import cards as identity_cards  # noqa: F401 - registers the miniprogram card
from yuanzi.live import cards as live_cards  # noqa: F401 - registers the live_room card
from yuanzi.live import service as live_service
from yuanzi.pay import cards as pay_cards  # noqa: F401 - registers the coupon card
from yuanzi.pay import service as pay_service
from yuanzi.search import service as search_service
from yuanzi.settings import Settings
from yuanzi.wecom import cards as wecom_cards  # noqa: F401 - registers the kf card
from yuanzi.wecom import service as wecom_service


def subscribers() -> Subscribers:
    """Every component's event subscribers."""
    subs = Subscribers()
    pay_service.subscribe(subs)
    search_service.subscribe(subs)
    live_service.subscribe(subs)
    return subs


def workers(uow_factory: UnitOfWorkFactory, settings: Settings) -> list[Worker]:
    """Every component's background work while the server runs."""
    return [
        *pay_service.workers(uow_factory),
        *channels_service.workers(uow_factory, settings),
        *search_service.workers(uow_factory, settings),
        *live_service.workers(uow_factory, settings),
        *wecom_service.workers(uow_factory),
    ]
