"""Search in headless chromium against a running server (events delivered, the index kept in step
by its worker): suggestions as you type pinyin initials, then grouped, highlighted results."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.screens import PHONE, screenshot
from yuanzi.core.events import Subscribers
from yuanzi.search import service as search_service

pytestmark = pytest.mark.e2e


def test_type_initials_pick_a_suggestion_and_open_the_result(
    browser: Browser, running_server: str, subscribers: Subscribers, tmp_path: Path, artifacts: Path
) -> None:
    base = running_server
    search_service.subscribe(subscribers)
    user = httpx.post(f"{base}/sandbox/users", json={"nickname": "博主"}).json()["user_id"]
    created = httpx.post(
        f"{base}/api/channels/creators", json={"name": "视频号剪辑课"}, headers={"X-Yuanzi-User": str(user)}
    )
    assert created.status_code == 201, created.text
    creator_id = created.json()["creator_id"]
    started = time.monotonic()
    for _ in range(100):  # the bus delivers the event, the worker indexes it
        if httpx.get(f"{base}/api/search", params={"q": "sph"}).json()["results"]:
            break
        httpx.get(f"{base}/healthz")
        time.sleep(0.1)

    assert time.monotonic() - started < 8, "the creator was not searchable by its initials"
    page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(base + "/")
    page.get_by_label("新用户昵称").fill("读者")
    page.get_by_role("button", name="创建并登录").click()
    page.get_by_role("link", name="发现 Discover").click()
    page.locator("#discover-search").get_by_role("link").click()
    page.locator("#search-q").press_sequentially("sph", delay=80)
    suggestion = page.locator("#suggestions").get_by_role("link", name="视频号剪辑课")
    expect(suggestion).to_be_visible()
    screenshot(page, "search-suggestions.png", tmp_path, artifacts)
    suggestion.click()
    result = page.locator("#results-creator .search-result").first
    expect(result).to_contain_text("视频号剪辑课")
    expect(result.locator("em")).to_have_text("视频号剪辑课")
    result.get_by_role("link").click()
    expect(page).to_have_url(f"{base}/channels/creators/{creator_id}")
