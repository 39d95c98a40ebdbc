"""compare(): common random numbers, the KPI table, the inputs diff, figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import capsim
from capsim.comparison.inputs import ABSENT
from capsim.comparison.runs import run_replications
from tests.compare.conftest import write

ROOT = Path(__file__).resolve().parents[2]


def test_identical_scenarios_differ_by_exactly_zero(tree: Path) -> None:
    base = tree / "base.yaml"
    comparison = capsim.compare([base, base], replications=5, seed=11)
    assert comparison.names == ["tiny", "tiny #2"]
    variant = comparison.table[comparison.table["scenario"] == "tiny #2"]
    assert (variant["difference"] == 0).all()
    assert (variant["difference_low"] == 0).all() and (variant["difference_high"] == 0).all()
    assert not variant["excludes_zero"].any()
    assert comparison.inputs_diff.empty


def test_a_deterministic_change_has_zero_spread_under_common_random_numbers(tree: Path) -> None:
    # The ally's wartime use is random; a bigger transfer is not. With common random
    # numbers the lowest US stock differs by exactly the extra 100 in every replication.
    variant = write(
        tree, "more.yaml", "extends: base.yaml\ndemands:\n  transfer_1: {quantity: 500}\n"
    )
    comparison = capsim.compare([tree / "base.yaml", variant], replications=8, seed=2)
    table = comparison.table.set_index(["stockpile", "kpi", "scenario"])
    row = table.loc[("army_missile", "lowest_stock", "tiny #2")]
    assert row["difference"] == -100 and row["difference_low"] == row["difference_high"] == -100
    assert row["excludes_zero"]
    ally = comparison.kpis[comparison.kpis["kpi"] == "unmet_total"]
    assert ally["value"].nunique() > 1  # the random demand does vary across replications


def test_inputs_diff_lists_exactly_the_overridden_paths(tree: Path) -> None:
    variant = write(
        tree,
        "variant.yaml",
        "extends: base.yaml\n"
        "scenario: {name: variant}\n"
        "contracts:\n  lot_1: {quantity: 400}\n"
        "demands:\n  war: {$remove: true}\n",
    )
    diff = capsim.compare([tree / "base.yaml", variant]).inputs_diff
    removed = {path for path in diff.index if path.startswith("demands.war.")}
    assert set(diff.index) - removed == {"scenario.name", "contracts.lot_1.quantity"}
    assert removed and all(diff.loc[path, "variant"] is ABSENT for path in removed)
    assert diff.loc["contracts.lot_1.quantity"].tolist() == [300, 400]


def test_inputs_diff_leaves_out_unset_fields_of_an_added_element(tree: Path) -> None:
    variant = write(
        tree,
        "added.yaml",
        "extends: base.yaml\n"
        "contracts:\n  lot_2: {buyer: us_army, system: missile, quantity: 50,\n"
        "          unit_price: 1e5, award: 2022-06-01, account: army}\n",
    )
    diff = capsim.compare([tree / "base.yaml", variant]).inputs_diff
    added = {path.removeprefix("contracts.lot_2.") for path in diff.index}
    assert {"quantity", "unit_price", "award", "priority"} <= added  # priority: its default, 1
    assert not {"total_value", "line", "max_deliveries_per_month"} & added  # unset: None
    assert diff.loc["contracts.lot_2.quantity"].tolist() == [ABSENT, 50]


def test_one_replication_is_a_plain_side_by_side_table(tree: Path) -> None:
    variant = write(tree, "v.yaml", "extends: base.yaml\ncontracts: {lot_1: {quantity: 350}}\n")
    comparison = capsim.compare([tree / "base.yaml", variant], replications=1)
    table = comparison.table
    assert table["p05"].isna().all() and table["difference_low"].isna().all()
    assert table["excludes_zero"].isna().all()
    assert "[" not in comparison.summary().split("\n", 2)[2]


def test_date_kpis_are_censored_at_the_horizon(tree: Path) -> None:
    comparison = capsim.compare([tree / "base.yaml"], replications=2)
    rows = comparison.kpis[
        (comparison.kpis["stockpile"] == "army_missile")
        & (comparison.kpis["kpi"] == "recovery_date")
    ]
    assert (rows["value"] == 36).all() and rows["censored"].all()


def test_replications_agree_with_single_runs_and_across_executors(tree: Path) -> None:
    from capsim.comparison.runs import summarize_replication
    from capsim.experiments.executors import ProcessExecutor, SerialExecutor

    scenario = capsim.load_scenario(tree / "base.yaml")
    serial = run_replications(scenario, 4, 3, SerialExecutor())
    pooled = run_replications(scenario, 4, 3, ProcessExecutor(2))
    for k, (one, other) in enumerate(zip(serial, pooled, strict=True)):
        alone = summarize_replication(scenario, 4, k)
        assert one.kpis.equals(other.kpis) and one.kpis.equals(alone.kpis)
        assert all(np.array_equal(one.series[key], alone.series[key]) for key in alone.series)


def test_figures_have_one_colour_per_scenario(tree: Path) -> None:
    variant = write(tree, "v.yaml", "extends: base.yaml\nscenario: {name: v}\n")
    comparison = capsim.compare([tree / "base.yaml", variant], replications=3)
    figure = comparison.plot()
    colours = {line.get_color() for axes in figure.axes for line in axes.get_lines()}
    assert {"#1f77b4", "#ff7f0e"} <= colours
    assert comparison.plot_differences().axes


def test_bundled_stinger_set_compares() -> None:
    folder = ROOT / "scenarios" / "stinger"
    files = [folder / f"{name}.yaml" for name in (
        "baseline", "second_shift", "multiyear", "bigger_transfers", "nspa_2024"
    )]  # fmt: skip
    comparison = capsim.compare(files, replications=2, seed=3)
    table = comparison.table.set_index(["stockpile", "kpi", "scenario"]).sort_index()
    recovery = table.loc[("us_army_stinger", "recovery_date")]
    assert recovery.loc["stinger_multiyear", "difference"] < 0
    assert (
        table.loc[("nspa_nations_stinger", "delivered_total", "stinger_nspa_2024"), "median"] == 940
    )
    assert (
        table.loc[("us_army_stinger", "lowest_stock", "stinger_bigger_transfers"), "difference"]
        == -300
    )


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="at least one"):
        capsim.compare([])
    with pytest.raises(ValueError, match="at least 1"):
        capsim.compare([ROOT / "scenarios" / "stinger" / "baseline.yaml"], replications=0)


def test_bands_span_the_replications(tree: Path) -> None:
    comparison = capsim.compare([tree / "base.yaml"], replications=20, seed=4)
    stock = comparison.bands[
        (comparison.bands["kind"] == "stock") & (comparison.bands["entity"] == "ally_missile")
    ]
    assert (stock["p05"] <= stock["median"]).all() and (stock["median"] <= stock["p95"]).all()
    assert np.any(stock["p95"] > stock["p05"])
