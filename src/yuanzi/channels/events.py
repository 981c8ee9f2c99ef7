"""Events Channels publishes."""

from __future__ import annotations

import dataclasses

from yuanzi.core.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class CreatorCreated(Event):
    """A user opened a channel account."""

    topic = "channels.creator.created"
    creator_id: int
    user_id: int
    name: str
    bio: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class CreatorProfileChanged(Event):
    """A channel changed its name or bio; `old_name` is what its posts and rooms were shown under."""

    topic = "channels.creator.profile-changed"
    creator_id: int
    name: str
    bio: str
    old_name: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class PostPublished(Event):
    """A creator published a post."""

    topic = "channels.post.published"
    post_id: int
    creator_id: int
    kind: str
    text: str
    topics: list[str]
    declared_original: bool
    creator_name: str = ""
    location: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class PostDeleted(Event):
    """A creator deleted a post."""

    topic = "channels.post.deleted"
    post_id: int
    creator_id: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class PostReacted(Event):
    """A user liked (赞), recommended (推荐) or favourited (收藏) a post."""

    topic = "channels.post.reacted"
    post_id: int
    creator_id: int
    user_id: int
    kind: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class CommentAdded(Event):
    """A user commented on a post."""

    topic = "channels.comment.added"
    comment_id: int
    post_id: int
    creator_id: int
    user_id: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class PostShared(Event):
    """A user shared a post to a chat or as a link."""

    topic = "channels.post.shared"
    post_id: int
    creator_id: int
    user_id: int
    share_id: str
    target: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class ViewRecorded(Event):
    """A viewing of a post finished (with its watch time, and whether it came through a share)."""

    topic = "channels.view.recorded"
    post_id: int
    creator_id: int
    user_id: int
    watched_ms: int
    finished: bool
    via_share: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class ImpressionsRecorded(Event):
    """The Recommended feed showed posts to a user; `reasons[i]` is why `post_ids[i]` was shown
    (organic, boost — the originality tilt — or floor — the exposure floor)."""

    topic = "channels.impressions.recorded"
    user_id: int
    post_ids: list[int]
    reasons: list[str]


@dataclasses.dataclass(frozen=True, kw_only=True)
class CreatorIncomeEarned(Event):
    """A creator's share of a day's incentive pool; Pay credits it to the creator's wallet."""

    topic = "channels.creator.income-earned"
    creator_id: int
    user_id: int
    day: str
    amount_fen: int
    qualified_watch_ms: int
