"""The shelf in headless chromium: the owner pins a product, a viewer sees its card, buys it
through the payment sheet, and the room sees the purchase."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.screens import screenshot
from tests.e2e.test_live_browser import room_over_http, viewer
from yuanzi.core.events import Subscribers
from yuanzi.live import service as live_service

pytestmark = pytest.mark.e2e


@pytest.fixture
def live_subscribed(subscribers: Subscribers) -> None:
    live_service.subscribe(subscribers)


def test_a_viewer_buys_the_pinned_product_and_the_room_sees_it(
    browser: Browser, live_subscribed: None, running_server: str, tmp_path: Path, artifacts: Path
) -> None:
    base = running_server
    owner, room_id = room_over_http(base, "果园主", "果园直播", "现摘现发")
    headers = {"X-Yuanzi-User": str(owner)}
    app = httpx.post(f"{base}/sandbox/apps", json={"type": "miniprogram", "name": "果园小店"}).json()
    mchid = httpx.post(
        f"{base}/sandbox/merchants", json={"name": "果园小店", "appid": app["appid"], "admin_user_id": owner}
    ).json()["mchid"]
    product = httpx.post(
        f"{base}/api/live/rooms/{room_id}/products",
        json={"mchid": mchid, "title": "脐橙 10斤", "price": 4_500, "notify_url": f"{base}/nowhere"},
        headers=headers,
    ).json()

    page = viewer(browser, base, "吃货")
    me = next(
        u["user_id"] for u in httpx.get(f"{base}/sandbox/users").json()["users"] if u["nickname"] == "吃货"
    )
    httpx.post(f"{base}/sandbox/users/{me}/wallet/topup", json={"amount": 10_000})
    page.goto(f"{base}/live/{room_id}?from=share")
    expect(page.locator("#live-product")).to_be_hidden()
    httpx.put(f"{base}/api/live/rooms/{room_id}/pinned/{product['product_id']}", headers=headers)
    expect(page.locator("#live-product-title")).to_have_text("脐橙 10斤")  # pinned while watching
    expect(page.locator("#live-product-price")).to_have_text("45.00")
    screenshot(page, "live-shelf.png", tmp_path, artifacts)
    page.get_by_role("button", name="购买 Buy").click()
    expect(page.locator("#payee")).to_have_text("果园小店")  # WeChat Pay's sheet
    expect(page.locator("#pay-amount")).to_contain_text("45.00")
    page.locator("#pay-confirm").click()
    expect(page.locator("#pay-status")).to_contain_text("支付成功")

    page.goto(f"{base}/live/{room_id}")
    expect(page.locator("#live-stream")).to_contain_text("买了 脐橙 10斤", timeout=10_000)
    sales = httpx.get(f"{base}/api/live/rooms/{room_id}/products").json()
    assert (sales["gmv"], sales["products"][0]["sales"]) == (4_500, 1)
