"""Likes, recommendations, favourites, comments with moderation, shares and views."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.identity.helpers import make_user


def as_user(user_id: int) -> dict[str, str]:
    return {"X-Yuanzi-User": str(user_id)}


@pytest.fixture
def world(client: TestClient) -> dict[str, int]:
    author = make_user(client, "作者")
    creator = client.post("/api/channels/creators", json={"name": "作者的号"}, headers=as_user(author)).json()
    png = io.BytesIO()
    Image.new("RGB", (32, 32), (1, 2, 3)).save(png, "PNG")
    post = client.post(
        "/api/channels/posts",
        data={"text": "hi"},
        files=[("images", ("a.png", png.getvalue(), "image/png"))],
        headers=as_user(author),
    ).json()
    return {
        "author": author,
        "creator": creator["creator_id"],
        "post": post["post_id"],
        "fan": make_user(client, "粉丝"),
    }


def stats(client: TestClient, post_id: int) -> dict[str, int]:
    return dict(client.get(f"/api/channels/posts/{post_id}").json()["stats"])


def test_reactions_count_once_and_can_be_taken_back(client: TestClient, world: dict[str, int]) -> None:
    post, fan = world["post"], world["fan"]
    for kind in ("like", "recommend", "favourite"):
        assert client.put(f"/api/channels/posts/{post}/{kind}", headers=as_user(fan)).json() == {
            kind: True,
            "changed": True,
        }
        assert (
            client.put(f"/api/channels/posts/{post}/{kind}", headers=as_user(fan)).json()["changed"] is False
        )
    assert {k: v for k, v in stats(client, post).items() if k in ("likes", "recommends", "favourites")} == {
        "likes": 1,
        "recommends": 1,
        "favourites": 1,
    }
    assert client.delete(f"/api/channels/posts/{post}/like", headers=as_user(fan)).json()["changed"] is True
    assert client.delete(f"/api/channels/posts/{post}/like", headers=as_user(fan)).json()["changed"] is False
    assert stats(client, post)["likes"] == 0
    bad = client.put(f"/api/channels/posts/{post}/hug", headers=as_user(fan))
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_input")
    assert client.put("/api/channels/posts/999999/like", headers=as_user(fan)).status_code == 404


def test_comments_replies_moderation_and_blocking(client: TestClient, world: dict[str, int]) -> None:
    post, fan, author = world["post"], world["fan"], world["author"]
    url = f"/api/channels/posts/{post}/comments"
    first = client.post(url, json={"text": "好看"}, headers=as_user(fan)).json()
    reply = client.post(
        url, json={"text": "谢谢", "parent_id": first["comment_id"]}, headers=as_user(author)
    ).json()
    deeper = client.post(
        url, json={"text": "再回复", "parent_id": reply["comment_id"]}, headers=as_user(fan)
    ).json()
    assert deeper["parent_id"] == first["comment_id"]  # one level deep
    listed = client.get(url).json()["comments"]
    assert [c["text"] for c in listed] == ["好看", "谢谢", "再回复"]
    assert stats(client, post)["comments"] == 3
    spam = client.post(url, json={"text": "加微信领红包啦"}, headers=as_user(fan))
    assert (spam.status_code, spam.json()["code"]) == (422, "comment_rejected")
    assert client.post(url, json={"text": "   "}, headers=as_user(fan)).status_code == 422
    stranger = make_user(client, "路人")
    assert (
        client.delete(f"/api/channels/comments/{first['comment_id']}", headers=as_user(stranger)).status_code
        == 403
    )
    assert (
        client.delete(f"/api/channels/comments/{first['comment_id']}", headers=as_user(author)).status_code
        == 204
    )
    assert client.get(url).json()["comments"] == []
    assert stats(client, post)["comments"] == 0
    assert (
        client.post("/api/channels/blocks", json={"user_id": stranger}, headers=as_user(author)).status_code
        == 201
    )
    blocked = client.post(url, json={"text": "hello"}, headers=as_user(stranger))
    assert (blocked.status_code, blocked.json()["code"]) == (403, "blocked")


def test_shares_and_views_with_watch_time(client: TestClient, world: dict[str, int]) -> None:
    post, fan = world["post"], world["fan"]
    shared = client.post(
        f"/api/channels/posts/{post}/shares", json={"target": "chat"}, headers=as_user(fan)
    ).json()
    friend = make_user(client, "朋友")

    def view(body: dict[str, Any]) -> Any:
        return client.post(f"/api/channels/posts/{post}/views", json=body, headers=as_user(friend))

    view_id = view({"event": "play", "share_id": shared["share_id"]}).json()["view_id"]
    view({"event": "progress", "view_id": view_id, "position_ms": 4_000})
    view({"event": "progress", "view_id": view_id, "position_ms": 3_000})  # seeking back adds nothing
    view({"event": "finish", "view_id": view_id, "position_ms": 9_000})
    view({"event": "finish", "view_id": view_id, "position_ms": 9_000})
    assert {k: stats(client, post)[k] for k in ("shares", "plays", "finishes", "watch_ms")} == {
        "shares": 1,
        "plays": 1,
        "finishes": 1,
        "watch_ms": 9_000,
    }
    assert view({"event": "play", "share_id": "nope"}).status_code == 404
    assert view({"event": "rewind"}).status_code == 422
    someone_elses = client.post(
        f"/api/channels/posts/{post}/views",
        json={"event": "finish", "view_id": view_id},
        headers=as_user(fan),
    )
    assert someone_elses.status_code == 404
    assert (
        client.post(
            f"/api/channels/posts/{post}/shares", json={"target": "fax"}, headers=as_user(fan)
        ).status_code
        == 422
    )
