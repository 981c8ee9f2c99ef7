"""The merchant traffic incentive at scale: `yuanzi live simulate --merchants 100000`.

NumPy, minute by minute, through the functions the live feed uses (`incentive.owed`,
`incentive.allocate`). Every merchant runs a live room for the session and brings viewers from
its private domain (heavy-tailed: a few bring thousands, most a handful), most of them early. Each minute the
Recommended feed is opened `feed_views` times; each opening can place one live room, and a
placement becomes an entry with probability `ctr`.

- With the plan: placements go to rooms in proportion to the public entries they are owed, and
  stop when they are repaid (the rest of the openings show ordinary posts).
- Without it (the baseline): the same placements follow popularity, in proportion to the
  viewers a room already has — what an engagement-ranked feed would do.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from yuanzi.live.incentive import Terms, allocate, owed


@dataclasses.dataclass(frozen=True)
class World:
    merchants: int = 100_000
    minutes: int = 240
    feed_views: int = 300_000  # Recommended openings a minute, one live placement each
    ctr: float = 0.08  # a placement's chance to become an entry
    private_median: float = 20.0  # private entries a merchant brings over the session (median)
    private_sigma: float = 1.2  # lognormal spread: the heavy tail
    # Merchants share their room most at the start (the reminder, the first posts): the rate of
    # private arrivals halves every this many minutes.
    arrival_half_life: float = 30.0
    seed: int = 0


@dataclasses.dataclass(frozen=True)
class Outcome:
    """A run's result."""

    private: np.ndarray  # private entries each merchant brought
    public: np.ndarray  # public entries each received from Recommended
    placements: int  # placements made (openings with a room to place)
    target: np.ndarray  # public entries each was owed by the rule (ratio, cap)

    @property
    def bringers(self) -> int:
        """Merchants that brought at least one viewer."""
        return int((self.private > 0).sum())

    @property
    def repaid(self) -> int:
        """Merchants that brought viewers and got at least what the rule owes them."""
        return int(((self.public >= self.target) & (self.private > 0)).sum())

    @property
    def share_repaid(self) -> float:
        return self.repaid / max(1, self.bringers)

    @property
    def median_ratio(self) -> float:
        """Median public entries per private entry, over merchants that brought any."""
        mask = self.private > 0
        return float(np.median(self.public[mask] / self.private[mask])) if mask.any() else 0.0

    @property
    def top_share(self) -> float:
        """Share of public entries that went to the 1% of merchants that brought the most."""
        cut = np.quantile(self.private, 0.99)
        return float(self.public[self.private >= cut].sum() / max(1, self.public.sum()))


def simulate(world: World, terms: Terms, *, plan: bool, step: Callable[[int], None] | None = None) -> Outcome:
    """Run the session minute by minute, with the plan or with popularity instead."""
    rng = np.random.default_rng(world.seed)
    totals = rng.lognormal(np.log(world.private_median), world.private_sigma, world.merchants)
    decay = 0.5 ** (np.arange(world.minutes) / world.arrival_half_life)
    shape = decay / decay.sum()  # the share of a merchant's viewers arriving in each minute
    private = np.zeros(world.merchants, dtype=np.int64)
    public = np.zeros(world.merchants, dtype=np.int64)
    placed_total = 0
    for minute in range(world.minutes):
        private += rng.poisson(totals * shape[minute])
        if plan:
            # Openings place owed rooms one at a time and stop once entries repay them; within a
            # minute that is about owed / ctr placements a room, no more.
            needed = np.ceil(owed(private, public, terms) / world.ctr).astype(np.int64)
            budget = min(world.feed_views, int(needed.sum()))
            placements = np.minimum(allocate(needed, budget, rng), needed)
        else:
            # Popularity: the slot always goes to a room, in proportion to the viewers it has.
            placements = allocate(private + public, world.feed_views, rng)
        placed_total += int(placements.sum())
        public += rng.binomial(placements, world.ctr)
        if step is not None:
            step(minute + 1)
    target = np.minimum(terms.daily_cap, np.ceil(private * terms.ratio)).astype(np.int64)
    return Outcome(private=private, public=public, placements=placed_total, target=target)
