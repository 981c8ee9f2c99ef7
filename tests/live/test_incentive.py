"""The merchant traffic incentive: private entries brought earn public entries from Recommended."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from tests.channels.test_feeds import as_user
from tests.identity.helpers import make_user
from tests.live.test_rooms import live_room
from yuanzi.live import incentive
from yuanzi.settings import Settings


def test_owed_follows_the_ratio_and_the_cap() -> None:
    terms = incentive.Terms(ratio=1.5, daily_cap=10)
    private, public = np.array([0, 3, 4, 100, 5]), np.array([0, 1, 9, 0, 8])
    assert incentive.owed(private, public, terms).tolist() == [0, 4, 0, 10, 0]


def test_placements_are_shared_in_proportion_to_what_is_owed() -> None:
    placed = incentive.allocate(np.array([0, 10, 30]), 40_000, np.random.default_rng(3))
    assert placed[0] == 0
    assert placed.sum() == 40_000
    assert placed[2] / placed[1] == pytest.approx(3.0, rel=0.05)
    assert incentive.allocate(np.array([0, 0]), 5, np.random.default_rng(3)).tolist() == [0, 0]


def recommended(client: TestClient, user: int) -> Any:
    response = client.get("/api/live/recommended", headers=as_user(user))
    assert response.status_code == 200, response.text
    return response.json()["room"]


def enter(client: TestClient, room_id: int, user: int, source: str) -> None:
    response = client.post(f"/api/live/rooms/{room_id}/enter", json={"source": source}, headers=as_user(user))
    assert response.status_code == 201, response.text


def test_private_entries_earn_placements_in_recommended_until_repaid(client: TestClient) -> None:
    owner, room = live_room(client, "工厂直销")
    room_id = room["room_id"]
    live_room(client, "没人带来的直播")  # live, but owed nothing: never placed
    for i, source in enumerate(("share", "chat", "followers")):
        enter(client, room_id, make_user(client, f"老客{i}"), source)
    assert recommended(client, owner) is None  # never one's own room
    browsers = [make_user(client, f"刷推荐{i}") for i in range(4)]
    for browser in browsers[:3]:
        placed = recommended(client, browser)
        assert placed["room_id"] == room_id
        enter(client, room_id, browser, "recommended")
        assert recommended(client, browser) is None  # entered today: not placed again
    assert recommended(client, browsers[3]) is None  # repaid: three public for three private
    days = client.get(f"/api/live/rooms/{room_id}/grants", headers=as_user(owner)).json()["days"]
    assert len(days) == 1  # one Beijing day
    assert days[0] | {"day": "today"} == {
        "day": "today",
        "private_entries": 3,
        "public_entries": 3,
        "impressions": 3,
        "owed": 0,
    }
    other = client.get(f"/api/live/rooms/{room_id}/grants", headers=as_user(browsers[0]))
    assert (other.status_code, other.json()["code"]) == (403, "not_your_room")


def test_the_ratio_and_cap_are_settings_and_an_ended_room_is_never_placed(
    client: TestClient, settings: Settings
) -> None:
    settings.live_incentive_ratio, settings.live_incentive_daily_cap = 2.0, 3
    owner, room = live_room(client, "设置")
    room_id = room["room_id"]
    enter(client, room_id, make_user(client, "带来的"), "wecom")
    enter(client, room_id, make_user(client, "也是带来的"), "mini_program")
    enter(client, room_id, make_user(client, "搜来的"), "search")  # neither domain: earns nothing
    days = client.get(f"/api/live/rooms/{room_id}/grants", headers=as_user(owner)).json()["days"]
    assert (days[0]["private_entries"], days[0]["owed"]) == (2, 3)  # 2 × 2 = 4, capped at 3
    browser = make_user(client, "路过")
    assert recommended(client, browser)["room_id"] == room_id
    client.post(f"/api/live/rooms/{room_id}/end", headers=as_user(owner))
    assert recommended(client, make_user(client, "又一个")) is None
