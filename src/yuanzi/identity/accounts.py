"""Users, developer accounts, apps, and the openid/unionid each app sees."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from yuanzi.core import ids
from yuanzi.core.db import Base
from yuanzi.core.errors import InvalidInput, NotFound, WxError
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity.events import AppCreated, AppProfileChanged, UserCreated
from yuanzi.identity.models import App, Developer, OpenId, UnionId, User

NAME_MAX = 64
_Row = TypeVar("_Row", bound=Base)


class AppType(StrEnum):
    """The kinds of app the open platform registers."""

    MINIPROGRAM = "miniprogram"
    OFFICIAL = "official"
    MOBILE = "mobile"
    WEB = "web"


@dataclasses.dataclass(frozen=True)
class UserInfo:
    """A user as other components see them."""

    user_id: int
    nickname: str


@dataclasses.dataclass(frozen=True)
class AppInfo:
    """An app as other components see it (never its secret)."""

    app_id: int
    appid: str
    type: AppType
    name: str
    developer_id: int
    created_at: dt.datetime
    description: str = ""
    keywords: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class NewApp:
    """A just-created app, with the secret shown this once."""

    app: AppInfo
    secret: str


def _clean_name(value: str, field: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise InvalidInput(f"{field} must not be empty", field=field)
    if len(cleaned) > NAME_MAX:
        raise InvalidInput(f"{field} is longer than {NAME_MAX} characters", field=field)
    return cleaned


def user_info(user: User) -> UserInfo:
    return UserInfo(user_id=user.id, nickname=user.nickname)


def app_info(app: App) -> AppInfo:
    return AppInfo(
        app_id=app.id,
        appid=app.appid,
        type=AppType(app.type),
        name=app.name,
        developer_id=app.developer_id,
        created_at=app.created_at,
        description=app.description,
        keywords=tuple(json.loads(app.keywords)),
    )


DESCRIPTION_MAX, KEYWORDS_MAX, KEYWORD_MAX = 120, 10, 20


def _profile(description: str, keywords: list[str] | None) -> tuple[str, list[str]]:
    """A checked description (at most 120 characters) and service keywords (at most 10, each 1–20
    characters, no repeats)."""
    clean = description.strip()
    if len(clean) > DESCRIPTION_MAX:
        raise InvalidInput(f"a description is at most {DESCRIPTION_MAX} characters", field="description")
    words: list[str] = []
    for word in keywords or []:
        item = word.strip()
        if not 1 <= len(item) <= KEYWORD_MAX:
            raise InvalidInput(f"a keyword is 1–{KEYWORD_MAX} characters", field="keywords")
        if item not in words:
            words.append(item)
    if len(words) > KEYWORDS_MAX:
        raise InvalidInput(f"at most {KEYWORDS_MAX} keywords", field="keywords")
    return clean, words


def _secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_user(*, uow: UnitOfWork, nickname: str) -> UserInfo:
    """Create a user with `nickname` (1–64 characters)."""
    user = User(nickname=_clean_name(nickname, "nickname"), created_at=uow.now())
    uow.session.add(user)
    uow.session.flush()
    uow.publish(UserCreated(user_id=user.id, nickname=user.nickname))
    return user_info(user)


def get_user(*, uow: UnitOfWork, user_id: int) -> UserInfo:
    """The user `user_id`, or NotFound."""
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound("user", user_id)
    return user_info(user)


def get_users(*, uow: UnitOfWork, user_ids: list[int]) -> dict[int, UserInfo]:
    """The users among `user_ids` that exist, by id (one query)."""
    if not user_ids:
        return {}
    rows = uow.session.scalars(select(User).where(User.id.in_(set(user_ids))))
    return {u.id: user_info(u) for u in rows}


def find_user_by_nickname(*, uow: UnitOfWork, nickname: str) -> UserInfo | None:
    """The oldest user with exactly `nickname`, if any."""
    user = uow.session.scalar(select(User).where(User.nickname == nickname).order_by(User.id).limit(1))
    return None if user is None else user_info(user)


def list_users(*, uow: UnitOfWork, limit: int = 100, offset: int = 0) -> list[UserInfo]:
    """Users, oldest first."""
    rows = uow.session.scalars(select(User).order_by(User.id).limit(limit).offset(offset))
    return [user_info(u) for u in rows]


def count_users(*, uow: UnitOfWork) -> int:
    """How many users exist."""
    return uow.session.scalar(select(func.count()).select_from(User)) or 0


def create_developer(*, uow: UnitOfWork, name: str) -> int:
    """Create a developer account; returns its id."""
    developer = Developer(name=_clean_name(name, "name"), created_at=uow.now())
    uow.session.add(developer)
    uow.session.flush()
    return developer.id


def create_app(
    *,
    uow: UnitOfWork,
    type: str,
    name: str,
    developer_id: int | None = None,
    description: str = "",
    keywords: list[str] | None = None,
) -> NewApp:
    """Register an app; without `developer_id` it gets a developer account of its own. A mini
    program's description and service keywords are what 搜一搜 matches besides its name."""
    try:
        app_type = AppType(type)
    except ValueError:
        allowed = ", ".join(t.value for t in AppType)
        raise InvalidInput(f"type must be one of {allowed}", field="type") from None
    clean_name = _clean_name(name, "name")
    clean_description, words = _profile(description, keywords)
    if developer_id is None:
        developer_id = create_developer(uow=uow, name=clean_name)
    elif uow.session.get(Developer, developer_id) is None:
        raise NotFound("developer", developer_id)
    secret = ids.app_secret()
    app = App(
        appid=ids.appid(),
        secret_sha256=_secret_digest(secret),
        type=app_type.value,
        name=clean_name,
        description=clean_description,
        keywords=json.dumps(words, ensure_ascii=False),
        developer_id=developer_id,
        created_at=uow.now(),
    )
    uow.session.add(app)
    uow.session.flush()
    uow.publish(
        AppCreated(
            appid=app.appid,
            type=app.type,
            name=app.name,
            developer_id=developer_id,
            description=clean_description,
            keywords=words,
        )
    )
    return NewApp(app=app_info(app), secret=secret)


def set_app_profile(*, uow: UnitOfWork, appid: str, description: str, keywords: list[str]) -> AppInfo:
    """Change an app's description and service keywords (search follows)."""
    app = _app_row(uow, appid)
    if app is None:
        raise NotFound("app", appid)
    clean_description, words = _profile(description, keywords)
    app.description, app.keywords = clean_description, json.dumps(words, ensure_ascii=False)
    uow.session.flush()
    uow.publish(
        AppProfileChanged(
            appid=appid, type=app.type, name=app.name, description=clean_description, keywords=words
        )
    )
    return app_info(app)


def _app_row(uow: UnitOfWork, appid: str) -> App | None:
    return uow.session.scalar(select(App).where(App.appid == appid))


def get_app(*, uow: UnitOfWork, appid: str) -> AppInfo:
    """The app `appid`, or NotFound."""
    app = _app_row(uow, appid)
    if app is None:
        raise NotFound("app", appid)
    return app_info(app)


def list_apps(
    *, uow: UnitOfWork, type: AppType | None = None, limit: int = 100, offset: int = 0
) -> list[AppInfo]:
    """Apps (of one `type`, if given), oldest first."""
    query = select(App).order_by(App.id).limit(limit).offset(offset)
    if type is not None:
        query = query.where(App.type == type.value)
    return [app_info(a) for a in uow.session.scalars(query)]


def count_apps(*, uow: UnitOfWork, type: AppType | None = None) -> int:
    """How many apps exist (of one `type`, if given)."""
    query = select(func.count()).select_from(App)
    if type is not None:
        query = query.where(App.type == type.value)
    return uow.session.scalar(query) or 0


def authenticate_app(*, uow: UnitOfWork, appid: str, secret: str) -> AppInfo:
    """The app whose AppID and AppSecret these are, or WeChat's 40013 / 40125."""
    app = _app_row(uow, appid)
    if app is None:
        raise WxError(40013, "invalid appid")
    if not hmac.compare_digest(app.secret_sha256, _secret_digest(secret)):
        raise WxError(40125, "invalid appsecret")
    return app_info(app)


def _get_or_create(
    uow: UnitOfWork, model: type[_Row], key: tuple[int, int], make: Callable[[], _Row]
) -> _Row:
    """The row at `key`, inserting `make()` if absent; a concurrent insert of the same key wins."""
    row = uow.session.get(model, key)
    if row is not None:
        return row
    try:
        with uow.session.begin_nested():
            row = make()
            uow.session.add(row)
    except IntegrityError:
        row = uow.session.get(model, key, populate_existing=True)
        assert row is not None
    return row


def openid_row(uow: UnitOfWork, app_id: int, user_id: int) -> OpenId:
    """The (app, user) openid row, created on first use; random, so apps cannot link users."""
    return _get_or_create(
        uow,
        OpenId,
        (app_id, user_id),
        lambda: OpenId(app_id=app_id, user_id=user_id, openid=ids.openid(), created_at=uow.now()),
    )


def openid_for(*, uow: UnitOfWork, appid: str, user_id: int) -> str:
    """The openid of `user_id` in `appid`, created on first use."""
    app = get_app(uow=uow, appid=appid)
    get_user(uow=uow, user_id=user_id)
    return openid_row(uow, app.app_id, user_id).openid


def user_for_openid(*, uow: UnitOfWork, appid: str, openid: str) -> UserInfo:
    """The user behind `openid` in `appid`, or WeChat's 40003 invalid openid."""
    user = uow.session.scalar(
        select(User)
        .join(OpenId, OpenId.user_id == User.id)
        .join(App, App.id == OpenId.app_id)
        .where(App.appid == appid, OpenId.openid == openid)
    )
    if user is None:
        raise WxError(40003, "invalid openid")
    return user_info(user)


def unionid_for(uow: UnitOfWork, developer_id: int, user_id: int) -> str:
    """The unionid of `user_id` under `developer_id`, created on first use."""
    row = _get_or_create(
        uow,
        UnionId,
        (developer_id, user_id),
        lambda: UnionId(developer_id=developer_id, user_id=user_id, unionid=ids.unionid()),
    )
    return row.unionid
