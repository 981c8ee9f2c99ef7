"""`wx.login()` codes and their exchange for a session (jscode2session)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select, update

from yuanzi.core import ids
from yuanzi.core.errors import WxError
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity.accounts import (
    AppType,
    authenticate_app,
    get_app,
    get_user,
    openid_row,
    unionid_for,
)
from yuanzi.identity.events import UserLoggedIn
from yuanzi.identity.models import LoginCode

LOGIN_CODE_TTL = dt.timedelta(minutes=5)


@dataclasses.dataclass(frozen=True)
class Session:
    """What jscode2session returns to the app's backend."""

    openid: str
    session_key: str
    unionid: str


def issue_login_code(*, uow: UnitOfWork, user_id: int, appid: str) -> str:
    """The code `wx.login()` gives `user_id` inside `appid`: valid five minutes, usable once."""
    user = get_user(uow=uow, user_id=user_id)
    app = get_app(uow=uow, appid=appid)
    code = ids.login_code()
    uow.session.add(
        LoginCode(code=code, app_id=app.app_id, user_id=user.user_id, expires_at=uow.now() + LOGIN_CODE_TTL)
    )
    return code


def code_to_session(*, uow: UnitOfWork, appid: str, secret: str, js_code: str) -> Session:
    """Exchange a login code for the user's openid, a fresh session_key and the unionid."""
    app = authenticate_app(uow=uow, appid=appid, secret=secret)
    if app.type is not AppType.MINIPROGRAM:
        raise WxError(48001, "api unauthorized")
    now = uow.now()
    claimed = uow.session.execute(
        update(LoginCode)
        .where(
            LoginCode.code == js_code,
            LoginCode.app_id == app.app_id,
            LoginCode.used_at.is_(None),
            LoginCode.expires_at > now,
        )
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        used = uow.session.scalar(
            select(LoginCode.used_at).where(LoginCode.code == js_code, LoginCode.app_id == app.app_id)
        )
        if used is not None:
            raise WxError(40163, "code been used")
        raise WxError(40029, "invalid code")
    user_id = uow.session.scalar(select(LoginCode.user_id).where(LoginCode.code == js_code))
    assert user_id is not None
    row = openid_row(uow, app.app_id, user_id)
    row.session_key = ids.session_key()
    unionid = unionid_for(uow, app.developer_id, user_id)
    uow.publish(UserLoggedIn(appid=app.appid, openid=row.openid, user_id=user_id))
    return Session(openid=row.openid, session_key=row.session_key, unionid=unionid)
