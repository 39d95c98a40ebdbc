"""Units of work: a chunk of replications of one scenario, and what a worker sends back.

Workers run :func:`run_chunk`, a top-level function, on a :class:`Chunk` of plain,
picklable data, and return a :class:`ChunkResult` of numpy arrays and lists: no
DataFrames, no lambdas, so any executor (a process pool under ``spawn``, a Dask worker,
a Jupyter kernel) can carry them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from capsim.engine import simulate
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


__all__ = ["Chunk", "ChunkResult", "chunk_size", "run_chunk", "split"]
