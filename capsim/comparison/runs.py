"""Replications of one scenario, reduced to what a comparison keeps of each.

A comparison needs, per replication, the key results as numbers and a few monthly
series for its figures, not the whole :class:`~capsim.results.Results`; the reduction
runs where the replication runs, so a process pool sends back little.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from capsim.engine import simulate
from capsim.model.records import SeriesKey
from capsim.results import Results
from capsim.scenario.schema import Scenario

if TYPE_CHECKING:
    from capsim.experiments.executors import Executor

NUMERIC_KPIS = {
    "lowest_stock": "units",
    "months_below_objective": "months",
    "unmet_total": "units",
    "delivered_total": "units",
    "obligated_usd": "USD",
}
"""Per-stockpile KPIs of :func:`capsim.kpis.stockpile_kpis` compared as they are, with units."""

SYSTEM_KPIS = {
    "peak_monthly_output": "units per month",
    "cost_per_delivered_unit_usd": "USD per unit",
}
"""Per-system KPIs (the same on every stockpile of a system): one row, under the system's id."""

DATE_KPIS = {
    "months_to_recovery": "recovery_date",
    "months_to_objective": "objective_date",
}
"""KPIs compared as months from the scenario start, and the date column each comes from."""

KPI_UNITS = {**NUMERIC_KPIS, **dict.fromkeys(DATE_KPIS, "months"), **SYSTEM_KPIS}
"""Every compared KPI and its unit, in table order."""

KPI_COLUMNS = ["stockpile", "kpi", "value", "censored"]


@dataclass(frozen=True)
class RunSummary:
    """What a comparison keeps of one replication.

    Attributes
    ----------
    replication
        The replication index ``k``.
    kpis
        One row per stockpile (or system, for :data:`SYSTEM_KPIS`) and KPI: ``stockpile``,
        ``kpi``, ``value`` (numeric, see
        :data:`KPI_UNITS`) and ``censored`` (a date KPI not reached within the horizon,
        whose value is then the horizon in months).
    series
        Monthly values by (kind, entity): ``("production" | "deliveries" | "demand",
        system)`` summed over lines or stockpiles, and ``("stock", stockpile)``.
    months
        First day of each month.
    """

    replication: int
    kpis: pd.DataFrame
    series: dict[tuple[str, str], np.ndarray]
    months: pd.DatetimeIndex


def run_replications(
    scenario: Scenario,
    seed: int,
    replications: int,
    executor: Executor | None = None,
) -> list[RunSummary]:
    """Run replications ``0 .. replications - 1`` of ``scenario`` from root ``seed``.

    The one place a comparison runs the model: through :func:`capsim.experiments.replicate`
    (``executor`` is passed through; ``None`` lets it choose), then reduced to what a
    comparison keeps.
    """
    from capsim.experiments import replicate

    ensemble = replicate(scenario, replications, seed=seed, executor=executor, progress=False)
    kpis = ensemble.kpis
    summaries = []
    for index, replication in enumerate(ensemble.replications):
        rows = kpis[kpis["replication"] == replication].drop(columns="replication")
        series = _summed(zip(ensemble.keys, ensemble.values[index], strict=True))
        summaries.append(
            RunSummary(replication, kpi_numbers(rows, scenario), series, ensemble.months)
        )
    return summaries


def summarize_replication(scenario: Scenario, seed: int, replication: int) -> RunSummary:
    """Simulate replication ``replication`` alone and reduce it to a :class:`RunSummary`."""
    results = simulate(scenario, seed=seed, replication=replication)
    series = _summed(results.records.series.items())
    return RunSummary(replication, numeric_kpis(results), series, results.months)


def numeric_kpis(results: Results) -> pd.DataFrame:
    """The run's KPIs as numbers (see :func:`kpi_numbers`)."""
    return kpi_numbers(results.kpis, results.scenario)


def kpi_numbers(kpis: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """KPIs of one run as numbers: dates become months from the start, censored at the horizon.

    ``kpis`` is one run's :func:`capsim.kpis.stockpile_kpis` table.
    ``months_to_recovery`` counts months from the scenario start to the end of the first
    month the stock is back at its initial level; 0 if it never fell below it; the
    horizon (flagged ``censored``) if it fell and did not recover in time.
    ``months_to_objective`` is the same for the inventory objective (no row without one).
    """
    header = scenario.scenario
    horizon = header.months
    rows: list[tuple[str, str, float, bool]] = []
    systems: set[str] = set()
    for record in kpis.to_dict("records"):
        stockpile = str(record["stockpile"])
        if record["system"] not in systems:
            systems.add(str(record["system"]))
            for kpi in SYSTEM_KPIS:
                rows.append((str(record["system"]), kpi, float(record[kpi]), False))
        for kpi in NUMERIC_KPIS:
            rows.append((stockpile, kpi, float(record[kpi]), False))
        fell = {
            "months_to_recovery": record["lowest_stock"] < record["initial_stock"],
            "months_to_objective": record["months_below_objective"] > 0,
        }
        for kpi, column in DATE_KPIS.items():
            if kpi == "months_to_objective" and pd.isna(record["objective"]):
                continue
            date = pd.Timestamp(record[column]) if not pd.isna(record[column]) else None
            if not fell[kpi]:
                rows.append((stockpile, kpi, 0.0, False))
            elif date is None:
                rows.append((stockpile, kpi, float(horizon), True))
            else:
                elapsed = (date.year - header.start.year) * 12 + date.month - header.start.month
                rows.append((stockpile, kpi, float(elapsed + 1), False))
    return pd.DataFrame(rows, columns=KPI_COLUMNS)


def _summed(
    labelled: Iterable[tuple[SeriesKey, np.ndarray]],
) -> dict[tuple[str, str], np.ndarray]:
    """Monthly production, deliveries and demand per system, and stock per stockpile."""
    wanted = {
        ("line", "production"): "production",
        ("stockpile", "deliveries"): "deliveries",
        ("stockpile", "demand"): "demand",
    }
    series: dict[tuple[str, str], np.ndarray] = {}
    for key, values in labelled:
        kind = wanted.get((key.entity_kind, key.metric))
        if kind is not None:
            total = series.get((kind, key.system))
            series[(kind, key.system)] = values.copy() if total is None else total + values
        elif key.entity_kind == "stockpile" and key.metric == "stock":
            series[("stock", key.entity)] = values.copy()
    return series


__all__ = [
    "DATE_KPIS",
    "KPI_UNITS",
    "NUMERIC_KPIS",
    "SYSTEM_KPIS",
    "RunSummary",
    "kpi_numbers",
    "numeric_kpis",
    "run_replications",
    "summarize_replication",
]
