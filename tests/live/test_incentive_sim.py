"""The merchant incentive's simulation: the live feed's allocation for many merchants at once."""

from __future__ import annotations

from typer.testing import CliRunner

from yuanzi.cli import cli
from yuanzi.live.incentive import Terms
from yuanzi.live.incentive_sim import World, simulate

SMALL = World(merchants=3_000, minutes=180, feed_views=30_000, seed=5)


def test_the_plan_repays_nearly_every_merchant_and_spends_fewer_openings() -> None:
    plan = simulate(SMALL, Terms(), plan=True)
    popular = simulate(SMALL, Terms(), plan=False)
    assert plan.bringers > 2_900
    assert plan.share_repaid > 0.98  # the shortfall: viewers brought in the last minute
    assert plan.share_repaid > popular.share_repaid
    assert plan.median_ratio == 1.0  # granted what they brought, not more
    assert plan.placements < popular.placements == SMALL.minutes * SMALL.feed_views
    assert (plan.public <= plan.target + 5).all()  # placements stop once repaid (a few in flight)


def test_the_ratio_and_cap_change_what_is_owed() -> None:
    double = simulate(SMALL, Terms(ratio=2.0, daily_cap=50), plan=True)
    assert (double.target == [min(50, 2 * p) for p in double.private]).all()
    assert double.share_repaid > 0.95


def test_the_command_prints_both_runs() -> None:
    result = CliRunner().invoke(
        cli, ["live", "simulate", "--merchants", "2000", "--minutes", "30", "--feed-views", "30000"]
    )
    assert result.exit_code == 0, result.output
    assert "merchants granted ≥ what they brought" in result.output
    assert "with the plan" in result.output
    assert "without (popularity)" in result.output
