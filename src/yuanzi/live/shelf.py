"""The product shelf (购物车): a room's products, one pinned at a time, bought through Pay.

A room's owner puts products on its shelf through a merchant account the owner administers (Pay's
超级管理员). Pinning one shows it to every viewer as a card (a `product` entry in the log). Buying
places a JSAPI order on the merchant's behalf (`pay_service.place_order`) and hands back its
prepay_id, which opens the payment sheet; the merchant is notified on its notify_url as for any
order. When Pay says the order was paid (PaymentSucceeded), the purchase counts — once, however
often the event arrives — towards the product's and the room's sales and GMV, and a `purchase`
entry tells the room. Both kinds of entry are high priority: never sampled, always resent.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
from typing import Any

from sqlalchemy import select, update

from yuanzi.core.errors import InvalidInput, NotFound, Problem
from yuanzi.core.events import Event
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.live import rooms
from yuanzi.live.events import ProductListed, ProductSold
from yuanzi.live.models import Product, Purchase, Room
from yuanzi.live.rows import owned_room, room_row
from yuanzi.pay import service as pay_service
from yuanzi.pay.events import PaymentSucceeded

TITLE_MAX = 64
PRICE_MAX = 10_000_000  # fen: ¥100,000
_URL = re.compile(r"^https?://[^\s]{1,248}$")


@dataclasses.dataclass(frozen=True)
class ProductInfo:
    """A shelf product as viewers and the owner see it."""

    product_id: int
    room_id: int
    mchid: str
    title: str
    price: int
    sales: int
    gmv: int
    pinned: bool

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class Order:
    """The order placed for a purchase: its prepay_id opens the payment sheet."""

    purchase_id: int
    out_trade_no: str
    prepay_id: str
    amount: int


def _info(row: Product, pinned_id: int | None) -> ProductInfo:
    return ProductInfo(
        row.id, row.room_id, row.mchid, row.title, row.price, row.sales, row.gmv, row.id == pinned_id
    )


def _product(uow: UnitOfWork, room_id: int, product_id: int) -> Product:
    row = uow.session.get(Product, product_id)
    if row is None or row.room_id != room_id:
        raise NotFound("product", product_id)
    return row


def add_product(
    *, uow: UnitOfWork, room_id: int, user_id: int, mchid: str, title: str, price: int, notify_url: str
) -> ProductInfo:
    """Put a product on the room's shelf, sold through merchant `mchid`, which the owner administers."""
    room = owned_room(uow, room_id, user_id)
    if room.state == rooms.ENDED:
        raise Problem(409, "room_ended", "this room has ended")
    clean = title.strip()
    if not 1 <= len(clean) <= TITLE_MAX:
        raise InvalidInput(f"a title is 1–{TITLE_MAX} characters", field="title")
    if isinstance(price, bool) or not isinstance(price, int) or not 1 <= price <= PRICE_MAX:
        raise InvalidInput(f"price is a whole number of fen, 1–{PRICE_MAX}", field="price")
    if not _URL.match(notify_url):
        raise InvalidInput(
            "notify_url is the merchant's http(s) URL for payment notifications", field="notify_url"
        )
    merchant = pay_service.get_merchant(uow=uow, mchid=mchid)
    if merchant.admin_user_id != user_id:
        raise Problem(403, "not_your_merchant", "you do not administer this merchant account")
    row = Product(
        room_id=room_id,
        mchid=mchid,
        title=clean,
        price=price,
        notify_url=notify_url,
        sales=0,
        gmv=0,
        created_at=uow.now(),
    )
    uow.session.add(row)
    uow.session.flush()
    seller = rooms.info(uow, room).creator_name
    uow.publish(ProductListed(product_id=row.id, room_id=room_id, title=clean, price=price, seller=seller))
    return _info(row, room.pinned_product_id)


def pin(*, uow: UnitOfWork, room_id: int, user_id: int, product_id: int | None) -> ProductInfo | None:
    """Pin a product for every viewer (replacing the one pinned before), or unpin with None."""
    room = owned_room(uow, room_id, user_id)
    product = _product(uow, room_id, product_id) if product_id is not None else None
    if room.pinned_product_id == product_id:
        return _info(product, product_id) if product else None
    body: dict[str, Any] = {"pinned": None}
    if product is not None:
        body = {"pinned": {"product_id": product.id, "title": product.title, "price": product.price}}
    rooms.append(uow=uow, room_id=room_id, kind="product", user_id=None, body=body)  # 409 unless live
    room.pinned_product_id = product_id
    uow.session.flush()
    return _info(product, product_id) if product else None


def buy(*, uow: UnitOfWork, room_id: int, product_id: int, user_id: int) -> Order:
    """Place the order for a viewer buying a shelf product in a live room."""
    if room_row(uow, room_id).state != rooms.LIVE:
        raise Problem(409, "room_not_live", "the room is not live")
    product = _product(uow, room_id, product_id)
    identity_service.get_user(uow=uow, user_id=user_id)
    out_trade_no = "LIVE" + secrets.token_hex(12)
    prepay_id = pay_service.place_order(
        uow=uow,
        mchid=product.mchid,
        user_id=user_id,
        description=product.title,
        total=product.price,
        out_trade_no=out_trade_no,
        notify_url=product.notify_url,
        attach=f"live:{room_id}:{product_id}",
    )
    purchase = Purchase(
        room_id=room_id,
        product_id=product_id,
        user_id=user_id,
        mchid=product.mchid,
        out_trade_no=out_trade_no,
        prepay_id=prepay_id,
        amount=product.price,
        created_at=uow.now(),
    )
    uow.session.add(purchase)
    uow.session.flush()
    return Order(purchase.id, out_trade_no, prepay_id, product.price)


def record_payment(event: Event, uow: UnitOfWork) -> None:
    """Pay's PaymentSucceeded for a shelf order: count the sale once and tell the room."""
    assert isinstance(event, PaymentSucceeded)
    purchase = uow.session.scalar(
        select(Purchase).where(Purchase.mchid == event.mchid, Purchase.out_trade_no == event.out_trade_no)
    )
    if purchase is None or purchase.paid_at is not None:
        return  # not a shelf order, or counted already
    purchase.paid_at = uow.now()
    uow.session.execute(
        update(Product)
        .where(Product.id == purchase.product_id)
        .values(sales=Product.sales + 1, gmv=Product.gmv + event.total)
    )
    uow.session.execute(update(Room).where(Room.id == purchase.room_id).values(gmv=Room.gmv + event.total))
    uow.publish(ProductSold(product_id=purchase.product_id, room_id=purchase.room_id, amount=event.total))
    room = uow.session.get(Room, purchase.room_id)
    product = uow.session.get(Product, purchase.product_id)
    if room is not None and product is not None and room.state == rooms.LIVE:
        buyer = identity_service.get_user(uow=uow, user_id=purchase.user_id)
        rooms.append(
            uow=uow,
            room_id=room.id,
            kind="purchase",
            user_id=purchase.user_id,
            body={"nickname": buyer.nickname, "product_id": product.id, "title": product.title},
        )


def products(*, uow: UnitOfWork, room_id: int) -> tuple[list[ProductInfo], int]:
    """The room's shelf (oldest first) and its GMV in fen."""
    room = room_row(uow, room_id)
    rows = uow.session.scalars(select(Product).where(Product.room_id == room_id).order_by(Product.id))
    return [_info(r, room.pinned_product_id) for r in rows], room.gmv


def pinned(*, uow: UnitOfWork, room_id: int) -> ProductInfo | None:
    """The product pinned in the room now, if any."""
    room = uow.session.get(Room, room_id)
    if room is None or room.pinned_product_id is None:
        return None
    return _info(_product(uow, room_id, room.pinned_product_id), room.pinned_product_id)
