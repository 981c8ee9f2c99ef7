"""What every state-changing screen request does around its action: check the CSRF token, run
the action in a unit of work, commit — or roll back and answer the problem. Form posts end in a
redirect or a screen (`form_post`; as the signed-in user, `form_action`); the JSON endpoints
pages call with `fetch` answer JSON (`json_action`)."""

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
from yuanzi.web.render import csrf_rejected, redirect
from yuanzi.web.session import current_user

User = identity_service.UserInfo
# What a form post's action answers: where to go next (a 303), or the screen to show (rendered
# in the unit of work, before it commits).
Answer = str | Response


def form_post(
    request: Request,
    csrf_token: str,
    action: Callable[[UnitOfWork], Answer],
    failed: Callable[[UnitOfWork, Problem], Response],
) -> Response:
    """Run `action` for a form post that acts as nobody in particular (the consoles): a Problem
    rolls back and `failed` answers it (with the unit of work still open for re-rendering the
    screen); otherwise the unit of work commits and the answer is given."""
    try:
        session.check_csrf(request, csrf_token)
    except session.CsrfRejected:
        return csrf_rejected(request)
    with runtime(request).uow() as uow:
        try:
            answer = action(uow)
        except Problem as exc:
            uow.rollback()
            return failed(uow, exc)
        uow.commit()
    return redirect(request, answer) if isinstance(answer, str) else answer


def form_action(
    request: Request,
    csrf_token: str,
    action: Callable[[UnitOfWork, User], Answer],
    failed: Callable[[UnitOfWork, User, Problem], Response],
) -> Response:
    """`form_post` as the signed-in user, whom `action` and `failed` are given; signed out, the
    post goes back to the sign-in screen."""
    user: User | None = None

    def as_user(uow: UnitOfWork) -> Answer:
        nonlocal user
        user = current_user(request, uow)
        return redirect(request, "/") if user is None else action(uow, user)

    def refused(uow: UnitOfWork, exc: Problem) -> Response:
        assert user is not None  # the action ran, so someone was signed in
        return failed(uow, user, exc)

    return form_post(request, csrf_token, as_user, refused)


def _as_user(
    request: Request, action: Callable[[UnitOfWork, int, Any], dict[str, Any]], body: Any, status_code: int
) -> Response:
    """Run `action` as the signed-in user in a unit of work: 401 when signed out, `{error, code}`
    with the problem's status (and nothing kept) when refused."""
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


async def json_action(
    request: Request,
    action: Callable[[UnitOfWork, int, dict[str, Any]], dict[str, Any]],
    status_code: int = 200,
) -> Response:
    """Run `action` for a JSON post that carries the page's CSRF token in its header: 400 for a
    bad request, then as `_as_user`."""
    try:
        session.check_csrf(request, "")
        body = await request.json()
    except (session.CsrfRejected, ValueError):
        return JSONResponse({"error": "bad request"}, status_code=400)
    if not isinstance(body, dict):
        return JSONResponse({"error": "bad request"}, status_code=400)
    return _as_user(request, action, body, status_code)


async def upload_action(
    request: Request, action: Callable[[UnitOfWork, int, Any], dict[str, Any]], status_code: int = 200
) -> Response:
    """`json_action` for a multipart upload (the page's CSRF token in its header): `action` is
    given the parsed form."""
    try:
        session.check_csrf(request, "")
        form = await request.form()
    except (session.CsrfRejected, ValueError, AssertionError):
        return JSONResponse({"error": "bad request"}, status_code=400)
    return _as_user(request, action, form, status_code)
