"""Ranking and allocation for the Recommended feed, as pure NumPy functions.

The live feed calls them on the candidates of one request; the simulation (`simulation.py`) calls
the same functions on synthetic arrays, so what it measures is what the feed does.

- **Predicted engagement**: like, finish and share rates, each smoothed towards a prior with a
  Bayesian pseudo-count, so a post with 2 plays and 2 likes does not outrank one with 2,000 plays
  and 600 likes; weighted and summed.
- **Freshness**: exponential decay with the post's age.
- **Tilt**: original posts get `1 + original_boost` times their score.
- **Exposure floor**: part of each page (`floor_share`) goes to original posts younger than a day
  that are behind their pacing schedule (`floor_impressions` spread over the day), the most
  behind first, so every original creator who posts is seen, without displacing the rest of the
  page.
- **Diversity**: within a page, each further post of an author already on it counts
  `author_decay` times less.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

ORGANIC, BOOST, FLOOR = "organic", "boost", "floor"


@dataclasses.dataclass(frozen=True)
class Params:
    """The feed's knobs (from settings)."""

    original_boost: float = 0.3
    floor_impressions: int = 50
    floor_share: float = 0.2
    freshness_hours: float = 24.0
    author_decay: float = 0.5
    repeat_window_hours: float = 24.0
    # Priors: the platform-wide rates a post is assumed to have before it has plays of its own,
    # and how many plays' worth of weight they carry.
    prior_plays: float = 20.0
    prior_like_rate: float = 0.05
    prior_finish_rate: float = 0.3
    prior_share_rate: float = 0.01
    like_weight: float = 1.0
    finish_weight: float = 1.0
    share_weight: float = 3.0


@dataclasses.dataclass(frozen=True)
class Candidates:
    """Posts one request may show, as parallel arrays."""

    post_ids: Ints
    creator_ids: Ints
    likes: Floats
    finishes: Floats
    shares: Floats
    plays: Floats
    impressions: Floats  # how often each was shown in the last day (for the floor)
    age_hours: Floats
    original: Bools


def engagement(c: Candidates, p: Params) -> Floats:
    """Predicted engagement: Bayesian-smoothed like, finish and share rates, weighted."""
    plays = c.plays + p.prior_plays
    like = (c.likes + p.prior_plays * p.prior_like_rate) / plays
    finish = (c.finishes + p.prior_plays * p.prior_finish_rate) / plays
    share = (c.shares + p.prior_plays * p.prior_share_rate) / plays
    result: Floats = p.like_weight * like + p.finish_weight * finish + p.share_weight * share
    return result


def scores(c: Candidates, p: Params) -> Floats:
    """Engagement × freshness × the originality tilt."""
    freshness = np.exp(-c.age_hours / p.freshness_hours)
    tilt = np.where(c.original, 1.0 + p.original_boost, 1.0)
    result: Floats = engagement(c, p) * freshness * tilt
    return result


def floor_deficit(c: Candidates, p: Params) -> Floats:
    """How far each original post under a day old is behind its pacing schedule (0 when on track
    or not eligible): the floor spread evenly over the post's first day."""
    eligible = c.original & (c.age_hours < 24.0)
    expected = p.floor_impressions * np.clip((c.age_hours + 1.0) / 24.0, 0.0, 1.0)
    deficit: Floats = np.where(eligible, np.maximum(expected - c.impressions, 0.0), 0.0)
    return deficit


def diversified(values: Floats, authors: Ints, already: Floats, decay: float) -> Floats:
    """`values` with author diversity: an author's posts, best first, count 1, decay, decay², …
    times their value, starting further down for authors `already` on the page. Picking the
    largest of these in order is the same as picking greedily and decaying an author's remaining
    posts after each pick, without a loop over the page."""
    count = len(values)
    order = np.lexsort((-values, authors))  # by author, best first within an author
    sorted_authors = authors[order]
    starts = np.ones(count, dtype=bool)
    starts[1:] = sorted_authors[1:] != sorted_authors[:-1]
    first = np.maximum.accumulate(np.where(starts, np.arange(count), 0))
    rank = (np.arange(count) - first).astype(np.float64)
    result: Floats = np.empty(count, dtype=np.float64)
    result[order] = values[order] * np.power(decay, rank + already[order])
    return result


def allocate(c: Candidates, p: Params, page_size: int) -> list[tuple[int, str]]:
    """The page: (index into the candidates, why it is shown), in the order to show them.

    Vectorised (no loop over the page), so the simulation can call it for millions of requests:
    floor slots first (the most behind schedule), then the best diversified scores. An original
    post is a `boost` when, without the tilt, a post shown after it (or not at all) would have
    beaten it."""
    n = len(c.post_ids)
    if n == 0 or page_size <= 0:
        return []
    size = min(page_size, n)
    tilt = np.where(c.original, 1.0 + p.original_boost, 1.0)
    base = scores(c, p)
    deficit = floor_deficit(c, p)
    floor_slots = min(round(size * p.floor_share), int((deficit > 0).sum()))
    floor_picks = np.argsort(-deficit, kind="stable")[:floor_slots]
    taken = np.zeros(n, dtype=bool)
    taken[floor_picks] = True
    floor_authors, per_author = np.unique(c.creator_ids[floor_picks], return_counts=True)
    already = np.zeros(n, dtype=np.float64)
    if floor_slots:
        at = np.clip(np.searchsorted(floor_authors, c.creator_ids), 0, len(floor_authors) - 1)
        already = np.where(floor_authors[at] == c.creator_ids, per_author[at], 0).astype(np.float64)
    rest = np.flatnonzero(~taken)
    tilted = diversified(base[rest], c.creator_ids[rest], already[rest], p.author_decay)
    untilted = diversified(base[rest] / tilt[rest], c.creator_ids[rest], already[rest], p.author_decay)
    ranked = np.argsort(-tilted, kind="stable")
    # The best untilted score among the posts ranked after each one.
    after = np.full(len(ranked), -np.inf)
    if len(ranked) > 1:
        after[:-1] = np.maximum.accumulate(untilted[ranked][::-1])[::-1][1:]
    page = [(int(i), FLOOR) for i in floor_picks]
    for position, local in enumerate(ranked[: size - floor_slots]):
        index = int(rest[local])
        boosted = bool(c.original[index]) and untilted[local] < after[position]
        page.append((index, BOOST if boosted else ORGANIC))
    return page
