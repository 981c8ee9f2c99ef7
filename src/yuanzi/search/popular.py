"""Popular past queries, for suggestions. Searches only read; the queries they answered are counted
in memory and added to `search_queries` by a worker every few seconds, so searching never waits
for a write (and a crash loses at most those seconds of counts, which only rank suggestions)."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from yuanzi.core.uow import UnitOfWork, UnitOfWorkFactory
from yuanzi.search import text
from yuanzi.search.models import SearchQuery

_counts: Counter[str] = Counter()
_lock = threading.Lock()
SUGGESTED = 3  # popular queries offered before titles


def count(query: str) -> None:
    """Remember that `query` was searched and found something."""
    folded = " ".join(text.normalise(query).split())
    if folded:
        with _lock:
            _counts[folded[:100]] += 1


def flush(uow_factory: UnitOfWorkFactory) -> int:
    """Add the counted queries to the table; returns how many distinct queries were written."""
    with _lock:
        pending = dict(_counts)
        _counts.clear()
    if not pending:
        return 0
    with uow_factory() as uow:
        dialect = uow.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        now = uow.now()
        for query, n in sorted(pending.items()):
            statement = insert(SearchQuery).values(query=query, count=n, last_at=now)
            uow.session.execute(
                statement.on_conflict_do_update(
                    index_elements=["query"],
                    set_={"count": SearchQuery.count + n, "last_at": now},
                )
            )
        uow.commit()
    return len(pending)


def starting_with(uow: UnitOfWork, prefix: str) -> list[str]:
    """The most searched queries beginning with `prefix`."""
    folded = " ".join(text.normalise(prefix).split())
    if not folded:
        return []
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = uow.session.scalars(
        select(SearchQuery.query)
        .where(SearchQuery.query.like(f"{escaped}%", escape="\\"), SearchQuery.query != folded)
        .order_by(SearchQuery.count.desc(), SearchQuery.query)
        .limit(SUGGESTED)
    )
    return list(rows)
