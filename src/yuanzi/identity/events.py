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


@dataclasses.dataclass(frozen=True, kw_only=True)
class UserLoggedIn(Event):
    """An app's backend exchanged a user's login code for a session (jscode2session)."""

    topic = "identity.user.logged_in"
    appid: str
    openid: str
    user_id: int
