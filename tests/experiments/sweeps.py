"""Sweeps as a user starts them: ``capsim sweep`` in its own process group, and its store.

Shared by the kill-and-resume tests, the store tests and ``benchmarks/kill_trials.py``.
"""

from __future__ import annotations

import copy
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tests.experiments.scenarios import BASE_STOCK

POINTS = 4
REPLICATIONS = 100
RUNS = POINTS * REPLICATIONS


def write_scenario(folder: Path) -> Path:
    """The base-stock scenario over ten years, so that the sweep takes a few seconds."""
    data = copy.deepcopy(BASE_STOCK)
    data["scenario"]["horizon_months"] = 120
    data["budgets"]["army"]["appropriations"] = {f"fy{year}": 1e12 for year in range(2025, 2036)}
    path = folder / "base_stock.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def sweep_args(path: Path) -> list[str]:
    values = ",".join(str(10 * k) for k in range(1, POINTS + 1))
    return [
        sys.executable, "-m", "capsim.cli", "sweep", str(path),
        "--set", f"stockpiles.depot.initial={values}",
        "--replications", str(REPLICATIONS), "--seed", "5", "--no-progress",
    ]  # fmt: skip


def stored_runs(store: Path) -> tuple[int, int]:
    """(runs stored, distinct runs stored); (0, 0) before the store exists."""
    database = store / "results.sqlite"
    if not database.exists():
        return 0, 0
    try:
        with sqlite3.connect(database, timeout=5) as connection:
            found = connection.execute(
                "SELECT COUNT(*), COUNT(DISTINCT point * 100000 + replication) FROM runs"
            ).fetchone()
        return int(found[0]), int(found[1])
    except sqlite3.OperationalError:  # created but not yet initialised, or locked
        return 0, 0


def start(path: Path, store: Path, workers: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*sweep_args(path), "--workers", str(workers), "--out", str(store)],
        cwd=path.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, like a job in a shell
    )


def wait_for_some_runs(process: subprocess.Popen[str], store: Path) -> int:
    """Runs stored once the first chunk is; AssertionError if the sweep ends first or hangs."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        stored, _ = stored_runs(store)
        if stored:
            return stored
        if process.poll() is not None:
            raise AssertionError(f"the sweep ended before it was stopped:\n{process.stderr.read()}")
        time.sleep(0.01)
    process.kill()
    raise AssertionError("no run was stored within 120 s")


def parent(pid: int) -> int:
    """The parent of a process (from /proc); -1 if it has gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return -1
    return int(stat.rsplit(")", 1)[1].split()[1])


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``, parents before children."""
    parents = {int(entry.name): parent(int(entry.name)) for entry in Path("/proc").iterdir()
               if entry.name.isdigit()}  # fmt: skip
    found: list[int] = []
    frontier = [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found.extend(children)
        frontier = children
    return found


def group_members(group: int) -> list[int]:
    """Processes (not zombies) of a process group, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def wait_for_group_to_end(group: int, seconds: float) -> list[int]:
    """Members of a process group still alive after at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while (alive := group_members(group)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive
