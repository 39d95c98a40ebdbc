"""Units of work: a chunk of replications of one scenario, what a worker sends back, and
the one run loop that replications, sweeps and sensitivity analyses share.

Workers run :func:`run_chunk`, a top-level function, on a :class:`Chunk` of plain,
picklable data, and return a :class:`ChunkResult` of numpy arrays and lists: no
DataFrames, no lambdas, so any executor (a process pool under ``spawn``, a Dask worker,
a Jupyter kernel) can carry them.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from capsim.engine import simulate
from capsim.experiments.executors import Executor, default_executor
from capsim.experiments.progress import progress as progress_report
from capsim.kpis import kpi_columns, stockpile_kpi_rows
from capsim.model.records import SeriesKey
from capsim.scenario.schema import Scenario


@dataclass(frozen=True)
class Chunk:
    """Replications ``replications`` of ``scenario`` (design point ``point``) from ``seed``."""

    scenario: Scenario
    seed: int
    replications: tuple[int, ...]
    point: int = 0
    keep_series: bool = True
    """Whether to send back the monthly series (sweeps keep only the KPIs)."""


@dataclass(frozen=True)
class ChunkResult:
    """What the replications of one chunk produced, in replication order.

    ``series`` has shape (replications, series, months), labelled by ``keys``; ``kpis``
    holds the KPI columns of every stockpile of every replication, with ``replication``;
    ``inputs`` the values drawn for each uncertain input, one per replication.
    """

    point: int
    replications: tuple[int, ...]
    keys: tuple[SeriesKey, ...]
    series: np.ndarray | None
    kpis: dict[str, list[Any]]
    inputs: dict[str, list[float]] = field(default_factory=dict)


def run_chunk(chunk: Chunk) -> ChunkResult:
    """Run one chunk of replications (the function every executor maps over chunks)."""
    keys: tuple[SeriesKey, ...] = ()
    stacks: list[np.ndarray] = []
    columns = kpi_columns()
    kpis: dict[str, list[Any]] = {"replication": [], **{column: [] for column in columns}}
    inputs: dict[str, list[float]] = {path: [] for path in chunk.scenario.uncertain}
    for replication in chunk.replications:
        results = simulate(chunk.scenario, seed=chunk.seed, replication=replication)
        series = results.records.series
        if not keys:
            keys = tuple(series)
        elif tuple(series) != keys:
            raise RuntimeError("replications of one scenario recorded different series")
        if chunk.keep_series:
            stacks.append(np.stack([series[key] for key in keys]))
        rows = stockpile_kpi_rows(results.scenario, results.calendar, results.records)
        kpis["replication"].extend([replication] * len(rows))
        for row in rows:
            for column in columns:
                kpis[column].append(_plain(row[column]))
        for path, value in results.inputs.items():
            inputs[path].append(value)
    stacked = np.stack(stacks) if chunk.keep_series and stacks else None
    return ChunkResult(chunk.point, chunk.replications, keys, stacked, kpis, inputs)


@dataclass(frozen=True)
class Runs:
    """Which runs to make: replications of each point's scenario, all from one root seed.

    Run ``(point, replication)`` is ``simulate(scenarios[point], seed, replication)``.
    """

    scenarios: Sequence[Scenario]
    seed: int
    todo: Sequence[tuple[int, int]]
    """(point, replication) of every run to make, in the order to make them."""
    keep_series: bool = True
    """Whether to send back the monthly series (sweeps keep only the KPIs)."""

    def chunks(self, size: int) -> Iterator[Chunk]:
        """The runs in chunks of at most ``size`` replications of one point."""
        by_point: dict[int, list[int]] = {}
        for point, replication in self.todo:
            by_point.setdefault(point, []).append(replication)
        for point, replications in by_point.items():
            for group in split(replications, size):
                yield Chunk(self.scenarios[point], self.seed, group, point, self.keep_series)


def run_all(
    runs: Runs, executor: Executor | None, progress: bool, chunk: int | None
) -> Generator[ChunkResult]:
    """Make ``runs`` on ``executor`` and yield each chunk's result as it comes, in order.

    The run loop of :func:`~capsim.experiments.replicate`, of experiments and of
    sensitivity analyses. ``executor`` ``None`` picks one for the number of runs;
    ``chunk`` is the replications per chunk (``None`` chooses). Closing the iterator
    early cancels the chunks not yet run.
    """
    total = len(runs.todo)
    runner = executor if executor is not None else default_executor(total)
    size = chunk if chunk is not None else chunk_size(total, runner.workers)
    name = runs.scenarios[0].scenario.name if runs.scenarios else ""
    report = progress_report(total, name, progress)
    results = runner.map(run_chunk, list(runs.chunks(size)))
    try:
        for result in results:
            report.advance(len(result.replications))
            yield result
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()
        report.close()


def _plain(value: Any) -> Any:
    """A KPI value as plain Python: dates as ISO text (``None`` for NaT), numbers as such.

    The rows are built without pandas, which costs a fifth of a run's time.
    """
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else str(value.astype("datetime64[D]"))
    if isinstance(value, np.generic):
        return value.item()
    return value


def chunk_size(runs: int, workers: int) -> int:
    """A chunk size that gives each worker about eight chunks, and no more than 50 runs each.

    Small enough for a smooth progress bar and an even load, large enough that sending
    the scenario costs little.
    """
    return max(1, min(50, math.ceil(runs / (8 * max(1, workers)))))


def split(replications: Sequence[int], size: int) -> Iterator[tuple[int, ...]]:
    """Consecutive groups of at most ``size`` replication indices.

    >>> list(split(range(5), 2))
    [(0, 1), (2, 3), (4,)]
    """
    if size < 1:
        raise ValueError(f"chunk size must be at least 1 (got {size})")
    items = list(replications)
    for start in range(0, len(items), size):
        yield tuple(items[start : start + size])


__all__ = ["Chunk", "ChunkResult", "Runs", "chunk_size", "run_all", "run_chunk", "split"]
