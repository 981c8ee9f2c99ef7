"""Live's commerce under /api/live/: the product shelf (products, pinning, buying) and the merchant
traffic incentive (placement in Recommended, the grants ledger)."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from yuanzi.core.http import ReadUoW, UoW, User
from yuanzi.live import incentive, shelf
from yuanzi.live.routes import room_json

router = APIRouter(prefix="/api/live", tags=["live"])


def incentive_terms(request: Request) -> incentive.Terms:
    return incentive.terms(request.app.state.settings)


@router.get("/recommended")
def recommended(request: Request, user: User, uow: UoW) -> dict[str, Any]:
    """The live room to place at the top of your Recommended feed now (`room` is null when none
    is owed public traffic): the merchant incentive's placement, counted as an impression."""
    room = incentive.promote(uow=uow, user_id=user, terms=incentive_terms(request))
    uow.commit()
    return {"room": room_json(room) if room else None, "source": incentive.GRANTING_SOURCE}


@router.get("/rooms/{room_id}/grants")
def grants(request: Request, room_id: int, user: User, uow: ReadUoW) -> dict[str, Any]:
    """The room's incentive ledger by Beijing day (its owner only): private entries brought,
    public entries granted, impressions spent, and what is still owed."""
    days = incentive.ledger(uow=uow, room_id=room_id, user_id=user, terms=incentive_terms(request))
    return {"room_id": room_id, "days": [dataclasses.asdict(d) for d in days]}


class NewProduct(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mchid: StrictStr = Field(min_length=1, max_length=32)
    title: StrictStr = Field(min_length=1, max_length=shelf.TITLE_MAX)
    price: int = Field(ge=1, le=shelf.PRICE_MAX, strict=True)
    notify_url: StrictStr = Field(min_length=8, max_length=256)


@router.post("/rooms/{room_id}/products", status_code=201)
def add_product(room_id: int, body: NewProduct, user: User, uow: UoW) -> dict[str, Any]:
    """Put a product on your room's shelf, sold through a merchant account you administer
    (`403 not_your_merchant` otherwise); `price` in fen; the merchant's `notify_url` gets the
    payment notifications."""
    product = shelf.add_product(
        uow=uow,
        room_id=room_id,
        user_id=user,
        mchid=body.mchid,
        title=body.title,
        price=body.price,
        notify_url=body.notify_url,
    )
    uow.commit()
    return product.to_json()


@router.get("/rooms/{room_id}/products")
def list_products(room_id: int, uow: ReadUoW) -> dict[str, Any]:
    """The room's shelf with each product's sales and GMV, and the room's GMV (fen)."""
    found, gmv = shelf.products(uow=uow, room_id=room_id)
    return {"room_id": room_id, "gmv": gmv, "products": [p.to_json() for p in found]}


@router.put("/rooms/{room_id}/pinned/{product_id}")
@router.delete("/rooms/{room_id}/pinned")
def pin(room_id: int, user: User, uow: UoW, product_id: int | None = None) -> dict[str, Any]:
    """PUT pins a product for every viewer (one at a time); DELETE unpins. The owner only."""
    product = shelf.pin(uow=uow, room_id=room_id, user_id=user, product_id=product_id)
    uow.commit()
    return {"room_id": room_id, "pinned": product.to_json() if product else None}


@router.post("/rooms/{room_id}/products/{product_id}/buy", status_code=201)
def buy(room_id: int, product_id: int, user: User, uow: UoW) -> dict[str, Any]:
    """Buy a shelf product: a JSAPI order for you; open `pay_url` (the payment sheet) to pay.
    The sale counts when the payment succeeds."""
    order = shelf.buy(uow=uow, room_id=room_id, product_id=product_id, user_id=user)
    uow.commit()
    return dataclasses.asdict(order) | {"pay_url": f"/pay/h5?prepay_id={order.prepay_id}"}
