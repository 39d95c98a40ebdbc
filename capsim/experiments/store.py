"""An on-disk store of experiment results: SQLite, one transaction per chunk, and a manifest.

A store is a folder::

    manifest.json     scenario name and sha256 of its resolved data, the scenario file and
                      its sha256, the --set grid, root seed, the design's sha256, versions
    design.yaml       the design (scenario file, points, replications, seed), a sweep file
    results.sqlite    tables runs(point, replication), kpis(point, replication, ...),
                      inputs(point, replication, path, value)
    lock              locked (``flock``) by the one process that writes the store (see
                      :mod:`capsim.experiments.store_files`)

Each chunk's rows are written in one transaction, so a run stopped at any moment (Ctrl-C,
a killed worker or process, a full disk) leaves only whole chunks. Reopening the store
for the same design skips the runs it holds whole and runs again any run that lacks
some of its rows; primary keys refuse any run stored twice. A second process that opens
a store in use is refused (:class:`StoreBusyError`).

The store's identity (``design_sha256``) covers everything that changes the results:
the resolved scenario in declaration order, the points, replications and root seed, and
the version of capsim.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import platform
import sqlite3
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import TracebackType
from typing import Any

import pandas as pd

from capsim.experiments.design import Sweep
from capsim.experiments.store_files import (
    LOCK,
    FolderLock,
    StoreBusyError,
    StoreDamagedError,
    StoreError,
    StoreWriteError,
    guarded,
    write_whole,
)
from capsim.experiments.tasks import ChunkResult
from capsim.kpis import LABELS, kpi_columns, outcomes
from capsim.outcomes import Kind
from capsim.scenario.schema import Scenario
from capsim.scenario_files.paths import scenario_data

MANIFEST = "manifest.json"
DATABASE = "results.sqlite"
DESIGN = "design.yaml"
SQLITE_TIMEOUT_SECONDS = 30.0
"""How long a write waits for a reader (such as :func:`load_experiment`) to finish."""


class StoreMismatchError(ValueError):
    """The store holds results of a different scenario, seed or design."""


def scenario_sha256(scenario: Scenario) -> str:
    """sha256 of the scenario's resolved data (canonical JSON), whatever file it came from.

    Mappings keep their declaration order, since ties (such as demands of equal priority)
    may be served in that order: a reordered file is another scenario here.
    """
    text = json.dumps(scenario_data(scenario), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def design_sha256(design: Sweep) -> str:
    """sha256 of what a design runs: its scenario, points, replications, seed and capsim."""
    content = {
        "scenario": scenario_sha256(design.scenario),
        **design.as_data(),
        "capsim": versions()["capsim"],
    }
    text = json.dumps(content, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_sha256(path: str | os.PathLike[str]) -> str:
    """sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


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


def _schema() -> str:
    """The store's tables: runs, the declared KPIs (:mod:`capsim.kpis`) and inputs."""
    return (
        "CREATE TABLE IF NOT EXISTS runs (point INTEGER, replication INTEGER, "
        "PRIMARY KEY (point, replication));"
        "CREATE TABLE IF NOT EXISTS kpis (point INTEGER, replication INTEGER, "
        f"{_kpi_columns_sql()}, PRIMARY KEY (point, replication, stockpile));"
        "CREATE TABLE IF NOT EXISTS inputs (point INTEGER, replication INTEGER, "
        "path TEXT, value REAL, PRIMARY KEY (point, replication, path));"
    )


class ResultStore:
    """The open store of one design in ``folder``, locked for this process until :meth:`close`.

    Open one with :meth:`create` (a new store), :meth:`resume` (an existing one, its
    design read from it if not given) or :meth:`open` (either).
    """

    def __init__(
        self, folder: Path, design: Sweep, connection: sqlite3.Connection, lock: FolderLock
    ) -> None:
        self.folder = folder
        self.design = design
        self._connection = connection
        self._lock = lock

    @classmethod
    def create(
        cls, folder: str | os.PathLike[str], design: Sweep, scenario_file: Path | None = None
    ) -> ResultStore:
        """A new store of ``design`` (which came from ``scenario_file``, if given).

        Raises :class:`FileExistsError` if ``folder`` already holds a store.
        """
        place = Path(folder)
        with FolderLock.take(place, create=True).released_on_failure() as lock:
            if (place / MANIFEST).exists():
                raise FileExistsError(
                    errno.EEXIST,
                    f"{place} already holds a sweep: continue it with --resume {place}",
                )
            return cls._make(place, design, scenario_file, lock)

    @classmethod
    def resume(
        cls, folder: str | os.PathLike[str], design: Sweep | None = None, lock: bool = True
    ) -> ResultStore:
        """The store in ``folder``; ``design`` (``None``: read from the store) must match it.

        ``lock=False`` opens it to read only, even while a sweep writes it. Raises
        :class:`FileNotFoundError` if ``folder`` holds no store.
        """
        place = Path(folder)
        if not (place / MANIFEST).exists():
            raise FileNotFoundError(errno.ENOENT, f"{place} holds no sweep to resume")
        held = FolderLock.take(place, create=False) if lock else FolderLock.none()
        with held.released_on_failure():
            if design is None:
                design = read_design(place)
            return cls._reopen(place, design, held)

    @classmethod
    def open(cls, folder: str | os.PathLike[str], design: Sweep) -> ResultStore:
        """The store of ``design`` in ``folder``: created if absent, resumed if there."""
        place = Path(folder)
        with FolderLock.take(place, create=True).released_on_failure() as lock:
            if (place / MANIFEST).exists():
                return cls._reopen(place, design, lock)
            return cls._make(place, design, None, lock)

    @classmethod
    def _make(
        cls, folder: Path, design: Sweep, scenario_file: Path | None, lock: FolderLock
    ) -> ResultStore:
        source = None if scenario_file is None else Path(scenario_file).resolve()
        manifest = {
            "kind": "capsim experiment",
            "scenario": design.scenario.scenario.name,
            "scenario_sha256": scenario_sha256(design.scenario),
            "scenario_file": None if source is None else str(source),
            "scenario_file_sha256": None if source is None else file_sha256(source),
            "grid": design.grid,
            "seed": design.seed,
            "points": len(design.points),
            "replications": design.replications,
            "design_sha256": design_sha256(design),
            "versions": versions(),
        }
        relative = None if source is None else os.path.relpath(source, folder.resolve())
        where = folder / DESIGN
        write_whole(where, lambda staging: design.to_yaml(staging, scenario_file=relative))
        text = json.dumps(manifest, indent=2, default=str) + "\n"
        connection = _connect(folder)
        try:
            with guarded(folder / DATABASE), connection:
                connection.executescript(_schema())
            # The manifest is written last: a folder holds a store once it has one.
            write_whole(folder / MANIFEST, lambda path: path.write_text(text, encoding="utf-8"))
        except BaseException:
            connection.close()
            raise
        return cls(folder, design, connection, lock)

    @classmethod
    def _reopen(cls, folder: Path, design: Sweep, lock: FolderLock) -> ResultStore:
        stored = read_manifest(folder)
        digest = design_sha256(design)
        if stored.get("design_sha256") != digest:
            raise StoreMismatchError(
                f"{folder} holds another experiment (scenario {stored.get('scenario')!r}, "
                f"seed {stored.get('seed')}, design {str(stored.get('design_sha256'))[:12]}); "
                f"this one is {digest[:12]}: use a new folder, or the same scenario, --set "
                "values, replications, seed and capsim version to resume"
            )
        if not (folder / DATABASE).exists():
            raise StoreDamagedError(f"{folder} is damaged: its {DATABASE} is missing")
        connection = _connect(folder)
        try:
            _check_tables(folder, connection)
        except BaseException:
            connection.close()
            raise
        return cls(folder, design, connection, lock)

    def done(self) -> set[tuple[int, int]]:
        """(point, replication) of every whole run stored.

        A run is whole when its ``runs`` row has every KPI row (one per stockpile) and
        every drawn input; the rows of runs that are not whole are removed, so that they
        run again.
        """
        with guarded(self.folder / DATABASE):
            runs = self._connection.execute("SELECT point, replication FROM runs").fetchall()
            kpis = self._counts("kpis")
            inputs = self._counts("inputs")
            whole: set[tuple[int, int]] = set()
            for point, replication in runs:
                key = (int(point), int(replication))
                if self._is_whole(key, kpis, inputs):
                    whole.add(key)
            broken = (set(map(tuple, runs)) | set(kpis) | set(inputs)) - whole
            if broken:
                with self._connection:
                    for table in ("runs", "kpis", "inputs"):
                        self._connection.executemany(
                            f"DELETE FROM {table} WHERE point = ? AND replication = ?",
                            sorted(broken),
                        )
        return whole

    def _counts(self, table: str) -> dict[tuple[int, int], int]:
        rows = self._connection.execute(
            f"SELECT point, replication, COUNT(*) FROM {table} GROUP BY point, replication"
        )
        return {(int(point), int(replication)): int(n) for point, replication, n in rows}

    def _is_whole(
        self,
        key: tuple[int, int],
        kpis: dict[tuple[int, int], int],
        inputs: dict[tuple[int, int], int],
    ) -> bool:
        point, replication = key
        design = self.design
        if not (0 <= point < len(design.points) and 0 <= replication < design.replications):
            return False
        scenario = self.design.scenarios[point]
        return kpis.get(key, 0) == len(scenario.stockpiles) and inputs.get(key, 0) == len(
            scenario.uncertain
        )

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
        with guarded(self.folder / DATABASE), self._connection:
            self._connection.executemany(
                "INSERT INTO runs VALUES (?, ?)",
                [(result.point, replication) for replication in result.replications],
            )
            self._connection.executemany(f"INSERT INTO kpis ({names}) VALUES ({marks})", rows)
            self._connection.executemany("INSERT INTO inputs VALUES (?, ?, ?, ?)", inputs)

    def read(self) -> tuple[dict[str, list[Any]], list[tuple[int, int, str, float]]]:
        """The stored KPI columns (with point and replication) and input rows."""
        with guarded(self.folder / DATABASE):
            cursor = self._connection.execute(
                "SELECT * FROM kpis ORDER BY point, replication, rowid"
            )
            names = [description[0] for description in cursor.description]
            records = cursor.fetchall()
            inputs = self._connection.execute(
                "SELECT point, replication, path, value FROM inputs "
                "ORDER BY point, replication, rowid"
            ).fetchall()
        columns = {name: [row[i] for row in records] for i, name in enumerate(names)}
        for outcome in outcomes():
            missing = pd.NaT if outcome.kind is Kind.DATE else float("nan")
            columns[outcome.name] = [missing if v is None else v for v in columns[outcome.name]]
        return columns, [(int(p), int(r), str(path), float(v)) for p, r, path, v in inputs]

    def close(self) -> None:
        """Close the database and release the lock."""
        self._connection.close()
        self._lock.release()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def read_manifest(folder: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of the store in ``folder``."""
    path = Path(folder) / MANIFEST
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StoreDamagedError(f"{path} is damaged ({error})") from None
    if not isinstance(stored, dict) or stored.get("kind") != "capsim experiment":
        raise StoreDamagedError(f"{path} is not the manifest of a capsim sweep")
    return stored


def read_design(folder: str | os.PathLike[str]) -> Sweep:
    """The design of the store in ``folder``, with its scenario loaded from its file.

    The scenario file is looked for where ``design.yaml`` says (relative to the store),
    then where it was when the sweep started.
    """
    from capsim.scenario_files.loader import load_scenario

    place = Path(folder)
    manifest = read_manifest(place)
    try:
        from capsim.scenario_files.yaml_source import read_yaml

        data, _ = read_yaml(place / DESIGN)
    except OSError as error:
        raise StoreDamagedError(f"{place / DESIGN} cannot be read ({error.strerror})") from None
    relative = data.get("scenario") if isinstance(data, dict) else None
    candidates = [place / relative] if isinstance(relative, str) else []
    if manifest.get("scenario_file"):
        candidates.append(Path(manifest["scenario_file"]))
    found = next((path for path in candidates if path.is_file()), None)
    if found is None:
        named = manifest.get("scenario_file") or "its scenario file"
        raise FileNotFoundError(
            errno.ENOENT,
            f"{place} was made from {named}, which is gone: give the scenario file, "
            f"as in capsim sweep FILE --set ... --resume {place}",
        )
    scenario = load_scenario(found)
    design = Sweep.from_yaml(place / DESIGN, scenario=scenario)
    design.grid = manifest.get("grid")
    if design_sha256(design) != manifest.get("design_sha256"):
        was, now = manifest.get("scenario_file_sha256"), file_sha256(found)
        changed = (
            f"{found} has changed since the sweep started (sha256 {str(was)[:12]}…, now "
            f"{now[:12]}…)"
            if was != now
            else f"the files that {found} extends, or capsim's version, have changed since "
            "the sweep started"
        )
        raise StoreMismatchError(
            f"{place} cannot be resumed: {changed}; restore them, or start a new sweep with --out"
        )
    return design


def _check_tables(folder: Path, connection: sqlite3.Connection) -> None:
    """Refuse a database that SQLite finds damaged, or whose tables are not a store's."""
    with guarded(folder / DATABASE):
        found = connection.execute("PRAGMA quick_check").fetchone()
        if found is None or found[0] != "ok":
            raise sqlite3.DatabaseError(f"integrity check: {found and found[0]}")
        columns = [row[1] for row in connection.execute("PRAGMA table_info(kpis)")]
    if columns != ["point", "replication", *kpi_columns()]:
        raise StoreDamagedError(
            f"{folder / DATABASE} does not have the tables this version of capsim writes: "
            "start the sweep again in a new folder"
        )


def _connect(folder: Path) -> sqlite3.Connection:
    with guarded(folder / DATABASE):
        return sqlite3.connect(folder / DATABASE, timeout=SQLITE_TIMEOUT_SECONDS)


def _sql(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    return value


__all__ = [  # the StoreError family and LOCK come from store_files
    "LOCK",
    "ResultStore",
    "StoreBusyError",
    "StoreDamagedError",
    "StoreError",
    "StoreMismatchError",
    "StoreWriteError",
    "design_sha256",
    "file_sha256",
    "read_design",
    "read_manifest",
    "scenario_sha256",
    "versions",
    "write_whole",
]
