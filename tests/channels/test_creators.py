"""A channel's profile: its owner changes the name and bio; names stay unique; bad input and
other people change nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.channels.test_feeds import as_user, channel


def test_the_owner_renames_a_channel_and_names_stay_unique(client: TestClient) -> None:
    owner, creator_id = channel(client, "伟哥做饭")
    other, _ = channel(client, "娜娜去旅行")
    renamed = client.put(
        f"/api/channels/creators/{creator_id}",
        json={"name": "伟哥的厨房", "bio": "家常菜"},
        headers=as_user(owner),
    )
    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["name"], renamed.json()["bio"]) == ("伟哥的厨房", "家常菜")
    assert client.get(f"/api/channels/creators/{creator_id}").json()["name"] == "伟哥的厨房"
    for body, headers, status, code in (
        ({"name": "娜娜去旅行"}, as_user(owner), 409, "name_taken"),
        ({"name": "抢名字"}, as_user(other), 403, "not_your_channel"),
        ({"name": "   "}, as_user(owner), 422, "invalid_input"),
        ({"name": "长" * 65}, as_user(owner), 422, "invalid_input"),
    ):
        refused = client.put(f"/api/channels/creators/{creator_id}", json=body, headers=headers)
        assert (refused.status_code, refused.json()["code"]) == (status, code), body
    assert client.get(f"/api/channels/creators/{creator_id}").json()["name"] == "伟哥的厨房"
    missing = client.put("/api/channels/creators/999", json={"name": "x"}, headers=as_user(owner))
    assert (missing.status_code, missing.json()["code"]) == (404, "creator_not_found")
