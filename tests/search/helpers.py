"""Shortcuts for search tests."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from PIL import Image

from tests.channels.test_feeds import as_user


def text_post(client: TestClient, user: int, text: str, seed: int) -> int:
    """Publish `text` (with a small picture) as `user`'s channel; returns the post id."""
    data = io.BytesIO()
    Image.new("RGB", (64, 48), (seed * 40 % 256, 90, 160)).save(data, "PNG")
    response = client.post(
        "/api/channels/posts",
        data={"text": text},
        files=[("images", ("p.png", data.getvalue(), "image/png"))],
        headers=as_user(user),
    )
    assert response.status_code == 201, response.text
    return int(response.json()["post_id"])
