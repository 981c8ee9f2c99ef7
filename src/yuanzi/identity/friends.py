"""Friends (contacts): a symmetric relation between users, the social graph other components
read (Channels' Friends feed shows what your friends liked and recommended)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from yuanzi.core.errors import InvalidInput
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity.accounts import get_user
from yuanzi.identity.events import FriendAdded, FriendRemoved
from yuanzi.identity.models import Friendship


def add_friend(*, uow: UnitOfWork, user_id: int, friend_id: int) -> bool:
    """Make two users friends (both ways); False if they already were."""
    if user_id == friend_id:
        raise InvalidInput("a user cannot befriend themselves", field="user_id")
    user = get_user(uow=uow, user_id=user_id)
    friend = get_user(uow=uow, user_id=friend_id)
    if uow.session.get(Friendship, (user_id, friend_id)) is not None:
        return False
    now = uow.now()
    try:
        with uow.session.begin_nested():
            uow.session.add_all(
                [
                    Friendship(user_id=user_id, friend_id=friend_id, created_at=now),
                    Friendship(user_id=friend_id, friend_id=user_id, created_at=now),
                ]
            )
    except IntegrityError:
        return False
    uow.publish(
        FriendAdded(
            user_id=user_id, friend_id=friend_id, user_nickname=user.nickname, friend_nickname=friend.nickname
        )
    )
    return True


def remove_friend(*, uow: UnitOfWork, user_id: int, friend_id: int) -> bool:
    """End a friendship (both ways); False if there was none."""
    result = uow.session.execute(
        delete(Friendship).where(
            ((Friendship.user_id == user_id) & (Friendship.friend_id == friend_id))
            | ((Friendship.user_id == friend_id) & (Friendship.friend_id == user_id))
        )
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    uow.publish(FriendRemoved(user_id=user_id, friend_id=friend_id))
    return True


def are_friends(*, uow: UnitOfWork, user_id: int, friend_id: int) -> bool:
    """Whether two users are friends (one primary-key lookup)."""
    return uow.session.get(Friendship, (user_id, friend_id)) is not None


def friends_of(*, uow: UnitOfWork, user_id: int) -> list[int]:
    """The user ids of the user's friends, oldest friendship first."""
    return list(
        uow.session.scalars(
            select(Friendship.friend_id).where(Friendship.user_id == user_id).order_by(Friendship.created_at)
        )
    )
