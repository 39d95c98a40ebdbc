"""One outcome vocabulary: declared once, seen everywhere, censored one way."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import capsim
from capsim import kpis
from capsim.outcomes import (
    NOT_WITHIN_HORIZON,
    Kind,
    Outcome,
    Scope,
    censored_quantile,
    month_count,
    reached_share,
)
from tests.command import capsim as capsim_command

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "stinger" / "baseline.yaml"


@pytest.fixture
def months_empty() -> Iterator[Outcome]:
    """A KPI added for one test: months in which a stockpile ends empty."""
    declared = Outcome(
        "months_empty",
        "months",
        Kind.COUNT,
        Scope.STOCKPILE,
        "months ending with no stock",
        lambda run: int((run.stock <= 0).sum()),
        whole=True,
    )
    kpis.register(declared)
    yield declared
    kpis.unregister(declared.name)


def test_a_kpi_declared_once_appears_in_results_ensemble_store_and_compare(
    months_empty: Outcome, tmp_path: Path
) -> None:
    scenario = capsim.load_scenario(BASELINE)
    results = capsim.simulate(scenario, seed=1)
    stock = results.series("stock")["ukraine_stinger"].to_numpy()
    assert results.kpis.set_index("stockpile").loc["ukraine_stinger", "months_empty"] == (
        (stock <= 0).sum()
    )
    assert "months_empty" in results.summary()
    serial = capsim.SerialExecutor()
    ensemble = capsim.replicate(scenario, 3, seed=1, executor=serial, progress=False)
    assert ensemble.kpis["months_empty"].dtype == np.int64
    assert "p50" in ensemble.kpi_distribution("months_empty").columns
    design = capsim.Sweep(scenario, {"lines.stinger_tucson.capacity": [60]}, replications=2)
    swept = capsim.run_experiment(design, executor=serial, store=tmp_path / "s", progress=False)
    assert swept.kpis["months_empty"].notna().all()
    assert {"p50", "censored_share"} <= set(swept.summary("recovery_date").columns)
    assert len(swept.summary("months_empty")) == len(scenario.stockpiles)
    comparison = capsim.compare([BASELINE], replications=2, seed=1, executor=serial)
    rows = comparison.table[comparison.table["kpi"] == "months_empty"]
    assert set(rows["stockpile"]) == set(scenario.stockpiles)
    assert (rows["unit"] == "months").all()


def test_kpis_are_declared_once_with_what_every_view_needs() -> None:
    names = [outcome.name for outcome in kpis.outcomes()]
    assert len(names) == len(set(names))
    assert kpis.kpi_columns() == [*kpis.LABELS, *names]
    dates = {outcome.name for outcome in kpis.outcomes() if outcome.kind is Kind.DATE}
    assert dates == {"lowest_stock_date", "recovery_date", "objective_date"}
    assert kpis.outcome("objective_date").requires == "objective"
    with pytest.raises(ValueError, match="already declared"):
        kpis.register(kpis.outcome("unmet_total"))


def test_censored_quantiles_and_probabilities() -> None:
    inf = np.inf
    # The median is censored exactly when more than half the runs are.
    assert censored_quantile(np.array([1.0, 2.0, inf, inf]), 0.5) == 2.0
    assert censored_quantile(np.array([1.0, 2.0, inf, inf, inf]), 0.5) == inf
    assert censored_quantile(np.array([4.0, 1.0, 3.0, 2.0]), 0.05) == 1.0
    assert reached_share(np.array([1.0, 2.0, inf, inf]), 1.5) == 0.25
    assert month_count(pd.Timestamp("2022-01-01").date(), pd.Timestamp("2023-01-31").date()) == 13


def test_never_fell_is_the_start_and_not_back_is_censored(tmp_path: Path) -> None:
    results = capsim.simulate(capsim.load_scenario(BASELINE), seed=1)
    table = results.kpis.set_index("stockpile")
    # Ukraine starts with none: its stock never falls below its initial level.
    assert table.loc["ukraine_stinger", "recovery_date"] == pd.Timestamp("2022-01-01")
    # Other donors give theirs away and get none back: censored.
    assert pd.isna(table.loc["other_donors_stinger", "recovery_date"])
    declared = kpis.outcome("recovery_date")
    censored = dict(zip(results.kpis["stockpile"], declared.censored(results.kpis), strict=True))
    # The US stock is censored exactly when it is not back within the horizon.
    us_army = pd.isna(table.loc["us_army_stinger", "recovery_date"])
    assert censored == {"us_army_stinger": us_army, "ukraine_stinger": False,
                        "other_donors_stinger": True}  # fmt: skip
    # No objective: the objective date does not apply, and is not censored.
    assert not kpis.outcome("objective_date").censored(results.kpis).iloc[1:].any()
    assert NOT_WITHIN_HORIZON in results.summary()


def test_run_replications_ensemble_and_compare_agree_on_censored_dates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    count, seed, by = 8, 3, "2030-12-31"
    monkeypatch.setenv("COLUMNS", "300")  # one line per KPI, as a wide terminal shows it
    done = capsim_command(
        "run", str(BASELINE), "--replications", str(count), "--seed", str(seed),
        "--workers", "1", "--out", "out", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    printed = re.search(
        r"us_army_stinger\n(?:.*\n)*?\s+objective_date\s+(.+?)(?: \[.*\])? "
        r"\(reached within the horizon in (\d+)%\)",
        done.stdout,
    )
    assert printed is not None, done.stdout

    serial = capsim.SerialExecutor()
    scenario = capsim.load_scenario(BASELINE)
    ensemble = capsim.replicate(scenario, count, seed=seed, executor=serial, progress=False)
    summary = ensemble.kpi_distribution("objective_date", by=[by]).loc["us_army_stinger"]
    comparison = capsim.compare([BASELINE], replications=count, seed=seed, executor=serial)
    row = comparison.table.set_index(["stockpile", "kpi"]).loc[
        ("us_army_stinger", "objective_date")
    ]
    # Some runs are censored, some not: the case where the treatments used to differ.
    assert 0 < summary["censored_share"] < 1

    start = scenario.scenario.start
    median = summary["p50"]
    expected_months = np.inf if pd.isna(median) else month_count(start, median.date())
    assert row["median"] == expected_months
    shown = NOT_WITHIN_HORIZON if pd.isna(median) else f"{median:%Y-%m}"
    assert printed.group(1) == shown
    assert row["censored_share"] == summary["censored_share"]
    assert int(printed.group(2)) == round(100 * (1 - summary["censored_share"]))
    probabilities = comparison.reached("objective_date", [pd.Timestamp(by).date()])
    assert probabilities.loc[("us_army_stinger", comparison.baseline), by] == summary[f"by {by}"]
