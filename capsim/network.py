"""The supply network as a whole: which node bound output, and which supplier is a
single point of failure.

:func:`bottlenecks` reads one run's traced constraints. :func:`single_points_of_failure`
runs paired replications: the scenario as it is, and again with one supplier stopped
for some months, with the same seeds (common random numbers, so the difference is the
outage's and not the dice's; Law, *Simulation Modeling and Analysis*, 5th ed., 11.2).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from capsim.outcomes import NOT_WITHIN_HORIZON, censored_quantile, date_numbers, month_count
from capsim.results import Results
from capsim.scenario.network import Outage
from capsim.scenario.schema import Scenario

if TYPE_CHECKING:
    from capsim.experiments.executors import Executor

UNBOUND = {"none", "backlog"}
"""Line reasons that mean nothing held output back: the orders were all built."""

SPOF_OUTAGE_ID = "single_point_of_failure"
"""Id of the outage added to a supplier in the paired runs."""


def bottlenecks(results: Results) -> pd.DataFrame:
    """Line-months bound by each node and reason, most first.

    A line-month counts when something held the line's output back (not when it built
    all its orders allowed); it is put down to the end of its traced chain: a supplier
    and its reason (capacity, outage, qualification, lead time), or the line itself
    (capacity, funding). Columns: ``node``, ``kind`` (line or supplier), ``reason``,
    ``line_months``, ``share`` (of all bound line-months) and ``lines`` (which lines).
    """
    table = results.constraints
    bound = table[~table["root_constraint"].isin(UNBOUND)]
    columns = ["node", "kind", "reason", "line_months", "share", "lines"]
    if bound.empty:
        return pd.DataFrame(columns=columns)
    grouped = bound.groupby(["bound_by", "root_constraint"], sort=True)
    rows = [
        {
            "node": node,
            "kind": "line" if node in results.scenario.lines else "supplier",
            "reason": reason,
            "line_months": len(group),
            "share": len(group) / len(bound),
            "lines": ", ".join(sorted(group["line"].unique())),
        }
        for (node, reason), group in grouped
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["line_months", "node"], ascending=[False, True], ignore_index=True)


def with_outage(scenario: Scenario, supplier: str, start: dt.date, months: float) -> Scenario:
    """The scenario with ``supplier`` stopped for ``months`` from ``start``."""
    spec = scenario.suppliers[supplier]
    outages = {**spec.outages, SPOF_OUTAGE_ID: Outage(start=start, months=months)}
    suppliers = {**scenario.suppliers, supplier: spec.model_copy(update={"outages": outages})}
    return scenario.model_copy(update={"suppliers": suppliers})


def single_points_of_failure(
    scenario: Scenario,
    months: float = 6.0,
    start: dt.date | None = None,
    replications: int = 10,
    seed: int | None = None,
    executor: Executor | None = None,
) -> pd.DataFrame:
    """How much later each stockpile recovers if one supplier loses ``months``.

    For every supplier, ``replications`` paired runs: the scenario, and the scenario
    with that supplier stopped for ``months`` from ``start`` (the scenario's start by
    default). Per supplier and stockpile, the table gives the median recovery date of
    each (:mod:`capsim.outcomes`: "not within the horizon" when more than half the runs
    do not recover), the median of the paired delays in months, and the share of runs
    the outage pushes past the horizon. Stockpiles that recover at the start in every
    run (never drawn down) are left out. Rows are sorted by delay, longest first.
    """
    from capsim.experiments.executors import SerialExecutor
    from capsim.experiments.replication import replicate

    start = scenario.scenario.start if start is None else start
    executor = SerialExecutor() if executor is None else executor
    first = scenario.scenario.start

    def recovery(variant: Scenario) -> pd.DataFrame:
        ensemble = replicate(variant, replications, seed=seed, executor=executor, progress=False)
        table = ensemble.kpis[["replication", "stockpile", "recovery_date"]]
        return table.sort_values(["stockpile", "replication"], ignore_index=True)

    base = recovery(scenario)
    base_months = _months(base["recovery_date"], first)
    rows = []
    for supplier in sorted(scenario.suppliers):
        hit = recovery(with_outage(scenario, supplier, start, months))
        hit_months = _months(hit["recovery_date"], first)
        for stockpile in sorted(base["stockpile"].unique()):
            chosen = (base["stockpile"] == stockpile).to_numpy()
            before, after = base_months[chosen], hit_months[chosen]
            if (before == 0).all() and (after == 0).all():
                continue
            delay = np.where(np.isinf(after) & np.isinf(before), 0.0, after - before)
            rows.append(
                {
                    "supplier": supplier,
                    "stockpile": stockpile,
                    "recovery": _median_date(base, chosen),
                    "recovery_with_outage": _median_date(hit, chosen),
                    "median_delay_months": censored_quantile(delay, 0.5),
                    "pushed_past_horizon": float((np.isinf(after) & np.isfinite(before)).mean()),
                }
            )
    columns = [
        "supplier", "stockpile", "recovery", "recovery_with_outage", "median_delay_months",
        "pushed_past_horizon",
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    frame.attrs["outage"] = {"months": months, "start": start.isoformat()}
    return frame.sort_values(
        ["median_delay_months", "supplier", "stockpile"],
        ascending=[False, True, True],
        ignore_index=True,
    )


def _months(dates: pd.Series, start: dt.date) -> np.ndarray:
    """Recovery dates as months from the start; ``inf`` where not within the horizon."""
    numbers = date_numbers(dates)
    return np.array(
        [
            math.inf
            if math.isinf(number)
            else month_count(start, pd.Timestamp(np.datetime64(int(number), "D")).date())
            for number in numbers
        ]
    )


def _median_date(table: pd.DataFrame, chosen: np.ndarray) -> str:
    """Median recovery as a month, or "not within the horizon"."""
    median = censored_quantile(date_numbers(table["recovery_date"][chosen]), 0.5)
    if math.isinf(median):
        return NOT_WITHIN_HORIZON
    return pd.Timestamp(np.datetime64(int(median), "D")).strftime("%Y-%m")


__all__ = ["bottlenecks", "single_points_of_failure", "with_outage"]
