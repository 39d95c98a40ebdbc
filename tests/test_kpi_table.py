"""The KPI table of a run: typed columns and shared labels give what pandas infers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import capsim
from capsim import kpis
from capsim.outcomes import Kind

ROOT = Path(__file__).resolve().parents[1]


def _inferred(rows: list[dict[str, object]]) -> pd.DataFrame:
    """The table pandas infers from the rows' plain values (dates as ``datetime64[s]``)."""
    columns: dict[str, object] = {}
    for name in rows[0]:
        values = [row[name] for row in rows]
        declared = {outcome.name: outcome for outcome in kpis.outcomes()}.get(name)
        dated = declared is not None and declared.kind is Kind.DATE
        columns[name] = np.array(values, dtype="datetime64[s]") if dated else values
    return pd.DataFrame(columns)


def _same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(left, right, check_exact=True)
    assert list(left.dtypes) == list(right.dtypes)


@pytest.mark.parametrize(
    "path", ["benchmarks/stinger_ref.yaml", "scenarios/munitions_portfolio/baseline.yaml"]
)
def test_replications_tables_are_those_pandas_infers(path: str) -> None:
    scenario = capsim.load_scenario(ROOT / path)
    for seed in range(3):
        results = capsim.simulate(scenario, seed=seed)
        rows = kpis.stockpile_kpi_rows(results.scenario, results.calendar, results.records)
        table = results.kpis
        _same(table, _inferred(rows))
        _same(kpis.kpi_table(rows), _inferred(rows))
        # A table is its own: writing to it leaves the next run's labels alone.
        table.loc[0, "stockpile"] = "written"
        table.loc[0, "lowest_stock"] = -1.0


def test_values_that_are_not_plain_numbers_are_left_to_pandas() -> None:
    rows: list[dict[str, object]] = [
        {"stockpile": "a", "holder": "h", "system": "s", "whole": 1, "mixed": 2**60,
         "small": 0, "missing": None, "numpy": np.float64(2.0), "flag": True, "large": 2**70},
        {"stockpile": "b", "holder": "h", "system": "s", "whole": 2, "mixed": 0.5,
         "small": 0.5, "missing": 1.0, "numpy": 3.0, "flag": False, "large": 1},
    ]  # fmt: skip
    _same(kpis.kpi_table(rows), _inferred(rows))
