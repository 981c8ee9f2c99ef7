"""Under load each viewer gets a sample of ordinary comments; gifts and announcements always."""

from __future__ import annotations

import random
from typing import Any

from fastapi.testclient import TestClient

from tests.channels.test_feeds import as_user
from tests.identity.helpers import make_user
from tests.live.test_rooms import live_room
from yuanzi.live import hub
from yuanzi.live.sampling import Budget


def burst(comments: int, gifts: int) -> list[dict[str, Any]]:
    kinds = ["comment"] * comments + ["gift"] * gifts
    random.Random(1).shuffle(kinds)
    return [{"seq": i + 1, "kind": kind} for i, kind in enumerate(kinds)]


def test_a_budget_keeps_every_gift_and_at_most_its_rate_of_comments() -> None:
    now = [0.0]
    budget = Budget(10, clock=lambda: now[0], rng=random.Random(7))
    frame = burst(comments=30, gifts=3)
    kept = budget.sample(frame)
    assert sum(e["kind"] == "gift" for e in kept) == 3
    assert sum(e["kind"] == "comment" for e in kept) == 10
    assert [e["seq"] for e in kept] == sorted(e["seq"] for e in kept)  # in order
    again = budget.sample(burst(comments=5, gifts=1))  # the same instant: the budget is spent
    assert [e["kind"] for e in again] == ["gift"]
    now[0] = 0.5  # half a second later: five more
    assert sum(e["kind"] == "comment" for e in budget.sample(burst(comments=30, gifts=0))) == 5
    now[0] = 60.0  # a quiet minute saves up at most one second's worth
    assert len(budget.sample(burst(comments=30, gifts=0))) == 10
    quiet = burst(comments=4, gifts=0)
    now[0] = 61.0
    assert budget.sample(quiet) == quiet  # under the rate, nothing is dropped


def test_viewers_get_different_samples() -> None:
    frame = burst(comments=100, gifts=0)
    first = Budget(10, clock=lambda: 0.0, rng=random.Random(1)).sample(frame)
    second = Budget(10, clock=lambda: 0.0, rng=random.Random(2)).sample(frame)
    assert first != second


def test_a_reconnecting_viewer_gets_every_gift_and_the_latest_comments(client: TestClient) -> None:
    _, room = live_room(client)
    room_id = room["room_id"]
    giver = make_user(client, "送礼的")
    client.post(f"/sandbox/users/{giver}/wallet/topup", json={"amount": 1_000})
    for i in range(hub.BACKLOG_ORDINARY + 20):
        if i in (3, 40):
            gift = {"gift": "heart", "request_id": f"backlog-gift-{i:03d}"}
            assert (
                client.post(f"/api/live/rooms/{room_id}/gifts", json=gift, headers=as_user(giver)).status_code
                == 201
            )
        fan = make_user(client, f"路人{i}")  # one comment each: no one reaches the rate limit
        response = client.post(
            f"/api/live/rooms/{room_id}/comments", json={"text": f"第{i}条"}, headers=as_user(fan)
        )
        assert response.status_code == 201, response.text
    with client.websocket_connect(f"/api/live/rooms/{room_id}/ws?after=0") as socket:
        backlog = socket.receive_json()["events"]
    kinds = [e["kind"] for e in backlog]
    assert kinds.count("gift") == 2
    assert kinds.count("announcement") == 1  # the start
    assert kinds.count("comment") == hub.BACKLOG_ORDINARY
    seqs = [e["seq"] for e in backlog]
    assert seqs == sorted(seqs)
    assert backlog[-1]["body"]["text"] == "第69条"  # the newest comments, up to the last
