"""The creator incentive plan's income: each Beijing day's pool, shared by qualified watch time.

The formula, in full (docs/channels.md):

- a view is **qualified** when someone other than the creator watched an original post (its
  originality mark granted) for at least `min_view_ms`; what it counts is its watch time capped at
  the video's duration (IMAGE_VIEW_CAP_MS for image posts), and a viewer counts once per post per
  day (their longest view), so replaying a post earns nothing;
- a creator **earns** when their qualified watch time that day reaches `min_creator_watch_ms`;
- earners share `pool_fen` in proportion to their qualified watch time, rounded down to the fen,
  with the fen left over given one each to the largest remainders (ties: the lower creator id), so
  the shares always sum to the pool exactly.

A day is settled once, in one transaction that writes the day, every share and one
CreatorIncomeEarned event per earner; Pay credits the creator's wallet from that event.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from yuanzi.channels.events import CreatorIncomeEarned
from yuanzi.channels.models import Creator, Income, IncomeDay, Media, Originality, Post, View
from yuanzi.core.clock import BEIJING
from yuanzi.core.uow import UnitOfWork, UnitOfWorkFactory

Ints = npt.NDArray[np.int64]
IMAGE_VIEW_CAP_MS = 15_000
MAX_DAYS_PER_RUN = 31


@dataclasses.dataclass(frozen=True)
class IncomeParams:
    """The income plan's settings."""

    pool_fen: int
    min_view_ms: int
    min_creator_watch_ms: int


@dataclasses.dataclass(frozen=True)
class DayShare:
    """One creator's income on one day."""

    day: str
    qualified_watch_ms: int
    amount_fen: int
    pool_fen: int
    day_watch_ms: int


def beijing_day(instant: dt.datetime) -> dt.date:
    """The Beijing calendar day `instant` falls on."""
    return instant.astimezone(BEIJING).date()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants a Beijing day starts and ends at."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=BEIJING).astimezone(dt.UTC)
    return start, start + dt.timedelta(days=1)


def qualified_watch(uow: UnitOfWork, day: dt.date, min_view_ms: int) -> dict[int, int]:
    """Each creator's qualified watch time (ms) on `day`."""
    start, end = day_bounds(day)
    longest = (
        select(View.post_id, View.user_id, func.max(View.watched_ms).label("ms"))
        .where(View.started_at >= start, View.started_at < end, View.watched_ms >= min_view_ms)
        .group_by(View.post_id, View.user_id)
        .subquery()
    )
    rows = uow.session.execute(
        select(Post.id, Post.creator_id, Post.media, longest.c.ms)
        .join(longest, longest.c.post_id == Post.id)
        .join(Originality, (Originality.post_id == Post.id) & Originality.granted)
        .join(Creator, Creator.id == Post.creator_id)
        .where(Creator.user_id != longest.c.user_id)
    ).all()
    caps = _view_caps(uow, {post_id: media for post_id, _, media, _ in rows})
    watch: dict[int, int] = {}
    for post_id, creator_id, _, ms in rows:
        watch[creator_id] = watch.get(creator_id, 0) + min(int(ms), caps[post_id])
    return watch


def _view_caps(uow: UnitOfWork, media_of_post: dict[int, str]) -> dict[int, int]:
    """The most one view of each post can count: its longest video, or IMAGE_VIEW_CAP_MS."""
    media_ids = {post_id: json.loads(media) for post_id, media in media_of_post.items()}
    wanted = {m for ids in media_ids.values() for m in ids}
    durations: dict[str, int] = {
        media_id: int(ms or 0)
        for media_id, ms in uow.session.execute(
            select(Media.id, Media.duration_ms).where(Media.id.in_(wanted), Media.duration_ms.is_not(None))
        )
    }
    return {
        post_id: max((durations[m] for m in ids if m in durations), default=IMAGE_VIEW_CAP_MS)
        for post_id, ids in media_ids.items()
    }


def split_pool(creator_ids: Ints, watch_ms: Ints, pool_fen: int, min_creator_watch_ms: int) -> Ints:
    """Each creator's share of `pool_fen` (parallel to `creator_ids`): creators reaching
    `min_creator_watch_ms` share it in proportion to their watch time, to the fen, summing exactly
    to the pool (the largest remainders get the fen left over; ties: the lower creator id)."""
    earning = (watch_ms >= min_creator_watch_ms) & (watch_ms > 0)
    amounts: Ints = np.zeros(len(watch_ms), dtype=np.int64)
    total = int(watch_ms[earning].sum())
    if total == 0 or pool_fen <= 0:
        return amounts
    weights = watch_ms[earning]
    if pool_fen * total >= 2**62:  # beyond int64: exact Python integers (slow, and rare)
        weights = weights.astype(object)
    scaled = weights * pool_fen
    whole, remainder = scaled // total, scaled % total
    leftover = pool_fen - int(whole.sum())
    ids = creator_ids[earning]
    extra = np.zeros(len(ids), dtype=np.int64)
    extra[np.lexsort((ids, -remainder.astype(np.float64)))[:leftover]] = 1
    amounts[earning] = whole.astype(np.int64) + extra
    return amounts


def shares(watch: dict[int, int], pool_fen: int, min_creator_watch_ms: int) -> dict[int, int]:
    """`split_pool` for a {creator_id: watch_ms} mapping; creators who earn nothing are left out."""
    ids = np.fromiter(watch.keys(), dtype=np.int64, count=len(watch))
    ms = np.fromiter(watch.values(), dtype=np.int64, count=len(watch))
    amounts = split_pool(ids, ms, pool_fen, min_creator_watch_ms)
    return {int(c): int(a) for c, a in zip(ids, amounts, strict=True) if a > 0}


def settle_day(uow: UnitOfWork, day: dt.date, params: IncomeParams) -> IncomeDay | None:
    """Share out `day`'s pool, unless it was already settled (then None). The caller commits."""
    key = day.isoformat()
    if uow.session.get(IncomeDay, key) is not None:
        return None
    watch = qualified_watch(uow, day, params.min_view_ms)
    earned = shares(watch, params.pool_fen, params.min_creator_watch_ms)
    settled = IncomeDay(
        day=key,
        pool_fen=params.pool_fen,
        qualified_watch_ms=sum(ms for ms in watch.values() if ms >= params.min_creator_watch_ms),
        earners=len(earned),
        settled_at=uow.now(),
    )
    uow.session.add(settled)
    uow.session.flush()  # the day's row first: a second settler fails here, before any share
    users = dict(uow.session.execute(select(Creator.id, Creator.user_id).where(Creator.id.in_(earned))).all())
    for creator_id, amount in sorted(earned.items()):
        uow.session.add(
            Income(creator_id=creator_id, day=key, qualified_watch_ms=watch[creator_id], amount_fen=amount)
        )
        uow.publish(
            CreatorIncomeEarned(
                creator_id=creator_id,
                user_id=users[creator_id],
                day=key,
                amount_fen=amount,
                qualified_watch_ms=watch[creator_id],
            )
        )
    return settled


def settle_due(uow_factory: UnitOfWorkFactory, params: IncomeParams) -> int:
    """Settle every finished Beijing day not settled yet, from the day after the last settled one
    (or the first day anyone watched anything) to yesterday, at most MAX_DAYS_PER_RUN at a time;
    returns how many days were settled."""
    with uow_factory() as uow:
        yesterday = beijing_day(uow.now()) - dt.timedelta(days=1)
        last = uow.session.scalar(select(func.max(IncomeDay.day)))
        if last is not None:
            first = dt.date.fromisoformat(last) + dt.timedelta(days=1)
        else:
            first_view = uow.session.scalar(select(func.min(View.started_at)))
            first = beijing_day(first_view) if first_view is not None else yesterday
    settled = 0
    day = first
    while day <= yesterday and settled < MAX_DAYS_PER_RUN:
        try:
            with uow_factory() as uow:
                if settle_day(uow, day, params) is not None:
                    uow.commit()
                    settled += 1
        except IntegrityError:
            pass  # another process settled it meanwhile
        day += dt.timedelta(days=1)
    return settled


def income_of(uow: UnitOfWork, creator_id: int, limit: int = 30) -> list[DayShare]:
    """The creator's income, newest day first (days they earned nothing are left out)."""
    rows = uow.session.execute(
        select(Income, IncomeDay)
        .join(IncomeDay, IncomeDay.day == Income.day)
        .where(Income.creator_id == creator_id)
        .order_by(Income.day.desc())
        .limit(limit)
    ).all()
    return [
        DayShare(
            day=income.day,
            qualified_watch_ms=income.qualified_watch_ms,
            amount_fen=income.amount_fen,
            pool_fen=day.pool_fen,
            day_watch_ms=day.qualified_watch_ms,
        )
        for income, day in rows
    ]
