"""What every screen shares: how a chat's time reads, in Beijing time as WeChat shows it."""

from __future__ import annotations

import datetime as dt

from yuanzi.web.render import chat_time

NOW = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)  # 11:00 in Beijing


def test_a_chat_time_reads_as_wechat_shows_it() -> None:
    assert chat_time(dt.datetime(2026, 11, 30, 1, 5, tzinfo=dt.UTC), NOW) == "09:05"  # today
    assert chat_time(dt.datetime(2026, 11, 29, 17, 30, tzinfo=dt.UTC), NOW) == "01:30"  # today in Beijing
    assert chat_time(dt.datetime(2026, 11, 29, 15, 59, tzinfo=dt.UTC), NOW) == "昨天"  # 23:59 yesterday
    assert chat_time(dt.datetime(2026, 3, 8, 4, 0, tzinfo=dt.UTC), NOW) == "3月8日"
    assert chat_time(dt.datetime(2025, 12, 31, 4, 0, tzinfo=dt.UTC), NOW) == "2025/12/31"
