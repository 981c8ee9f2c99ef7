"""Channels' interaction routes: reactions, comments, blocks, shares and views."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from yuanzi.channels import service as channels_service
from yuanzi.core.http import ReadUoW, UoW, User
from yuanzi.core.uow import UnitOfWork

router = APIRouter()


class NewComment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: StrictStr = Field(min_length=1, max_length=500)
    parent_id: StrictInt | None = None


class NewShare(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target: StrictStr = "link"


class ViewEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    event: StrictStr
    view_id: StrictInt | None = None
    position_ms: StrictInt = 0
    share_id: StrictStr | None = None


class BlockBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_id: StrictInt


def _react(post_id: int, kind: str, on: bool, user: int, uow: UnitOfWork) -> dict[str, Any]:
    changed = channels_service.react(uow=uow, user_id=user, post_id=post_id, kind=kind, on=on)
    uow.commit()
    return {kind: on, "changed": changed}


@router.put("/posts/{post_id}/{kind}")
def react(post_id: int, kind: str, user: User, uow: UoW) -> dict[str, Any]:
    """`kind` like (赞), recommend (推荐: your friends see it) or favourite (收藏); idempotent."""
    return _react(post_id, kind, True, user, uow)


@router.delete("/posts/{post_id}/{kind}")
def unreact(post_id: int, kind: str, user: User, uow: UoW) -> dict[str, Any]:
    """Take back a like, recommendation or favourite; idempotent."""
    return _react(post_id, kind, False, user, uow)


def _comment_json(c: channels_service.CommentInfo) -> dict[str, Any]:
    return {
        "comment_id": c.comment_id,
        "post_id": c.post_id,
        "user_id": c.user_id,
        "nickname": c.nickname,
        "parent_id": c.parent_id,
        "text": c.text,
        "created_at": c.created_at.isoformat(),
    }


@router.post("/posts/{post_id}/comments", status_code=201)
def add_comment(post_id: int, body: NewComment, user: User, uow: UoW) -> dict[str, Any]:
    """Comment on a post, or reply to a comment (replies are one level deep)."""
    added = channels_service.comment(
        uow=uow, user_id=user, post_id=post_id, text=body.text, parent_id=body.parent_id
    )
    uow.commit()
    return _comment_json(added)


@router.get("/posts/{post_id}/comments")
def list_comments(post_id: int, uow: ReadUoW) -> dict[str, Any]:
    """A post's comments, each followed by its replies."""
    return {"comments": [_comment_json(c) for c in channels_service.comments(uow=uow, post_id=post_id)]}


@router.delete("/comments/{comment_id}", status_code=204)
def delete_comment(comment_id: int, user: User, uow: UoW) -> Response:
    """Delete a comment (its author or the post's creator), with its replies."""
    channels_service.delete_comment(uow=uow, user_id=user, comment_id=comment_id)
    uow.commit()
    return Response(status_code=204)


@router.post("/blocks", status_code=201)
def block_commenter(body: BlockBody, user: User, uow: UoW) -> dict[str, Any]:
    """Block a user from commenting on your channel's posts."""
    changed = channels_service.block(uow=uow, creator_user_id=user, user_id=body.user_id)
    uow.commit()
    return {"blocked": body.user_id, "changed": changed}


@router.post("/posts/{post_id}/shares", status_code=201)
def share(post_id: int, body: NewShare, user: User, uow: UoW) -> dict[str, Any]:
    """Share a post to a chat or as a link; views that come through it carry `share_id`."""
    share_id = channels_service.share(uow=uow, user_id=user, post_id=post_id, target=body.target)
    uow.commit()
    return {"share_id": share_id, "url": f"/api/channels/posts/{post_id}?share={share_id}"}


@router.post("/posts/{post_id}/views")
def record_view(post_id: int, body: ViewEvent, user: User, uow: UoW) -> dict[str, Any]:
    """play (→ view_id), then progress / finish with `view_id` and `position_ms`."""
    view_id = channels_service.record_view(
        uow=uow,
        user_id=user,
        post_id=post_id,
        event=body.event,
        view_id=body.view_id,
        position_ms=body.position_ms,
        share_id=body.share_id,
    )
    uow.commit()
    return {"view_id": view_id}
