"""Events identity publishes."""

from __future__ import annotations

import dataclasses

from yuanzi.core.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class UserCreated(Event):
    """A person got an account."""

    topic = "identity.user.created"
    user_id: int
    nickname: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class AppCreated(Event):
    """An app got its AppID."""

    topic = "identity.app.created"
    appid: str
    type: str
    name: str
    developer_id: int
    description: str = ""
    keywords: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True, kw_only=True)
class AppProfileChanged(Event):
    """An app's description or service keywords changed."""

    topic = "identity.app.profile-changed"
    appid: str
    type: str
    name: str
    description: str
    keywords: list[str]


@dataclasses.dataclass(frozen=True, kw_only=True)
class UserLoggedIn(Event):
    """An app's backend exchanged a user's login code for a session (jscode2session)."""

    topic = "identity.user.logged_in"
    appid: str
    openid: str
    user_id: int
