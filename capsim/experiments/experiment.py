"""Run a design: every point × replication on an executor, streamed to an optional store."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from capsim.experiments.design import Sweep
from capsim.experiments.ensemble import DEFAULT_QUANTILES
from capsim.experiments.executors import Executor
from capsim.experiments.store import ResultStore, read_design
from capsim.experiments.tables import kpi_frame
from capsim.experiments.tasks import ChunkResult, Runs, run_all
from capsim.kpis import outcome
from capsim.outcomes import summarise


@dataclass
class ExperimentResult:
    """KPIs of every point × replication × stockpile of a design.

    Attributes
    ----------
    design
        The design that was run.
    kpis
        One row per point, replication and stockpile: ``point``, ``replication``, the
        point's parameter values (one column per path), then the KPI columns of
        :func:`capsim.kpis.stockpile_kpis`.
    inputs
        Values drawn for uncertain inputs: ``point``, ``replication``, one column per path.
    """

    design: Sweep
    kpis: pd.DataFrame
    inputs: pd.DataFrame

    def summary(self, column: str, quantiles: Sequence[float] = DEFAULT_QUANTILES) -> pd.DataFrame:
        """Quantiles of one KPI per point and stockpile (:func:`capsim.outcomes.summarise`).

        Numbers: the quantiles. Dates: the quantile dates (``NaT``: not within the
        horizon) and ``censored_share``.
        """
        declared = outcome(column)
        keys = ["point", *self.design.paths, "stockpile"]
        rows = []
        for key, group in self.kpis.groupby(keys, sort=False):
            summary = summarise(declared, group, quantiles)
            shown = [f"p{q * 100:g}" for q in quantiles]
            if "censored_share" in summary:
                shown.append("censored_share")
            rows.append({**dict(zip(keys, key, strict=True)), **{k: summary[k] for k in shown}})
        return pd.DataFrame(rows)


def run_experiment(
    design: Sweep,
    executor: Executor | None = None,
    store: str | Path | ResultStore | None = None,
    progress: bool = True,
    chunk: int | None = None,
) -> ExperimentResult:
    """Run every point of a design, ``design.replications`` times each.

    Point ``k`` replication ``r`` is ``simulate(point_scenario_k, design.seed,
    replication=r)``: all points share common random numbers.

    Parameters
    ----------
    design
        What to run (:class:`Sweep`).
    executor
        How to run it; ``None`` picks a process pool when more than one core is free.
    store
        A folder: results are written there chunk by chunk (see
        :mod:`capsim.experiments.store`); if it already holds part of this design, only
        the missing runs are made (resume), and the result is read back from it. An open
        :class:`~capsim.experiments.store.ResultStore` is used as it is, and left open.
    progress
        Show a progress bar.
    chunk
        Replications per chunk; ``None`` chooses.

    Raises
    ------
    StoreBusyError
        If another process is writing to the store.
    StoreDamagedError, StoreWriteError
        If the store cannot be read or written; the runs stored so far are kept.
    """
    if isinstance(store, ResultStore):
        return _run_stored(design, store, executor, progress, chunk)
    if store is not None:
        with ResultStore.open(store, design) as saved:
            return _run_stored(design, saved, executor, progress, chunk)
    everything = [
        (point, replication)
        for point in range(len(design.points))
        for replication in range(design.replications)
    ]
    runs = Runs(design.scenarios, design.seed, everything, keep_series=False)
    with closing(run_all(runs, executor, progress, chunk)) as results:
        return assemble(design, *_gather(list(results)))


def _run_stored(
    design: Sweep,
    saved: ResultStore,
    executor: Executor | None,
    progress: bool,
    chunk: int | None,
) -> ExperimentResult:
    done = saved.done()
    todo = [
        (point, replication)
        for point in range(len(design.points))
        for replication in range(design.replications)
        if (point, replication) not in done
    ]
    if todo:
        runs = Runs(design.scenarios, design.seed, todo, keep_series=False)
        with closing(run_all(runs, executor, progress, chunk)) as results:
            for result in results:
                saved.write(result)
    return assemble(design, *saved.read())


def load_experiment(folder: str | Path, design: Sweep | None = None) -> ExperimentResult:
    """Read a store back into an :class:`ExperimentResult`.

    ``design`` must match the store's; ``None`` reads it from the store (its scenario
    file must still be there). Reading does not lock the store: a sweep may be writing it.
    """
    if design is None:
        design = read_design(folder)
    with ResultStore.resume(folder, design, lock=False) as saved:
        return assemble(design, *saved.read())


def _gather(
    results: list[ChunkResult],
) -> tuple[dict[str, list[Any]], list[tuple[int, int, str, float]]]:
    columns: dict[str, list[Any]] = {"point": []}
    inputs: list[tuple[int, int, str, float]] = []
    for result in results:
        columns["point"].extend([result.point] * len(result.kpis["replication"]))
        for name, values in result.kpis.items():
            columns.setdefault(name, []).extend(values)
        for path, values in result.inputs.items():
            for replication, value in zip(result.replications, values, strict=True):
                inputs.append((result.point, replication, path, float(value)))
    return columns, inputs


def assemble(
    design: Sweep, columns: dict[str, list[Any]], inputs: list[tuple[int, int, str, float]]
) -> ExperimentResult:
    """The result of a design from its KPI columns and input rows, in any order."""
    kpis = (
        kpi_frame(columns) if columns.get("point") else kpi_frame({"point": [], "replication": []})
    )
    kpis = kpis.sort_values(["point", "replication"], kind="stable").reset_index(drop=True)
    points = pd.DataFrame(design.points)
    values = (
        points.iloc[kpis["point"].to_numpy()].reset_index(drop=True)
        if len(kpis)
        else points.iloc[:0]
    )
    kpis = pd.concat(
        [kpis[["point", "replication"]], values, kpis.drop(columns=["point", "replication"])],
        axis=1,
    )
    drawn = pd.DataFrame(inputs, columns=["point", "replication", "path", "value"])
    wide = drawn.pivot_table(
        index=["point", "replication"], columns="path", values="value", sort=True
    )
    wide.columns.name = None
    return ExperimentResult(design, kpis, wide.reset_index())


__all__ = ["ExperimentResult", "load_experiment", "run_experiment"]
