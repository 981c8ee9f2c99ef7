"""The customer-service card (kind `kf`): a channel's post links its viewers to a business's
微信客服, the scene telling the corp where they came from."""

from __future__ import annotations

import io
import json
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image

from tests.channels.test_feeds import as_user
from tests.channels.test_posts import creator
from tests.wecom.helpers import add_account, make_corp


def post_with(client: TestClient, user: int, cards: list[dict[str, str]]) -> Any:
    png = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(png, "PNG")
    return client.post(
        "/api/channels/posts",
        data={"text": "有问题找客服", "cards": json.dumps(cards)},
        files=[("images", ("a.png", png.getvalue(), "image/png"))],
        headers=as_user(user),
    )


def test_a_post_links_to_customer_service(client: TestClient) -> None:
    corp = make_corp(client, "原子商城")
    kfid = add_account(corp, "售后服务")
    user, _ = creator(client)
    created = post_with(client, user, [{"kind": "kf", "ref": f"{kfid}?scene=channels"}])
    assert created.status_code == 201, created.text
    (card,) = created.json()["cards"]
    assert card == {
        "kind": "kf",
        "ref": f"{kfid}?scene=channels",
        "title": "售后服务",
        "subtitle": "微信客服 Customer service · 原子商城",
        "image_url": f"/kf/{kfid}/avatar.jpg",
        "action_url": f"/kf/{kfid}?scene=channels",
        "resolved": True,
    }
    for ref in ("wk-no-such-account", f"{kfid}?scene=春节", f"{kfid}?other=1"):
        refused = post_with(client, user, [{"kind": "kf", "ref": ref}])
        assert refused.status_code == 422, ref

    corp.post("kf/account/del", {"open_kfid": kfid})  # the post stays; its card is a plain link now
    post_id = created.json()["post_id"]
    (after,) = client.get(f"/api/channels/posts/{post_id}", headers=as_user(user)).json()["cards"]
    assert after["resolved"] is False
