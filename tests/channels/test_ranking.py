"""The Recommended feed's ranking and allocation, as pure functions."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from yuanzi.channels.ranking import (
    BOOST,
    FLOOR,
    ORGANIC,
    Candidates,
    Params,
    allocate,
    engagement,
    floor_deficit,
    scores,
)


def candidates(**columns: Any) -> Candidates:
    n = len(next(iter(columns.values())))
    defaults: dict[str, Any] = {
        "post_ids": np.arange(1, n + 1),
        "creator_ids": np.arange(1, n + 1),
        "likes": np.zeros(n),
        "finishes": np.zeros(n),
        "shares": np.zeros(n),
        "plays": np.zeros(n),
        "impressions": np.zeros(n),
        "age_hours": np.full(n, 30.0),
        "original": np.zeros(n, dtype=bool),
    }
    defaults.update({k: np.asarray(v) for k, v in columns.items()})
    return Candidates(**defaults)


def test_smoothing_does_not_trust_a_handful_of_plays() -> None:
    # Both finished every play; one liked 2 of 2 plays, the other 600 of 2,000.
    c = candidates(likes=[2, 600], finishes=[2, 2000], plays=[2, 2000])
    few, many = engagement(c, Params())
    assert many > few  # 30% of 2,000 plays beats 100% of 2


def test_fresher_posts_score_higher_and_originals_get_the_tilt() -> None:
    c = candidates(age_hours=[1.0, 48.0], likes=[10, 10], plays=[100, 100])
    fresh, old = scores(c, Params())
    assert fresh > old
    tilted = candidates(original=[True, False], likes=[10, 10], plays=[100, 100])
    with_tilt, without = scores(tilted, Params(original_boost=0.3))
    assert with_tilt == 1.3 * without


def test_the_floor_reserves_slots_for_originals_behind_schedule() -> None:
    # Nine strong posts and one brand-new original nobody has seen yet.
    c = candidates(
        likes=[500] * 9 + [0],
        plays=[1000] * 9 + [0],
        original=[False] * 9 + [True],
        age_hours=[2.0] * 9 + [12.0],
    )
    page = allocate(c, Params(floor_share=0.2, floor_impressions=50), page_size=5)
    assert page[0] == (9, FLOOR)
    assert [reason for _, reason in page[1:]] == [ORGANIC] * 4
    on_track = candidates(
        likes=[500] * 9 + [0],
        plays=[1000] * 9 + [0],
        original=[False] * 9 + [True],
        impressions=[0] * 9 + [50],
        age_hours=[2.0] * 10,
    )
    assert 9 not in [i for i, _ in allocate(on_track, Params(floor_impressions=50), page_size=5)]


def test_repeated_authors_decay_within_a_page() -> None:
    c = candidates(creator_ids=[1, 1, 1, 2], likes=[100, 99, 98, 60], plays=[200, 200, 200, 200])
    order = [i for i, _ in allocate(c, Params(author_decay=0.5), page_size=4)]
    assert order[:2] == [0, 3]  # author 2 comes before author 1's second post


def test_a_post_that_wins_only_by_the_tilt_is_a_boost() -> None:
    c = candidates(likes=[10, 11], plays=[100, 100], original=[True, False])
    page = allocate(c, Params(original_boost=0.5, floor_share=0.0), page_size=2)
    assert page[0] == (0, BOOST)
    assert page[1] == (1, ORGANIC)


def greedy(c: Candidates, p: Params, page_size: int) -> list[int]:
    """The page picked one slot at a time, decaying an author's posts after each pick: what the
    vectorised `allocate` must equal."""
    base = scores(c, p)
    deficit = floor_deficit(c, p)
    size = min(page_size, len(base))
    floor_slots = min(round(size * p.floor_share), int((deficit > 0).sum()))
    chosen = [int(i) for i in np.argsort(-deficit, kind="stable")[:floor_slots]]
    while len(chosen) < size:
        repeats = np.array([sum(c.creator_ids[j] == a for j in chosen) for a in c.creator_ids])
        adjusted = np.where(np.isin(np.arange(len(base)), chosen), -np.inf, base * p.author_decay**repeats)
        chosen.append(int(np.argmax(adjusted)))
    return chosen


@given(st.integers(0, 2**32 - 1), st.integers(1, 40), st.integers(1, 15))
def test_allocate_equals_picking_greedily(seed: int, n: int, page_size: int) -> None:
    rng = np.random.default_rng(seed)
    plays = rng.integers(0, 1000, n).astype(float)
    c = candidates(
        creator_ids=rng.integers(1, 6, n),
        plays=plays,
        likes=rng.uniform(0, 1, n) * plays * 0.3,
        finishes=rng.uniform(0, 1, n) * plays,
        shares=rng.uniform(0, 1, n) * plays * 0.05,
        impressions=rng.integers(0, 60, n).astype(float),
        age_hours=rng.uniform(0, 48, n),
        original=rng.uniform(0, 1, n) < 0.5,
    )
    params = Params(floor_share=float(rng.choice([0.0, 0.2, 0.5])), author_decay=float(rng.uniform(0.1, 1)))
    page = allocate(c, params, page_size)
    assert [i for i, _ in page] == greedy(c, params, page_size)
    assert len({i for i, _ in page}) == len(page)
