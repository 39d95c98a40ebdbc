"""Seeds and named random streams: same seed, same run; a new element, same other draws."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pytest

from capsim.engine import simulate
from capsim.model.streams import stream
from tests.model.model_builders import ALLY, BUYER, LINE, STOCKPILE, SYSTEM, build, metric, run


@pytest.fixture
def random_scenario(scenario: dict[str, Any]) -> dict[str, Any]:
    """The minimal scenario with every kind of randomness switched on."""
    scenario["stockpiles"][STOCKPILE]["initial"] = 50
    scenario["lines"][LINE]["acceptance_yield"] = 0.9
    scenario["suppliers"]["seeker_co"].update(
        {
            "yield": 0.95,
            "disruptions": {"mean_time_between_months": 3, "mean_duration_months": 0.5},
        }
    )
    scenario["demands"] = {
        "war": {"kind": "expenditure", "system": SYSTEM, "holder": BUYER, "rate": 8.0},
        "wear": {
            "kind": "attrition",
            "system": SYSTEM,
            "holder": BUYER,
            "fraction_per_month": 0.02,
        },
    }
    return scenario


def test_same_seed_gives_identical_results(random_scenario: dict[str, Any]) -> None:
    first, second = run(random_scenario, seed=7), run(random_scenario, seed=7)

    pd.testing.assert_frame_equal(first.timeseries, second.timeseries)
    pd.testing.assert_frame_equal(first.money, second.money)
    pd.testing.assert_frame_equal(first.constraints, second.constraints)
    pd.testing.assert_frame_equal(first.events, second.events)


def test_different_seeds_give_different_expenditure(random_scenario: dict[str, Any]) -> None:
    first, second = run(random_scenario, seed=7), run(random_scenario, seed=8)

    assert metric(first, "demand", "war", "demand") != metric(second, "demand", "war", "demand")


def test_scenario_seed_is_used_without_an_explicit_seed(random_scenario: dict[str, Any]) -> None:
    random_scenario["scenario"]["seed"] = 7
    implicit = simulate(build(random_scenario))

    pd.testing.assert_frame_equal(implicit.timeseries, run(random_scenario, seed=7).timeseries)


def test_new_disrupted_supplier_leaves_demand_draws_unchanged(
    random_scenario: dict[str, Any],
) -> None:
    bigger = copy.deepcopy(random_scenario)
    bigger["systems"][SYSTEM]["bill_of_materials"]["fuze"] = 1
    bigger["suppliers"]["fuze_co"] = {
        "component": "fuze",
        "capacity": 3,
        "lead_time_months": 2,
        "yield": 0.8,
        "disruptions": {"mean_time_between_months": 2, "mean_duration_months": 1},
    }

    before, after = run(random_scenario, seed=3), run(bigger, seed=3)

    # Production changes (the fuze now binds), the expenditure draws do not.
    assert metric(before, "line", LINE, "production") != metric(after, "line", LINE, "production")
    assert metric(before, "demand", "war", "demand") == metric(after, "demand", "war", "demand")
    # Nor do the seeker supplier's own draws.
    assert (
        metric(before, "supplier", "seeker_co", "scrapped")[:1]
        == metric(after, "supplier", "seeker_co", "scrapped")[:1]
    )


def test_expenditure_mean_matches_rate(random_scenario: dict[str, Any]) -> None:
    random_scenario["scenario"]["horizon_months"] = 600
    random_scenario["stockpiles"][STOCKPILE]["initial"] = 0
    draws = np.array(metric(run(random_scenario, seed=11), "demand", "war", "demand"))
    # Poisson(8) over 600 months: standard error of the mean 0.115.
    assert abs(draws.mean() - 8.0) < 0.5


def test_replications_draw_differently_and_reproducibly(random_scenario: dict[str, Any]) -> None:
    scenario = build(random_scenario)
    zero, one = simulate(scenario, seed=5, replication=0), simulate(scenario, seed=5, replication=1)
    again = simulate(scenario, seed=5, replication=1)

    assert metric(zero, "demand", "war", "demand") != metric(one, "demand", "war", "demand")
    pd.testing.assert_frame_equal(one.timeseries, again.timeseries)


def test_streams_are_named_and_independent() -> None:
    a = stream(7, "demands.war").integers(0, 1_000_000, 5)
    b = stream(7, "demands.war").integers(0, 1_000_000, 5)
    c = stream(7, "demands.wear").integers(0, 1_000_000, 5)
    d = stream(7, "demands.war", replication=1).integers(0, 1_000_000, 5)
    assert (a == b).all()
    assert not (a == c).all()
    assert not (a == d).all()


def test_elements_that_never_draw_make_no_stream(
    scenario: dict[str, Any], random_scenario: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line and a supplier at a yield of 1, without disruptions, and a dated transfer
    never make their streams (the first scenario); with yields, disruptions and random
    expenditure they do (the second)."""
    import capsim.model.streams as streams

    made: list[str] = []
    real = streams.stream

    def counted(seed: int, name: str, replication: int = 0) -> np.random.Generator:
        made.append(name)
        return real(seed, name, replication)

    monkeypatch.setattr(streams, "stream", counted)
    perfect = copy.deepcopy(scenario)
    perfect["lines"][LINE]["acceptance_yield"] = 1.0
    for supplier in perfect["suppliers"].values():
        supplier.update({"yield": 1.0, "disruptions": None})
    perfect["stockpiles"][STOCKPILE]["initial"] = 100
    perfect["demands"] = {
        "aid": {"kind": "transfer", "system": SYSTEM, "from": BUYER, "to": ALLY,
                "quantity": 40, "date": "2024-03-01"},
    }  # fmt: skip
    transferred = run(perfect)
    assert sum(metric(transferred, "stockpile", STOCKPILE, "transfers_out")) == 40
    assert not [name for name in made if name.startswith(("lines.", "suppliers.", "demands."))]
    made.clear()
    run(random_scenario)
    assert f"lines.{LINE}" in made and "suppliers.seeker_co" in made
    assert "demands.war" in made
