"""Compare scenarios: a baseline and its variants, run with common random numbers."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from capsim.comparison.inputs import inputs_diff
from capsim.comparison.runs import RunSummary, run_replications
from capsim.comparison.stats import BAND
from capsim.comparison.table import changed_rows, format_table, kpi_table
from capsim.kpis import outcome
from capsim.outcomes import Kind, month_count, reached_share
from capsim.output import versions
from capsim.scenario.schema import Scenario
from capsim.scenario_files.inheritance import resolve_file
from capsim.scenario_files.loader import parse_scenario

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from capsim.experiments.executors import Executor

ScenarioInput = str | os.PathLike[str] | Scenario
"""A scenario file (resolved through ``extends``) or a validated scenario."""


@dataclass(frozen=True)
class Entry:
    """One compared scenario: its label in tables and figures, and where it came from.

    ``files`` are the scenario file and the files it extends (empty for a scenario
    given as an object).
    """

    label: str
    scenario: Scenario
    files: tuple[Path, ...] = ()


def compare(
    files_or_scenarios: Sequence[ScenarioInput],
    replications: int = 1,
    seed: int | None = None,
    executor: Executor | None = None,
    *,
    allow_code: bool = False,
) -> Comparison:
    """Run a baseline (the first) and its variants with common random numbers.

    Every scenario runs replications ``k = 0 .. replications - 1`` from the same root
    seed, so replication ``k`` draws the same random numbers in every scenario wherever
    the model allows, and differences are paired replication by replication.

    Parameters
    ----------
    files_or_scenarios
        Scenario files or :class:`~capsim.Scenario` objects; the first is the baseline.
    replications
        Replications per scenario (1 gives a plain side-by-side table).
    seed
        Root seed shared by all scenarios; ``None`` uses the baseline's own seed.
    executor
        How replications run (:mod:`capsim.experiments` executors: serial, process
        pool, Dask); ``None`` lets :func:`capsim.experiments.replicate` choose.
    allow_code
        Load the Python reorder rules the scenario files name (``module:function``); it
        runs their code, so a file that names one is refused without it.

    Examples
    --------
    >>> comparison = compare(["scenarios/stinger/baseline.yaml",
    ...                       "scenarios/stinger/second_shift.yaml"], replications=3, seed=1)
    >>> comparison.names
    ['stinger_baseline', 'stinger_second_shift']
    """
    if not files_or_scenarios:
        raise ValueError("compare needs at least one scenario (the baseline)")
    if replications < 1:
        raise ValueError(f"replications must be at least 1 (got {replications})")
    entries = _entries(files_or_scenarios, allow_code)
    root = entries[0].scenario.scenario.seed if seed is None else seed
    runs = {
        entry.label: run_replications(entry.scenario, root, replications, executor)
        for entry in entries
    }
    return Comparison(entries, root, replications, runs)


class Comparison:
    """Scenarios run side by side: KPI table, inputs diff, figures and report.

    Attributes
    ----------
    entries
        The scenarios, baseline first.
    seed
        The root seed every scenario used.
    replications
        Replications per scenario.
    runs
        What was kept of each replication, by scenario label.
    """

    def __init__(
        self,
        entries: Sequence[Entry],
        seed: int,
        replications: int,
        runs: dict[str, list[RunSummary]],
    ) -> None:
        self.entries = list(entries)
        self.seed = seed
        self.replications = replications
        self.runs = runs

    @property
    def names(self) -> list[str]:
        """Scenario labels, baseline first."""
        return [entry.label for entry in self.entries]

    @property
    def start(self) -> dt.date:
        """The baseline's start date: what months to a date KPI count from."""
        return self.entries[0].scenario.scenario.start

    @property
    def baseline(self) -> str:
        """Label of the baseline scenario."""
        return self.entries[0].label

    @cached_property
    def kpis(self) -> pd.DataFrame:
        """Every replication's KPIs: scenario, replication, stockpile, kpi, value, censored."""
        frames = [
            summary.kpis.assign(scenario=label, replication=summary.replication)
            for label, summaries in self.runs.items()
            for summary in summaries
        ]
        columns = ["scenario", "replication", "stockpile", "kpi", "value", "censored"]
        return pd.concat(frames, ignore_index=True)[columns]

    @cached_property
    def table(self) -> pd.DataFrame:
        """KPIs per scenario, and differences against the baseline with paired intervals.

        See :func:`capsim.comparison.table.kpi_table` for the columns and the method.
        """
        return kpi_table(self.kpis, self.names)

    def reached(self, kpi: str, by: Sequence[dt.date]) -> pd.DataFrame:
        """Probability that a date KPI is reached by each date, per stockpile and scenario.

        Index (``stockpile``, ``scenario``); one column per date, as ``YYYY-MM-DD``. A run
        that does not reach it within the horizon never counts
        (:func:`capsim.outcomes.reached_share`, as in every view).
        """
        if outcome(kpi).kind is not Kind.DATE:
            raise ValueError(f"{kpi!r} is not a date KPI")
        starts = {entry.label: entry.scenario.scenario.start for entry in self.entries}
        rows = self.kpis[self.kpis["kpi"] == kpi]
        found: dict[tuple[str, str], dict[str, float]] = {}
        for (stockpile, scenario), group in rows.groupby(["stockpile", "scenario"], sort=False):
            numbers = group["value"].where(~group["censored"], np.inf).to_numpy(dtype=float)
            found[(str(stockpile), str(scenario))] = {
                f"{day:%Y-%m-%d}": reached_share(numbers, _months_by(starts[str(scenario)], day))
                for day in by
            }
        frame = pd.DataFrame.from_dict(found, orient="index")
        frame.index.names = ["stockpile", "scenario"]
        return frame

    @cached_property
    def inputs_diff(self) -> pd.DataFrame:
        """Parameter paths whose values differ between scenarios, one column each."""
        return inputs_diff({entry.label: entry.scenario for entry in self.entries})

    @cached_property
    def bands(self) -> pd.DataFrame:
        """Monthly median and 5–95 % band per scenario and series.

        Columns: ``scenario``, ``kind`` (production, deliveries, demand, stock),
        ``entity`` (system, or stockpile for stock), ``month``, ``median``, ``p05``,
        ``p95`` (NaN with one replication).
        """
        frames = []
        for label, summaries in self.runs.items():
            months = summaries[0].months
            for key in summaries[0].series:
                stacked = np.vstack([summary.series[key] for summary in summaries])
                median = np.median(stacked, axis=0)
                if len(summaries) > 1:
                    low, high = np.percentile(stacked, BAND, axis=0)
                else:
                    low = high = np.full(len(months), np.nan)
                frames.append(
                    pd.DataFrame(
                        {
                            "scenario": label,
                            "kind": key[0],
                            "entity": key[1],
                            "month": months,
                            "median": median,
                            "p05": low,
                            "p95": high,
                        }
                    )
                )
        return pd.concat(frames, ignore_index=True)

    def split_table(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The KPI table cut in two: KPIs that differ between scenarios, and the others.

        With one scenario every KPI counts as differing (all are shown).
        """
        table = self.table
        if len(self.names) == 1 or table.empty:
            return table, table.iloc[0:0]
        changed = changed_rows(table, self.names)
        keys = pd.MultiIndex.from_frame(table[["stockpile", "kpi"]])
        mask = changed.reindex(keys).to_numpy(dtype=bool)
        return table[mask], table[~mask]

    def summary(self) -> str:
        """The KPI table side by side, as text: the KPIs that differ, then the count of others."""
        changed, same = self.split_table()
        wide = format_table(changed, self.names, self.start)
        head = (
            f"baseline: {self.baseline}; {self.replications} replication(s), seed {self.seed}, "
            "common random numbers"
        )
        if self.replications > 1:
            head += (
                "\nvalues: median [5 %, 95 %]; Δ: mean paired difference [95 % CI], * excludes 0;"
                "\ndates: the month reached, Δ in months; (bound): runs hit the horizon"
            )
        shown = wide.to_string(index=False) if len(wide) else "No KPI differs between scenarios."
        text = f"{head}\n{shown}"
        unchanged = same[["stockpile", "kpi"]].drop_duplicates()
        if len(unchanged):
            text += f"\n({len(unchanged)} more KPIs are the same in every scenario: see kpis.csv)"
        return text

    def plot(self) -> Figure:
        """Output against demand and stock against objective, all scenarios overlaid."""
        from capsim.comparison.figures import plot_comparison

        return plot_comparison(self)

    def plot_differences(self) -> Figure:
        """Difference against the baseline per KPI: a dot and its interval per variant."""
        from capsim.comparison.figures import plot_differences

        return plot_differences(self)

    def manifest(self) -> dict[str, Any]:
        """What reproduces the comparison: files and their sha256, seed, versions."""
        return {
            "baseline": self.baseline,
            "seed": self.seed,
            "replications": self.replications,
            "common_random_numbers": True,
            "scenarios": [
                {
                    "label": entry.label,
                    "name": entry.scenario.scenario.name,
                    "files": [{"path": str(path), "sha256": _sha256(path)} for path in entry.files],
                }
                for entry in self.entries
            ],
            "versions": versions(),
        }

    def to_html(self, path: str | os.PathLike[str]) -> Path:
        """Write the report: one self-contained HTML file that needs no network."""
        from capsim.comparison.report import write_report

        return write_report(self, Path(path))


def _entries(inputs: Sequence[ScenarioInput], allow_code: bool) -> list[Entry]:
    entries: list[Entry] = []
    labels: set[str] = set()
    for item in inputs:
        files: tuple[Path, ...] = ()
        if isinstance(item, Scenario):
            scenario = item
        else:
            resolved = resolve_file(item)
            scenario = parse_scenario(resolved.data, resolved.source_map, allow_code=allow_code)
            files = resolved.files
        label = scenario.scenario.name
        number = 2
        while label in labels:
            label = f"{scenario.scenario.name} #{number}"
            number += 1
        labels.add(label)
        entries.append(Entry(label, scenario, files))
    return entries


def _months_by(start: dt.date, day: dt.date) -> int:
    """The months a KPI date may count (:func:`capsim.outcomes.month_count`) to be by ``day``.

    KPI dates are month ends (or the start), so a month counts once its last day is by ``day``.
    """
    if day <= start:
        return 0
    whole = month_count(start, day)
    return whole if (day + dt.timedelta(days=1)).day == 1 else whole - 1


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


__all__ = ["Comparison", "Entry", "ScenarioInput", "compare"]
