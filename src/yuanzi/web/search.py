"""The phone's search (搜一搜): one box with suggestions as you type, results grouped by kind with
highlighted snippets; the same page scoped to Channels, mini programs, articles or your own chats
(搜索聊天记录: only your messages, with no suggestions, since those come from public text)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from yuanzi.core.errors import NotFound, Problem
from yuanzi.core.http import runtime
from yuanzi.search import service as search_service
from yuanzi.web.render import not_found, page, redirect, settings
from yuanzi.web.session import current_user

router = APIRouter(prefix="/search")
KIND_NAMES = {
    "post": "视频号动态 Posts",
    "creator": "视频号 Channels",
    "live": "直播 Live",
    "miniprogram": "小程序 Mini Programs",
    "article": "文章 Articles",
    "merchant": "商户 Merchants",
    "product": "商品 Products",
    "service": "客服 Customer service",
    "contact": "联系人 Contacts",
    "message": "聊天记录 Chat history",
}
SCOPE_NAMES = {
    "all": "全部 All",
    "channels": "视频号 Channels",
    "miniprograms": "小程序 Mini Programs",
    "articles": "文章 Articles",
    "chats": "聊天记录 Chats",
}


@router.get("", response_class=HTMLResponse, response_model=None)
def search_page(request: Request, q: str = "", scope: str = "all", cursor: str | None = None) -> Response:
    """The search page; with `q`, its results."""
    index = search_service.open_index(settings(request))
    with runtime(request).read_uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        shown = scope if scope in search_service.SCOPES else "all"
        ctx: dict[str, Any] = {
            # The Chats tab opens the chats scope: the phone keeps that tab lit.
            "tab": "chats" if shown == "chats" else "discover",
            "user": user,
            "q": q,
            "scope": shown,
            "private": shown in search_service.PRIVATE_SCOPES,
            "scopes": SCOPE_NAMES,
            "kinds": KIND_NAMES,
            "found": None,
            "error": None,
        }
        if not q.strip():
            return page(request, "client/search.html", ctx)
        try:
            ctx["found"] = search_service.search(
                uow=uow, index=index, query=q, scope=scope, cursor=cursor, user_id=user.user_id
            )
        except Problem as exc:
            return page(request, "client/search.html", ctx | {"error": exc.detail}, status_code=exc.status)
        return page(request, "client/search.html", ctx)


@router.get("/articles/{key:path}", response_class=HTMLResponse, response_model=None)
def article(request: Request, key: str) -> Response:
    """An imported article."""
    with runtime(request).read_uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        try:
            found = search_service.get_article(uow=uow, key=key)
        except NotFound:
            return not_found(request, user)
        return page(request, "client/article.html", {"tab": "discover", "user": user, "article": found})


@router.get("/suggest", response_class=HTMLResponse, response_model=None)
def suggestions(request: Request, q: str = "", scope: str = "all") -> Response:
    """The suggestion list under the box (an htmx fragment)."""
    index = search_service.open_index(settings(request))
    with runtime(request).read_uow() as uow:
        if current_user(request, uow) is None:
            return HTMLResponse("", status_code=401)
        found = search_service.suggest(uow=uow, index=index, prefix=q)
    return page(request, "client/_search_suggestions.html", {"suggestions": found, "scope": scope})
