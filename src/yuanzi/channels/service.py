"""Channels' public interface: what other components, the CLI and the web client may call.

Every function takes keyword-only arguments, the first being the caller's unit of work, and never
commits.
"""

from __future__ import annotations

from pathlib import Path

from yuanzi.channels import income
from yuanzi.channels.creators import (
    CreatorInfo,
    create_creator,
    creator_of_user,
    follow,
    get_creator,
    is_following,
    list_creators,
    unfollow,
    update_creator,
)
from yuanzi.channels.feeds import (
    Shown,
    friends_feed,
    impressions_by_reason,
    post_impressions,
    recommended_feed,
)
from yuanzi.channels.income import DayShare, IncomeParams
from yuanzi.channels.interactions import (
    CommentInfo,
    block,
    comment,
    comments,
    delete_comment,
    react,
    reactions_of,
    record_view,
    share,
)
from yuanzi.channels.posts import (
    MediaInfo,
    OriginalityInfo,
    Page,
    PostInfo,
    Upload,
    creator_posts,
    delete_post,
    following_feed,
    get_post,
    list_posts,
    media_file,
    post_originality,
    publish,
    save_upload,
)
from yuanzi.channels.ranking import Params
from yuanzi.core.uow import UnitOfWork, UnitOfWorkFactory
from yuanzi.core.worker import Worker
from yuanzi.settings import Settings

FeedParams = Params
MAX_UPLOAD = 200 << 20  # bytes of media in one post


def media_dir(data_dir: Path) -> Path:
    """Where Channels keeps media: `<data_dir>/media/channels`."""
    return data_dir / "media" / "channels"


def feed_params(settings: Settings) -> FeedParams:
    """The Recommended feed's parameters, from settings."""
    return FeedParams(
        original_boost=settings.channels_original_boost,
        floor_impressions=settings.channels_floor_impressions,
        floor_share=settings.channels_floor_share,
        freshness_hours=settings.channels_freshness_hours,
        author_decay=settings.channels_author_decay,
        repeat_window_hours=settings.channels_repeat_window_hours,
    )


def income_params(settings: Settings) -> IncomeParams:
    """The creator income plan's parameters, from settings."""
    return IncomeParams(
        pool_fen=settings.channels_income_pool_fen,
        min_view_ms=settings.channels_income_min_view_ms,
        min_creator_watch_ms=settings.channels_income_min_creator_watch_ms,
    )


def income_of(*, uow: UnitOfWork, creator_id: int, limit: int = 30) -> list[DayShare]:
    """The creator's daily income, newest first."""
    get_creator(uow=uow, creator_id=creator_id)
    return income.income_of(uow, creator_id, limit)


def settle_income(uow_factory: UnitOfWorkFactory, params: IncomeParams) -> int:
    """Share out every finished day's pool not yet shared (what the income worker runs)."""
    return income.settle_due(uow_factory, params)


def workers(uow_factory: UnitOfWorkFactory, settings: Settings) -> list[Worker]:
    """Channels' background work while the server runs: settle each Beijing day's creator income."""
    params = income_params(settings)
    return [
        Worker(
            "channels-income",
            lambda: income.settle_due(uow_factory, params),
            interval=60.0,
            batch=income.MAX_DAYS_PER_RUN,
            on_commit=False,
        )
    ]


__all__ = [
    "MAX_UPLOAD",
    "CommentInfo",
    "CreatorInfo",
    "DayShare",
    "FeedParams",
    "IncomeParams",
    "MediaInfo",
    "OriginalityInfo",
    "Page",
    "PostInfo",
    "Shown",
    "Upload",
    "block",
    "comment",
    "comments",
    "create_creator",
    "creator_of_user",
    "creator_posts",
    "delete_comment",
    "delete_post",
    "feed_params",
    "follow",
    "following_feed",
    "friends_feed",
    "get_creator",
    "get_post",
    "impressions_by_reason",
    "income_of",
    "income_params",
    "is_following",
    "list_creators",
    "list_posts",
    "media_dir",
    "media_file",
    "post_impressions",
    "post_originality",
    "publish",
    "react",
    "reactions_of",
    "recommended_feed",
    "record_view",
    "save_upload",
    "settle_income",
    "share",
    "unfollow",
    "update_creator",
    "workers",
]
