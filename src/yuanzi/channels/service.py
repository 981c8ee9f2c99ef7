"""Channels' public interface: what other components, the CLI and the web client may call.

Every function takes keyword-only arguments, the first being the caller's unit of work, and never
commits.
"""

from __future__ import annotations

from yuanzi.channels.feeds import Shown, friends_feed, impressions_by_reason, recommended_feed
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
    CreatorInfo,
    MediaInfo,
    OriginalityInfo,
    Page,
    PostInfo,
    Upload,
    create_creator,
    creator_of_user,
    creator_posts,
    delete_post,
    follow,
    following_feed,
    get_creator,
    get_post,
    media_file,
    post_originality,
    publish,
    unfollow,
)
from yuanzi.channels.ranking import Params

FeedParams = Params

__all__ = [
    "CommentInfo",
    "CreatorInfo",
    "FeedParams",
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
    "follow",
    "following_feed",
    "friends_feed",
    "get_creator",
    "get_post",
    "impressions_by_reason",
    "media_file",
    "post_originality",
    "publish",
    "react",
    "reactions_of",
    "recommended_feed",
    "record_view",
    "share",
    "unfollow",
]
