"""The phone's Channels (视频号) screens: the three feeds, a post with its comments and cards, a
creator's profile, and publishing from the browser."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse

from yuanzi.channels import service as channels_service
from yuanzi.core.errors import NotFound, Problem
from yuanzi.core.http import runtime
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.live import service as live_service
from yuanzi.web.actions import form_action, json_action
from yuanzi.web.render import not_found, page, redirect, settings
from yuanzi.web.session import current_user

router = APIRouter(prefix="/channels")
FormStr = Annotated[str, Form()]
TABS = ("recommended", "following", "friends")
PAGE = 10


def _feed(uow: UnitOfWork, request: Request, user_id: int, tab: str, cursor: str | None) -> dict[str, Any]:
    if tab == "recommended":
        params = channels_service.feed_params(settings(request))
        shown = channels_service.recommended_feed(uow=uow, user_id=user_id, params=params, limit=PAGE)
        # Live's merchant incentive places a room owed public traffic at the top.
        terms = live_service.incentive_terms(settings(request))
        promoted = live_service.promote(uow=uow, user_id=user_id, terms=terms)
        uow.commit()  # the impressions
        return {
            "posts": [s.post for s in shown],
            "reasons": [s.reason for s in shown],
            "next_cursor": None,
            "promoted": promoted,
        }
    if tab == "following":
        found = channels_service.following_feed(uow=uow, user_id=user_id, cursor=cursor, limit=PAGE)
    else:
        found = channels_service.friends_feed(uow=uow, user_id=user_id, cursor=cursor, limit=PAGE)
    return {"posts": found.posts, "reasons": [None] * len(found.posts), "next_cursor": found.next_cursor}


@router.get("", response_class=HTMLResponse, response_model=None)
def feed(request: Request, tab: str = "recommended", cursor: str | None = None) -> Response:
    """视频号: 推荐 (recommended), 关注 (following) and 朋友 (friends)."""
    if tab not in TABS:
        tab = "recommended"
    with runtime(request).uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        try:
            found = _feed(uow, request, user.user_id, tab, cursor)
        except Problem as exc:  # a cursor from elsewhere
            return page(
                request,
                "client/channels_feed.html",
                _ctx(uow, user, tab, error=exc.detail),
                status_code=exc.status,
            )
        return page(request, "client/channels_feed.html", _ctx(uow, user, tab, **found))


def _ctx(uow: UnitOfWork, user: identity_service.UserInfo, tab: str, **extra: Any) -> dict[str, Any]:
    return {
        "tab": "discover",
        "feed_tab": tab,
        "user": user,
        "my_channel": channels_service.creator_of_user(uow=uow, user_id=user.user_id),
        "posts": [],
        "reasons": [],
        "next_cursor": None,
        "error": None,
        **extra,
    }


@router.get("/posts/{post_id}", response_class=HTMLResponse, response_model=None)
def post_page(request: Request, post_id: int, error: str | None = None, status_code: int = 200) -> Response:
    """A post: its video or images, text, cards, reactions and comments."""
    with runtime(request).uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        try:
            post = channels_service.get_post(uow=uow, post_id=post_id)
        except NotFound:
            return not_found(request, user)
        ctx = {
            "tab": "discover",
            "user": user,
            "post": post,
            "mine": channels_service.reactions_of(uow=uow, user_id=user.user_id, post_id=post_id),
            "comments": channels_service.comments(uow=uow, post_id=post_id),
            "error": error,
            "replace_url": f"/channels/posts/{post_id}",
        }
        return page(request, "client/channels_post.html", ctx, status_code=status_code)


@router.post("/posts/{post_id}/react", response_model=None)
def react(
    request: Request, post_id: int, csrf_token: FormStr = "", kind: FormStr = "", on: FormStr = "1"
) -> Response:
    """赞 / 推荐 / 收藏, or take it back."""

    def action(uow: UnitOfWork, user: identity_service.UserInfo) -> str:
        channels_service.react(uow=uow, user_id=user.user_id, post_id=post_id, kind=kind, on=on == "1")
        return f"/channels/posts/{post_id}"

    return form_action(request, csrf_token, action, _post_failed(request, post_id))


@router.post("/posts/{post_id}/comments", response_model=None)
def add_comment(
    request: Request, post_id: int, csrf_token: FormStr = "", text: FormStr = "", parent_id: FormStr = ""
) -> Response:
    """Comment, or reply to a comment."""
    parent = int(parent_id) if parent_id.isdigit() else None

    def action(uow: UnitOfWork, user: identity_service.UserInfo) -> str:
        channels_service.comment(uow=uow, user_id=user.user_id, post_id=post_id, text=text, parent_id=parent)
        return f"/channels/posts/{post_id}"

    return form_action(request, csrf_token, action, _post_failed(request, post_id))


def _post_failed(request: Request, post_id: int) -> Callable[[UnitOfWork, Any, Problem], Response]:
    """The post page again, saying why."""
    return lambda _uow, _user, exc: post_page(request, post_id, error=exc.detail, status_code=exc.status)


@router.post("/posts/{post_id}/views", response_model=None)
async def view(request: Request, post_id: int) -> Response:
    """The player reports play / progress / finish (JSON, with the CSRF header): watch time."""

    def action(uow: UnitOfWork, user_id: int, body: dict[str, Any]) -> dict[str, Any]:
        view_id = channels_service.record_view(
            uow=uow,
            user_id=user_id,
            post_id=post_id,
            event=str(body.get("event", "")),
            view_id=body.get("view_id") if isinstance(body.get("view_id"), int) else None,
            position_ms=int(body.get("position_ms") or 0),
        )
        return {"view_id": view_id}

    return await json_action(request, action)


@router.get("/creators/{creator_id}", response_class=HTMLResponse, response_model=None)
def profile(request: Request, creator_id: int, cursor: str | None = None) -> Response:
    """A creator's channel: name, bio, followers, follow, posts."""
    with runtime(request).uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        try:
            creator = channels_service.get_creator(uow=uow, creator_id=creator_id)
            posts = channels_service.creator_posts(uow=uow, creator_id=creator_id, cursor=cursor, limit=PAGE)
        except Problem as exc:
            return not_found(request, user, exc.status)
        ctx = {
            "tab": "discover",
            "user": user,
            "creator": creator,
            "posts": posts.posts,
            "next_cursor": posts.next_cursor,
            "following": channels_service.is_following(uow=uow, user_id=user.user_id, creator_id=creator_id),
            "replace_url": f"/channels/creators/{creator_id}",
        }
        return page(request, "client/channels_profile.html", ctx)


@router.post("/creators/{creator_id}/follow", response_model=None)
def follow(request: Request, creator_id: int, csrf_token: FormStr = "", on: FormStr = "1") -> Response:
    """关注 or 取消关注."""
    profile_url = f"/channels/creators/{creator_id}"

    def action(uow: UnitOfWork, user: identity_service.UserInfo) -> str:
        change = channels_service.follow if on == "1" else channels_service.unfollow
        change(uow=uow, user_id=user.user_id, creator_id=creator_id)
        return profile_url

    # Yourself, or a creator that is gone: the profile says so.
    return form_action(request, csrf_token, action, lambda _uow, _user, _exc: redirect(request, profile_url))


def _new(request: Request, uow: UnitOfWork, user: identity_service.UserInfo, **extra: Any) -> HTMLResponse:
    status = extra.pop("status_code", 200)
    ctx = {
        "tab": "discover",
        "user": user,
        "my_channel": channels_service.creator_of_user(uow=uow, user_id=user.user_id),
        "error": None,
        "replace_url": "/channels/new",
        **extra,
    }
    return page(request, "client/channels_new.html", ctx, status_code=status)


@router.get("/new", response_class=HTMLResponse, response_model=None)
def new_post(request: Request) -> Response:
    """发表: open a channel first if you have none, then upload a video or images."""
    with runtime(request).uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        return _new(request, uow, user)


@router.post("/new/channel", response_model=None)
def open_channel(
    request: Request, csrf_token: FormStr = "", name: FormStr = "", bio: FormStr = ""
) -> Response:
    """Open your channel account."""

    def action(uow: UnitOfWork, user: identity_service.UserInfo) -> str:
        channels_service.create_creator(uow=uow, user_id=user.user_id, name=name.strip(), bio=bio.strip())
        return "/channels/new"

    return form_action(request, csrf_token, action, _new_failed(request))


@router.post("/new", response_model=None)
def publish(
    request: Request,
    csrf_token: FormStr = "",
    text: FormStr = "",
    declared_original: FormStr = "",
    video: Annotated[UploadFile | None, File()] = None,
    images: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    """Publish what the form uploaded; the post page opens when it is done."""

    def action(uow: UnitOfWork, user: identity_service.UserInfo) -> str:
        post = publish_form(request, uow, user.user_id, text, declared_original == "1", video, images)
        return f"/channels/posts/{post.post_id}"

    return form_action(request, csrf_token, action, _new_failed(request))


def _new_failed(request: Request) -> Callable[[UnitOfWork, identity_service.UserInfo, Problem], Response]:
    """The publishing screen again, saying why."""
    return lambda uow, user, exc: _new(request, uow, user, error=exc.detail, status_code=exc.status)


def publish_form(
    request: Request,
    uow: UnitOfWork,
    user_id: int,
    text: str,
    declared_original: bool,
    video: UploadFile | None,
    images: list[UploadFile] | None,
) -> channels_service.PostInfo:
    """Publish what a browser form uploaded as `user_id`; the uploads' copies are always removed."""
    # Browsers send an empty part for a file input left empty.
    has_video = video is not None and bool(video.filename)
    files = [f for f in ([video] if video is not None else []) + (images or []) if f.filename]
    folder = channels_service.media_dir(settings(request).data_dir)
    saved = [channels_service.save_upload(f.file, f.content_type or "", folder) for f in files]
    try:
        return channels_service.publish(
            uow=uow,
            user_id=user_id,
            media_dir=folder,
            text=text,
            declared_original=declared_original,
            video=saved[0] if has_video else None,
            images=saved[1:] if has_video else saved,
        )
    finally:
        for item in saved:
            item.path.unlink(missing_ok=True)
