"""The creator studio in the console: upload, posts with their numbers, impressions by reason,
originality decisions with evidence, and income."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.channels.test_feeds import as_user, channel, image_post
from tests.channels.test_income import PARAMS, watch
from tests.identity.helpers import make_user
from tests.web.helpers import csrf_token
from tests.web.test_channels import png
from yuanzi.channels import income
from yuanzi.core.runtime import Runtime


def test_the_studio_lists_channels_and_uploads_as_the_creator(client: TestClient) -> None:
    _, creator_id = channel(client, "小店日常")
    listing = client.get("/console/channels")
    assert listing.status_code == 200
    assert f'href="/console/channels/{creator_id}"' in listing.text
    token = csrf_token(client, f"/console/channels/{creator_id}")
    response = client.post(
        f"/console/channels/{creator_id}/posts",
        data={"csrf_token": token, "text": "新品 #咖啡", "declared_original": "1"},
        files=[("images", ("a.png", png(7), "image/png"))],
        follow_redirects=False,
    )
    assert response.status_code == 303
    studio = client.get(f"/console/channels/{creator_id}").text
    assert "新品 #咖啡" in studio
    assert "原创 granted" in studio
    empty = client.post(f"/console/channels/{creator_id}/posts", data={"csrf_token": token, "text": "x"})
    assert empty.status_code == 422
    assert 'id="studio-error"' in empty.text
    assert client.get(f"/api/channels/creators/{creator_id}").json()["posts"] == 1
    assert client.get("/console/channels/999").status_code == 404


def test_the_studio_shows_a_copy_losing_the_mark_with_its_evidence(client: TestClient) -> None:
    author, _ = channel(client, "原作者")
    original = image_post(client, author, seed=11, original=True)
    copier, copier_id = channel(client, "搬运号")
    copy = image_post(client, copier, seed=11, original=True)
    studio = client.get(f"/console/channels/{copier_id}").text
    row = studio[studio.index(f'id="studio-post-{copy}"') :]
    assert "未获原创 near copy" in row[: row.index("</tr>")]
    assert f"matches #{original} by 原作者" in row[: row.index("</tr>")]


def test_the_studio_counts_impressions_by_reason_and_income(client: TestClient, app_runtime: Runtime) -> None:
    user, creator_id = channel(client, "新人")
    post = image_post(client, user, seed=12, original=True)
    viewers = [make_user(client, f"看客{i}") for i in range(4)]
    reasons = []
    for viewer in viewers:
        shown = client.get("/api/channels/feed/recommended", headers=as_user(viewer)).json()["posts"]
        reasons += [p["reason"] for p in shown]
        watch(client, viewer, post, 15_000)
    studio = client.get(f"/console/channels/{creator_id}").text
    for reason in ("organic", "boost", "floor"):
        shown_count = re.search(rf'id="impressions-{reason}">(\d+)<', studio)
        assert shown_count is not None
        assert int(shown_count.group(1)) == reasons.count(reason)
    assert len(reasons) == 4
    client.post("/sandbox/clock/advance", json={"seconds": 24 * 3600})
    assert income.settle_due(app_runtime.plain_uow, PARAMS) == 1
    studio = client.get(f"/console/channels/{creator_id}").text
    assert 'id="income-total">¥10.00<' in studio  # the whole 1,000 fen pool: the only earner
