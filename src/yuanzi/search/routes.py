"""Search's REST API under /api/search/ (problem JSON errors, OpenAPI at /docs)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from yuanzi.core.http import MaybeUser, runtime
from yuanzi.search import service as search_service

router = APIRouter(prefix="/api/search", tags=["search"])


def _index(request: Request) -> search_service.Index:
    return search_service.open_index(request.app.state.settings)


@router.get("")
def search(
    request: Request,
    q: str = "",
    scope: str = "all",
    cursor: str | None = None,
    limit: int = 20,
    explain: bool = False,
    viewer: MaybeUser = None,
) -> dict[str, Any]:
    """搜一搜: everything public containing every word of `q` — as a word, as characters or as pinyin
    (full, joined or initials) — ranked by BM25 × freshness × popularity × friends × type ×
    live-now × name (the query is a name, or starts an account's name).
    `scope`: all, channels, miniprograms, articles or chats; `cursor` continues a page; `explain` adds
    each result's ranking factors. In sandbox mode `X-Yuanzi-User` says who searches: posts their
    friends liked or recommended rank higher, and `chats` searches their own chat messages (and
    only theirs; 401 sign_in_required without a user)."""
    with runtime(request).read_uow() as uow:
        found = search_service.search(
            uow=uow,
            index=_index(request),
            query=q,
            scope=scope,
            cursor=cursor,
            limit=limit,
            user_id=viewer,
        )
    return {
        "query": found.query,
        "scope": found.scope,
        "words": found.words,
        "results": [
            {
                "doc_id": r.doc_id,
                "kind": r.kind,
                "title_html": r.title_html,
                "snippet_html": r.snippet_html,
                "author": r.author,
                "url": r.url,
                "created_at": r.created_at.isoformat(),
                "live": r.live,
                "score": round(r.score, 6),
            }
            | ({"factors": {k: round(v, 6) for k, v in r.factors.items()}} if explain else {})
            for r in found.results
        ],
        "next_cursor": found.next_cursor,
        "index_pending": found.pending,
    }


@router.get("/suggest")
def suggest(request: Request, q: str = "", limit: int = 8) -> dict[str, Any]:
    """As-you-type completions: titles and names that continue `q` (characters, pinyin, initials)."""
    with runtime(request).read_uow() as uow:
        found = search_service.suggest(uow=uow, index=_index(request), prefix=q, limit=min(max(limit, 1), 20))
    return {"query": q, "suggestions": found}
