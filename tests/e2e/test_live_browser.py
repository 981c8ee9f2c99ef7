"""Live in headless chromium: two viewers in one room see each other's comments and gifts as they
happen, and a viewer whose connection drops gets what it missed."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.screens import PHONE, screenshot

pytestmark = pytest.mark.e2e


def viewer(browser: Browser, base: str, nickname: str) -> Page:
    page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto(base + "/")
    page.get_by_label("新用户昵称").fill(nickname)
    page.get_by_role("button", name="创建并登录").click()
    expect(page.get_by_text("暂无聊天")).to_be_visible()
    return page


def room_over_http(base: str, nickname: str, channel: str, title: str, start: bool = True) -> tuple[int, int]:
    """A user with a channel and a room (live unless `start` is False), made through the API:
    (owner, room_id)."""
    owner = int(httpx.post(f"{base}/sandbox/users", json={"nickname": nickname}).json()["user_id"])
    headers = {"X-Yuanzi-User": str(owner)}
    httpx.post(f"{base}/api/channels/creators", json={"name": channel}, headers=headers)
    room_id = int(
        httpx.post(f"{base}/api/live/rooms", json={"title": title}, headers=headers).json()["room_id"]
    )
    if start:
        httpx.post(f"{base}/api/live/rooms/{room_id}/start", headers=headers)
    return owner, room_id


def test_two_viewers_see_each_others_comments_and_gifts(
    browser: Browser, live_server: str, tmp_path: Path, artifacts: Path
) -> None:
    base = live_server
    _, room_id = room_over_http(base, "主播", "夜市直播间", "逛夜市")

    alice, bob = viewer(browser, base, "阿丽"), viewer(browser, base, "阿博")
    alice.goto(f"{base}/discover")
    alice.locator("#discover-live").get_by_role("link").click()
    alice.get_by_role("link", name="逛夜市").click()
    bob.goto(f"{base}/live/{room_id}")
    expect(alice.locator("#live-stream")).to_contain_text("直播开始")

    alice.get_by_role("textbox", name="Comment").fill("大家好 <b>不是粗体</b>")
    alice.get_by_role("button", name="发送 Send").click()
    expect(bob.locator("#live-stream")).to_contain_text("大家好 <b>不是粗体</b>")  # text, not markup
    expect(bob.locator("#live-stream b")).to_have_count(0)

    me = httpx.get(f"{base}/sandbox/users").json()["users"]
    bob_user = next(u["user_id"] for u in me if u["nickname"] == "阿博")
    httpx.post(f"{base}/sandbox/users/{bob_user}/wallet/topup", json={"amount": 1_000})
    bob.locator("#gift-panel").get_by_role("button", name="鲜花").click()
    expect(alice.locator("#live-stream .gift")).to_contain_text("送出 鲜花 ×1")
    for _ in range(3):  # taps go out in one burst; every viewer's counter follows
        alice.get_by_role("button", name="赞 Like").click()
    expect(bob.locator("#live-likes")).to_have_text("3", timeout=10_000)
    expect(alice.locator("#live-viewers")).to_have_text("2", timeout=10_000)  # both sockets
    screenshot(alice, "live-room.png", tmp_path, artifacts)

    # Bob's connection drops; two gifts arrive meanwhile; on reconnect he gets both, once.
    bob.context.set_offline(True)
    bob.evaluate("document.querySelector('[data-live-room]').liveSocket.close()")
    alice_user = next(u["user_id"] for u in me if u["nickname"] == "阿丽")
    httpx.post(f"{base}/sandbox/users/{alice_user}/wallet/topup", json={"amount": 1_000})
    for i in range(2):
        sent = httpx.post(
            f"{base}/api/live/rooms/{room_id}/gifts",
            json={"gift": "heart", "request_id": f"offline-{i:04d}"},
            headers={"X-Yuanzi-User": str(alice_user)},
        )
        assert sent.status_code == 201, sent.text
    bob.context.set_offline(False)
    expect(bob.locator("#live-stream .gift")).to_have_count(3, timeout=20_000)
    seqs = bob.locator("#live-stream li").evaluate_all("items => items.map(i => Number(i.dataset.seq))")
    assert seqs == sorted(set(seqs))
