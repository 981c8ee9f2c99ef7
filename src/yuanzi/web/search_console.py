"""Search in the console (搜索解释): the operator's explain view. A query's results with every
ranking factor side by side — BM25 (or ts_rank), freshness, popularity, friends, type, live-now
and name — how the query was segmented, and where BM25 alone would have put each result. Public
scopes only: the console has no sign-in yet (docs/web.md), and nobody's chats are an operator's
to read."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from yuanzi.core.errors import InvalidInput, Problem
from yuanzi.core.http import runtime
from yuanzi.search import service as search_service
from yuanzi.web.render import page, settings

router = APIRouter(prefix="/console/search")
SHOWN = 50
FACTORS = ("bm25", "freshness", "popularity", "social", "type", "live", "name")
SCOPES = [s for s in search_service.SCOPES if s not in search_service.PRIVATE_SCOPES]


@router.get("", response_class=HTMLResponse)
def explain(request: Request, q: str = "", scope: str = "all", as_user: str = "") -> HTMLResponse:
    """The explain view; with `q`, its results and their factors."""
    ctx: dict[str, object] = {
        "q": q,
        "scope": scope,
        "scopes": SCOPES,
        "as_user": as_user,
        "factors": FACTORS,
        "found": None,
        "bm25_rank": {},
        "error": None,
    }
    if not q.strip():
        return page(request, "console/search.html", ctx)
    try:
        if scope not in SCOPES:
            raise InvalidInput(f"scope must be one of {', '.join(SCOPES)}", field="scope")
        if as_user.strip() and not as_user.strip().isdigit():
            raise InvalidInput("as user: a user id, or nothing", field="as_user")
        with runtime(request).read_uow() as uow:
            found = search_service.search(
                uow=uow,
                index=search_service.open_index(settings(request)),
                query=q,
                scope=scope,
                limit=SHOWN,
                user_id=int(as_user) if as_user.strip() else None,
                count=False,
            )
    except Problem as exc:
        return page(request, "console/search.html", ctx | {"error": exc.detail}, status_code=exc.status)
    by_bm25 = sorted(found.results, key=lambda r: (-r.factors["bm25"], r.doc_id))
    ctx |= {"found": found, "bm25_rank": {r.doc_id: i for i, r in enumerate(by_bm25, 1)}}
    return page(request, "console/search.html", ctx)
