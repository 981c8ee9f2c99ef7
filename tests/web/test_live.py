"""The phone's live screens: rooms live now, a room page, comments and gifts as the signed-in user."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.live.test_rooms import live_room
from tests.web.helpers import csrf_token, sign_up


def test_rooms_and_a_room_page(client: TestClient) -> None:
    _, room = live_room(client, "晚间直播")
    room_id = room["room_id"]
    viewer = sign_up(client, "观众")
    listing = client.get("/live").text
    assert f'href="/live/{room_id}"' in listing
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
    assert client.post(f"/live/{room_id}/comments", json={"text": "x"}).status_code == 400  # no CSRF header
    assert client.get("/live/999").status_code == 404
