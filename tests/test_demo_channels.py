"""The demo world's Channels: channels with generated videos, a copy that loses the original mark,
follows, a friend's recommendation and a mini program card."""

from __future__ import annotations

from fastapi.testclient import TestClient

from yuanzi import demo
from yuanzi.core.runtime import Runtime
from yuanzi.settings import Settings


def test_the_demo_world_has_channels_worth_looking_at(
    client: TestClient, app_runtime: Runtime, settings: Settings
) -> None:
    demo.seed(app_runtime, settings.data_dir)
    users = {u["nickname"]: u["user_id"] for u in client.get("/sandbox/users").json()["users"]}
    as_zhang = {"X-Yuanzi-User": str(users["张伟 Zhang Wei"])}
    following = client.get("/api/channels/feed/following", headers=as_zhang).json()["posts"]
    assert {p["creator_name"] for p in following} == {"娜娜去旅行"}
    assert any(p["kind"] == "video" and p["media"][0]["duration_ms"] >= 3_500 for p in following)
    friends = client.get("/api/channels/feed/friends", headers=as_zhang).json()["posts"]
    assert [p["creator_name"] for p in friends] == ["伟哥做饭"]  # 王芳, a friend, recommended it
    copier = client.get("/api/channels/creators/4/posts").json()["posts"]
    [repost] = copier
    assert repost["declared_original"] is True
    assert repost["original"] is False
    evidence = client.get(f"/api/channels/posts/{repost['post_id']}/originality").json()
    assert evidence["reason"] == "near_copy"
    assert evidence["evidence"]["matched_creator"] == "伟哥做饭"
    cooking = client.get("/api/channels/creators/1/posts").json()["posts"]
    assert [c["kind"] for p in cooking for c in p["cards"]] == ["miniprogram"]
    assert all(p["original"] for p in cooking)
    assert demo.seed(app_runtime, settings.data_dir)["created"] == 0
