"""The phone's live screens: rooms live now, a room page, comments and gifts as the signed-in user."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.channels.test_feeds import channel
from tests.live.helpers import list_product, shop
from tests.live.test_rooms import live_room
from tests.web.helpers import csrf_token, sign_up


def test_rooms_and_a_room_page(client: TestClient) -> None:
    _, room = live_room(client, "晚间直播")
    room_id = room["room_id"]
    viewer = sign_up(client, "观众")
    listing = client.get("/live").text
    assert f'href="/live/{room_id}?from=discover"' in listing
    page = client.get(f"/live/{room_id}").text
    assert f'data-live-room="{room_id}"' in page
    assert 'id="gift-panel"' in page
    assert "火箭" in page
    token = csrf_token(client)  # the room page's fetches send the same token in a header
    headers = {"X-CSRF-Token": token}
    said = client.post(f"/live/{room_id}/comments", json={"text": "<b>好</b>"}, headers=headers)
    assert said.status_code == 201
    assert said.json()["user_id"] == viewer
    assert said.json()["body"]["text"] == "<b>好</b>"  # stored as typed; the page renders it as text
    short = client.post(
        f"/live/{room_id}/gifts", json={"gift": "heart", "request_id": "req-12345678"}, headers=headers
    )
    assert (short.status_code, short.json()["code"]) == (409, "not_enough")
    client.post(f"/sandbox/users/{viewer}/wallet/topup", json={"amount": 100})
    sent = client.post(
        f"/live/{room_id}/gifts", json={"gift": "heart", "request_id": "req-12345678"}, headers=headers
    )
    assert (sent.status_code, sent.json()["amount"], sent.json()["new"]) == (201, 10, True)
    assert "观众 · ¥0.10" in client.get(f"/live/{room_id}").text  # the top givers, by name
    assert client.post(f"/live/{room_id}/comments", json={"text": "x"}).status_code == 400  # no CSRF header
    assert client.get("/live/999").status_code == 404


def test_opening_a_room_is_an_entry_from_its_source_and_likes_fold_in(client: TestClient) -> None:
    _, room = live_room(client, "带货直播")
    room_id = room["room_id"]
    viewer = sign_up(client, "朋友")
    client.get(f"/live/{room_id}?from=share")
    client.get(f"/live/{room_id}?from=recommended")
    page = client.get(f"/live/{room_id}?from=<script>").text  # unknown: counted as Discover
    assert 'id="live-like"' in page
    assert '<span id="live-likes">0</span>' in page
    figures = client.get(f"/api/live/rooms/{room_id}/stats").json()
    assert (figures["views"], figures["unique_viewers"]) == (3, 1)
    assert figures["entries"] == {"private": 1, "public": 1, "other": 1}
    headers = {"X-CSRF-Token": csrf_token(client)}
    liked = client.post(f"/live/{room_id}/likes", json={"count": 12}, headers=headers)
    assert liked.json() == {"likes": 12}
    assert client.post(f"/live/{room_id}/likes", json={"count": 500}, headers=headers).status_code == 422
    assert '<span id="live-likes">12</span>' in client.get(f"/live/{room_id}").text
    assert viewer


def sign_out(client: TestClient) -> None:
    client.post("/signout", data={"csrf_token": csrf_token(client, "/me")})


def test_recommended_places_an_owed_room_and_its_owner_sees_the_grants(client: TestClient) -> None:
    owner, room = live_room(client, "产地直发")
    room_id = room["room_id"]
    sign_up(client, "老客户")
    client.get(f"/live/{room_id}?from=share")  # a private-domain entry
    sign_out(client)
    sign_up(client, "刷推荐的")
    feed = client.get("/channels?tab=recommended").text
    assert f'href="/live/{room_id}?from=recommended"' in feed
    client.get(f"/live/{room_id}?from=recommended")
    assert 'id="live-promoted"' not in client.get("/channels?tab=recommended").text  # repaid
    sign_out(client)
    client.post("/signin", data={"user_id": owner, "csrf_token": csrf_token(client, "/")})
    page = client.get(f"/live/{room_id}").text
    assert 'id="grants"' in page
    assert "<td>1</td><td>1</td><td>1</td><td>0</td>" in page  # brought, granted, placements, owed


def test_the_owner_pins_from_the_page_and_viewers_get_the_card(client: TestClient) -> None:
    owner, room = live_room(client, "小店开播")
    room_id = room["room_id"]
    product_id = list_product(client, owner, room_id, shop(client, owner, "小店"), "手工皂", 1_200)
    client.post("/signin", data={"user_id": owner, "csrf_token": csrf_token(client, "/")})
    page = client.get(f"/live/{room_id}").text
    assert f'data-pin="{product_id}"' in page
    assert 'id="live-buy"' not in page  # the owner does not buy its own
    pinned = client.post(
        f"/live/{room_id}/pinned/{product_id}", json={}, headers={"X-CSRF-Token": csrf_token(client)}
    )
    assert pinned.json() == {"pinned": product_id}
    sign_out(client)
    sign_up(client, "顾客")
    page = client.get(f"/live/{room_id}").text
    assert f'data-product="{product_id}"' in page
    assert 'id="live-buy"' in page
    assert "手工皂" in page
    bought = client.post(
        f"/live/{room_id}/products/{product_id}/buy", json={}, headers={"X-CSRF-Token": csrf_token(client)}
    )
    assert bought.status_code == 201
    assert bought.json()["pay_url"].startswith("/pay/h5?prepay_id=")


def test_booking_on_the_live_page_and_the_reminder_once_it_starts(client: TestClient) -> None:
    owner, _ = channel(client, "预约主播")
    at = "2026-12-31T12:00:00+00:00"
    room_id = client.post(
        "/api/live/rooms",
        json={"title": "跨年直播", "scheduled_at": at},
        headers={"X-Yuanzi-User": str(owner)},
    ).json()["room_id"]
    sign_up(client, "等开播")
    listing = client.get("/live").text
    assert 'id="live-upcoming"' in listing
    assert "预约 <span" in listing
    token = csrf_token(client, "/live")
    client.post(f"/live/{room_id}/reminder", data={"csrf_token": token, "on": "1"})
    assert "已预约" in client.get("/live").text
    client.post(f"/api/live/rooms/{room_id}/start", headers={"X-Yuanzi-User": str(owner)})
    due = client.get("/live").text
    assert f'href="/live/{room_id}?from=reminder"' in due
    client.get(f"/live/{room_id}?from=reminder")
    assert 'id="live-reminders"' not in client.get("/live").text
    refused = client.post(f"/live/{room_id}/reminder", data={"csrf_token": token, "on": "1"})
    assert refused.status_code == 409  # live now: nothing to book
    assert "only a room that has not started" in refused.text


def test_the_owner_adds_a_product_from_the_room_page(client: TestClient) -> None:
    owner, room = live_room(client, "手机上架")
    room_id = room["room_id"]
    mchid = shop(client, owner, "自营店")
    client.post("/signin", data={"user_id": owner, "csrf_token": csrf_token(client, "/")})
    page = client.get(f"/live/{room_id}").text
    assert f'<option value="{mchid}">自营店</option>' in page
    token = csrf_token(client, f"/live/{room_id}")
    form = {
        "csrf_token": token,
        "mchid": mchid,
        "title": "手工酱",
        "price": "19.90",
        "notify_url": "https://s.example/n",
    }
    added = client.post(f"/live/{room_id}/products", data=form, follow_redirects=False)
    assert added.status_code == 303
    shelf = client.get(f"/api/live/rooms/{room_id}/products").json()["products"]
    assert [(p["title"], p["price"]) for p in shelf] == [("手工酱", 1_990)]
    for bad in ({"price": "1.999"}, {"price": "abc"}, {"title": ""}, {"notify_url": "nope"}):
        refused = client.post(f"/live/{room_id}/products", data=form | bad)
        assert refused.status_code == 422, bad
        assert 'id="room-error"' in refused.text
    assert len(client.get(f"/api/live/rooms/{room_id}/products").json()["products"]) == 1
