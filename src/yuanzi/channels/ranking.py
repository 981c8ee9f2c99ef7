"""Ranking and allocation for the Recommended feed, as pure NumPy functions.

The live feed calls them on the candidates of one request; the simulation (later) calls the same
functions on synthetic arrays, so what it measures is what the feed does.

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


def allocate(c: Candidates, p: Params, page_size: int) -> list[tuple[int, str]]:
    """The page: (index into the candidates, why it is shown), in the order to show them."""
    n = len(c.post_ids)
    if n == 0 or page_size <= 0:
        return []
    base = scores(c, p)
    untilted = base / np.where(c.original, 1.0 + p.original_boost, 1.0)
    deficit = floor_deficit(c, p)
    chosen: list[tuple[int, str]] = []
    taken = np.zeros(n, dtype=bool)
    floor_slots = min(round(page_size * p.floor_share), int((deficit > 0).sum()))
    for index in np.argsort(-deficit, kind="stable")[:floor_slots]:
        chosen.append((int(index), FLOOR))
        taken[index] = True
    shown_authors: dict[int, int] = {}
    for index, _ in chosen:
        author = int(c.creator_ids[index])
        shown_authors[author] = shown_authors.get(author, 0) + 1
    while len(chosen) < min(page_size, n):
        repeats = np.array([shown_authors.get(int(a), 0) for a in c.creator_ids], dtype=np.float64)
        adjusted = np.where(taken, -np.inf, base * np.power(p.author_decay, repeats))
        index = int(np.argmax(adjusted))
        if not np.isfinite(adjusted[index]):
            break
        # A post that only made it thanks to the originality tilt is a boost impression.
        beaten = np.where(taken, -np.inf, untilted * np.power(p.author_decay, repeats))
        reason = (
            BOOST
            if c.original[index] and untilted[index] * p.author_decay ** repeats[index] < beaten.max()
            else ORGANIC
        )
        chosen.append((index, reason))
        taken[index] = True
        author = int(c.creator_ids[index])
        shown_authors[author] = shown_authors.get(author, 0) + 1
    return chosen
