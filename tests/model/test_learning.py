"""Learning curves: production cost against the closed forms of Wright and Crawford."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from capsim.model.learning import batch_cost, cumulative_cost, learning_exponent
from capsim.scenario.production import LearningCurve
from tests.model.model_builders import LINE, metric, run


@pytest.mark.parametrize("prior_units", [0, 500])
@pytest.mark.parametrize("slope", [0.8, 0.9, 1.0])
def test_cumulative_average_total_cost_is_closed_form(
    scenario: dict[str, Any], slope: float, prior_units: int
) -> None:
    t1 = 1_430_000.0
    scenario["lines"][LINE]["learning_curve"] = {
        "first_unit_cost": t1,
        "slope": slope,
        "prior_units": prior_units,
    }

    results = run(scenario)

    built = sum(metric(results, "line", LINE, "starts"))
    assert built == 240
    exponent = 1 + math.log2(slope)
    expected = t1 * ((built + prior_units) ** exponent - prior_units**exponent)
    total = sum(metric(results, "line", LINE, "production_cost_usd"))
    assert total == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("prior_units", [0, 37])
def test_unit_theory_total_cost_is_explicit_sum(scenario: dict[str, Any], prior_units: int) -> None:
    t1, slope = 1000.0, 0.85
    scenario["lines"][LINE]["learning_curve"] = {
        "first_unit_cost": t1,
        "slope": slope,
        "theory": "unit",
        "prior_units": prior_units,
    }

    results = run(scenario)

    b = math.log2(slope)
    expected = math.fsum(t1 * n**b for n in range(prior_units + 1, prior_units + 241))
    total = sum(metric(results, "line", LINE, "production_cost_usd"))
    assert total == pytest.approx(expected, rel=1e-9)
    # The first month's ten units are units prior+1 .. prior+10.
    first = math.fsum(t1 * n**b for n in range(prior_units + 1, prior_units + 11))
    assert metric(results, "line", LINE, "production_cost_usd")[0] == pytest.approx(first)


def test_scrapped_units_cost_like_built_ones(scenario: dict[str, Any]) -> None:
    scenario["lines"][LINE].update(
        acceptance_yield=0.7, learning_curve={"first_unit_cost": 100.0, "slope": 0.8}
    )

    results = run(scenario)

    starts = sum(metric(results, "line", LINE, "starts"))
    total = sum(metric(results, "line", LINE, "production_cost_usd"))
    assert total == pytest.approx(100.0 * starts ** (1 + math.log2(0.8)), rel=1e-9)


def test_learning_exponent() -> None:
    assert learning_exponent(0.8) == pytest.approx(-0.321928, abs=1e-6)
    assert learning_exponent(1.0) == 0.0


def test_cumulative_cost_two_units_at_80_percent() -> None:
    curve = LearningCurve(first_unit_cost=100.0, slope=0.8)
    # Average of the first 2 units is 80, so the total is 160.
    assert cumulative_cost(curve, 2) == pytest.approx(160.0)
    assert cumulative_cost(curve, 0) == 0.0


@pytest.mark.parametrize("theory", ["cumulative_average", "unit"])
def test_batch_costs_add_up_to_cumulative_cost(theory: str) -> None:
    curve = LearningCurve(first_unit_cost=250.0, slope=0.9, theory=theory, prior_units=12)
    batches = [3, 0, 7, 11, 1]
    built, total = 0, 0.0
    for batch in batches:
        total += batch_cost(curve, built, batch)
        built += batch
    expected = cumulative_cost(curve, 12 + built) - cumulative_cost(curve, 12)
    assert total == pytest.approx(expected, rel=1e-12)


def test_unit_theory_cost_of_a_huge_batch_is_bounded_and_accurate() -> None:
    """A billion units cost one closed-form evaluation, not a billion-element array."""
    from capsim.model.learning import _power_sum

    exact = float(np.sum(np.arange(1, 200_001, dtype=float) ** -0.152))
    assert _power_sum(1, 200_000, -0.152) == pytest.approx(exact, rel=1e-12)
    assert _power_sum(1, 10**9, -0.152) > _power_sum(1, 10**8, -0.152)
