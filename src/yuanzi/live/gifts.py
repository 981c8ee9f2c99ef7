"""Gifts (礼物): a viewer pays from the wallet through Pay, the creator receives it less the
platform's share, and the room's log carries the gift (it is never sampled away). The client's
`request_id` makes sending idempotent: the same request pays and appears once."""

from __future__ import annotations

import dataclasses
import re

from sqlalchemy import func, select

from yuanzi.core.errors import InvalidInput, Problem
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service
from yuanzi.live import moderation, rooms
from yuanzi.live.models import Gift
from yuanzi.live.rows import room_row
from yuanzi.pay import service as pay_service

# key: (name, price in fen)
CATALOGUE = {
    "heart": ("小心心", 10),
    "flower": ("鲜花", 100),
    "cake": ("蛋糕", 1_000),
    "rocket": ("火箭", 50_000),
}
MAX_COUNT = 99
_REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclasses.dataclass(frozen=True)
class Sent:
    """A gift in a room, and whether this request sent it (False: it was sent before)."""

    seq: int
    gift: str
    count: int
    amount: int
    new: bool


def send(
    *, uow: UnitOfWork, room_id: int, user_id: int, gift: str, count: int, request_id: str, share_ppm: int
) -> Sent:
    """Send `count` of `gift` in a live room to its creator, paid from the viewer's wallet."""
    if gift not in CATALOGUE:
        raise InvalidInput(f"gift must be one of {', '.join(CATALOGUE)}", field="gift")
    if isinstance(count, bool) or not 1 <= count <= MAX_COUNT:
        raise InvalidInput(f"count is 1–{MAX_COUNT}", field="count")
    if not _REQUEST_ID.match(request_id):
        raise InvalidInput("request_id is 8–64 letters, digits, - or _", field="request_id")
    earlier = uow.session.scalar(select(Gift).where(Gift.user_id == user_id, Gift.request_id == request_id))
    if earlier is not None:
        if (earlier.room_id, earlier.gift, earlier.count) != (room_id, gift, count):
            raise Problem(409, "request_id_reused", "this request_id was used for another gift")
        return Sent(earlier.seq, earlier.gift, earlier.count, earlier.amount, new=False)
    room = room_row(uow, room_id)
    if room.state != rooms.LIVE:
        raise Problem(409, "room_not_live", "the room is not live")
    if room.user_id == user_id:
        raise Problem(409, "own_room", "you cannot send gifts in your own room")
    moderation.check_allowed(uow, room, user_id)
    name, price = CATALOGUE[gift]
    amount = price * count
    viewer = identity_service.get_user(uow=uow, user_id=user_id)
    pay_service.gift(
        uow=uow,
        from_user_id=user_id,
        to_user_id=room.user_id,
        amount=amount,
        share_ppm=share_ppm,
        key=f"live:{user_id}:{request_id}",
        memo=f"直播礼物 {name}×{count}",
    )
    entry = rooms.append(
        uow=uow,
        room_id=room_id,
        kind="gift",
        user_id=user_id,
        body={"gift": gift, "name": name, "count": count, "amount": amount, "nickname": viewer.nickname},
    )
    uow.session.add(
        Gift(
            room_id=room_id,
            user_id=user_id,
            request_id=request_id,
            gift=gift,
            count=count,
            amount=amount,
            seq=entry.seq,
            created_at=uow.now(),
        )
    )
    uow.session.flush()
    return Sent(entry.seq, gift, count, amount, new=True)


def leaderboard(*, uow: UnitOfWork, room_id: int, limit: int = 10) -> list[tuple[int, int]]:
    """The room's biggest givers: (user_id, fen), most first."""
    rows = uow.session.execute(
        select(Gift.user_id, func.sum(Gift.amount).label("total"))
        .where(Gift.room_id == room_id)
        .group_by(Gift.user_id)
        .order_by(func.sum(Gift.amount).desc(), Gift.user_id)
        .limit(limit)
    ).all()
    return [(int(user_id), int(total)) for user_id, total in rows]
