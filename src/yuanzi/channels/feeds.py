"""The Friends (朋友) and Recommended (推荐) feeds.

Friends: posts your friends liked or recommended, newest reaction first, with a stable cursor.
Recommended: candidates from the last days that you have not been shown within the repeat window,
ranked and allocated by `ranking` (engagement, freshness, the originality tilt, the exposure
floor, author diversity); every post shown is recorded as an impression with its reason.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
from sqlalchemy import func, insert, select, tuple_

from yuanzi.channels import ranking
from yuanzi.channels.events import ImpressionsRecorded
from yuanzi.channels.models import Impression, Originality, Post, Reaction
from yuanzi.channels.posts import Page, PostInfo, parse_cursor, post_infos
from yuanzi.core.errors import InvalidInput
from yuanzi.core.uow import UnitOfWork
from yuanzi.identity import service as identity_service

CANDIDATE_DAYS = 7
MAX_CANDIDATES = 500


def friends_feed(*, uow: UnitOfWork, user_id: int, cursor: str | None = None, limit: int = 20) -> Page:
    """朋友: posts the user's friends liked or recommended (赞/推荐), newest reaction first."""
    friends = identity_service.friends_of(uow=uow, user_id=user_id)
    if not friends:
        return Page([], None)
    latest = (
        select(Reaction.post_id, func.max(Reaction.created_at).label("at"))
        .where(Reaction.user_id.in_(friends), Reaction.kind.in_(["like", "recommend"]))
        .group_by(Reaction.post_id)
        .subquery()
    )
    query = (
        select(Post, latest.c.at).join(latest, latest.c.post_id == Post.id).where(Post.deleted_at.is_(None))
    )
    after = parse_cursor(cursor)
    if after is not None:
        query = query.where(tuple_(latest.c.at, Post.id) < tuple_(*after))
    limit = min(max(limit, 1), 50)
    rows = uow.session.execute(query.order_by(latest.c.at.desc(), Post.id.desc()).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = f"{int(rows[-1][1].timestamp() * 1_000_000)}.{rows[-1][0].id}" if more and rows else None
    return Page(post_infos(uow, [post for post, _ in rows]), next_cursor)


@dataclasses.dataclass(frozen=True)
class Shown:
    """A Recommended post and why it was shown."""

    post: PostInfo
    reason: str


def recommended_feed(
    *, uow: UnitOfWork, user_id: int, params: ranking.Params, limit: int = 10
) -> list[Shown]:
    """推荐: the next page for the user (never a post shown to them within the repeat window)."""
    if not 1 <= limit <= 50:
        raise InvalidInput("limit must be 1–50", field="limit")
    identity_service.get_user(uow=uow, user_id=user_id)
    now = uow.now()
    seen = select(Impression.post_id).where(
        Impression.user_id == user_id,
        Impression.shown_at >= now - dt.timedelta(hours=params.repeat_window_hours),
    )
    # Only the columns ranking needs (ORM objects for 500 candidates would cost more than the rest
    # of the request); the page's posts are loaded whole afterwards.
    rows = uow.session.execute(
        select(
            Post.id,
            Post.creator_id,
            Post.likes,
            Post.finishes,
            Post.shares,
            Post.plays,
            Post.created_at,
            Originality.granted,
        )
        .outerjoin(Originality, Originality.post_id == Post.id)
        .where(
            Post.deleted_at.is_(None),
            Post.created_at >= now - dt.timedelta(days=CANDIDATE_DAYS),
            Post.id.not_in(seen),
        )
        .order_by(Post.created_at.desc())
        .limit(MAX_CANDIDATES)
    ).all()
    if not rows:
        return []
    ids = [row.id for row in rows]
    day_ago = now - dt.timedelta(days=1)
    shown_today = dict(
        uow.session.execute(
            select(Impression.post_id, func.count())
            .where(Impression.post_id.in_(ids), Impression.shown_at >= day_ago)
            .group_by(Impression.post_id)
        ).all()
    )
    candidates = ranking.Candidates(
        post_ids=np.array(ids, dtype=np.int64),
        creator_ids=np.array([row.creator_id for row in rows], dtype=np.int64),
        likes=np.array([row.likes for row in rows], dtype=np.float64),
        finishes=np.array([row.finishes for row in rows], dtype=np.float64),
        shares=np.array([row.shares for row in rows], dtype=np.float64),
        plays=np.array([row.plays for row in rows], dtype=np.float64),
        impressions=np.array([shown_today.get(i, 0) for i in ids], dtype=np.float64),
        age_hours=np.array([(now - row.created_at).total_seconds() / 3600 for row in rows], dtype=np.float64),
        original=np.array([bool(row.granted) for row in rows], dtype=np.bool_),
    )
    page = [(rows[index], reason) for index, reason in ranking.allocate(candidates, params, limit)]
    posts = {p.id: p for p in uow.session.scalars(select(Post).where(Post.id.in_([r.id for r, _ in page])))}
    infos = post_infos(uow, [posts[row.id] for row, _ in page])
    shown = [Shown(info, reason) for info, (_, reason) in zip(infos, page, strict=True)]
    uow.session.execute(
        insert(Impression),
        [
            {
                "user_id": user_id,
                "post_id": row.id,
                "creator_id": row.creator_id,
                "reason": reason,
                "shown_at": now,
            }
            for row, reason in page
        ],
    )
    uow.publish(
        ImpressionsRecorded(
            user_id=user_id, post_ids=[s.post.post_id for s in shown], reasons=[s.reason for s in shown]
        )
    )
    return shown


def impressions_by_reason(*, uow: UnitOfWork, creator_id: int, since: dt.datetime) -> dict[str, int]:
    """How often the creator's posts were shown since `since`, by reason (for the studio)."""
    rows = uow.session.execute(
        select(Impression.reason, func.count())
        .where(Impression.creator_id == creator_id, Impression.shown_at >= since)
        .group_by(Impression.reason)
    ).all()
    counts = {ranking.ORGANIC: 0, ranking.BOOST: 0, ranking.FLOOR: 0}
    counts.update({reason: int(n) for reason, n in rows})
    return counts


def post_impressions(*, uow: UnitOfWork, creator_id: int, since: dt.datetime) -> dict[int, dict[str, int]]:
    """Each of the creator's posts' impressions since `since`, by reason (for the studio)."""
    rows = uow.session.execute(
        select(Impression.post_id, Impression.reason, func.count())
        .where(Impression.creator_id == creator_id, Impression.shown_at >= since)
        .group_by(Impression.post_id, Impression.reason)
    ).all()
    result: dict[int, dict[str, int]] = {}
    for post_id, reason, count in rows:
        result.setdefault(post_id, {ranking.ORGANIC: 0, ranking.BOOST: 0, ranking.FLOOR: 0})[reason] = int(
            count
        )
    return result
