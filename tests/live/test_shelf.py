"""The product shelf: products of a merchant the owner administers, pinned one at a time, bought
through Pay's sheet, sales and GMV counted once per paid order."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.channels.test_feeds import as_user
from tests.identity.helpers import make_app, make_user
from tests.live.test_rooms import events, live_room
from yuanzi.core.events import Subscribers
from yuanzi.core.runtime import Runtime
from yuanzi.live import service as live_service
from yuanzi.live import shelf
from yuanzi.pay.events import PaymentSucceeded

NOTIFY = "https://shop.example/notify"


@pytest.fixture
def world(client: TestClient, subscribers: Subscribers) -> dict[str, Any]:
    """A live room whose owner administers a merchant account."""
    live_service.subscribe(subscribers)
    owner, room = live_room(client, "源头好货")
    app = make_app(client, name="小店")
    made = client.post(
        "/sandbox/merchants", json={"name": "小店", "appid": app["appid"], "admin_user_id": owner}
    )
    assert made.status_code == 201, made.text
    assert made.json()["admin_user_id"] == owner
    return {"owner": owner, "room_id": room["room_id"], "mchid": made.json()["mchid"], "appid": app["appid"]}


def add(client: TestClient, world: dict[str, Any], user: int | None = None, **change: Any) -> Any:
    body = {"mchid": world["mchid"], "title": "红心猕猴桃 5斤", "price": 3_990, "notify_url": NOTIFY} | change
    return client.post(
        f"/api/live/rooms/{world['room_id']}/products", json=body, headers=as_user(user or world["owner"])
    )


def test_only_the_owner_sells_through_a_merchant_it_administers(
    client: TestClient, world: dict[str, Any]
) -> None:
    added = add(client, world)
    assert added.status_code == 201, added.text
    assert added.json() | {"product_id": 0} == {
        "product_id": 0,
        "room_id": world["room_id"],
        "mchid": world["mchid"],
        "title": "红心猕猴桃 5斤",
        "price": 3_990,
        "sales": 0,
        "gmv": 0,
        "pinned": False,
    }
    stranger = make_user(client, "别人")
    assert add(client, world, user=stranger).json()["code"] == "not_your_room"
    other_app = make_app(client, name="别家店")
    theirs = client.post("/sandbox/merchants", json={"name": "别家店", "appid": other_app["appid"]}).json()
    assert add(client, world, mchid=theirs["mchid"]).json()["code"] == "not_your_merchant"
    for change in (
        {"price": 0},
        {"price": 10_000_001},
        {"price": "1"},
        {"notify_url": "ftp://x/y"},
        {"title": ""},
    ):
        assert add(client, world, **change).status_code == 422, change
    shelf_now = client.get(f"/api/live/rooms/{world['room_id']}/products").json()
    assert len(shelf_now["products"]) == 1  # the refused ones changed nothing


def test_a_pinned_product_is_bought_through_the_sheet_and_counted_once(
    client: TestClient, world: dict[str, Any], app_runtime: Runtime
) -> None:
    room_id = world["room_id"]
    product_id = add(client, world).json()["product_id"]
    second = add(client, world, title="猕猴桃礼盒", price=9_900).json()["product_id"]
    pinned = client.put(f"/api/live/rooms/{room_id}/pinned/{product_id}", headers=as_user(world["owner"]))
    assert pinned.json()["pinned"]["pinned"] is True
    client.put(f"/api/live/rooms/{room_id}/pinned/{second}", headers=as_user(world["owner"]))  # one at a time
    cards = [e["body"]["pinned"]["title"] for e in events(client, room_id) if e["kind"] == "product"]
    assert cards == ["红心猕猴桃 5斤", "猕猴桃礼盒"]
    on_shelf = client.get(f"/api/live/rooms/{room_id}/products").json()["products"]
    assert [p["pinned"] for p in on_shelf] == [False, True]
    assert (
        client.put(f"/api/live/rooms/{room_id}/pinned/999", headers=as_user(world["owner"])).status_code
        == 404
    )

    buyer = make_user(client, "买家")
    order = client.post(f"/api/live/rooms/{room_id}/products/{second}/buy", headers=as_user(buyer))
    assert order.status_code == 201, order.text
    assert order.json()["pay_url"] == f"/pay/h5?prepay_id={order.json()['prepay_id']}"
    assert client.get(f"/api/live/rooms/{room_id}/products").json()["gmv"] == 0  # not paid yet
    short = client.post(f"/sandbox/users/{buyer}/pay", json={"prepay_id": order.json()["prepay_id"]})
    assert short.json()["trade_state"] == "PAYERROR"  # NOT_ENOUGH: nothing paid, nothing counted
    app_runtime.drain_events()
    assert client.get(f"/api/live/rooms/{room_id}/products").json()["gmv"] == 0

    client.post(f"/sandbox/users/{buyer}/wallet/topup", json={"amount": 10_000})
    paid = client.post(f"/sandbox/users/{buyer}/pay", json={"prepay_id": order.json()["prepay_id"]})
    assert paid.json()["trade_state"] == "SUCCESS", paid.text
    app_runtime.drain_events()
    after = client.get(f"/api/live/rooms/{room_id}/products").json()
    assert after["gmv"] == 9_900
    assert [(p["sales"], p["gmv"]) for p in after["products"]] == [(0, 0), (1, 9_900)]
    bought = [e for e in events(client, room_id) if e["kind"] == "purchase"]
    assert [(e["user_id"], e["body"]["title"]) for e in bought] == [(buyer, "猕猴桃礼盒")]

    # The same event delivered again changes nothing.
    again = PaymentSucceeded(
        mchid=world["mchid"],
        out_trade_no=order.json()["out_trade_no"],
        transaction_id=paid.json()["transaction_id"],
        user_id=buyer,
        total=9_900,
    )
    with app_runtime.uow() as uow:
        shelf.record_payment(again, uow)
        uow.commit()
    assert client.get(f"/api/live/rooms/{room_id}/products").json()["gmv"] == 9_900
    assert len([e for e in events(client, room_id) if e["kind"] == "purchase"]) == 1
    # The merchant is notified like for any order.
    notices = client.get(f"/sandbox/merchants/{world['mchid']}/notifications").json()["notifications"]
    assert [(n["event_type"], n["notify_url"]) for n in notices] == [("TRANSACTION.SUCCESS", NOTIFY)]


def test_nothing_is_sold_once_the_room_has_ended(client: TestClient, world: dict[str, Any]) -> None:
    product_id = add(client, world).json()["product_id"]
    client.post(f"/api/live/rooms/{world['room_id']}/end", headers=as_user(world["owner"]))
    buyer = make_user(client, "晚到的")
    late = client.post(
        f"/api/live/rooms/{world['room_id']}/products/{product_id}/buy", headers=as_user(buyer)
    )
    assert (late.status_code, late.json()["code"]) == (409, "room_not_live")
    assert add(client, world).json()["code"] == "room_ended"
