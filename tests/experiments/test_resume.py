"""A sweep stopped the hard way (process killed, a worker killed, Ctrl-C) resumes exactly.

Each test starts ``capsim sweep`` as a user would, in its own process group, waits until
part of the sweep is in the store, stops it, resumes it with ``--resume``, and checks
that every run is stored exactly once with the numbers of an uninterrupted sweep.
"""

from __future__ import annotations

import copy
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.experiments.scenarios import BASE_STOCK

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc, sends signals")

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
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        stored, _ = stored_runs(store)
        if stored:
            return stored
        if process.poll() is not None:
            pytest.fail(f"the sweep ended before it was stopped:\n{process.stderr.read()}")
        time.sleep(0.01)
    process.kill()
    pytest.fail("no run was stored within 120 s")


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


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("whole")
    path = write_scenario(folder)
    done = subprocess.run(
        [*sweep_args(path), "--workers", "1", "--out", "whole"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return pd.read_csv(folder / "whole" / "kpis.csv")


def resume_and_check(path: Path, store: Path, expected: pd.DataFrame) -> None:
    done = subprocess.run(
        [*sweep_args(path), "--workers", "2", "--resume", str(store)],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert stored_runs(store) == (RUNS, RUNS)
    pd.testing.assert_frame_equal(pd.read_csv(store / "kpis.csv"), expected)


def test_a_killed_sweep_process_resumes(tmp_path: Path, uninterrupted: pd.DataFrame) -> None:
    path, store = write_scenario(tmp_path), tmp_path / "store"
    process = start(path, store, workers=1)
    wait_for_some_runs(process, store)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    stored, distinct = stored_runs(store)
    assert 0 < stored < RUNS and stored == distinct
    resume_and_check(path, store, uninterrupted)


def test_a_killed_worker_stops_the_sweep_cleanly_and_it_resumes(
    tmp_path: Path, uninterrupted: pd.DataFrame
) -> None:
    path, store = write_scenario(tmp_path), tmp_path / "store"
    process = start(path, store, workers=2)
    wait_for_some_runs(process, store)
    # The pool's workers are forked from a server process, one level further down.
    workers = [pid for pid in descendants(process.pid) if parent(pid) != process.pid]
    assert workers, "no worker process found"
    os.kill(workers[-1], signal.SIGKILL)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1, stderr
    assert "worker process died" in stderr and f"--resume {store}" in stderr
    assert "Traceback" not in stderr
    assert 0 < stored_runs(store)[0] < RUNS
    resume_and_check(path, store, uninterrupted)


def test_ctrl_c_stops_the_sweep_cleanly_and_it_resumes(
    tmp_path: Path, uninterrupted: pd.DataFrame
) -> None:
    path, store = write_scenario(tmp_path), tmp_path / "store"
    process = start(path, store, workers=2)
    wait_for_some_runs(process, store)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends to the job
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and f"--resume {store}" in stderr
    assert "Traceback" not in stderr
    assert 0 < stored_runs(store)[0] < RUNS
    resume_and_check(path, store, uninterrupted)
