"""Moderation in live rooms: the content check, mutes and bans that stick to the user, moderators,
rate limits that moderators are exempt from."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.channels.test_feeds import as_user
from tests.identity.helpers import make_user
from tests.live.test_rooms import events, live_room


def say(client: TestClient, room_id: int, user: int, text: str) -> Any:
    return client.post(f"/api/live/rooms/{room_id}/comments", json={"text": text}, headers=as_user(user))


def test_risky_comments_are_refused_and_logged_nowhere(client: TestClient) -> None:
    _, room = live_room(client)
    viewer = make_user(client, "观众")
    for text in ("来赌博吧", "加 微信 领 红包", "ＤＡＩ代开发票"):
        refused = say(client, room["room_id"], viewer, text)
        assert (refused.status_code, refused.json()["code"]) == (422, "risky_content"), text
    assert len(events(client, room["room_id"])) == 1


def test_mutes_and_bans_stick_to_the_user(client: TestClient) -> None:
    owner, room = live_room(client)
    room_id = room["room_id"]
    troll, helper, fan = make_user(client, "捣乱"), make_user(client, "房管"), make_user(client, "粉丝")
    assert client.put(f"/api/live/rooms/{room_id}/mutes/{troll}", headers=as_user(helper)).status_code == 403
    assert (
        client.put(f"/api/live/rooms/{room_id}/moderators/{helper}", headers=as_user(fan)).status_code == 403
    )
    assert client.put(f"/api/live/rooms/{room_id}/moderators/{helper}", headers=as_user(owner)).json()[
        "changed"
    ]
    assert client.put(f"/api/live/rooms/{room_id}/mutes/{troll}", headers=as_user(helper)).json()["changed"]
    muted = say(client, room_id, troll, "我还能说话吗")
    assert (muted.status_code, muted.json()["code"]) == (403, "muted")
    assert say(client, room_id, fan, "我可以").status_code == 201
    refused = client.put(f"/api/live/rooms/{room_id}/mutes/{owner}", headers=as_user(helper))
    assert refused.json()["code"] == "cannot_mute_moderator"
    client.delete(f"/api/live/rooms/{room_id}/mutes/{troll}", headers=as_user(helper))
    assert say(client, room_id, troll, "谢谢解禁").status_code == 201

    assert client.put(f"/api/live/bans/{troll}", headers=as_user(owner)).json()["changed"]
    banned = say(client, room_id, troll, "又来了")
    assert (banned.status_code, banned.json()["code"]) == (403, "banned")
    client.post(f"/sandbox/users/{troll}/wallet/topup", json={"amount": 100})
    gift = client.post(
        f"/api/live/rooms/{room_id}/gifts",
        json={"gift": "heart", "request_id": "ban-00000001"},
        headers=as_user(troll),
    )
    assert gift.json()["code"] == "banned"
    assert client.get(f"/sandbox/users/{troll}/wallet").json()["balance"] == 100
    second = client.post("/api/live/rooms", json={"title": "第二场"}, headers=as_user(owner)).json()
    client.post(f"/api/live/rooms/{second['room_id']}/start", headers=as_user(owner))
    assert (
        say(client, second["room_id"], troll, "换个房间").json()["code"] == "banned"
    )  # every room of the channel
    assert client.put(f"/api/live/bans/{troll}", headers=as_user(fan)).json()["code"] == "no_channel"


def test_viewers_are_rate_limited_but_moderators_are_not(client: TestClient) -> None:
    owner, room = live_room(client)
    room_id = room["room_id"]
    chatty, helper = make_user(client, "话痨"), make_user(client, "房管")
    client.put(f"/api/live/rooms/{room_id}/moderators/{helper}", headers=as_user(owner))
    for i in range(5):
        assert say(client, room_id, chatty, f"第{i}条").status_code == 201
    limited = say(client, room_id, chatty, "第六条")
    assert (limited.status_code, limited.json()["code"]) == (429, "rate_limited")
    for i in range(7):
        assert say(client, room_id, helper, f"管理{i}").status_code == 201
    for i in range(6):
        assert say(client, room_id, owner, f"主播{i}").status_code == 201
    client.post("/sandbox/clock/advance", json={"seconds": 11})
    assert say(client, room_id, chatty, "过了十秒").status_code == 201
