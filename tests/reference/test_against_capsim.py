"""capsim against the independent ``stinger_ref`` model (issue 9's verification).

Both run ``N_RUNS`` replications with independent seeds; their means must agree within
3 % on the mean monthly stock, total unmet demand and total production. With 600 runs
the standard error of each mean is under 0.3 % (of their difference under 0.45 %), so
3 % is at least six standard errors: a failure is a real disagreement.

Measured on the monthly core (1,000 runs each, capsim vs model): mean monthly stock
989.7 vs 993.0 (-0.3 %), total production 2,891.9 vs 2,891.7 (0.0 %), total unmet
549.0 vs 500.7 (+9.6 %): the review of month 3 does not see the transfer dated that
day, so the first contract is a month late. Only the unmet comparison is expected to
fail until the event-timed core.

Dating the transfer the day before (2025-03-31), so that today's core serves it before
the review of month 3, makes the two agree (500 runs: unmet 494.9 vs 499.5, -0.9 %);
:func:`test_capsim_agrees_when_the_transfer_comes_a_day_early` keeps that cross-check.
The remaining ~5 units are the model's continuous time: when deliveries resume in
month 22 at about the rate of demand, a demand that arrives before that month's
deliveries is lost, which monthly netting hides.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import numpy as np
import pytest

import capsim
from tests.reference import stinger_ref_model as ref

SCENARIO = Path(__file__).resolve().parents[2] / "benchmarks" / "stinger_ref.yaml"
N_RUNS = 600
TOLERANCE = 0.03
FIGURES = ("mean monthly stock", "total unmet", "total production")


def _figures(stock: np.ndarray, unmet: np.ndarray, production: np.ndarray) -> dict[str, float]:
    """The compared means from arrays of shape (runs, months)."""
    return {
        "mean monthly stock": float(stock.mean()),
        "total unmet": float(unmet.sum(axis=1).mean()),
        "total production": float(production.sum(axis=1).mean()),
    }


@cache
def capsim_figures(transfer_date: dt.date | None = None) -> dict[str, float]:
    """Means over ``N_RUNS`` capsim runs of benchmarks/stinger_ref.yaml (seeds 0..N-1).

    ``transfer_date`` moves the transfer; ``None`` keeps the spec's 2025-04-01.
    """
    scenario = capsim.load_scenario(SCENARIO)
    if transfer_date is not None:
        data = scenario.model_dump(by_alias=True)
        data["demands"]["transfer"]["date"] = transfer_date
        scenario = capsim.Scenario.model_validate(data)
    stock, unmet, production = [], [], []
    for seed in range(N_RUNS):
        results = capsim.simulate(scenario, seed=seed)
        stock.append(results.series("stock", "stockpile")["army"].to_numpy())
        unmet.append(results.series("unmet", "stockpile")["army"].to_numpy())
        production.append(results.series("production", "line")["line"].to_numpy())
    return _figures(np.stack(stock), np.stack(unmet), np.stack(production))


@cache
def reference_figures() -> dict[str, float]:
    """Means over ``N_RUNS`` runs of the independent model (seeds 10^6 + 0..N-1)."""
    runs = ref.replicate(N_RUNS, seed=10**6)
    return _figures(runs["stock"], runs["unmet"], runs["production"])


def _assert_agrees(measured: dict[str, float], figure: str) -> None:
    value, expected = measured[figure], reference_figures()[figure]
    assert value == pytest.approx(expected, rel=TOLERANCE), (
        f"{figure}: capsim {value:.1f}, independent model {expected:.1f} "
        f"({value / expected - 1:+.1%})"
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "figure",
    [
        "mean monthly stock",
        "total unmet",
        "total production",
    ],
)
def test_capsim_agrees_with_the_independent_model(figure: str) -> None:
    _assert_agrees(capsim_figures(), figure)


@pytest.mark.slow
@pytest.mark.parametrize("figure", FIGURES)
def test_capsim_agrees_when_the_transfer_comes_a_day_early(figure: str) -> None:
    """Cross-check of the model: the day-early transfer is seen by every core's review.

    The stock of month 2 then differs by the transfer, which the mean over 120 months
    dilutes to about 1 %, inside the tolerance.
    """
    _assert_agrees(capsim_figures(dt.date(2025, 3, 31)), figure)
