"""The Friends and Recommended feeds through the API, with impressions and their reasons."""

from __future__ import annotations

import io
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image

from tests.identity.helpers import make_user


def as_user(user_id: int) -> dict[str, str]:
    return {"X-Yuanzi-User": str(user_id)}


def channel(client: TestClient, name: str) -> tuple[int, int]:
    user = make_user(client, name)
    creator = client.post("/api/channels/creators", json={"name": name}, headers=as_user(user)).json()
    return user, int(creator["creator_id"])


def image_post(client: TestClient, user: int, seed: int, original: bool = False) -> int:
    data = io.BytesIO()
    Image.frombytes("RGB", (8, 6), bytes((seed * 53 + i * 7) % 256 for i in range(144))).resize(
        (320, 240)
    ).save(data, "PNG")
    response = client.post(
        "/api/channels/posts",
        data={"text": f"post {seed}", "declared_original": str(original).lower()},
        files=[("images", ("p.png", data.getvalue(), "image/png"))],
        headers=as_user(user),
    )
    assert response.status_code == 201, response.text
    return int(response.json()["post_id"])


def recommended(client: TestClient, user: int, limit: int = 10) -> list[dict[str, Any]]:
    return list(
        client.get(f"/api/channels/feed/recommended?limit={limit}", headers=as_user(user)).json()["posts"]
    )


def test_the_friends_feed_shows_what_friends_liked_or_recommended(client: TestClient) -> None:
    author, _ = channel(client, "作者")
    posts = [image_post(client, author, seed) for seed in range(3)]
    me, friend, stranger = make_user(client, "我"), make_user(client, "朋友"), make_user(client, "路人")
    client.post(f"/sandbox/users/{me}/friends", json={"user_id": friend})
    client.put(f"/api/channels/posts/{posts[0]}/like", headers=as_user(friend))
    client.put(f"/api/channels/posts/{posts[2]}/recommend", headers=as_user(friend))
    client.put(f"/api/channels/posts/{posts[1]}/like", headers=as_user(stranger))
    page = client.get("/api/channels/feed/friends?limit=1", headers=as_user(me)).json()
    assert [p["post_id"] for p in page["posts"]] == [posts[2]]
    rest = client.get(
        f"/api/channels/feed/friends?limit=5&cursor={page['next_cursor']}", headers=as_user(me)
    ).json()
    assert [p["post_id"] for p in rest["posts"]] == [posts[0]]
    assert client.get("/api/channels/feed/friends", headers=as_user(stranger)).json()["posts"] == []


def test_recommended_never_repeats_within_the_window_and_says_why(client: TestClient) -> None:
    author, creator_id = channel(client, "作者")
    posts = {image_post(client, author, seed) for seed in range(4)}
    viewer = make_user(client, "看客")
    first = recommended(client, viewer, limit=3)
    second = recommended(client, viewer, limit=3)
    ids = [p["post_id"] for p in first + second]
    assert sorted(ids) == sorted(posts)  # all four, none twice
    assert all(p["reason"] in ("organic", "boost", "floor") for p in first + second)
    assert recommended(client, viewer) == []
    client.post("/sandbox/clock/advance", json={"seconds": 25 * 3600})
    assert len(recommended(client, viewer)) == 4  # the window has passed
    counts = client.get(f"/api/channels/creators/{creator_id}/impressions?hours=48").json()["by_reason"]
    assert sum(counts.values()) == 8


def test_a_new_original_creator_gets_floor_impressions_among_popular_posts(client: TestClient) -> None:
    star, _ = channel(client, "大V")
    popular = [image_post(client, star, seed) for seed in range(8)]
    fans = [make_user(client, f"fan{i}") for i in range(3)]
    for post in popular:
        for fan in fans:
            client.put(f"/api/channels/posts/{post}/like", headers=as_user(fan))
            view = client.post(
                f"/api/channels/posts/{post}/views", json={"event": "play"}, headers=as_user(fan)
            ).json()
            client.post(
                f"/api/channels/posts/{post}/views",
                json={"event": "finish", "view_id": view["view_id"], "position_ms": 5000},
                headers=as_user(fan),
            )
    newcomer, newcomer_id = channel(client, "新人")
    fresh = image_post(client, newcomer, 99, original=True)
    page = recommended(client, make_user(client, "viewer"), limit=5)
    assert page[0]["post_id"] == fresh
    assert page[0]["reason"] == "floor"
    assert client.get(f"/api/channels/creators/{newcomer_id}/impressions").json()["by_reason"]["floor"] == 1
