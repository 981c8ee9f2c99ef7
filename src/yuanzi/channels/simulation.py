"""The creator incentive plan, simulated at the seed's scale (`yuanzi channels simulate`).

A synthetic world — creators (some original, some reposting others' work), their daily posts with
hidden like / finish / share rates — is run through the Recommended feed twice: with the plan (the
originality tilt and the exposure floor, as configured) and without it (no tilt, no floor). Both
runs see the same world and the same random draws for the same choices.

Each simulated request is one Recommended page for a cohort of users: candidates are sampled from
the live posts (half from the last day), `ranking.allocate` — the function the live feed calls —
picks the page, and every post on it is shown to the cohort. Engagement is drawn from the posts'
hidden rates; counters feed the next hour's ranking, as they do live. Each day's creator income
is shared by `income.split_pool`, the function the daily settlement uses.

What is measured: the share of original creators whose every post reached the floor within its
first day, the Gini coefficient of impressions across creators who posted, the share of
impressions that went to original posts, engagement (likes + finishes + 3 × shares, the ranker's
own weights) and how many creators earned income.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from yuanzi.channels import income, ranking

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

TICKS_PER_DAY = 24
CANDIDATE_DAYS = 7


@dataclasses.dataclass(frozen=True)
class Scenario:
    """The simulated world and traffic."""

    creators: int = 10_000_000
    days: int = 7
    original_share: float = 0.6  # creators who make their own content; the rest repost
    posts_per_creator_day: float = 0.05
    impressions_per_creator_day: int = 50  # Recommended impressions a day, per creator
    requests_per_day: int = 30_000  # simulated pages a day; each is shown to a cohort
    page_size: int = 50
    candidates: int = 500  # what the live feed ranks per request (feeds.MAX_CANDIDATES)
    seed: int = 7

    @property
    def impressions_per_day(self) -> int:
        """All Recommended impressions of a day."""
        return self.creators * self.impressions_per_creator_day

    @property
    def cohort(self) -> int:
        """Users one simulated page stands for."""
        return max(1, self.impressions_per_day // (self.requests_per_day * self.page_size))


@dataclasses.dataclass(frozen=True)
class World:
    """Creators and every post of the simulated days, in publishing order."""

    creator_original: Bools
    author: Ints
    created_hour: Floats
    original: Bools
    like_rate: Floats
    finish_rate: Floats
    share_rate: Floats
    duration_ms: Floats
    posts_by_tick: Ints  # cumulative: posts published before the end of each tick


@dataclasses.dataclass(frozen=True)
class Outcome:
    """One run's results."""

    label: str
    floor_reached: int  # original creators all of whose posts reached the floor in their first day
    original_creators_posting: int
    gini: float
    original_impression_share: float
    engagement: float
    earners: int
    impressions: int
    lorenz: tuple[Floats, Floats]
    seconds: float


def build_world(s: Scenario) -> World:
    """Creators and their posts, from the scenario's seed."""
    rng = np.random.default_rng(s.seed)
    creator_original = rng.random(s.creators) < s.original_share
    quality = rng.lognormal(0.0, 0.6, s.creators)
    ticks = s.days * TICKS_PER_DAY
    per_tick = rng.binomial(s.creators, s.posts_per_creator_day / TICKS_PER_DAY, ticks)
    total = int(per_tick.sum())
    author = rng.integers(0, s.creators, total)
    tick = np.repeat(np.arange(ticks), per_tick)
    created_hour = tick + rng.random(total)
    # Reposts copy what already works: they engage a little better than an average original.
    post_quality = (
        quality[author] * rng.lognormal(0.0, 0.5, total) * np.where(creator_original[author], 1.0, 1.2)
    )
    return World(
        creator_original=creator_original,
        author=author,
        created_hour=created_hour,
        original=creator_original[author],
        like_rate=np.clip(0.04 * post_quality, 0.0, 1.0),
        finish_rate=np.clip(0.25 * post_quality, 0.0, 1.0),
        share_rate=np.clip(0.006 * post_quality, 0.0, 1.0),
        duration_ms=rng.uniform(8_000, 60_000, total),
        posts_by_tick=np.cumsum(per_tick),
    )


def without_plan(params: ranking.Params) -> ranking.Params:
    """The feed with no originality tilt and no exposure floor."""
    return dataclasses.replace(params, original_boost=0.0, floor_share=0.0)


def run(
    s: Scenario,
    world: World,
    params: ranking.Params,
    pay: income.IncomeParams,
    label: str,
    progress: Callable[[], None] = lambda: None,
) -> Outcome:
    """Run the days through the feed with `params`; `progress` is called after every hour."""
    started = time.perf_counter()
    rng = np.random.default_rng(s.seed + 1)
    posts = len(world.author)
    plays = np.zeros(posts)
    likes = np.zeros(posts)
    finishes = np.zeros(posts)
    shares = np.zeros(posts)
    first_day = np.zeros(posts)
    creator_impressions = np.zeros(s.creators)
    earned = np.zeros(s.creators, dtype=bool)
    engagement = 0.0
    original_shown = 0.0
    cohort = s.cohort
    per_tick = max(1, s.requests_per_day // TICKS_PER_DAY)
    creator_ids = np.arange(s.creators, dtype=np.int64)
    for day in range(s.days):
        day_watch = np.zeros(posts)
        for hour in range(TICKS_PER_DAY):
            tick = day * TICKS_PER_DAY + hour
            now = tick + 1.0
            end = int(world.posts_by_tick[tick])
            day_start = int(world.posts_by_tick[tick - TICKS_PER_DAY]) if tick >= TICKS_PER_DAY else 0
            week_ago = tick - CANDIDATE_DAYS * TICKS_PER_DAY
            live_start = int(world.posts_by_tick[week_ago]) if week_ago >= 0 else 0
            shown = np.zeros(posts)
            for _ in range(per_tick):
                picks = _candidates(rng, s.candidates, live_start, day_start, end)
                if len(picks) == 0:
                    continue
                page = ranking.allocate(
                    ranking.Candidates(
                        post_ids=picks,
                        creator_ids=world.author[picks],
                        likes=likes[picks],
                        finishes=finishes[picks],
                        shares=shares[picks],
                        plays=plays[picks],
                        impressions=first_day[picks],
                        age_hours=now - world.created_hour[picks],
                        original=world.original[picks],
                    ),
                    params,
                    s.page_size,
                )
                chosen = picks[[i for i, _ in page]]
                shown[chosen] += cohort
                fresh = chosen[now - world.created_hour[chosen] < 24.0]
                first_day[fresh] += cohort
            seen = np.flatnonzero(shown)
            n = shown[seen].astype(np.int64)
            new_likes = rng.binomial(n, world.like_rate[seen])
            new_finishes = rng.binomial(n, world.finish_rate[seen])
            new_shares = rng.binomial(n, world.share_rate[seen])
            plays[seen] += n
            likes[seen] += new_likes
            finishes[seen] += new_finishes
            shares[seen] += new_shares
            engagement += float(
                params.like_weight * new_likes.sum()
                + params.finish_weight * new_finishes.sum()
                + params.share_weight * new_shares.sum()
            )
            original_shown += float(shown[seen][world.original[seen]].sum())
            np.add.at(creator_impressions, world.author[seen], n)
            # Expected qualified watch: finished views watch it all, the rest about a third.
            day_watch[seen] += (
                n * world.duration_ms[seen] * (world.finish_rate[seen] + 0.3 * (1 - world.finish_rate[seen]))
            )
            progress()
        watch = np.bincount(
            world.author[world.original], weights=day_watch[world.original], minlength=s.creators
        ).astype(np.int64)
        earned |= income.split_pool(creator_ids, watch, pay.pool_fen, pay.min_creator_watch_ms) > 0
    return _outcome(
        s, world, params, label, first_day, creator_impressions, engagement, original_shown, earned, started
    )


def _candidates(rng: np.random.Generator, count: int, live_start: int, day_start: int, end: int) -> Ints:
    """Half from the last day's posts, half from the whole live week, without repeats."""
    if end <= live_start:
        return np.zeros(0, dtype=np.int64)
    recent = rng.integers(day_start, end, count // 2) if end > day_start else np.zeros(0, dtype=np.int64)
    older = rng.integers(live_start, end, count - len(recent))
    picks: Ints = np.unique(np.concatenate([recent, older]).astype(np.int64))
    return picks


def _outcome(
    s: Scenario,
    world: World,
    params: ranking.Params,
    label: str,
    first_day: Floats,
    creator_impressions: Floats,
    engagement: float,
    original_shown: float,
    earned: Bools,
    started: float,
) -> Outcome:
    # Only posts whose first day ended within the run can be judged.
    judged = world.original & (world.created_hour + 24.0 <= s.days * TICKS_PER_DAY)
    reached = first_day >= params.floor_impressions
    posted = np.bincount(world.author[judged], minlength=s.creators)
    made_it = np.bincount(world.author[judged & reached], minlength=s.creators)
    creators_posting = np.bincount(world.author, minlength=s.creators) > 0
    x, y = lorenz(creator_impressions[creators_posting])
    total = float(creator_impressions.sum())
    return Outcome(
        label=label,
        floor_reached=int(((posted > 0) & (made_it == posted)).sum()),
        original_creators_posting=int((posted > 0).sum()),
        gini=gini(x, y),
        original_impression_share=original_shown / total if total else 0.0,
        engagement=engagement,
        earners=int(earned.sum()),
        impressions=int(total),
        lorenz=(x, y),
        seconds=time.perf_counter() - started,
    )


def lorenz(values: Floats, points: int = 1_001) -> tuple[Floats, Floats]:
    """The Lorenz curve of `values`: the share of the total held by the poorest x of them."""
    if len(values) == 0 or values.sum() == 0:
        x = np.linspace(0.0, 1.0, points)
        return x, x.copy()
    cumulative = np.concatenate([[0.0], np.cumsum(np.sort(values))]) / values.sum()
    x = np.linspace(0.0, 1.0, points)
    y: Floats = np.interp(x * len(values), np.arange(len(values) + 1), cumulative)
    return x, y


def gini(x: Floats, y: Floats) -> float:
    """1 − 2 × the area under the Lorenz curve (0: everyone equal; 1: one creator has it all)."""
    area = float(np.sum((y[1:] + y[:-1]) / 2 * np.diff(x)))
    return 1.0 - 2.0 * area


def plot_lorenz(outcomes: list[Outcome], path: str) -> None:
    """A PNG of the runs' Lorenz curves of creator impressions, with the line of equality."""
    import matplotlib  # imported here: only the simulation draws

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(6, 6), dpi=120)
    axes.plot([0, 1], [0, 1], color="#bbbbbb", linestyle="--", label="equality")
    for outcome, colour in zip(outcomes, ("#07c160", "#fa5151", "#576b95"), strict=False):
        x, y = outcome.lorenz
        axes.plot(x, y, color=colour, label=f"{outcome.label} (Gini {outcome.gini:.3f})")
    axes.set_xlabel("share of creators who posted (fewest impressions first)")
    axes.set_ylabel("share of Recommended impressions")
    axes.set_title("Creator impressions: Lorenz curves")
    axes.legend(loc="upper left")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    figure.tight_layout()
    figure.savefig(path)
    pyplot.close(figure)
