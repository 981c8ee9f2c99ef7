"""The phone and the console in headless chromium, against a real yuanzi over HTTP."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.screens import DESKTOP, PHONE, screenshot

pytestmark = pytest.mark.e2e


def create_mini_program_in_the_console(
    page: Page, base: str, tmp_path: Path, artifacts: Path
) -> tuple[str, str]:
    """Create a mini program through /console; returns its appid and the secret shown once."""
    page.goto(f"{base}/console")
    expect(page.locator("#count-apps")).to_have_text("0")
    form = page.get_by_role("form", name="Create an app")
    form.locator("select[name=type]").select_option("miniprogram")
    form.locator("input[name=name]").fill("咖啡小店 Coffee")
    form.get_by_role("button", name="创建应用 Create app").click()
    expect(page.locator("#new-app")).to_contain_text("it is shown only once")
    expect(page.locator("#count-apps")).to_have_text("1")
    appid = page.locator("#new-appid").inner_text().strip()
    secret = page.locator("#new-secret").inner_text().split()[0]
    assert re.fullmatch(r"wx[0-9a-f]{16}", appid)
    assert re.fullmatch(r"[0-9a-f]{32}", secret)
    expect(page.locator("#apps table")).to_contain_text(appid)
    screenshot(page, "console.png", tmp_path, artifacts)
    expect(page).to_have_url(f"{base}/console")  # so that reloading is a GET, not a second app
    page.reload()
    expect(page.locator("#count-apps")).to_have_text("1")
    expect(page.locator("#apps table")).to_contain_text(appid)
    expect(page.locator("body")).not_to_contain_text(secret)
    return appid, secret


def test_sign_in_browse_the_tabs_and_log_in_to_a_mini_program(
    browser: Browser, live_server: str, tmp_path: Path, artifacts: Path
) -> None:
    desktop = browser.new_page(viewport=DESKTOP)
    appid, secret = create_mini_program_in_the_console(desktop, live_server, tmp_path, artifacts)

    page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(live_server + "/")
    expect(page.get_by_role("heading", name="沙盒登录 Sandbox sign-in")).to_be_visible()
    page.get_by_label("新用户昵称").fill("小明")
    page.get_by_role("button", name="创建并登录").click()

    expect(page.get_by_text("暂无聊天")).to_be_visible()
    expect(page.locator(".tab.active")).to_contain_text("聊天")
    screenshot(page, "phone-chats.png", tmp_path, artifacts)

    page.get_by_role("link", name="发现 Discover").click()
    expect(page).to_have_url(f"{live_server}/discover")
    expect(page.locator(".tab.active")).to_contain_text("发现")
    expect(page.locator("#discover-miniprograms")).to_contain_text("咖啡小店 Coffee")
    expect(page.locator("#discover-channels")).to_contain_text("打开")
    expect(page.locator("#discover-live")).to_contain_text("进入")
    expect(page.locator("#discover-search")).to_contain_text("搜索")
    screenshot(page, "phone-discover.png", tmp_path, artifacts)

    page.get_by_role("link", name="我 Me").click()
    expect(page).to_have_url(f"{live_server}/me")
    expect(page.locator("#nickname")).to_have_text("小明")
    row = page.locator(f"#mp-{appid}")
    row.get_by_role("button", name="wx.login()").click()
    code_box = row.locator("[data-login-code]")
    expect(code_box).to_have_text(re.compile(r"^[A-Za-z0-9]{32}$"))
    expect(row.locator("[data-countdown]")).to_contain_text("left")
    expect(page).to_have_url(f"{live_server}/me")  # htmx swapped the fragment in; no page load
    code = code_box.inner_text()
    screenshot(page, "phone-me-wx-login.png", tmp_path, artifacts)

    session = httpx.get(
        f"{live_server}/sns/jscode2session",
        params={"appid": appid, "secret": secret, "js_code": code, "grant_type": "authorization_code"},
    ).json()
    assert set(session) == {"openid", "session_key", "unionid"}, session
    assert re.fullmatch(r"o[A-Za-z0-9_-]{27}", session["openid"])
    reused = httpx.get(
        f"{live_server}/sns/jscode2session", params={"appid": appid, "secret": secret, "js_code": code}
    ).json()
    assert reused["errcode"] == 40163

    desktop.goto(f"{live_server}/")  # another browser: signed out, and 小明 is now on the list
    expect(desktop.get_by_role("button", name="Sign in as 小明")).to_be_visible()
    desktop.set_viewport_size(DESKTOP)
    screenshot(desktop, "phone-signin-desktop.png", tmp_path, artifacts)

    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="沙盒登录 Sandbox sign-in")).to_be_visible()
    page.goto(f"{live_server}/me")
    expect(page).to_have_url(f"{live_server}/")


def test_a_bad_nickname_shows_an_inline_error_in_the_browser(browser: Browser, live_server: str) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(live_server + "/")
    page.get_by_label("新用户昵称").fill("   ")
    page.get_by_role("button", name="创建并登录").click()
    expect(page.get_by_role("alert")).to_have_text("nickname must not be empty")
    expect(page.locator("#users")).to_have_count(0)
    assert httpx.get(f"{live_server}/sandbox/users").json() == {"users": []}
