"""Interactions with posts: like (赞), recommend to friends (推荐), favourite (收藏), comment (with
moderation), share (to a chat or as a link) and views with watch time.

Each interaction row and the post's counter change in the same transaction, the counter by one
atomic UPDATE, so counts never drift from the rows and doing something twice counts once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from yuanzi.channels.events import CommentAdded, PostReacted, PostShared, ViewRecorded
from yuanzi.channels.models import Block, Comment, Creator, Post, Reaction, Share, View
from yuanzi.core import crypto, moderation
from yuanzi.core.errors import InvalidInput, NotFound, Problem
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service

REACTIONS = {"like": Post.likes, "recommend": Post.recommends, "favourite": Post.favourites}
COMMENT_MAX = 500
VIEW_EVENTS = ("play", "progress", "finish")


def _post(uow: UnitOfWork, post_id: int) -> Post:
    post = uow.session.get(Post, post_id)
    if post is None or post.deleted_at is not None:
        raise NotFound("post", post_id)
    return post


def _bump(uow: UnitOfWork, post_id: int, column: object, by: int) -> None:
    uow.session.execute(update(Post).where(Post.id == post_id).values({column: column + by}))  # type: ignore[operator]


def react(*, uow: UnitOfWork, user_id: int, post_id: int, kind: str, on: bool) -> bool:
    """Like / recommend / favourite a post (`on`) or take it back; False when nothing changed."""
    if kind not in REACTIONS:
        raise InvalidInput(f"kind must be one of {', '.join(REACTIONS)}", field="kind")
    identity_service.get_user(uow=uow, user_id=user_id)
    post = _post(uow, post_id)
    existing = uow.session.get(Reaction, (user_id, post_id, kind))
    if on == (existing is not None):
        return False
    if on:
        try:
            with uow.session.begin_nested():
                uow.session.add(Reaction(user_id=user_id, post_id=post_id, kind=kind, created_at=uow.now()))
        except IntegrityError:
            return False  # the same reaction, made concurrently
    else:
        uow.session.delete(existing)
    _bump(uow, post_id, REACTIONS[kind], 1 if on else -1)
    if on:
        uow.publish(PostReacted(post_id=post_id, creator_id=post.creator_id, user_id=user_id, kind=kind))
    return True


def reactions_of(*, uow: UnitOfWork, user_id: int, post_id: int) -> set[str]:
    """Which of like / recommend / favourite the user has done to the post."""
    return set(
        uow.session.scalars(
            select(Reaction.kind).where(Reaction.user_id == user_id, Reaction.post_id == post_id)
        )
    )


@dataclasses.dataclass(frozen=True)
class CommentInfo:
    """A comment as the post page lists it."""

    comment_id: int
    post_id: int
    user_id: int
    nickname: str
    parent_id: int | None
    text: str
    created_at: dt.datetime


def comment(
    *, uow: UnitOfWork, user_id: int, post_id: int, text: str, parent_id: int | None = None
) -> CommentInfo:
    """Comment on a post, or reply to a top-level comment of it."""
    user = identity_service.get_user(uow=uow, user_id=user_id)
    post = _post(uow, post_id)
    clean = text.strip()
    if not clean or len(clean) > COMMENT_MAX:
        raise InvalidInput(f"a comment is 1–{COMMENT_MAX} characters", field="text")
    if moderation.risky(clean):
        raise Problem(422, "comment_rejected", "the comment contains words that are not allowed here")
    if uow.session.get(Block, (post.creator_id, user_id)) is not None:
        raise Problem(403, "blocked", "the creator has blocked you from commenting")
    if parent_id is not None:
        parent = uow.session.get(Comment, parent_id)
        if parent is None or parent.post_id != post_id or parent.deleted_at is not None:
            raise NotFound("comment", parent_id)
        if parent.parent_id is not None:
            parent_id = parent.parent_id  # replies stay one level deep, as Channels shows them
    row = Comment(post_id=post_id, user_id=user_id, parent_id=parent_id, text=clean, created_at=uow.now())
    uow.session.add(row)
    uow.session.flush()
    _bump(uow, post_id, Post.comments, 1)
    uow.publish(CommentAdded(comment_id=row.id, post_id=post_id, creator_id=post.creator_id, user_id=user_id))
    return CommentInfo(row.id, post_id, user_id, user.nickname, parent_id, clean, row.created_at)


def comments(*, uow: UnitOfWork, post_id: int, limit: int = 100) -> list[CommentInfo]:
    """A post's comments, oldest first, each reply right after its parent's other replies."""
    _post(uow, post_id)
    rows = uow.session.scalars(
        select(Comment)
        .where(Comment.post_id == post_id, Comment.deleted_at.is_(None))
        .order_by(Comment.id)
        .limit(limit)
    )
    found = []
    for row in rows:
        user = identity_service.get_user(uow=uow, user_id=row.user_id)
        found.append(
            CommentInfo(
                row.id, row.post_id, row.user_id, user.nickname, row.parent_id, row.text, row.created_at
            )
        )
    top = [c for c in found if c.parent_id is None]
    ordered: list[CommentInfo] = []
    for parent in top:
        ordered.append(parent)
        ordered.extend(c for c in found if c.parent_id == parent.comment_id)
    return ordered


def delete_comment(*, uow: UnitOfWork, user_id: int, comment_id: int) -> None:
    """Delete a comment: its author, or the creator of the post, may."""
    row = uow.session.get(Comment, comment_id)
    if row is None or row.deleted_at is not None:
        raise NotFound("comment", comment_id)
    post = _post(uow, row.post_id)
    creator = uow.session.get(Creator, post.creator_id)
    assert creator is not None
    if user_id not in (row.user_id, creator.user_id):
        raise Problem(403, "not_your_comment", "only its author or the post's creator can delete a comment")
    now = uow.now()
    gone = [
        row,
        *uow.session.scalars(
            select(Comment).where(Comment.parent_id == row.id, Comment.deleted_at.is_(None))
        ),
    ]
    for item in gone:
        item.deleted_at = now
    _bump(uow, post.id, Post.comments, -len(gone))


def block(*, uow: UnitOfWork, creator_user_id: int, user_id: int) -> bool:
    """The creator of `creator_user_id` blocks `user_id` from commenting; False if already."""
    creator = uow.session.scalar(select(Creator).where(Creator.user_id == creator_user_id))
    if creator is None:
        raise Problem(409, "no_channel", "only a channel can block commenters")
    identity_service.get_user(uow=uow, user_id=user_id)
    if uow.session.get(Block, (creator.id, user_id)) is not None:
        return False
    uow.session.add(Block(creator_id=creator.id, user_id=user_id, created_at=uow.now()))
    return True


def share(*, uow: UnitOfWork, user_id: int, post_id: int, target: str) -> str:
    """Share a post to a chat or as a link; returns the share id views through it will carry."""
    if target not in ("chat", "link"):
        raise InvalidInput("target must be chat or link", field="target")
    identity_service.get_user(uow=uow, user_id=user_id)
    post = _post(uow, post_id)
    share_id = crypto.nonce(16)
    uow.session.add(Share(id=share_id, post_id=post_id, user_id=user_id, target=target, created_at=uow.now()))
    _bump(uow, post_id, Post.shares, 1)
    uow.publish(
        PostShared(
            post_id=post_id, creator_id=post.creator_id, user_id=user_id, share_id=share_id, target=target
        )
    )
    return share_id


def record_view(
    *,
    uow: UnitOfWork,
    user_id: int,
    post_id: int,
    event: str,
    view_id: int | None = None,
    position_ms: int = 0,
    share_id: str | None = None,
) -> int:
    """play starts a view (returns its id); progress and finish report how far it got. Watch time
    only grows, and a view finishes once."""
    if event not in VIEW_EVENTS:
        raise InvalidInput(f"event must be one of {', '.join(VIEW_EVENTS)}", field="event")
    if position_ms < 0 or position_ms > 24 * 3600 * 1000:
        raise InvalidInput("position_ms is out of range", field="position_ms")
    post = _post(uow, post_id)
    if event == "play":
        identity_service.get_user(uow=uow, user_id=user_id)
        if share_id is not None:
            shared = uow.session.get(Share, share_id)
            if shared is None or shared.post_id != post_id:
                raise NotFound("share", share_id)
        row = View(
            post_id=post_id,
            user_id=user_id,
            share_id=share_id,
            watched_ms=0,
            finished=False,
            started_at=uow.now(),
        )
        uow.session.add(row)
        uow.session.flush()
        _bump(uow, post_id, Post.plays, 1)
        return row.id
    view = uow.session.get(View, view_id) if view_id is not None else None
    if view is None or view.post_id != post_id or view.user_id != user_id:
        raise NotFound("view", view_id)
    grown = max(0, position_ms - view.watched_ms)
    if grown:
        view.watched_ms += grown
        _bump(uow, post_id, Post.watch_ms, grown)
    if event == "finish" and not view.finished:
        view.finished = True
        _bump(uow, post_id, Post.finishes, 1)
        uow.publish(
            ViewRecorded(
                post_id=post_id,
                creator_id=post.creator_id,
                user_id=user_id,
                watched_ms=view.watched_ms,
                finished=True,
                via_share=view.share_id is not None,
            )
        )
    return view.id
