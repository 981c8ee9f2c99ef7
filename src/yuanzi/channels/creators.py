"""Channel accounts (a name, a bio, bound to a user) and follows."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from yuanzi.channels.events import CreatorCreated, CreatorProfileChanged
from yuanzi.channels.models import Creator, Follow, Post
from yuanzi.core.errors import InvalidInput, NotFound, Problem
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service

NAME_MAX, BIO_MAX = 64, 256


@dataclasses.dataclass(frozen=True)
class CreatorInfo:
    """A channel account as others see it."""

    creator_id: int
    user_id: int
    name: str
    bio: str
    followers: int
    posts: int
    created_at: dt.datetime


def _creator_info(uow: UnitOfWork, row: Creator) -> CreatorInfo:
    followers = uow.session.scalar(
        select(func.count()).select_from(Follow).where(Follow.creator_id == row.id)
    )
    posts = uow.session.scalar(
        select(func.count()).select_from(Post).where(Post.creator_id == row.id, Post.deleted_at.is_(None))
    )
    return CreatorInfo(row.id, row.user_id, row.name, row.bio, followers or 0, posts or 0, row.created_at)


def _checked_profile(name: str, bio: str) -> str:
    clean = name.strip()
    if not clean or len(clean) > NAME_MAX:
        raise InvalidInput(f"name must be 1–{NAME_MAX} characters", field="name")
    if len(bio) > BIO_MAX:
        raise InvalidInput(f"bio is longer than {BIO_MAX} characters", field="bio")
    return clean


def create_creator(*, uow: UnitOfWork, user_id: int, name: str, bio: str = "") -> CreatorInfo:
    """Open the channel account of `user_id` (one per user; names are unique)."""
    identity_service.get_user(uow=uow, user_id=user_id)
    clean = _checked_profile(name, bio)
    if uow.session.scalar(select(Creator.id).where(Creator.user_id == user_id)) is not None:
        raise Problem(409, "creator_exists", "this user already has a channel account")
    row = Creator(user_id=user_id, name=clean, bio=bio.strip(), created_at=uow.now())
    try:
        with uow.session.begin_nested():
            uow.session.add(row)
    except IntegrityError:
        raise Problem(409, "name_taken", f"the channel name {clean!r} is taken") from None
    uow.publish(CreatorCreated(creator_id=row.id, user_id=user_id, name=clean, bio=row.bio))
    return _creator_info(uow, row)


def update_creator(*, uow: UnitOfWork, user_id: int, creator_id: int, name: str, bio: str) -> CreatorInfo:
    """Change a channel's name and bio (its owner only; names stay unique)."""
    row = creator_row(uow, creator_id)
    if row.user_id != user_id:
        raise Problem(403, "not_your_channel", "only its owner can change a channel's profile")
    clean = _checked_profile(name, bio)
    if (clean, bio.strip()) == (row.name, row.bio):
        return _creator_info(uow, row)
    old_name = row.name
    try:
        with uow.session.begin_nested():
            row.name, row.bio = clean, bio.strip()
            uow.session.flush()
    except IntegrityError:
        raise Problem(409, "name_taken", f"the channel name {clean!r} is taken") from None
    uow.publish(CreatorProfileChanged(creator_id=row.id, name=clean, bio=row.bio, old_name=old_name))
    return _creator_info(uow, row)


def creator_row(uow: UnitOfWork, creator_id: int) -> Creator:
    """The creator's row, or NotFound."""
    row = uow.session.get(Creator, creator_id)
    if row is None:
        raise NotFound("creator", creator_id)
    return row


def get_creator(*, uow: UnitOfWork, creator_id: int) -> CreatorInfo:
    """A channel account, or NotFound."""
    return _creator_info(uow, creator_row(uow, creator_id))


def list_creators(*, uow: UnitOfWork, limit: int = 200, offset: int = 0) -> list[CreatorInfo]:
    """Channel accounts, newest first."""
    rows = uow.session.scalars(select(Creator).order_by(Creator.id.desc()).limit(limit).offset(offset))
    return [_creator_info(uow, row) for row in rows]


def creator_of_user(*, uow: UnitOfWork, user_id: int) -> CreatorInfo | None:
    """The user's channel account, if they have one."""
    row = uow.session.scalar(select(Creator).where(Creator.user_id == user_id))
    return None if row is None else _creator_info(uow, row)


def follow(*, uow: UnitOfWork, user_id: int, creator_id: int) -> bool:
    """Follow a creator; False if the user already did (nothing changes)."""
    identity_service.get_user(uow=uow, user_id=user_id)
    creator = creator_row(uow, creator_id)
    if creator.user_id == user_id:
        raise Problem(409, "self_follow", "you cannot follow your own channel")
    if uow.session.get(Follow, (user_id, creator_id)) is not None:
        return False
    try:
        with uow.session.begin_nested():
            uow.session.add(Follow(user_id=user_id, creator_id=creator_id, created_at=uow.now()))
    except IntegrityError:
        return False
    return True


def unfollow(*, uow: UnitOfWork, user_id: int, creator_id: int) -> bool:
    """Stop following; False if the user was not following."""
    row = uow.session.get(Follow, (user_id, creator_id))
    if row is None:
        return False
    uow.session.delete(row)
    return True


def is_following(*, uow: UnitOfWork, user_id: int, creator_id: int) -> bool:
    """Whether the user follows the creator."""
    return uow.session.get(Follow, (user_id, creator_id)) is not None
