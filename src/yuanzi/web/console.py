"""The operator console: counts, apps and users, and forms to create them.

It has no authentication yet (docs/web.md): put it behind your own access control in production.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from yuanzi.core.errors import InvalidInput, Problem
from yuanzi.core.http import runtime
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.web.actions import form_post
from yuanzi.web.render import page

router = APIRouter(prefix="/console")
FormStr = Annotated[str, Form()]
ROWS_SHOWN = 200

APP_TYPES = [
    (identity_service.AppType.MINIPROGRAM.value, "小程序 Mini Program"),
    (identity_service.AppType.OFFICIAL.value, "公众号 Official Account"),
    (identity_service.AppType.MOBILE.value, "移动应用 Mobile App"),
    (identity_service.AppType.WEB.value, "网站应用 Website"),
]


def _console(request: Request, uow: UnitOfWork, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    ctx: dict[str, Any] = {
        "counts": {
            "users": identity_service.count_users(uow=uow),
            "apps": identity_service.count_apps(uow=uow),
            "mini_programs": identity_service.count_apps(uow=uow, type=identity_service.AppType.MINIPROGRAM),
        },
        "apps": identity_service.list_apps(uow=uow, limit=ROWS_SHOWN),
        "users": identity_service.list_users(uow=uow, limit=ROWS_SHOWN),
        "rows_shown": ROWS_SHOWN,
        "app_types": APP_TYPES,
        "app_form": {"type": identity_service.AppType.MINIPROGRAM.value, "name": "", "developer_id": ""},
        "user_form": {"nickname": ""},
        "app_error": None,
        "user_error": None,
        "new_app": None,
        "created_user": None,
        "replace_url": "/console",
        **context,
    }
    return page(request, "console/index.html", ctx, status_code=status_code)


@router.get("", response_class=HTMLResponse)
def console(request: Request, created_user: str = "") -> HTMLResponse:
    """Overview, apps and users; `created_user` names a user just created by the form."""
    with runtime(request).uow() as uow:
        created = None
        if created_user.isascii() and created_user.isdigit() and len(created_user) < 19:
            try:
                created = identity_service.get_user(uow=uow, user_id=int(created_user))
            except Problem:
                created = None
        return _console(request, uow, created_user=created)


@router.post("/apps", response_model=None)
def create_app(
    request: Request,
    csrf_token: FormStr = "",
    type: FormStr = "",
    name: FormStr = "",
    developer_id: FormStr = "",
) -> Response:
    """Register an app; 201 with its secret, shown this once."""

    def action(uow: UnitOfWork) -> Response:
        developer = developer_id.strip()
        if developer and not (developer.isascii() and developer.isdigit() and len(developer) < 19):
            raise InvalidInput(
                "Developer id must be a whole number, or empty for a new developer account.",
                field="developer_id",
            )
        new = identity_service.create_app(
            uow=uow, type=type, name=name, developer_id=int(developer) if developer else None
        )
        return _console(request, uow, new_app=new, status_code=201)

    def failed(uow: UnitOfWork, exc: Problem) -> Response:
        form = {"type": type, "name": name, "developer_id": developer_id}
        return _console(request, uow, app_form=form, app_error=exc.detail, status_code=exc.status)

    return form_post(request, csrf_token, action, failed)


@router.post("/users", response_model=None)
def create_user(request: Request, csrf_token: FormStr = "", nickname: FormStr = "") -> Response:
    """Create a user, then show the console again."""

    def action(uow: UnitOfWork) -> str:
        user = identity_service.create_user(uow=uow, nickname=nickname)
        return f"/console?created_user={user.user_id}#users"

    def failed(uow: UnitOfWork, exc: Problem) -> Response:
        ctx = {"user_form": {"nickname": nickname}, "user_error": exc.detail}
        return _console(request, uow, status_code=exc.status, **ctx)

    return form_post(request, csrf_token, action, failed)
