"""WeChat customer service (微信客服) in headless chromium against a running server: a WeChat user
finds a corp's account in Search by its initials, writes to it from the phone, the corp reads
with kf/sync_msg and answers with kf/send_msg (over httpx, in WeCom's dialect), the open page
picks the answer up by polling, and the Chats tab lists the conversation with its unread count."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, Response, ViewportSize, expect

from tests.e2e.screens import PHONE, screenshot
from yuanzi.core.events import Subscribers
from yuanzi.search import service as search_service

pytestmark = pytest.mark.e2e

QY = "/qyapi/cgi-bin"


def avatar_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (96, 96), (250, 157, 59)).save(out, "PNG")
    return out.getvalue()


def qy_post(base: str, token: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """A call in WeCom's dialect that must succeed (errcode 0)."""
    response = httpx.post(f"{base}{QY}/{path}", params={"access_token": token}, json=body)
    assert response.status_code == 200, response.text
    answer = dict(response.json())
    assert answer["errcode"] == 0, answer
    return answer


def signed_in(browser: Browser, base: str, nickname: str) -> Page:
    viewport = ViewportSize(width=PHONE["width"], height=PHONE["height"])
    page = browser.new_context(viewport=viewport, is_mobile=True, has_touch=True).new_page()
    page.goto(base + "/")
    page.get_by_role("button", name=f"Sign in as {nickname}").click()
    expect(page.locator("h1")).to_contain_text("聊天")
    return page


def wait_until_searchable(base: str, query: str) -> None:
    """The bus delivers the account's event and the worker indexes it: bounded at 8 seconds."""
    started = time.monotonic()
    while time.monotonic() - started < 8:
        results = httpx.get(f"{base}/api/search", params={"q": query}).json()["results"]
        if any(r["kind"] == "service" for r in results):
            return
        time.sleep(0.1)
    pytest.fail(f"the customer-service account was not searchable by {query!r} within 8 s")


def test_a_customer_finds_a_service_account_writes_and_reads_the_corps_answers(
    browser: Browser, running_server: str, subscribers: Subscribers, tmp_path: Path, artifacts: Path
) -> None:
    base = running_server
    search_service.subscribe(subscribers)  # the running server delivers events to Search

    # The corp: a sandbox corp, a token, an avatar, an account.
    created = httpx.post(f"{base}/sandbox/wecom/corps", json={"name": "原子商城"})
    assert created.status_code == 201, created.text
    corp = created.json()
    grant = httpx.get(f"{base}{QY}/gettoken", params={"corpid": corp["corpid"], "corpsecret": corp["secret"]})
    assert grant.json()["errcode"] == 0, grant.text
    token = grant.json()["access_token"]
    uploaded = httpx.post(
        f"{base}{QY}/media/upload",
        params={"access_token": token, "type": "image"},
        files={"media": ("avatar.png", avatar_png(), "image/png")},
    ).json()
    assert uploaded["errcode"] == 0, uploaded
    kfid = qy_post(base, token, "kf/account/add", {"name": "售后服务", "media_id": uploaded["media_id"]})[
        "open_kfid"
    ]
    user = httpx.post(f"{base}/sandbox/users", json={"nickname": "小明"})
    assert user.status_code in (200, 201), user.text
    wait_until_searchable(base, "shfw")

    # 小明 finds it by the initials of 售后服务 and opens the conversation.
    page = signed_in(browser, base, "小明")
    page.goto(base + "/search")
    page.get_by_label("Search", exact=True).fill("shfw")
    page.get_by_label("Search", exact=True).press("Enter")
    group = page.locator("#results-service")
    expect(group.locator(".section-title")).to_contain_text("客服")
    result = group.locator(".search-result").filter(has_text="售后服务")
    expect(result).to_have_count(1)
    expect(result).to_contain_text("原子商城")  # the corp, as the result's author
    result.get_by_role("link").click()
    expect(page).to_have_url(f"{base}/kf/{kfid}")
    expect(page.locator("h1")).to_contain_text("售后服务")
    expect(page.locator(".kf-corp")).to_contain_text("原子商城")
    expect(page.locator("#kf-hello")).to_be_visible()  # nothing said yet: an invitation to write

    page.get_by_label("Message").fill("我的订单还没发货")
    page.get_by_role("button", name="发送 Send").click()
    mine = page.locator(".bubble.mine")
    expect(mine).to_have_text("我的订单还没发货")
    expect(page.locator("#kf-hello")).to_have_count(0)  # the invitation gives way to the conversation
    mine_id = int(mine.get_attribute("data-message") or 0)
    assert mine_id > 0

    # The corp reads what the customer wrote and answers inside WeCom's window.
    synced = qy_post(base, token, "kf/sync_msg", {"cursor": ""})
    texts = [m for m in synced["msg_list"] if m["msgtype"] == "text" and m["origin"] == 3]
    assert [(m["open_kfid"], m["text"]["content"]) for m in texts] == [(kfid, "我的订单还没发货")]
    external = texts[0]["external_userid"]

    def reply(text: str) -> None:
        body = {"touser": external, "open_kfid": kfid, "msgtype": "text", "text": {"content": text}}
        assert qy_post(base, token, "kf/send_msg", body)["msgid"]

    def read_past_mine(response: Response) -> bool:
        request = response.request
        if request.method != "POST" or not request.url.endswith(f"/kf/{kfid}/read"):
            return False
        return int(json.loads(request.post_data or "{}").get("message_id", 0)) > mine_id

    # The open page picks the answer up by polling, without reloading, and marks it read.
    with page.expect_response(read_past_mine, timeout=8000) as marked:
        reply("您好，已为您加急")
        expect(page.locator(".bubble.theirs")).to_have_text("您好，已为您加急", timeout=8000)
    assert marked.value.ok, marked.value.text()
    page.mouse.move(0, 0)  # off the send button: its hover colour is not the brand green
    screenshot(page, "kf.png", tmp_path, artifacts)

    # Back on the Chats tab: the conversation, its last text, nothing unread (it was read on screen).
    with page.expect_response(lambda r: r.url.endswith("/chats/unread")) as counted:
        page.get_by_role("link", name="Back to Chats").click()
    assert counted.value.json() == {"unread": 0}
    expect(page.locator("h1")).to_contain_text("聊天")
    row = page.locator(f"li[data-kf='{kfid}']")
    expect(row.locator(".title")).to_have_text("售后服务 @原子商城")
    expect(row.locator(".kf-at")).to_contain_text("原子商城")
    expect(row.locator(".sub")).to_have_text("您好，已为您加急")
    expect(row.locator(".unread")).to_have_count(0)
    expect(page.locator("#chats-badge")).to_be_hidden()

    # A second answer while 小明 is on the Chats tab: unread after a reload, on the row and the tab.
    reply("已发货")
    with page.expect_response(lambda r: r.url.endswith("/chats/unread")) as counted:
        page.reload()
    assert counted.value.json() == {"unread": 1}
    expect(row.locator(".sub")).to_have_text("已发货")
    expect(row.locator(".unread")).to_have_text("1")
    expect(page.locator("#chats-badge")).to_have_text("1")
    expect(page.locator("#chats-badge")).to_be_visible()

    # The corp sends a menu: it appears on the open conversation, and a tap answers with its item.
    row.locator("a.title").click()
    expect(page.locator("h1")).to_contain_text("售后服务")
    menu = {
        "head_content": "您对本次服务是否满意？",
        "list": [
            {"type": "click", "click": {"id": "101", "content": "满意"}},
            {"type": "click", "click": {"id": "102", "content": "不满意"}},
        ],
    }
    body = {"touser": external, "open_kfid": kfid, "msgtype": "msgmenu", "msgmenu": menu}
    assert qy_post(base, token, "kf/send_msg", body)["msgid"]
    expect(page.locator(".kf-menu")).to_contain_text("您对本次服务是否满意？", timeout=8000)
    page.get_by_role("button", name="满意", exact=True).click()
    expect(page.locator(".bubble.mine").last).to_have_text("满意")
    synced = qy_post(base, token, "kf/sync_msg", {"cursor": ""})
    assert synced["msg_list"][-1]["text"] == {"content": "满意", "menu_id": "101"}
    page.mouse.move(0, 0)
    screenshot(page, "kf-menu.png", tmp_path, artifacts)

    # A picture from the phone: shown at once, and the corp can fetch it by its media_id.
    picture = tmp_path / "screenshot.png"
    Image.new("RGB", (300, 200), (30, 120, 200)).save(picture, "PNG")
    page.locator("#chat-image").set_input_files(str(picture))
    expect(page.locator(".bubble.mine .kf-picture")).to_be_visible()
    item = qy_post(base, token, "kf/sync_msg", {"cursor": ""})["msg_list"][-1]
    assert item["msgtype"] == "image"
    fetched = httpx.get(
        f"{base}/qyapi/cgi-bin/media/get",
        params={"access_token": token, "media_id": item["image"]["media_id"]},
    )
    assert fetched.headers["content-type"] == "image/jpeg"
