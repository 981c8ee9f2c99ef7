"""Originality: a declared original keeps the mark unless it nearly copies another creator's
earlier post — by video frames, by image, or by text — and the evidence is shown."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image, ImageFilter

from tests.identity.helpers import make_user
from yuanzi.channels.synthetic import make_clip

LONG_TEXT = "今天分享一道家常红烧肉的做法，五花肉切块焯水，冰糖炒色，加生抽老抽慢炖一小时，出锅前大火收汁。"


def as_user(user_id: int) -> dict[str, str]:
    return {"X-Yuanzi-User": str(user_id)}


def channel(client: TestClient, name: str) -> int:
    user = make_user(client, name)
    assert (
        client.post("/api/channels/creators", json={"name": name}, headers=as_user(user)).status_code == 201
    )
    return user


def video_post(
    client: TestClient, user: int, clip: Path, original: bool = True, text: str = ""
) -> dict[str, Any]:
    with clip.open("rb") as f:
        response = client.post(
            "/api/channels/posts",
            data={"text": text, "declared_original": str(original).lower()},
            files={"video": (clip.name, f, "video/mp4")},
            headers=as_user(user),
        )
    assert response.status_code == 201, response.text
    return dict(response.json())


def image_post(
    client: TestClient, user: int, image: Image.Image, text: str = "", original: bool = True
) -> dict[str, Any]:
    data = io.BytesIO()
    image.save(data, "PNG")
    response = client.post(
        "/api/channels/posts",
        data={"text": text, "declared_original": str(original).lower()},
        files=[("images", ("p.png", data.getvalue(), "image/png"))],
        headers=as_user(user),
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def decision(client: TestClient, post: dict[str, Any]) -> dict[str, Any]:
    return dict(client.get(f"/api/channels/posts/{post['post_id']}/originality").json())


def picture(seed: int) -> Image.Image:
    return Image.frombytes("RGB", (8, 6), bytes((seed * 37 + i * 11) % 256 for i in range(8 * 6 * 3))).resize(
        (640, 480)
    )


def test_a_re_encoded_copy_of_another_creators_video_loses_the_mark(
    client: TestClient, tmp_path: Path
) -> None:
    alice, bob = channel(client, "Alice"), channel(client, "Bob")
    first = video_post(client, alice, make_clip(tmp_path / "a.mp4", seed=1, size=(640, 360), seconds=2))
    assert first["original"] is True
    assert decision(client, first)["reason"] == "no_earlier_match"
    # Bob re-encodes it smaller, in another codec and container.
    copy = video_post(
        client,
        bob,
        make_clip(tmp_path / "b.mov", seed=1, size=(320, 180), seconds=2, codec="mpeg4", container="mov"),
    )
    assert copy["original"] is False
    found = decision(client, copy)
    assert (found["declared"], found["granted"], found["reason"]) == (True, False, "near_copy")
    evidence = found["evidence"]
    assert evidence["method"] == "video_frames"
    assert evidence["matched_post_id"] == first["post_id"]
    assert evidence["matched_creator"] == "Alice"
    assert evidence["matched_frames"] >= evidence["frames"] / 2


def test_different_videos_and_own_reposts_stay_original(client: TestClient, tmp_path: Path) -> None:
    alice, bob = channel(client, "Alice"), channel(client, "Bob")
    video_post(client, alice, make_clip(tmp_path / "a.mp4", seed=1))
    assert video_post(client, bob, make_clip(tmp_path / "b.mp4", seed=2))["original"] is True
    assert video_post(client, alice, make_clip(tmp_path / "a2.mp4", seed=1))["original"] is True  # her own
    undeclared = video_post(client, bob, make_clip(tmp_path / "b2.mp4", seed=1), original=False)
    assert undeclared["original"] is False
    assert decision(client, undeclared)["reason"] == "not_declared"


def test_a_retouched_copy_of_an_image_is_caught(client: TestClient) -> None:
    alice, bob = channel(client, "Alice"), channel(client, "Bob")
    first = image_post(client, alice, picture(3))
    copy = image_post(client, bob, picture(3).resize((500, 375)).filter(ImageFilter.GaussianBlur(1)))
    assert (first["original"], copy["original"]) == (True, False)
    assert decision(client, copy)["evidence"]["method"] == "image"
    assert image_post(client, bob, picture(90))["original"] is True


def test_copied_text_with_new_pictures_is_caught(client: TestClient) -> None:
    alice, bob = channel(client, "Alice"), channel(client, "Bob")
    first = image_post(client, alice, picture(5), text=LONG_TEXT)
    copy = image_post(client, bob, picture(60), text=LONG_TEXT.replace("，", " ") + " #美食")
    assert copy["original"] is False
    evidence = decision(client, copy)["evidence"]
    assert (evidence["method"], evidence["matched_post_id"]) == ("text_simhash", first["post_id"])
