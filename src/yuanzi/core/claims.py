"""Claiming due rows that a worker delivers (Pay's notifications, WeCom's callbacks).

Several processes may run the same worker: each claims a due row by moving its due time a lease
ahead with an UPDATE that only succeeds if nobody moved it first, so one attempt is never made
twice; a process that dies mid-attempt leaves its claim to lapse, and the row is tried again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import InstrumentedAttribute

from yuanzi.core.uow import UnitOfWork

LEASE = dt.timedelta(seconds=60)


def claim_due(
    uow: UnitOfWork,
    id_column: InstrumentedAttribute[Any],
    due_column: InstrumentedAttribute[Any],
    *,
    limit: int,
    where: tuple[ColumnElement[bool], ...] = (),
) -> list[Any]:
    """The ids of up to `limit` rows due on the platform clock (`due_column` ≤ now, and `where`),
    oldest first, now claimed by this process; commits."""
    now = uow.now()
    due = uow.session.execute(
        select(id_column, due_column).where(due_column <= now, *where).order_by(due_column).limit(limit)
    ).all()
    claimed = []
    for row_id, due_at in due:
        result = uow.session.execute(
            update(id_column.class_)
            .where(id_column == row_id, due_column == due_at)
            .values({due_column.key: now + LEASE})
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(row_id)
    uow.commit()
    return claimed
