"""The incentive plan's simulation, on a small world."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from yuanzi.channels import income, ranking, simulation
from yuanzi.cli import cli

SMALL = simulation.Scenario(creators=20_000, days=2, requests_per_day=960, impressions_per_creator_day=5)
PAY = income.IncomeParams(pool_fen=100_000, min_view_ms=3_000, min_creator_watch_ms=60_000)


def test_the_lorenz_curve_and_gini_of_known_shares() -> None:
    x, y = simulation.lorenz(np.array([1.0, 1.0, 1.0, 1.0]))
    assert simulation.gini(x, y) == pytest.approx(0.0, abs=1e-9)
    x, y = simulation.lorenz(np.array([0.0, 0.0, 0.0, 4.0]))
    assert simulation.gini(x, y) == pytest.approx(0.75, abs=1e-3)  # one of four holds everything
    assert y[0] == 0.0
    assert y[-1] == pytest.approx(1.0)


def test_the_world_is_the_same_for_the_same_seed() -> None:
    first, second = simulation.build_world(SMALL), simulation.build_world(SMALL)
    assert np.array_equal(first.author, second.author)
    assert np.array_equal(first.like_rate, second.like_rate)
    assert len(first.author) == first.posts_by_tick[-1]
    assert np.all(np.diff(first.created_hour) >= -1.0)  # published hour by hour


def test_the_plan_gets_original_creators_their_floor() -> None:
    world = simulation.build_world(SMALL)
    params = ranking.Params()
    with_plan = simulation.run(SMALL, world, params, PAY, "with")
    without = simulation.run(SMALL, world, simulation.without_plan(params), PAY, "without")
    pages = SMALL.requests_per_day * SMALL.days  # full pages once a few hours' posts are live
    assert with_plan.impressions == without.impressions
    assert 0.9 < with_plan.impressions / (pages * SMALL.page_size * SMALL.cohort) <= 1
    assert with_plan.original_creators_posting == without.original_creators_posting > 0
    assert with_plan.floor_reached > without.floor_reached
    assert with_plan.floor_reached / with_plan.original_creators_posting > 0.9
    assert with_plan.original_impression_share > without.original_impression_share
    assert 0 < with_plan.gini < 1
    assert 0 < without.gini < 1
    assert with_plan.earners > 0
    again = simulation.run(SMALL, world, params, PAY, "with")
    assert (again.floor_reached, again.engagement) == (with_plan.floor_reached, with_plan.engagement)


def test_simulate_prints_the_table_and_draws_the_curves(tmp_path: Path) -> None:
    plot = tmp_path / "lorenz.png"
    result = CliRunner().invoke(
        cli,
        [
            "channels",
            "simulate",
            "--creators",
            "2000",
            "--days",
            "1",
            "--requests",
            "480",
            "--plot",
            str(plot),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Gini of creator impressions" in result.output
    assert "engagement cost of the plan" in result.output
    with Image.open(plot) as image:
        assert image.size == (720, 720)
        assert len(np.unique(np.asarray(image.convert("L")))) > 10  # curves, not a blank canvas


def test_simulate_refuses_a_world_too_small() -> None:
    result = CliRunner().invoke(cli, ["channels", "simulate", "--creators", "5"])
    assert result.exit_code == 2
    assert "--creators" in result.output
