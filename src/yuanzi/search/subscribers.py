"""What the other components publish, turned into searchable documents. Search reads only their
events, never their tables; each handler runs once per event (core.events delivery rows)."""

from __future__ import annotations

from yuanzi.channels.events import (
    CreatorCreated,
    PostDeleted,
    PostPublished,
    PostReacted,
    ViewRecorded,
)
from yuanzi.core.events import Event, Subscribers
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity.events import AppCreated
from yuanzi.pay.events import MerchantCreated
from yuanzi.search import documents, text
from yuanzi.search.documents import Doc

TITLE_CHARS = 40
LIKE_WEIGHT, RECOMMEND_WEIGHT, VIEW_WEIGHT = 1.0, 2.0, 0.1


def post_title(body: str) -> str:
    """A post has no title: its first line, shortened."""
    first = body.strip().splitlines()[0] if body.strip() else ""
    return first if len(first) <= TITLE_CHARS else first[: TITLE_CHARS - 1] + "…"


def on_creator(event: Event, uow: UnitOfWork) -> None:
    assert isinstance(event, CreatorCreated)
    text.add_words([event.name])
    documents.upsert(
        uow,
        Doc(
            kind="creator",
            key=str(event.creator_id),
            title=event.name,
            body=event.bio,
            author=event.name,
            url=f"/channels/creators/{event.creator_id}",
        ),
    )


def on_post(event: Event, uow: UnitOfWork) -> None:
    assert isinstance(event, PostPublished)
    documents.upsert(
        uow,
        Doc(
            kind="post",
            key=str(event.post_id),
            title=post_title(event.text),
            body=" ".join([event.text, event.location or ""]).strip(),
            tags=tuple(event.topics),
            author=event.creator_name,
            url=f"/channels/posts/{event.post_id}",
        ),
    )


def on_post_deleted(event: Event, uow: UnitOfWork) -> None:
    assert isinstance(event, PostDeleted)
    documents.remove(uow, f"post:{event.post_id}")


def on_reaction(event: Event, uow: UnitOfWork) -> None:
    assert isinstance(event, PostReacted)
    weight = {"like": LIKE_WEIGHT, "recommend": RECOMMEND_WEIGHT}.get(event.kind, 0.0)
    if weight:
        documents.add_popularity(uow, f"post:{event.post_id}", weight)
        documents.interacted(uow, f"post:{event.post_id}", event.user_id)


def on_view(event: Event, uow: UnitOfWork) -> None:
    assert isinstance(event, ViewRecorded)
    documents.add_popularity(uow, f"post:{event.post_id}", VIEW_WEIGHT)


def on_app(event: Event, uow: UnitOfWork) -> None:
    assert isinstance(event, AppCreated)
    if event.type != "miniprogram":
        return
    text.add_words([event.name])
    documents.upsert(
        uow,
        Doc(kind="miniprogram", key=event.appid, title=event.name, url=f"/discover#mp-{event.appid}"),
    )


def on_merchant(event: Event, uow: UnitOfWork) -> None:
    assert isinstance(event, MerchantCreated)
    text.add_words([event.name])
    # A merchant's storefront in the client is its mini program.
    documents.upsert(
        uow,
        Doc(kind="merchant", key=event.mchid, title=event.name, url=f"/discover#mp-{event.appid}"),
    )


def subscribe(subscribers: Subscribers) -> None:
    """Register Search's subscribers."""
    subscribers.add("search.creators", [CreatorCreated], on_creator)
    subscribers.add("search.posts", [PostPublished], on_post)
    subscribers.add("search.post-deletions", [PostDeleted], on_post_deleted)
    subscribers.add("search.post-reactions", [PostReacted], on_reaction)
    subscribers.add("search.post-views", [ViewRecorded], on_view)
    subscribers.add("search.apps", [AppCreated], on_app)
    subscribers.add("search.merchants", [MerchantCreated], on_merchant)
