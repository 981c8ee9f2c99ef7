"""What every state-changing screen request does around its action: check the CSRF token, find
the signed-in user, run the action in a unit of work, commit — or roll back and answer the
problem. Form posts end in a redirect; the JSON endpoints pages call with `fetch` answer JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse

from yuanzi.core.errors import Problem
from yuanzi.core.http import runtime
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.web import session
from yuanzi.web.client import current_user
from yuanzi.web.render import csrf_rejected, redirect

User = identity_service.UserInfo


def form_action(
    request: Request,
    csrf_token: str,
    action: Callable[[UnitOfWork, User], str],
    failed: Callable[[UnitOfWork, User, Problem], Response],
) -> Response:
    """Run `action` for a form post; it returns where to go next. A Problem rolls back and
    `failed` answers it (with the unit of work still open for re-rendering the screen)."""
    try:
        session.check_csrf(request, csrf_token)
    except session.CsrfRejected:
        return csrf_rejected(request)
    with runtime(request).uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return redirect(request, "/")
        try:
            url = action(uow, user)
        except Problem as exc:
            uow.rollback()
            return failed(uow, user, exc)
        uow.commit()
    return redirect(request, url)


async def json_action(
    request: Request,
    action: Callable[[UnitOfWork, int, dict[str, Any]], dict[str, Any]],
    status_code: int = 200,
) -> Response:
    """Run `action` for a JSON post that carries the page's CSRF token in its header: 400 for a
    bad request, 401 when signed out, `{error, code}` with the problem's status when refused."""
    try:
        session.check_csrf(request, "")
        body = await request.json()
    except (session.CsrfRejected, ValueError):
        return JSONResponse({"error": "bad request"}, status_code=400)
    if not isinstance(body, dict):
        return JSONResponse({"error": "bad request"}, status_code=400)
    with runtime(request).uow() as uow:
        user = current_user(request, uow)
        if user is None:
            return JSONResponse({"error": "sign in"}, status_code=401)
        try:
            result = action(uow, user.user_id, body)
        except Problem as exc:
            uow.rollback()
            return JSONResponse({"error": exc.detail, "code": exc.code}, status_code=exc.status)
        uow.commit()
    return JSONResponse(result, status_code=status_code)
