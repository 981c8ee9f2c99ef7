"""Channels in headless chromium: a creator uploads a video in the browser, a follower sees it in
the Following feed and plays it (seeking, to the end), and the watch time reaches the post."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.screens import PHONE, screenshot
from yuanzi.channels.synthetic import make_clip

pytestmark = pytest.mark.e2e


def sign_up(page: Page, base: str, nickname: str) -> None:
    page.goto(base + "/")
    page.get_by_label("新用户昵称").fill(nickname)
    page.get_by_role("button", name="创建并登录").click()
    expect(page.get_by_text("暂无聊天")).to_be_visible()


def test_a_follower_sees_and_plays_an_uploaded_video(
    browser: Browser, live_server: str, tmp_path: Path, artifacts: Path
) -> None:
    base = live_server
    clip = make_clip(tmp_path / "upload.mov", seconds=2.0, size=(640, 360), seed=21, container="mov")

    author = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_up(author, base, "阿杰")
    author.get_by_role("link", name="发现 Discover").click()
    author.locator("#discover-channels").get_by_role("link").click()
    expect(author).to_have_url(f"{base}/channels")
    author.locator("#channels-new").click()
    author.get_by_label("名字").fill("阿杰的厨房")
    author.locator("#open-channel").click()
    author.locator("#video").set_input_files(str(clip))
    author.locator("#text").fill("三分钟早餐 #做饭")
    author.get_by_label("声明原创").check()
    author.locator("#publish").click()
    expect(author).to_have_url(re.compile(rf"{re.escape(base)}/channels/posts/\d+$"))
    post_id = int(author.url.rsplit("/", 1)[1])
    expect(author.locator(".badge.original")).to_be_visible()
    expect(author.locator("video.post-video")).to_be_visible()
    profile = author.locator(".post-head a.title").get_attribute("href")
    assert profile is not None

    fan = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_up(fan, base, "小粉")
    fan.goto(base + profile)
    fan.locator("#follow").click()
    expect(fan.locator("#follow")).to_contain_text("已关注")
    fan.goto(base + "/channels?tab=following")
    card = fan.locator(f"#post-{post_id}")
    expect(card).to_contain_text("三分钟早餐")
    video = card.locator("video")
    expect(video).to_be_visible()
    # The transcoded H.264 MP4 plays: metadata, a seek into the middle, then to the end.
    video.evaluate("v => { v.muted = true; return v.play(); }")
    fan.wait_for_function(f"document.querySelector('#post-{post_id} video').currentTime > 0.2")
    assert video.evaluate("v => v.duration") == pytest.approx(2.0, abs=0.2)
    video.evaluate("v => { v.currentTime = 1.0; }")
    fan.wait_for_function(f"document.querySelector('#post-{post_id} video').ended", timeout=15_000)
    screenshot(fan, "channels-following.png", tmp_path, artifacts)

    stats: dict[str, int] = {}
    for _ in range(50):  # the player reports finish as the video ends
        stats = httpx.get(f"{base}/api/channels/posts/{post_id}").json()["stats"]
        if stats["finishes"]:
            break
        fan.wait_for_timeout(100)
    assert stats["plays"] == 1
    assert stats["finishes"] == 1
    assert stats["watch_ms"] >= 1_800
    fan.goto(f"{base}/channels/posts/{post_id}")
    fan.locator("#react-like").click()
    expect(fan.locator("#react-like")).to_have_attribute("aria-pressed", "true")
