"""Identity's sandbox controls: make users and apps, and log in as a user (what `wx.login()` does)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from yuanzi.core.http import unit_of_work
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service

router = APIRouter(prefix="/sandbox", tags=["sandbox: users and apps"])
UoW = Annotated[UnitOfWork, Depends(unit_of_work)]


class Strict(BaseModel):
    """Request bodies: unknown fields are errors; fields use strict types (no "5" for 5)."""

    model_config = ConfigDict(extra="forbid")


class NewUser(Strict):
    nickname: StrictStr = Field(min_length=1, max_length=64)


class LoginRequest(Strict):
    appid: StrictStr = Field(min_length=1, max_length=32)


class NewApp(Strict):
    type: identity_service.AppType
    name: StrictStr = Field(min_length=1, max_length=64)
    developer_id: StrictInt | None = None
    description: StrictStr = ""
    keywords: list[StrictStr] = Field(default_factory=list)


class AppProfile(Strict):
    description: StrictStr = ""
    keywords: list[StrictStr] = Field(default_factory=list)


def _user_json(user: identity_service.UserInfo) -> dict[str, Any]:
    return {"user_id": user.user_id, "nickname": user.nickname}


def _app_json(app: identity_service.AppInfo) -> dict[str, Any]:
    return {
        "appid": app.appid,
        "type": app.type.value,
        "name": app.name,
        "developer_id": app.developer_id,
        "description": app.description,
        "keywords": list(app.keywords),
    }


@router.post("/users", status_code=201)
def create_user(body: NewUser, uow: UoW) -> dict[str, Any]:
    """Create a sandbox user."""
    user = identity_service.create_user(uow=uow, nickname=body.nickname)
    uow.commit()
    return _user_json(user)


@router.get("/users")
def list_users(uow: UoW, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """List users, oldest first."""
    users = identity_service.list_users(uow=uow, limit=min(max(limit, 1), 500), offset=max(offset, 0))
    return {"users": [_user_json(u) for u in users]}


@router.get("/users/{user_id}")
def get_user(user_id: int, uow: UoW) -> dict[str, Any]:
    """One user."""
    return _user_json(identity_service.get_user(uow=uow, user_id=user_id))


@router.post("/users/{user_id}/login")
def login(user_id: int, body: LoginRequest, uow: UoW) -> dict[str, Any]:
    """What `wx.login()` returns to `user_id` inside the mini program `appid`."""
    code = identity_service.issue_login_code(uow=uow, user_id=user_id, appid=body.appid)
    uow.commit()
    return {"code": code, "expires_in": int(identity_service.LOGIN_CODE_TTL.total_seconds())}


@router.post("/apps", status_code=201)
def create_app(body: NewApp, uow: UoW) -> dict[str, Any]:
    """Register an app; its secret is shown only here."""
    new = identity_service.create_app(
        uow=uow,
        type=body.type.value,
        name=body.name,
        developer_id=body.developer_id,
        description=body.description,
        keywords=body.keywords,
    )
    uow.commit()
    return {**_app_json(new.app), "secret": new.secret}


@router.put("/apps/{appid}/profile")
def set_app_profile(appid: str, body: AppProfile, uow: UoW) -> dict[str, Any]:
    """An app's description (at most 120 characters) and service keywords (at most 10): what
    搜一搜 matches besides its name, as set in WeChat's admin console."""
    app = identity_service.set_app_profile(
        uow=uow, appid=appid, description=body.description, keywords=body.keywords
    )
    uow.commit()
    return _app_json(app)


@router.get("/apps")
def list_apps(uow: UoW, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """List apps, oldest first (never their secrets)."""
    apps = identity_service.list_apps(uow=uow, limit=min(max(limit, 1), 500), offset=max(offset, 0))
    return {"apps": [_app_json(a) for a in apps]}


class FriendBody(Strict):
    user_id: StrictInt


@router.post("/users/{user_id}/friends")
def add_friend(user_id: int, body: FriendBody, uow: UoW) -> dict[str, Any]:
    """Make two users friends (both ways)."""
    changed = identity_service.add_friend(uow=uow, user_id=user_id, friend_id=body.user_id)
    uow.commit()
    return {"friends": identity_service.friends_of(uow=uow, user_id=user_id), "changed": changed}


@router.get("/users/{user_id}/friends")
def list_friends(user_id: int, uow: UoW) -> dict[str, Any]:
    """The user's friends."""
    identity_service.get_user(uow=uow, user_id=user_id)
    return {"friends": identity_service.friends_of(uow=uow, user_id=user_id)}


@router.delete("/users/{user_id}/friends/{friend_id}")
def remove_friend(user_id: int, friend_id: int, uow: UoW) -> dict[str, Any]:
    """End a friendship (both ways): their chat refuses new messages."""
    identity_service.get_user(uow=uow, user_id=user_id)
    changed = identity_service.remove_friend(uow=uow, user_id=user_id, friend_id=friend_id)
    uow.commit()
    return {"friends": identity_service.friends_of(uow=uow, user_id=user_id), "changed": changed}
