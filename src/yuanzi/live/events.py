"""Events Live publishes."""

from __future__ import annotations

import dataclasses

from yuanzi.core.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class RoomCreated(Event):
    """A channel scheduled or opened a live room."""

    topic = "live.room.created"
    room_id: int
    creator_id: int
    creator_name: str
    title: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class RoomStarted(Event):
    """A room went live."""

    topic = "live.room.started"
    room_id: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class RoomEnded(Event):
    """A live room ended."""

    topic = "live.room.ended"
    room_id: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProductListed(Event):
    """A product went on a room's shelf."""

    topic = "live.product.listed"
    product_id: int
    room_id: int
    title: str
    price: int  # fen
    seller: str  # the channel selling it


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProductSold(Event):
    """A shelf product was paid for."""

    topic = "live.product.sold"
    product_id: int
    room_id: int
    amount: int  # fen
