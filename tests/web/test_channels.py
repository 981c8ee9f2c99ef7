"""The phone's Channels screens: open a channel, publish from the browser, the feeds, a post page
with reactions and comments, a profile with follow, and the player's watch-time reports."""

from __future__ import annotations

import io
import re
from pathlib import Path

from fastapi.testclient import TestClient
from PIL import Image

from tests.web.helpers import csrf_token, sign_up
from yuanzi.channels.synthetic import make_clip

POST_URL = re.compile(r"/channels/posts/(\d+)$")


def open_channel(client: TestClient, name: str) -> None:
    token = csrf_token(client, "/channels/new")
    response = client.post(
        "/channels/new/channel",
        data={"csrf_token": token, "name": name, "bio": "简介"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def png(seed: int) -> bytes:
    data = io.BytesIO()
    Image.frombytes("RGB", (8, 6), bytes((seed * 37 + i * 11) % 256 for i in range(144))).resize(
        (320, 240)
    ).save(data, "PNG")
    return data.getvalue()


def publish(client: TestClient, files: list[tuple[str, tuple[str, bytes, str]]], text: str = "") -> int:
    token = csrf_token(client, "/channels/new")
    response = client.post(
        "/channels/new",
        data={"csrf_token": token, "text": text, "declared_original": "1"},
        files=files,
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    match = POST_URL.search(response.headers["location"])
    assert match is not None
    return int(match.group(1))


def test_a_new_user_is_asked_to_open_a_channel_before_posting(client: TestClient) -> None:
    sign_up(client)
    page = client.get("/channels/new")
    assert page.status_code == 200
    assert 'action="/channels/new/channel"' in page.text
    assert 'id="publish-form"' not in page.text
    open_channel(client, "小明的视频号")
    page = client.get("/channels/new")
    assert 'id="publish-form"' in page.text
    assert "小明的视频号" in page.text


def test_publish_a_video_from_the_browser_and_a_follower_sees_it(client: TestClient, tmp_path: Path) -> None:
    sign_up(client, "作者")
    open_channel(client, "作者频道")
    clip = make_clip(tmp_path / "clip.mp4", seconds=1.0, seed=5).read_bytes()
    post_id = publish(client, [("video", ("clip.mp4", clip, "video/mp4"))], text="第一条 #日常")
    post_page = client.get(f"/channels/posts/{post_id}").text
    assert "<video" in post_page
    assert 'data-views="/channels/posts/' in post_page
    assert "#日常" in post_page
    assert "原创" in post_page
    creator_id = int(re.search(r"/channels/creators/(\d+)", post_page).group(1))  # type: ignore[union-attr]

    client.cookies.clear()
    sign_up(client, "粉丝")
    assert "Follow creators to see their posts here" in client.get("/channels?tab=following").text
    token = csrf_token(client, f"/channels/creators/{creator_id}")
    followed = client.post(
        f"/channels/creators/{creator_id}/follow",
        data={"csrf_token": token, "on": "1"},
        follow_redirects=False,
    )
    assert followed.status_code == 303
    profile = client.get(f"/channels/creators/{creator_id}").text
    assert "已关注" in profile
    assert "1 关注者" in profile
    feed = client.get("/channels?tab=following").text
    assert f'id="post-{post_id}"' in feed
    media = re.search(r'src="(/api/channels/media/[^"]+)"', feed).group(1)  # type: ignore[union-attr]
    partial = client.get(media, headers={"Range": "bytes=0-99"})
    assert partial.status_code == 206
    assert len(partial.content) == 100


def test_the_player_reports_watch_time(client: TestClient) -> None:
    sign_up(client, "作者")
    open_channel(client, "图文作者")
    post_id = publish(client, [("images", ("a.png", png(1), "image/png"))])
    token = csrf_token(client, f"/channels/posts/{post_id}")
    headers = {"X-CSRF-Token": token}
    play = client.post(f"/channels/posts/{post_id}/views", json={"event": "play"}, headers=headers)
    assert play.status_code == 200
    view_id = play.json()["view_id"]
    done = client.post(
        f"/channels/posts/{post_id}/views",
        json={"event": "finish", "view_id": view_id, "position_ms": 4200},
        headers=headers,
    )
    assert done.status_code == 200
    stats = client.get(f"/api/channels/posts/{post_id}").json()["stats"]
    assert (stats["plays"], stats["finishes"], stats["watch_ms"]) == (1, 1, 4200)
    unsigned = client.post(f"/channels/posts/{post_id}/views", json={"event": "play"})
    assert unsigned.status_code == 400
    wrong = client.post(f"/channels/posts/{post_id}/views", json={"event": "rewind"}, headers=headers)
    assert wrong.status_code == 422
    assert client.get(f"/api/channels/posts/{post_id}").json()["stats"]["plays"] == 1


def test_reactions_and_comments_on_the_post_page(client: TestClient) -> None:
    sign_up(client, "作者")
    open_channel(client, "评论区")
    post_id = publish(client, [("images", ("a.png", png(2), "image/png"))])
    token = csrf_token(client, f"/channels/posts/{post_id}")
    liked = client.post(
        f"/channels/posts/{post_id}/react", data={"csrf_token": token, "kind": "like", "on": "1"}
    )
    assert liked.status_code == 200
    assert 'id="react-like" aria-pressed="true"' in liked.text
    commented = client.post(f"/channels/posts/{post_id}/comments", data={"csrf_token": token, "text": "好看"})
    assert "好看" in commented.text
    comment_id = re.search(r'id="comment-(\d+)"', commented.text).group(1)  # type: ignore[union-attr]
    replied = client.post(
        f"/channels/posts/{post_id}/comments",
        data={"csrf_token": token, "text": "谢谢", "parent_id": comment_id},
    )
    assert 'class="cell reply"' in replied.text
    empty = client.post(f"/channels/posts/{post_id}/comments", data={"csrf_token": token, "text": "  "})
    assert empty.status_code == 422
    assert 'id="post-error"' in empty.text
    forged = client.post(f"/channels/posts/{post_id}/comments", data={"csrf_token": "x", "text": "spam"})
    assert forged.status_code == 403
    assert client.get(f"/api/channels/posts/{post_id}").json()["stats"]["comments"] == 2


def test_a_bad_upload_says_why_and_publishes_nothing(client: TestClient) -> None:
    sign_up(client, "作者")
    open_channel(client, "坏文件")
    token = csrf_token(client, "/channels/new")
    response = client.post(
        "/channels/new",
        data={"csrf_token": token, "text": "broken"},
        files=[("video", ("clip.mp4", b"not a video at all", "video/mp4"))],
    )
    assert response.status_code == 422
    assert 'id="new-error"' in response.text
    nothing = client.post("/channels/new", data={"csrf_token": token, "text": "no media"})
    assert nothing.status_code == 422
    assert client.get("/api/channels/creators/1").json()["posts"] == 0
    assert "暂无作品" in client.get("/channels/creators/1").text


def test_recommended_says_why_and_missing_things_are_404(client: TestClient) -> None:
    sign_up(client, "作者")
    open_channel(client, "推荐")
    publish(client, [("images", ("a.png", png(3), "image/png"))])
    client.cookies.clear()
    sign_up(client, "路人")
    feed = client.get("/channels").text
    assert 'aria-current="page">推荐' in feed
    assert re.search(r'class="badge reason-(organic|boost|floor)"', feed)
    assert client.get("/channels/posts/999").status_code == 404
    assert client.get("/channels/creators/999").status_code == 404
    assert client.get("/channels?tab=following&cursor=garbage").status_code == 422
