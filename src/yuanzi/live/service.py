"""Live's public interface: what other components, the CLI and the web client may call.

Every function takes keyword-only arguments, the first being the caller's unit of work, and never
commits.
"""

from __future__ import annotations

import datetime as dt

from yuanzi.core.events import Subscribers
from yuanzi.core.uow import UnitOfWorkFactory
from yuanzi.core.worker import Worker
from yuanzi.live import shelf, streams
from yuanzi.live.cover import set_cover
from yuanzi.live.figures import SOURCES, Figures, concurrency, enter, figures, like
from yuanzi.live.gifts import CATALOGUE, Sent, leaderboard
from yuanzi.live.gifts import send as send_gift
from yuanzi.live.incentive import GrantDay, Terms, promote
from yuanzi.live.incentive import ledger as grants
from yuanzi.live.incentive import terms as incentive_terms
from yuanzi.live.incentive_sim import Outcome as IncentiveOutcome
from yuanzi.live.incentive_sim import World as IncentiveWorld
from yuanzi.live.incentive_sim import simulate as simulate_incentive
from yuanzi.live.push import push_to_rtmp, stream_file
from yuanzi.live.reminders import Booked, book, booked, scheduled_rooms
from yuanzi.live.rooms import (
    LogEntry,
    NewRoom,
    RoomInfo,
    comment,
    create_room,
    end,
    entries_after,
    get_room,
    live_rooms,
    recent_rooms,
    start,
)
from yuanzi.live.shelf import Order, ProductInfo, add_product, buy, pin, pinned, products
from yuanzi.live.video import nginx_config
from yuanzi.pay.events import PaymentSucceeded
from yuanzi.settings import Settings

__all__ = [
    "CATALOGUE",
    "SOURCES",
    "Booked",
    "Figures",
    "GrantDay",
    "IncentiveOutcome",
    "IncentiveWorld",
    "LogEntry",
    "NewRoom",
    "Order",
    "ProductInfo",
    "RoomInfo",
    "Sent",
    "Terms",
    "add_product",
    "book",
    "booked",
    "buy",
    "comment",
    "concurrency",
    "create_room",
    "end",
    "enter",
    "entries_after",
    "figures",
    "get_room",
    "grants",
    "incentive_terms",
    "leaderboard",
    "like",
    "live_rooms",
    "nginx_config",
    "pin",
    "pinned",
    "products",
    "promote",
    "push_to_rtmp",
    "recent_rooms",
    "scheduled_rooms",
    "send_gift",
    "set_cover",
    "simulate_incentive",
    "start",
    "stream_file",
    "subscribe",
    "workers",
]


def workers(uow_factory: UnitOfWorkFactory, settings: Settings) -> list[Worker]:
    """Live's background work while the server runs: end rooms whose stream did not come back."""
    grace = dt.timedelta(seconds=settings.live_stream_grace_seconds)
    return [
        Worker(
            "live-abandoned-streams",
            lambda: streams.end_abandoned(uow_factory, grace),
            interval=5.0,
            batch=100,
            on_commit=False,
        )
    ]


def subscribe(subscribers: Subscribers) -> None:
    """Register Live's event subscribers: paid shelf orders count towards the room's sales."""
    subscribers.add("live.shelf-sales", [PaymentSucceeded], shelf.record_payment)
