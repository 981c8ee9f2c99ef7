"""Phone and desktop viewports, and screenshots checked to be real pictures."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from tests.e2e.png import colour_stats

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WECHAT_GREEN = bytes([0x07, 0xC1, 0x60])


def screenshot(page: Page, name: str, tmp_path: Path, artifacts: Path) -> bytes:
    """A PNG of the page, saved to tmp_path and test-artifacts/, checked to be a real picture."""
    png = page.screenshot(full_page=False)
    (tmp_path / name).write_bytes(png)
    (artifacts / name).write_bytes(png)
    distinct, commonest, counts = colour_stats(png)
    assert len(png) > 10_000, f"{name}: only {len(png)} bytes"
    assert distinct > 50, f"{name}: only {distinct} colours"
    assert commonest < 0.9, f"{name}: {commonest:.0%} of it is one colour"
    assert counts[WECHAT_GREEN] > 100, f"{name}: the green of the active tab or buttons is missing"
    return png
