"""What an ensemble answers: probabilities by a date, KPI distributions, precision."""

from __future__ import annotations

import numpy as np
import pytest

import capsim
from capsim.experiments.conditions import parse_condition
from capsim.experiments.precision import look_ahead, replications_needed
from tests.experiments.scenarios import scenario


@pytest.fixture(scope="module")
def ensemble() -> capsim.Ensemble:
    model = scenario({"stockpiles": {"depot": {"objective": 25}}})
    return capsim.replicate(model, 40, seed=2, executor=capsim.SerialExecutor(), progress=False)


def test_probability_by_is_any_month_up_to_the_date_and_at_is_that_month(
    ensemble: capsim.Ensemble,
) -> None:
    stock = ensemble.metric("stock")[0][:, 0, :]
    below = stock < 25
    by = ensemble.probability("stock < objective", by="2025-06-30")["depot"]
    at = ensemble.probability("stock < objective", at="2025-06-15")["depot"]
    assert by == below[:, :6].any(axis=1).mean()
    assert at == below[:, 5].mean()
    assert ensemble.probability("stock < 25")["depot"] == below.any(axis=1).mean()
    both = ensemble.probability("unmet > 0 or backorders >= 1 and stock < 1000")["depot"]
    backorders = ensemble.metric("backorders")[0][:, 0, :]
    assert both == (backorders >= 1).any(axis=1).mean()


def test_bad_conditions_and_dates_are_clear(ensemble: capsim.Ensemble) -> None:
    with pytest.raises(ValueError, match="did you mean 'stock'"):
        ensemble.probability("stok < 3")
    with pytest.raises(ValueError, match="cannot read condition"):
        ensemble.probability("stock < objective; import os")
    with pytest.raises(ValueError, match="outside the horizon"):
        ensemble.probability("stock < 3", by="2040-01-01")
    assert len(parse_condition("stock<=1e3 and unmet!=0")[0]) == 2


def test_kpi_distribution_and_tables(ensemble: capsim.Ensemble) -> None:
    numbers = ensemble.kpi_distribution("lowest_stock")
    assert numbers.loc["depot", "p5"] <= numbers.loc["depot", "p50"] <= numbers.loc["depot", "p95"]
    dates = ensemble.kpi_distribution("objective_date")
    assert 0 <= dates.loc["depot", "censored_share"] <= 1
    table = ensemble.timeseries
    assert list(table.columns) == [
        "replication", "month", "entity_kind", "entity", "system", "holder", "metric", "value"
    ]  # fmt: skip
    assert len(table) == 40 * len(ensemble.keys) * 36
    single = capsim.simulate(ensemble.scenario, seed=2, replication=7).timeseries
    mine = table[table.replication == 7].drop(columns="replication").reset_index(drop=True)
    assert np.array_equal(mine["value"].to_numpy(), single["value"].to_numpy())


def test_hoad_robinson_davies_look_ahead_and_estimate() -> None:
    assert look_ahead(5, 100) == 5 and look_ahead(5, 101) == 6
    rng = np.random.default_rng(0)
    tight = replications_needed(rng.normal(100, 5, 100), relative=0.05)
    assert tight.enough and tight.needed == 3
    loose = replications_needed(rng.normal(100, 50, 20), relative=0.02)
    assert not loose.enough and loose.estimated and loose.needed > 20
    # The estimate follows n = (t s / (d mean))^2, so about (1.96 * 50 / 2)^2 ≈ 2400.
    assert 1000 < loose.needed < 6000


def test_precision_table(ensemble: capsim.Ensemble) -> None:
    table = ensemble.precision("delivered_total", relative=0.05)
    assert bool(table.loc["depot", "enough"])
    assert table.loc["depot", "replications"] == 40


def test_fan_chart(ensemble: capsim.Ensemble) -> None:
    figure = ensemble.plot()
    assert len(figure.axes) == 2
