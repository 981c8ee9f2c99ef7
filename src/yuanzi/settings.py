"""Settings from `YUANZI_*` environment variables, overridable by CLI flags."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Mode(StrEnum):
    """`sandbox` adds /sandbox/ (act as a user, move the clock); `production` has no such door."""

    SANDBOX = "sandbox"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Everything that differs between one yuanzi deployment and another."""

    model_config = SettingsConfigDict(env_prefix="YUANZI_", extra="ignore")

    mode: Mode = Mode.SANDBOX
    data_dir: Path = Path("yuanzi-data")
    # Empty means the embedded default: a SQLite file in the data dir.
    database_url: str = ""
    # Empty means the in-process bus over the outbox; nats://host:port means NATS JetStream.
    bus_url: str = ""
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: str = "info"
    log_json: bool = True
    # Seconds between outbox polls when no commit wakes the dispatcher (other processes' events).
    dispatch_interval: float = Field(default=0.5, gt=0)
    # Run `alembic upgrade head` when the server starts.
    migrate_on_start: bool = True
    # Channels' Recommended feed and the creator incentive plan (docs/channels.md).
    channels_original_boost: float = Field(default=0.3, ge=0, le=5)
    channels_floor_impressions: int = Field(default=50, ge=0, le=100_000)
    channels_floor_share: float = Field(default=0.2, ge=0, le=1)
    channels_freshness_hours: float = Field(default=24.0, gt=0)
    channels_author_decay: float = Field(default=0.5, gt=0, le=1)
    channels_repeat_window_hours: float = Field(default=24.0, ge=0)
    # The daily creator income pool (fen) and who qualifies for a share of it.
    channels_income_pool_fen: int = Field(default=1_000_000, ge=0, le=10**12)
    channels_income_min_view_ms: int = Field(default=3_000, ge=0)
    channels_income_min_creator_watch_ms: int = Field(default=60_000, ge=0)
    # Live: the platform's share of gifts, in millionths (300000 = 30%).
    live_gift_share_ppm: int = Field(default=300_000, ge=0, le=1_000_000)
    # Ordinary entries (comments, arrivals) one viewer's socket gets per second; the rest are
    # sampled away under load. Gifts and announcements always arrive.
    live_comments_per_viewer_second: int = Field(default=10, ge=1, le=1_000)
    # A room whose RTMP stream stops stays live this long for the streamer to reconnect (0: it
    # ends at once).
    live_stream_grace_seconds: int = Field(default=60, ge=0, le=3_600)
    # The merchant traffic incentive: public entries granted per private entry brought, and at
    # most this many granted per room and day (docs/live.md).
    live_incentive_ratio: float = Field(default=1.0, ge=0, le=10)
    live_incentive_daily_cap: int = Field(default=100_000, ge=0, le=10**9)
    # Search's index: "tantivy" (in the data dir, one process) or "postgresql" (shared; needs a
    # PostgreSQL database_url).
    search_backend: Literal["tantivy", "postgresql"] = "tantivy"

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL, defaulting to `<data_dir>/yuanzi.sqlite3`."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'yuanzi.sqlite3').resolve()}"

    @property
    def is_sandbox(self) -> bool:
        """True when /sandbox/ is mounted."""
        return self.mode is Mode.SANDBOX
