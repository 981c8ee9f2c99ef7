"""The creator studio in the console (视频号助手): a channel's posts with their numbers, impressions
by reason (organic, the originality boost, the exposure floor), originality decisions with their
evidence, income, and uploading. Like the rest of the console it has no sign-in yet (docs/web.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse

from yuanzi.channels import service as channels_service
from yuanzi.core.errors import NotFound, Problem
from yuanzi.core.http import runtime
from yuanzi.core.uow import UnitOfWork
from yuanzi.web.actions import form_post
from yuanzi.web.channels import publish_form
from yuanzi.web.render import page, settings

router = APIRouter(prefix="/console/channels")
FormStr = Annotated[str, Form()]
POSTS_SHOWN = 50


@router.get("", response_class=HTMLResponse)
def creators(request: Request) -> HTMLResponse:
    """Every channel account, with a link to its studio."""
    with runtime(request).uow() as uow:
        ctx = {"creators": channels_service.list_creators(uow=uow, limit=500), "settings": settings(request)}
        return page(request, "console/channels.html", ctx)


def _studio(request: Request, uow: UnitOfWork, creator_id: int, **extra: Any) -> HTMLResponse:
    status = extra.pop("status_code", 200)
    creator = channels_service.get_creator(uow=uow, creator_id=creator_id)
    now = uow.now()
    posts = channels_service.creator_posts(uow=uow, creator_id=creator_id, limit=POSTS_SHOWN).posts
    originality = {}
    for post in posts:
        try:
            originality[post.post_id] = channels_service.post_originality(uow=uow, post_id=post.post_id)
        except NotFound:
            continue
    income = channels_service.income_of(uow=uow, creator_id=creator_id)
    ctx = {
        "creator": creator,
        "posts": posts,
        "originality": originality,
        "day": channels_service.impressions_by_reason(
            uow=uow, creator_id=creator_id, since=now - dt.timedelta(days=1)
        ),
        "week": channels_service.impressions_by_reason(
            uow=uow, creator_id=creator_id, since=now - dt.timedelta(days=7)
        ),
        "per_post": channels_service.post_impressions(
            uow=uow, creator_id=creator_id, since=now - dt.timedelta(days=7)
        ),
        "income": income,
        "income_total": sum(d.amount_fen for d in income),
        "settings": settings(request),
        "error": None,
        "replace_url": f"/console/channels/{creator_id}",
        **extra,
    }
    return page(request, "console/studio.html", ctx, status_code=status)


@router.get("/{creator_id}", response_class=HTMLResponse, response_model=None)
def studio(request: Request, creator_id: int) -> Response:
    """One channel's studio."""
    with runtime(request).uow() as uow:
        try:
            return _studio(request, uow, creator_id)
        except NotFound:
            ctx = {"creators": [], "missing": creator_id, "settings": settings(request)}
            return page(request, "console/channels.html", ctx, status_code=404)


@router.post("/{creator_id}/posts", response_class=HTMLResponse, response_model=None)
def upload(
    request: Request,
    creator_id: int,
    csrf_token: FormStr = "",
    text: FormStr = "",
    declared_original: FormStr = "",
    video: Annotated[UploadFile | None, File()] = None,
    images: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    """Publish as the channel: a video or images, text, and whether it is declared original."""

    def action(uow: UnitOfWork) -> str:
        try:
            creator = channels_service.get_creator(uow=uow, creator_id=creator_id)
        except NotFound:
            return "/console/channels"
        publish_form(request, uow, creator.user_id, text, declared_original == "1", video, images)
        return f"/console/channels/{creator_id}"

    def failed(uow: UnitOfWork, exc: Problem) -> Response:
        return _studio(request, uow, creator_id, error=exc.detail, status_code=exc.status)

    return form_post(request, csrf_token, action, failed)
