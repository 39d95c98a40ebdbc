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
from capsim.kpis import outcomes
from capsim.model.records import SeriesKey
from capsim.outcomes import Kind, Scope, month_count
from capsim.results import Results
from capsim.scenario.schema import Scenario

if TYPE_CHECKING:
    from capsim.experiments.executors import Executor

KPI_COLUMNS = ["stockpile", "kpi", "value", "censored"]


@dataclass(frozen=True)
class RunSummary:
    """What a comparison keeps of one replication.

    Attributes
    ----------
    replication
        The replication index ``k``.
    kpis
        One row per stockpile (or system, for KPIs of the lines' scope) and KPI:
        ``stockpile``, ``kpi``, ``value`` (a number; see :func:`kpi_numbers`) and
        ``censored`` (a date KPI not reached within the horizon).
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
    """KPIs of one run as numbers, one row per stockpile and compared KPI.

    ``kpis`` is one run's :func:`capsim.kpis.stockpile_kpis` table. Every declared KPI
    but the echoed inputs is kept (:func:`capsim.kpis.outcomes`); a KPI of the lines'
    scope once per system, under the system's id; a KPI that does not apply (no
    objective) not at all. A date becomes the months from the start through its month
    (:func:`capsim.outcomes.month_count`; 0 when the stock never fell). A date not
    reached within the horizon is flagged ``censored`` and counts as the horizon, so
    that a paired difference involving it is a bound; its quantiles come from
    :func:`capsim.outcomes.censored_quantile`, which sees it as censored.
    """
    header = scenario.scenario
    declared = [outcome for outcome in outcomes() if not outcome.echo]
    rows: list[tuple[str, str, float, bool]] = []
    systems: set[str] = set()
    for record in kpis.to_dict("records"):
        stockpile, system = str(record["stockpile"]), str(record["system"])
        first_of_system = system not in systems
        systems.add(system)
        for outcome in declared:
            if outcome.scope is Scope.LINE and not first_of_system:
                continue
            if outcome.requires is not None and pd.isna(record[outcome.requires]):
                continue
            owner = system if outcome.scope is Scope.LINE else stockpile
            value = record[outcome.name]
            if outcome.kind is not Kind.DATE:
                rows.append((owner, outcome.name, float(value), False))
            elif pd.isna(value):
                rows.append((owner, outcome.name, float(header.months), outcome.censorable))
            else:
                months = month_count(header.start, pd.Timestamp(value).date())
                rows.append((owner, outcome.name, float(months), False))
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
    "RunSummary",
    "kpi_numbers",
    "numeric_kpis",
    "run_replications",
    "summarize_replication",
]
