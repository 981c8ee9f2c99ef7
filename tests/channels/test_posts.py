"""Channels: creators, follows, posts with video (transcoded) or images, cards, media with ranges."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import av
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.identity.helpers import make_app, make_user
from tests.pay.helpers import make_merchant, running_stock
from yuanzi.channels.synthetic import make_clip
from yuanzi.settings import Settings


def as_user(user_id: int) -> dict[str, str]:
    return {"X-Yuanzi-User": str(user_id)}


def creator(client: TestClient, name: str = "小厨房") -> tuple[int, int]:
    user = make_user(client, name)
    response = client.post(
        "/api/channels/creators", json={"name": name, "bio": "家常菜"}, headers=as_user(user)
    )
    assert response.status_code == 201, response.text
    return user, int(response.json()["creator_id"])


def post_video(client: TestClient, user: int, clip: Path, **form: Any) -> Any:
    with clip.open("rb") as f:
        return client.post(
            "/api/channels/posts",
            data={"text": "今天做 #红烧肉", **form},
            files={"video": (clip.name, f, "video/mp4")},
            headers=as_user(user),
        )


def media_dir(settings: Settings) -> Path:
    return settings.data_dir / "media" / "channels"


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("clip.mp4", {}),
        ("clip.webm", {"codec": "libvpx-vp9", "container": "webm"}),
        ("clip.mov", {"codec": "mpeg4", "container": "mov", "audio": False}),
    ],
)
def test_a_video_is_transcoded_to_h264_mp4_with_a_poster(
    client: TestClient, tmp_path: Path, name: str, options: dict[str, Any]
) -> None:
    user, creator_id = creator(client)
    response = post_video(
        client, user, make_clip(tmp_path / name, size=(640, 360), **options), location="上海"
    )
    assert response.status_code == 201, response.text
    post = response.json()
    assert post["kind"] == "video"
    assert post["topics"] == ["红烧肉"]
    assert post["location"] == "上海"
    [video] = post["media"]
    assert (video["width"], video["height"], video["duration_ms"]) == (640, 360, 1000)
    assert video["content_type"] == "video/mp4"
    served = client.get(video["url"])
    assert served.status_code == 200
    container = av.open(io.BytesIO(served.content))
    assert container.streams.video[0].codec_context.name == "h264"
    assert served.content[4:8] == b"ftyp"
    assert served.content.find(b"moov") < served.content.find(b"mdat")  # faststart: playable while loading
    poster = client.get(video["poster_url"])
    assert Image.open(io.BytesIO(poster.content)).size == (640, 360)
    assert client.get(f"/api/channels/creators/{creator_id}").json()["posts"] == 1


def test_media_is_served_with_byte_ranges(client: TestClient, tmp_path: Path) -> None:
    user, _ = creator(client)
    url = post_video(client, user, make_clip(tmp_path / "c.mp4")).json()["media"][0]["url"]
    whole = client.get(url).content
    part = client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.content == whole[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(whole)}"


def test_image_posts_and_cards(client: TestClient) -> None:
    user, _ = creator(client)
    app = make_app(client, name="点餐小程序")
    png = io.BytesIO()
    Image.new("RGB", (3000, 1500), (200, 30, 30)).save(png, "PNG")
    cards = json.dumps(
        [{"kind": "miniprogram", "ref": f"{app['appid']}/pages/menu"}, {"kind": "product", "ref": "sku-1"}]
    )
    response = client.post(
        "/api/channels/posts",
        data={"text": "新菜单", "topics": "美食, 上海", "cards": cards},
        files=[
            ("images", ("a.png", png.getvalue(), "image/png")),
            ("images", ("b.png", png.getvalue(), "image/png")),
        ],
        headers=as_user(user),
    )
    assert response.status_code == 201, response.text
    post = response.json()
    assert post["kind"] == "images"
    assert post["topics"] == ["美食", "上海"]
    assert [(m["width"], m["height"]) for m in post["media"]] == [(2048, 1024), (2048, 1024)]
    mini, product = post["cards"]
    assert (mini["title"], mini["resolved"]) == ("点餐小程序", True)
    assert (product["kind"], product["resolved"]) == (
        "product",
        False,
    )  # no product component yet: a plain link


@pytest.mark.parametrize(
    ("files", "data", "status", "code"),
    [
        ([], {"text": "nothing to show"}, 422, "invalid_input"),
        ([("video", ("x.mp4", b"not a video at all" * 100, "video/mp4"))], {}, 422, "unsupported_media"),
        ([("images", ("x.png", b"\x89PNG broken", "image/png"))], {}, 422, "unsupported_media"),
        (
            [("images", ("x.png", b"", "image/png"))],
            {"cards": '[{"kind": "miniprogram", "ref": "wxnope"}]'},
            422,
            "invalid_input",
        ),
        (
            [("images", ("x.png", b"", "image/png"))],
            {"cards": '[{"kind": "spaceship", "ref": "1"}]'},
            422,
            "invalid_input",
        ),
        ([("images", ("x.png", b"", "image/png"))], {"cards": "not json"}, 422, "invalid_input"),
    ],
)
def test_bad_posts_leave_no_post_and_no_files(
    client: TestClient, settings: Settings, files: list[Any], data: dict[str, str], status: int, code: str
) -> None:
    user, creator_id = creator(client)
    response = client.post("/api/channels/posts", data=data, files=files or None, headers=as_user(user))
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    assert client.get(f"/api/channels/creators/{creator_id}").json()["posts"] == 0
    assert list(media_dir(settings).glob("*")) == []


def test_oversize_uploads_are_refused_before_reading(client: TestClient) -> None:
    user, _ = creator(client)
    headers = as_user(user) | {
        "Content-Length": str(300 << 20),
        "Content-Type": "multipart/form-data; boundary=x",
    }
    response = client.post("/api/channels/posts", content=b"--x--", headers=headers)
    assert response.status_code == 413


def test_follow_and_the_following_feed(client: TestClient, tmp_path: Path) -> None:
    author, creator_id = creator(client)
    fan = make_user(client, "fan")
    assert (
        client.put(f"/api/channels/creators/{creator_id}/follow", headers=as_user(fan)).json()["changed"]
        is True
    )
    assert (
        client.put(f"/api/channels/creators/{creator_id}/follow", headers=as_user(fan)).json()["changed"]
        is False
    )
    assert client.get(f"/api/channels/creators/{creator_id}").json()["followers"] == 1
    self_follow = client.put(f"/api/channels/creators/{creator_id}/follow", headers=as_user(author))
    assert (self_follow.status_code, self_follow.json()["code"]) == (409, "self_follow")
    ids = [
        post_video(client, author, make_clip(tmp_path / f"{i}.mp4", seed=i)).json()["post_id"]
        for i in range(3)
    ]
    first = client.get("/api/channels/feed/following?limit=2", headers=as_user(fan)).json()
    assert [p["post_id"] for p in first["posts"]] == ids[::-1][:2]
    # A post published now does not shift the next page.
    post_video(client, author, make_clip(tmp_path / "late.mp4", seed=9))
    rest = client.get(
        f"/api/channels/feed/following?limit=2&cursor={first['next_cursor']}", headers=as_user(fan)
    ).json()
    assert [p["post_id"] for p in rest["posts"]] == [ids[0]]
    assert rest["next_cursor"] is None
    client.delete(f"/api/channels/creators/{creator_id}/follow", headers=as_user(fan))
    assert client.get("/api/channels/feed/following", headers=as_user(fan)).json()["posts"] == []


def test_deleting_a_post_and_who_may(client: TestClient, tmp_path: Path) -> None:
    author, _ = creator(client)
    post = post_video(client, author, make_clip(tmp_path / "d.mp4")).json()
    stranger = make_user(client, "stranger")
    assert (
        client.delete(f"/api/channels/posts/{post['post_id']}", headers=as_user(stranger)).status_code == 403
    )
    assert client.delete(f"/api/channels/posts/{post['post_id']}", headers=as_user(author)).status_code == 204
    assert client.get(f"/api/channels/posts/{post['post_id']}").json()["code"] == "post_not_found"
    assert client.get(post["media"][0]["url"]).status_code == 404


def test_creators_are_one_per_user_with_unique_names(client: TestClient) -> None:
    user, _ = creator(client, "独一无二")
    again = client.post("/api/channels/creators", json={"name": "another"}, headers=as_user(user))
    assert (again.status_code, again.json()["code"]) == (409, "creator_exists")
    taken = client.post(
        "/api/channels/creators", json={"name": "独一无二"}, headers=as_user(make_user(client))
    )
    assert (taken.status_code, taken.json()["code"]) == (409, "name_taken")
    assert client.post("/api/channels/creators", json={"name": "x"}).status_code == 401


def test_a_voucher_card_resolves_through_pay(client: TestClient) -> None:
    merchant = make_merchant(client, "券店")
    stock_id = running_stock(client, merchant)
    user, _ = creator(client)
    png = io.BytesIO()
    Image.new("RGB", (64, 64), (0, 120, 0)).save(png, "PNG")
    response = client.post(
        "/api/channels/posts",
        data={"text": "领券", "cards": json.dumps([{"kind": "coupon", "ref": stock_id}])},
        files=[("images", ("a.png", png.getvalue(), "image/png"))],
        headers=as_user(user),
    )
    [card] = response.json()["cards"]
    assert (card["title"], card["resolved"]) == ("满10减3", True)
    assert "−¥3.00" in card["subtitle"]
