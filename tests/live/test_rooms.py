"""Live rooms through the API: states, the room log with sequence numbers, resuming, the socket."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.channels.test_feeds import as_user, channel
from tests.identity.helpers import make_user


def live_room(client: TestClient, title: str = "今晚直播") -> tuple[int, dict[str, Any]]:
    owner, _ = channel(client, f"主播{title}")
    created = client.post("/api/live/rooms", json={"title": title}, headers=as_user(owner))
    assert created.status_code == 201, created.text
    room = created.json()
    assert room["state"] == "scheduled"
    assert room["stream_key"].startswith("live_")
    started = client.post(f"/api/live/rooms/{room['room_id']}/start", headers=as_user(owner))
    assert started.json()["state"] == "live"
    return owner, room


def events(client: TestClient, room_id: int, after: int = 0) -> list[dict[str, Any]]:
    return list(client.get(f"/api/live/rooms/{room_id}/events", params={"after": after}).json()["events"])


def next_events(socket: Any) -> list[dict[str, Any]]:
    """The next frame's entries, skipping frames that only update the counters."""
    while not (frame := socket.receive_json())["events"]:
        assert {"likes", "viewers"} <= frame.keys()
    return list(frame["events"])


def test_a_room_goes_live_takes_comments_in_order_and_ends(client: TestClient) -> None:
    owner, room = live_room(client)
    room_id = room["room_id"]
    viewer = make_user(client, "观众")
    for text in ("第一", "第二", "第三"):
        response = client.post(
            f"/api/live/rooms/{room_id}/comments", json={"text": text}, headers=as_user(viewer)
        )
        assert response.status_code == 201
    log = events(client, room_id)
    assert [e["seq"] for e in log] == [1, 2, 3, 4]
    assert log[0]["kind"] == "announcement"
    assert [e["body"]["text"] for e in log[1:]] == ["第一", "第二", "第三"]
    assert all(e["user_id"] == viewer and e["body"]["nickname"] == "观众" for e in log[1:])
    assert [e["seq"] for e in events(client, room_id, after=2)] == [3, 4]  # resume after what was seen
    waited = client.get(f"/api/live/rooms/{room_id}/events", params={"after": 4, "wait": 0.5})
    assert waited.json()["events"] == []  # nothing new within the wait
    assert client.get("/api/live/rooms").json()["rooms"][0]["room_id"] == room_id
    ended = client.post(f"/api/live/rooms/{room_id}/end", headers=as_user(owner))
    assert ended.json()["state"] == "ended"
    late = client.post(f"/api/live/rooms/{room_id}/comments", json={"text": "晚了"}, headers=as_user(viewer))
    assert late.status_code == 409
    assert late.json()["code"] == "room_not_live"
    assert (
        client.post(f"/api/live/rooms/{room_id}/start", headers=as_user(owner)).json()["code"] == "room_ended"
    )
    assert events(client, room_id)[-1]["body"]["text"] == "直播结束 Ended"
    assert client.get("/api/live/rooms").json()["rooms"] == []


def test_bad_requests_change_nothing(client: TestClient) -> None:
    nobody = make_user(client, "没有频道")
    no_channel = client.post("/api/live/rooms", json={"title": "x"}, headers=as_user(nobody))
    assert no_channel.status_code == 409
    assert no_channel.json()["code"] == "no_channel"
    owner, room = live_room(client)
    room_id = room["room_id"]
    other = make_user(client, "路人")
    assert (
        client.post(f"/api/live/rooms/{room_id}/end", headers=as_user(other)).json()["code"]
        == "not_your_room"
    )
    for body in ({"text": ""}, {"text": "长" * 201}, {"text": "x", "user_id": owner}):
        response = client.post(f"/api/live/rooms/{room_id}/comments", json=body, headers=as_user(other))
        assert response.status_code == 422, body
    assert client.post(f"/api/live/rooms/{room_id}/comments", json={"text": "x"}).status_code == 401
    assert client.get("/api/live/rooms/999").status_code == 404
    assert len(events(client, room_id)) == 1  # only the start announcement


def test_viewers_get_frames_and_resume_after_a_reconnect(client: TestClient) -> None:
    _, room = live_room(client)
    room_id = room["room_id"]
    viewer = make_user(client, "观众")
    with client.websocket_connect(f"/api/live/rooms/{room_id}/ws") as socket:
        backlog = socket.receive_json()
        assert [e["seq"] for e in backlog["events"]] == [1]
        client.post(f"/api/live/rooms/{room_id}/comments", json={"text": "你好"}, headers=as_user(viewer))
        assert [(e["seq"], e["body"]["text"]) for e in next_events(socket)] == [(2, "你好")]
    for text in ("断线时一", "断线时二"):
        client.post(f"/api/live/rooms/{room_id}/comments", json={"text": text}, headers=as_user(viewer))
    with client.websocket_connect(f"/api/live/rooms/{room_id}/ws?after=2") as socket:
        missed = socket.receive_json()
        assert [e["body"]["text"] for e in missed["events"]] == ["断线时一", "断线时二"]
    with client.websocket_connect("/api/live/rooms/999/ws") as socket:
        message = socket.receive()
        assert message["type"] == "websocket.close"
        assert message["code"] == 4404


def test_an_ended_room_sends_what_was_said_then_closes_and_chatter_is_ignored(client: TestClient) -> None:
    owner, room = live_room(client)
    room_id = room["room_id"]
    viewer = make_user(client, "话痨")
    with client.websocket_connect(f"/api/live/rooms/{room_id}/ws") as socket:
        socket.receive_json()
        for _ in range(200):  # a flood of client frames: read, ignored, the room keeps serving
            socket.send_text("{not json")
        client.post(f"/api/live/rooms/{room_id}/comments", json={"text": "还在"}, headers=as_user(viewer))
        assert [e["body"]["text"] for e in next_events(socket)] == ["还在"]
        client.post(f"/api/live/rooms/{room_id}/end", headers=as_user(owner))
        assert next_events(socket)[-1]["body"]["state"] == "ended"
        closing = socket.receive()
        assert (closing["type"], closing["code"]) == ("websocket.close", 4410)
    with client.websocket_connect(f"/api/live/rooms/{room_id}/ws") as socket:
        said = socket.receive_json()["events"]
        assert [e["body"].get("text") for e in said][-2:] == ["还在", "直播结束 Ended"]
        closing = socket.receive()
        assert (closing["type"], closing["code"]) == ("websocket.close", 4410)
