"""Two people chat in two headless chromium windows against a running server: a message typed
in one appears in the other without reloading, unread counts show on the Chats tab, a recalled
message turns into a notice on both sides, and the Chats tab's box finds a friend by initials
and a message by a sub-word."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.screens import PHONE, screenshot
from yuanzi.core.events import Subscribers
from yuanzi.search import service as search_service

pytestmark = pytest.mark.e2e


def signed_in(browser: Browser, base: str, nickname: str) -> Page:
    page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto(base + "/")
    page.get_by_role("button", name=f"Sign in as {nickname}").click()
    expect(page.locator("h1")).to_contain_text("聊天")
    return page


def test_two_friends_chat_in_real_time_and_search_their_chats(
    browser: Browser, running_server: str, subscribers: Subscribers, tmp_path: Path, artifacts: Path
) -> None:
    base = running_server
    search_service.subscribe(subscribers)  # the running server delivers events to Search
    ming = httpx.post(f"{base}/sandbox/users", json={"nickname": "小明"}).json()["user_id"]
    hong = httpx.post(f"{base}/sandbox/users", json={"nickname": "小红"}).json()["user_id"]
    httpx.post(f"{base}/sandbox/users/{ming}/friends", json={"user_id": hong}).raise_for_status()

    ming_page = signed_in(browser, base, "小明")
    ming_page.locator("#chat-friends").get_by_role("button", name="发消息 Message").click()
    expect(ming_page.locator("h1")).to_contain_text("小红")
    ming_page.get_by_label("Message").fill("周末一起去爬山吗？")
    ming_page.get_by_role("button", name="发送 Send").click()
    expect(ming_page.locator(".bubble.mine")).to_have_text("周末一起去爬山吗？撤回")

    hong_page = signed_in(browser, base, "小红")
    row = hong_page.locator("#chat-list li").first
    expect(row).to_contain_text("周末一起去爬山吗？")
    expect(row.locator(".unread")).to_have_text("1")
    expect(hong_page.locator("#chats-badge")).to_have_text("1")  # on the tab bar too
    row.get_by_role("link", name="小明").click()
    expect(hong_page.locator(".bubble.theirs")).to_have_text("周末一起去爬山吗？")
    hong_page.get_by_label("Message").fill("好呀，几点？")
    hong_page.get_by_role("button", name="发送 Send").click()

    # 小明's open page picks the reply up by polling, without reloading.
    expect(ming_page.locator(".bubble.theirs")).to_have_text("好呀，几点？", timeout=8000)
    ming_page.mouse.move(0, 0)  # off the send button: its hover colour is not the brand green
    screenshot(ming_page, "chat.png", tmp_path, artifacts)
    ming_page.locator(".bubble.mine").get_by_role("button", name="Recall this message").click()
    expect(ming_page.locator(".notice")).to_contain_text("你撤回了一条消息")
    expect(hong_page.locator(".notice")).to_contain_text("小明撤回了一条消息", timeout=8000)
    expect(hong_page.locator(".bubble")).to_have_count(1)
    hong_page.get_by_role("link", name="Back to Chats").click()
    expect(hong_page.locator("#chat-list .unread")).to_have_count(0)  # everything shown was read
    expect(hong_page.locator("#chats-badge")).to_be_hidden()

    # Search within chats: 小红 finds 小明 by his initials and the plan by a sub-word.
    hong_page.get_by_label("Search your chats").fill("xm")
    hong_page.get_by_label("Search your chats").press("Enter")
    expect(hong_page.locator("#results-contact")).to_contain_text("小明", timeout=8000)
    hong_page.get_by_label("Search your chats").fill("几点")
    hong_page.get_by_label("Search your chats").press("Enter")
    hit = hong_page.locator("#results-message .search-result").first
    expect(hit.locator("em")).to_have_text("几点")
    screenshot(hong_page, "chat-search.png", tmp_path, artifacts)
    hit.get_by_role("link").click()
    expect(hong_page.locator(".bubble.mine")).to_contain_text("好呀，几点？")


def test_a_long_chat_opens_at_its_latest_message_or_at_a_searched_one(
    browser: Browser, running_server: str
) -> None:
    base = running_server
    ming = httpx.post(f"{base}/sandbox/users", json={"nickname": "小明"}).json()["user_id"]
    hong = httpx.post(f"{base}/sandbox/users", json={"nickname": "小红"}).json()["user_id"]
    httpx.post(f"{base}/sandbox/users/{ming}/friends", json={"user_id": hong}).raise_for_status()
    as_hong = {"X-Yuanzi-User": str(hong)}
    chat = httpx.post(f"{base}/api/chats", json={"user_id": ming}, headers=as_hong).json()["conversation_id"]
    sent = [
        httpx.post(f"{base}/api/chats/{chat}/messages", json={"text": f"第{i}条"}, headers=as_hong).json()
        for i in range(60)
    ]
    page = signed_in(browser, base, "小明")
    page.goto(f"{base}/chats/{chat}")
    expect(page.locator(f"#m{sent[-1]['message_id']}")).to_be_in_viewport()
    expect(page.locator(f"#m{sent[10]['message_id']}")).not_to_be_in_viewport()
    expect(page.locator(f"#m{sent[0]['message_id']}")).to_have_count(0)  # the latest 50 only
    page.get_by_role("link", name="更早的消息 Earlier messages").click()
    expect(page.locator(f"#m{sent[0]['message_id']}")).to_be_attached()
    # A search result opens the page of history ending at its message, scrolled to it.
    page.goto(f"{base}/chats/{chat}?at={sent[3]['message_id']}#m{sent[3]['message_id']}")
    expect(page.locator(f"#m{sent[3]['message_id']}")).to_be_in_viewport()
    expect(page.locator(f"#m{sent[4]['message_id']}")).to_have_count(0)
    page.get_by_role("link", name="回到最新消息 Back to the latest").click()
    expect(page.locator(f"#m{sent[-1]['message_id']}")).to_be_in_viewport()
