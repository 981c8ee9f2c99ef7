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


@dataclasses.dataclass(frozen=True, kw_only=True)
class PostDeleted(Event):
    """A creator deleted a post."""

    topic = "channels.post.deleted"
    post_id: int
    creator_id: int
