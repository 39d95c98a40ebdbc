"""An on-disk store of experiment results: SQLite, one transaction per chunk, and a manifest.

A store is a folder::

    manifest.json     scenario name and sha256 of its resolved data, root seed, the
                      design's sha256, versions
    design.yaml       the design (points, replications, seed), as a sweep file
    results.sqlite    tables runs(point, replication), kpis(point, replication, ...),
                      inputs(point, replication, path, value)

Each chunk's rows are written in one transaction, so a run stopped at any moment (Ctrl-C,
a killed worker or process) leaves only whole chunks. Reopening the store for the same
design skips the runs it holds; primary keys refuse any run stored twice.
"""

from __future__ import annotations

import hashlib
import json
import platform
import sqlite3
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

from capsim.experiments.design import Sweep
from capsim.experiments.tasks import ChunkResult
from capsim.kpis import LABELS, kpi_columns, outcomes
from capsim.outcomes import Kind
from capsim.scenario.paths import scenario_data
from capsim.scenario.schema import Scenario

MANIFEST = "manifest.json"
DATABASE = "results.sqlite"
DESIGN = "design.yaml"


class StoreMismatchError(ValueError):
    """The store holds results of a different scenario, seed or design."""


def scenario_sha256(scenario: Scenario) -> str:
    """sha256 of the scenario's resolved data (canonical JSON), whatever file it came from."""
    text = json.dumps(scenario_data(scenario), sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def design_sha256(design: Sweep) -> str:
    """sha256 of what a design runs: its scenario, points, replications and seed."""
    content = {"scenario": scenario_sha256(design.scenario), **design.as_data()}
    text = json.dumps(content, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def versions() -> dict[str, str]:
    """Versions of capsim, its main dependencies and Python."""
    found = {"python": platform.python_version()}
    for package in ("capsim", "simpy", "numpy", "scipy", "pandas", "pydantic"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found


def _kpi_columns_sql() -> str:
    """Column definitions of the declared KPIs (:mod:`capsim.kpis`): dates as ISO text."""
    kinds = {name: "TEXT" for name in LABELS}
    for outcome in outcomes():
        numeric = "INTEGER" if outcome.whole else "REAL"
        kinds[outcome.name] = "TEXT" if outcome.kind is Kind.DATE else numeric
    return ", ".join(f'"{column}" {kind}' for column, kind in kinds.items())


class ResultStore:
    """The store of one design in ``folder``; created on first open, checked after."""

    def __init__(self, folder: str | Path, design: Sweep) -> None:
        self.folder = Path(folder)
        self.design = design
        self.digest = design_sha256(design)
        manifest_path = self.folder / MANIFEST
        if manifest_path.exists():
            stored = json.loads(manifest_path.read_text(encoding="utf-8"))
            if stored.get("design_sha256") != self.digest:
                raise StoreMismatchError(
                    f"{self.folder} holds another experiment (scenario "
                    f"{stored.get('scenario')!r}, seed {stored.get('seed')}, design "
                    f"{str(stored.get('design_sha256'))[:12]}); this one is "
                    f"{self.digest[:12]}: use a new folder, or the same scenario, --set "
                    "values, replications and seed to resume"
                )
        else:
            self.folder.mkdir(parents=True, exist_ok=True)
            design.to_yaml(self.folder / DESIGN)
            manifest = {
                "kind": "capsim experiment",
                "scenario": design.scenario.scenario.name,
                "scenario_sha256": scenario_sha256(design.scenario),
                "seed": design.seed,
                "points": len(design.points),
                "replications": design.replications,
                "design_sha256": self.digest,
                "versions": versions(),
            }
            staging = manifest_path.with_suffix(".tmp")
            staging.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
            staging.replace(manifest_path)
        self._connection = sqlite3.connect(self.folder / DATABASE)
        with self._connection:
            self._connection.executescript(
                "CREATE TABLE IF NOT EXISTS runs (point INTEGER, replication INTEGER, "
                "PRIMARY KEY (point, replication));"
                f"CREATE TABLE IF NOT EXISTS kpis (point INTEGER, replication INTEGER, "
                f"{_kpi_columns_sql()}, PRIMARY KEY (point, replication, stockpile));"
                "CREATE TABLE IF NOT EXISTS inputs (point INTEGER, replication INTEGER, "
                "path TEXT, value REAL, PRIMARY KEY (point, replication, path));"
            )

    def done(self) -> set[tuple[int, int]]:
        """(point, replication) of every run stored."""
        rows = self._connection.execute("SELECT point, replication FROM runs")
        return {(int(point), int(replication)) for point, replication in rows}

    def write(self, result: ChunkResult) -> None:
        """Store one chunk's runs, all in one transaction."""
        kpis = result.kpis
        count = len(kpis["replication"])
        columns = ["replication", *kpi_columns()]
        rows = [
            (result.point, *(_sql(kpis[column][index]) for column in columns))
            for index in range(count)
        ]
        inputs = [
            (result.point, replication, path, float(values[index]))
            for path, values in result.inputs.items()
            for index, replication in enumerate(result.replications)
        ]
        marks = ", ".join("?" * (len(columns) + 1))
        names = ", ".join(f'"{column}"' for column in ["point", *columns])
        with self._connection:
            self._connection.executemany(
                "INSERT INTO runs VALUES (?, ?)",
                [(result.point, replication) for replication in result.replications],
            )
            self._connection.executemany(f"INSERT INTO kpis ({names}) VALUES ({marks})", rows)
            self._connection.executemany("INSERT INTO inputs VALUES (?, ?, ?, ?)", inputs)

    def read(self) -> tuple[dict[str, list[Any]], list[tuple[int, int, str, float]]]:
        """The stored KPI columns (with point and replication) and input rows."""
        cursor = self._connection.execute("SELECT * FROM kpis ORDER BY point, replication, rowid")
        names = [description[0] for description in cursor.description]
        records = cursor.fetchall()
        columns = {name: [row[i] for row in records] for i, name in enumerate(names)}
        for outcome in outcomes():
            missing = pd.NaT if outcome.kind is Kind.DATE else float("nan")
            columns[outcome.name] = [missing if v is None else v for v in columns[outcome.name]]
        inputs = self._connection.execute(
            "SELECT point, replication, path, value FROM inputs ORDER BY point, replication, rowid"
        ).fetchall()
        return columns, [(int(p), int(r), str(path), float(v)) for p, r, path, v in inputs]

    def close(self) -> None:
        """Close the database."""
        self._connection.close()


def _sql(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    return value


__all__ = [
    "ResultStore",
    "StoreMismatchError",
    "design_sha256",
    "scenario_sha256",
    "versions",
]
