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
class FriendAdded(Event):
    """Two users became friends (both ways): each is now the other's contact."""

    topic = "identity.friend.added"
    user_id: int
    friend_id: int
    user_nickname: str
    friend_nickname: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class FriendRemoved(Event):
    """A friendship ended (both ways)."""

    topic = "identity.friend.removed"
    user_id: int
    friend_id: int


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
