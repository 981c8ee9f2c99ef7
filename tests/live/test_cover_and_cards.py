"""A room's cards and cover, and the live_room card content can carry."""

from __future__ import annotations

import io
import json

from fastapi.testclient import TestClient
from PIL import Image

from tests.channels.test_feeds import as_user, channel
from tests.identity.helpers import make_app, make_user
from tests.web.helpers import csrf_token


def png(size: tuple[int, int] = (1600, 900)) -> bytes:
    data = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(data, "PNG")
    return data.getvalue()


def test_a_room_shows_its_cards_and_bad_cards_change_nothing(client: TestClient) -> None:
    owner, _ = channel(client, "带卡片")
    app = make_app(client, name="点单小程序")
    made = client.post(
        "/api/live/rooms",
        json={"title": "边看边点", "cards": [{"kind": "miniprogram", "ref": app["appid"]}]},
        headers=as_user(owner),
    )
    assert made.status_code == 201, made.text
    card = made.json()["cards"][0]
    assert (card["kind"], card["title"], card["resolved"]) == ("miniprogram", "点单小程序", True)
    for cards in (
        [{"kind": "miniprogram", "ref": "wx0000000000000000"}],  # names nothing
        [{"kind": "spaceship", "ref": "1"}],
        [{"kind": "wecom_contact", "ref": str(i)} for i in range(4)],  # at most three
    ):
        refused = client.post("/api/live/rooms", json={"title": "x", "cards": cards}, headers=as_user(owner))
        assert refused.status_code == 422, cards
    assert len(client.get("/api/live/rooms", params={"state": "scheduled"}).json()["rooms"]) == 0


def test_a_post_card_leads_into_the_room_as_the_owner_s_own_audience(client: TestClient) -> None:
    owner, _ = channel(client, "发帖预告")
    room_id = client.post("/api/live/rooms", json={"title": "今晚八点"}, headers=as_user(owner)).json()[
        "room_id"
    ]
    post = client.post(
        "/api/channels/posts",
        data={"text": "今晚直播见", "cards": json.dumps([{"kind": "live_room", "ref": str(room_id)}])},
        files=[("images", ("p.png", png((64, 48)), "image/png"))],
        headers=as_user(owner),
    )
    assert post.status_code == 201, post.text
    card = post.json()["cards"][0]
    assert (card["title"], card["subtitle"], card["action_url"]) == (
        "今晚八点",
        "预约 Upcoming",
        f"/live/{room_id}?from=card",
    )
    bad = client.post(
        "/api/channels/posts",
        data={"text": "x", "cards": json.dumps([{"kind": "live_room", "ref": "999"}])},
        files=[("images", ("p.png", png((64, 48)), "image/png"))],
        headers=as_user(owner),
    )
    assert bad.status_code == 422
    client.post(f"/api/live/rooms/{room_id}/start", headers=as_user(owner))
    fan = make_user(client, "看到预告")
    client.post(f"/api/live/rooms/{room_id}/enter", json={"source": "card"}, headers=as_user(fan))
    assert client.get(f"/api/live/rooms/{room_id}/stats").json()["entries"]["private"] == 1


def test_the_owner_sets_a_cover_and_anything_else_is_refused(client: TestClient) -> None:
    owner, _ = channel(client, "有封面")
    room_id = client.post("/api/live/rooms", json={"title": "封面"}, headers=as_user(owner)).json()["room_id"]
    assert client.get(f"/api/live/rooms/{room_id}/cover").json()["code"] == "cover_not_found"
    files = {"file": ("cover.png", png(), "image/png")}
    stranger = make_user(client, "路人")
    assert (
        client.put(f"/api/live/rooms/{room_id}/cover", files=files, headers=as_user(stranger)).status_code
        == 403
    )
    set_ = client.put(f"/api/live/rooms/{room_id}/cover", files=files, headers=as_user(owner))
    assert set_.json() == {"room_id": room_id, "cover_url": f"/api/live/rooms/{room_id}/cover"}
    got = client.get(f"/api/live/rooms/{room_id}/cover")
    assert got.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(got.content)).size == (1280, 720)  # at most 1280 on the long side
    junk = {"file": ("cover.png", b"not an image", "image/png")}
    refused = client.put(f"/api/live/rooms/{room_id}/cover", files=junk, headers=as_user(owner))
    assert (refused.status_code, refused.json()["code"]) == (422, "unsupported_media")
    assert client.get(f"/api/live/rooms/{room_id}/cover").content == got.content  # unchanged
    assert client.get(f"/api/live/rooms/{room_id}").json()["cover_url"] == f"/api/live/rooms/{room_id}/cover"


def test_going_live_from_the_console_with_a_cover(client: TestClient) -> None:
    _, creator_id = channel(client, "控制台封面")
    token = csrf_token(client, "/console/live")
    made = client.post(
        "/console/live",
        data={"csrf_token": token, "creator_id": str(creator_id), "title": "带封面开播"},
        files={"cover": ("c.png", png((300, 300)), "image/png")},
    )
    assert made.status_code == 201, made.text
    room = client.get("/api/live/rooms", params={"state": "scheduled"}).json()
    assert room["rooms"] == []  # not scheduled for a time: listed nowhere until live
    rooms_page = client.get("/console/live").text
    assert "带封面开播" in rooms_page
    junk = client.post(
        "/console/live",
        data={"csrf_token": token, "creator_id": str(creator_id), "title": "坏封面"},
        files={"cover": ("c.png", b"nope", "image/png")},
    )
    assert junk.status_code == 422
    assert "坏封面" not in client.get("/console/live").text  # nothing created
