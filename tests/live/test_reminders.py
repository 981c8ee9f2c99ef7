"""Reminders (预约): book a scheduled room, be reminded once it is live, until you go in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient

from tests.channels.test_feeds import as_user, channel
from tests.identity.helpers import make_user


def upcoming(client: TestClient, title: str = "周五晚八点") -> tuple[int, int]:
    owner, _ = channel(client, f"主播{title}")
    at = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()
    made = client.post("/api/live/rooms", json={"title": title, "scheduled_at": at}, headers=as_user(owner))
    assert made.status_code == 201, made.text
    return owner, int(made.json()["room_id"])


def reminders(client: TestClient, user: int) -> list[dict[str, Any]]:
    return list(client.get("/api/live/reminders", headers=as_user(user)).json()["reminders"])


def test_a_booked_room_reminds_when_it_starts_until_the_viewer_goes_in(client: TestClient) -> None:
    owner, room_id = upcoming(client)
    listed = client.get("/api/live/rooms", params={"state": "scheduled"}).json()["rooms"]
    assert [r["room_id"] for r in listed] == [room_id]
    fan = make_user(client, "铁粉")
    booked = client.put(f"/api/live/rooms/{room_id}/reminder", headers=as_user(fan))
    assert booked.json() == {"room_id": room_id, "booked": True, "changed": True}
    assert client.put(f"/api/live/rooms/{room_id}/reminder", headers=as_user(fan)).json()["changed"] is False
    assert [(r["room_id"], r["due"]) for r in reminders(client, fan)] == [(room_id, False)]  # not live yet
    client.post(f"/api/live/rooms/{room_id}/start", headers=as_user(owner))
    assert [(r["room_id"], r["due"]) for r in reminders(client, fan)] == [(room_id, True)]  # on any device
    entered = client.post(
        f"/api/live/rooms/{room_id}/enter", json={"source": "reminder"}, headers=as_user(fan)
    )
    assert entered.status_code == 201
    assert reminders(client, fan)[0]["due"] is False  # reminded enough
    stats = client.get(f"/api/live/rooms/{room_id}/stats").json()
    assert stats["entries"]["private"] == 1  # the owner's own audience, booked in advance
    late = client.put(f"/api/live/rooms/{room_id}/reminder", headers=as_user(make_user(client, "迟到")))
    assert (late.status_code, late.json()["code"]) == (409, "room_not_scheduled")


def test_cancelling_and_bad_requests(client: TestClient) -> None:
    _, room_id = upcoming(client)
    fan = make_user(client, "犹豫")
    client.put(f"/api/live/rooms/{room_id}/reminder", headers=as_user(fan))
    assert (
        client.delete(f"/api/live/rooms/{room_id}/reminder", headers=as_user(fan)).json()["changed"] is True
    )
    assert (
        client.delete(f"/api/live/rooms/{room_id}/reminder", headers=as_user(fan)).json()["changed"] is False
    )
    assert reminders(client, fan) == []
    assert client.put("/api/live/rooms/999/reminder", headers=as_user(fan)).status_code == 404
    assert client.get("/api/live/rooms", params={"state": "ended"}).status_code == 422
