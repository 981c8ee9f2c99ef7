"""Channels' REST API under /api/channels/ (problem JSON errors, OpenAPI at /docs).

Requests act as a user: in sandbox mode the `X-Yuanzi-User` header names them (the web client
calls the service directly with its signed-in user). Production sign-in for the API is not built.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from yuanzi.channels import routes_interactions
from yuanzi.channels import service as channels_service
from yuanzi.core import cards
from yuanzi.core.errors import InvalidInput, NotFound
from yuanzi.core.http import ReadUoW, UoW, User, runtime

router = APIRouter(prefix="/api/channels", tags=["channels"])


class NewCreator(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: StrictStr = Field(min_length=1, max_length=64)
    bio: StrictStr = Field(default="", max_length=256)


def _creator_json(c: channels_service.CreatorInfo) -> dict[str, Any]:
    return {
        "creator_id": c.creator_id,
        "user_id": c.user_id,
        "name": c.name,
        "bio": c.bio,
        "followers": c.followers,
        "posts": c.posts,
        "created_at": c.created_at.isoformat(),
    }


def post_json(p: channels_service.PostInfo) -> dict[str, Any]:
    """A post as the API answers it."""
    return {
        "post_id": p.post_id,
        "creator_id": p.creator_id,
        "creator_name": p.creator_name,
        "kind": p.kind,
        "text": p.text,
        "topics": p.topics,
        "location": p.location,
        "declared_original": p.declared_original,
        "original": p.original,
        "media": [vars(m) for m in p.media],
        "cards": [vars(c) for c in p.cards],
        "created_at": p.created_at.isoformat(),
        "stats": p.stats,
    }


def _page_json(page: channels_service.Page) -> dict[str, Any]:
    return {"posts": [post_json(p) for p in page.posts], "next_cursor": page.next_cursor}


@router.post("/creators", status_code=201)
def create_creator(body: NewCreator, user: User, uow: UoW) -> dict[str, Any]:
    """Open the acting user's channel account."""
    creator = channels_service.create_creator(uow=uow, user_id=user, name=body.name, bio=body.bio)
    uow.commit()
    return _creator_json(creator)


@router.put("/creators/{creator_id}")
def update_creator(creator_id: int, body: NewCreator, user: User, uow: UoW) -> dict[str, Any]:
    """Change your channel's name and bio (the name stays unique: 409 name_taken)."""
    creator = channels_service.update_creator(
        uow=uow, user_id=user, creator_id=creator_id, name=body.name, bio=body.bio
    )
    uow.commit()
    return _creator_json(creator)


@router.get("/creators/{creator_id}")
def get_creator(creator_id: int, uow: ReadUoW) -> dict[str, Any]:
    """A channel account with its follower and post counts."""
    return _creator_json(channels_service.get_creator(uow=uow, creator_id=creator_id))


@router.get("/creators/{creator_id}/posts")
def creator_posts(
    creator_id: int, uow: ReadUoW, cursor: str | None = None, limit: int = 20
) -> dict[str, Any]:
    """A creator's posts, newest first, with a cursor for the next page."""
    return _page_json(
        channels_service.creator_posts(uow=uow, creator_id=creator_id, cursor=cursor, limit=limit)
    )


@router.put("/creators/{creator_id}/follow")
def follow(creator_id: int, user: User, uow: UoW) -> dict[str, Any]:
    """Follow a creator (idempotent)."""
    changed = channels_service.follow(uow=uow, user_id=user, creator_id=creator_id)
    uow.commit()
    return {"following": True, "changed": changed}


@router.delete("/creators/{creator_id}/follow")
def unfollow(creator_id: int, user: User, uow: UoW) -> dict[str, Any]:
    """Stop following a creator (idempotent)."""
    changed = channels_service.unfollow(uow=uow, user_id=user, creator_id=creator_id)
    uow.commit()
    return {"following": False, "changed": changed}


def _card_refs(raw: str) -> list[cards.CardRef]:
    if not raw.strip():
        return []
    try:
        items = json.loads(raw)
        return [cards.CardRef(str(item["kind"]), str(item["ref"])) for item in items]
    except (ValueError, TypeError, KeyError):
        raise InvalidInput(
            'cards must be JSON like [{"kind": "miniprogram", "ref": "wx…"}]', field="cards"
        ) from None


@router.post("/posts", status_code=201)
def publish(
    request: Request,
    user: User,
    uow: UoW,
    text: Annotated[str, Form()] = "",
    topics: Annotated[str, Form()] = "",
    location: Annotated[str, Form()] = "",
    cards_json: Annotated[str, Form(alias="cards")] = "",
    declared_original: Annotated[bool, Form()] = False,
    video: Annotated[UploadFile | None, File()] = None,
    images: Annotated[list[UploadFile] | None, File()] = None,
) -> dict[str, Any]:
    """Publish a post: multipart with `video` (MP4, MOV, WebM…) or up to nine `images`, and text,
    topics (comma separated, or #话题 in the text), a location, `cards` (JSON) and
    `declared_original`."""
    folder = channels_service.media_dir(request.app.state.settings.data_dir)
    saved: list[channels_service.Upload] = []
    try:
        saved = [
            channels_service.save_upload(f.file, f.content_type or "", folder)
            for f in ([video] if video is not None else []) + (images or [])
        ]
        post = channels_service.publish(
            uow=uow,
            user_id=user,
            media_dir=folder,
            text=text,
            topics=[t for t in topics.split(",") if t.strip()],
            location=location.strip() or None,
            card_refs=_card_refs(cards_json),
            declared_original=declared_original,
            video=saved[0] if video is not None else None,
            images=saved if video is None else None,
        )
        uow.commit()
    finally:
        for upload in saved:
            upload.path.unlink(missing_ok=True)
    return post_json(post)


@router.get("/posts/{post_id}")
def get_post(post_id: int, uow: ReadUoW) -> dict[str, Any]:
    """A post with its media URLs and resolved cards."""
    return post_json(channels_service.get_post(uow=uow, post_id=post_id))


@router.get("/posts/{post_id}/originality")
def originality(post_id: int, uow: ReadUoW) -> dict[str, Any]:
    """Whether the post keeps its original mark, why, and the evidence (a matched earlier post)."""
    found = channels_service.post_originality(uow=uow, post_id=post_id)
    return {
        "post_id": found.post_id,
        "declared": found.declared,
        "granted": found.granted,
        "reason": found.reason,
        "evidence": found.evidence,
        "decided_at": found.decided_at.isoformat(),
    }


@router.delete("/posts/{post_id}", status_code=204)
def delete_post(post_id: int, user: User, uow: UoW) -> Response:
    """Delete one of your posts."""
    channels_service.delete_post(uow=uow, user_id=user, post_id=post_id)
    uow.commit()
    return Response(status_code=204)


@router.get("/feed/following")
def following_feed(user: User, uow: ReadUoW, cursor: str | None = None, limit: int = 20) -> dict[str, Any]:
    """关注: posts of the creators you follow, newest first."""
    return _page_json(channels_service.following_feed(uow=uow, user_id=user, cursor=cursor, limit=limit))


@router.get("/feed/friends")
def friends_feed(user: User, uow: ReadUoW, cursor: str | None = None, limit: int = 20) -> dict[str, Any]:
    """朋友: posts your friends liked or recommended, newest first."""
    return _page_json(channels_service.friends_feed(uow=uow, user_id=user, cursor=cursor, limit=limit))


@router.get("/feed/recommended")
def recommended_feed(request: Request, user: User, uow: UoW, limit: int = 10) -> dict[str, Any]:
    """推荐: the next page for you (no post twice within the repeat window); each post says why it
    was shown: organic, boost (the originality tilt) or floor (the exposure floor)."""
    shown = channels_service.recommended_feed(
        uow=uow, user_id=user, params=channels_service.feed_params(request.app.state.settings), limit=limit
    )
    uow.commit()
    return {"posts": [post_json(s.post) | {"reason": s.reason} for s in shown]}


@router.get("/creators/{creator_id}/impressions")
def creator_impressions(creator_id: int, uow: ReadUoW, hours: int = 24) -> dict[str, Any]:
    """How often the creator's posts were shown in the last `hours`, by reason."""
    channels_service.get_creator(uow=uow, creator_id=creator_id)
    since = uow.now() - dt.timedelta(hours=min(max(hours, 1), 24 * 30))
    return {
        "creator_id": creator_id,
        "since": since.isoformat(),
        "by_reason": channels_service.impressions_by_reason(uow=uow, creator_id=creator_id, since=since),
    }


@router.get("/studio/income")
def my_income(user: User, uow: ReadUoW, limit: int = 30) -> dict[str, Any]:
    """Your channel's creator income (视频号创作者激励), newest day first; each day says the pool and
    the qualified watch time it was shared by (docs/channels.md has the formula)."""
    creator = channels_service.creator_of_user(uow=uow, user_id=user)
    if creator is None:
        raise NotFound("creator of user", user)
    days = channels_service.income_of(uow=uow, creator_id=creator.creator_id, limit=min(max(limit, 1), 365))
    return {
        "creator_id": creator.creator_id,
        "total_fen": sum(d.amount_fen for d in days),
        "days": [vars(d) for d in days],
    }


def _media(request: Request, media_id: str, poster: bool) -> FileResponse:
    with runtime(request).read_uow() as uow:
        found = channels_service.media_file(uow=uow, media_id=media_id, poster=poster)
    if found is None:
        raise NotFound("media", media_id)
    path, content_type = found
    # FileResponse answers Range requests (206), so players can seek.
    return FileResponse(
        channels_service.media_dir(request.app.state.settings.data_dir) / path,
        media_type=content_type,
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/media/{media_id}")
def get_media(request: Request, media_id: str) -> FileResponse:
    """A post's video (MP4, byte ranges supported) or image."""
    return _media(request, media_id, poster=False)


@router.get("/media/{media_id}/poster")
def get_poster(request: Request, media_id: str) -> FileResponse:
    """A video's poster frame (JPEG)."""
    return _media(request, media_id, poster=True)


router.include_router(routes_interactions.router)
