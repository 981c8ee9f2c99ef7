"""Live video in headless chromium: `yuanzi live push` streams a file into a room, a viewer's page
plays it through hls.js while it is live, and after the room ends the replay plays."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.screens import PHONE, screenshot
from tests.e2e.test_live_browser import room_over_http, viewer
from yuanzi.channels.synthetic import make_clip
from yuanzi.settings import Settings

pytestmark = pytest.mark.e2e


def test_a_pushed_stream_plays_live_and_then_as_a_replay(
    browser: Browser, live_server: str, settings: Settings, tmp_path: Path, artifacts: Path
) -> None:
    base = live_server
    _, room_id = room_over_http(base, "放映员", "露天电影", "今晚放电影", start=False)
    clip = make_clip(tmp_path / "film.mp4", seconds=8.0, size=(320, 180), fps=15)
    # As an operator would run it on the server: a process of its own, paced in real time.
    push = subprocess.Popen(
        [sys.executable, "-m", "yuanzi", "live", "push", str(clip), "--room", str(room_id)],
        env={
            **os.environ,
            "YUANZI_DATA_DIR": str(settings.data_dir),
            "YUANZI_DATABASE_URL": settings.database_url,
        },
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        page = viewer(browser, base, "影迷")
        page.goto(f"{base}/live/{room_id}")
        player = page.locator("#live-video")
        expect(player).to_be_visible(timeout=20_000)  # once the first segments are there
        page.wait_for_function("document.querySelector('#live-video').currentTime > 0.5", timeout=20_000)
        screenshot(page, "live-video.png", tmp_path, artifacts)
    finally:
        _, err = push.communicate(timeout=60)
    assert push.returncode == 0, err
    assert httpx.get(f"{base}/api/live/rooms/{room_id}").json()["state"] == "ended"

    replay = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    replay.context.add_cookies(page.context.cookies())
    replay.goto(f"{base}/live/{room_id}")
    expect(replay.locator("#live-state")).to_contain_text("已结束")
    expect(replay.locator("#live-video")).to_be_visible(timeout=10_000)
    duration = replay.wait_for_function(
        "() => { const v = document.querySelector('#live-video'); return v.duration > 7 && v.duration; }",
        timeout=10_000,
    ).json_value()
    assert duration == pytest.approx(8.0, abs=0.5)  # the whole stream, as a video on demand
    replay.locator("#live-video").evaluate("v => { v.currentTime = 6; return v.play(); }")
    replay.wait_for_function("document.querySelector('#live-video').currentTime > 6.2", timeout=10_000)
