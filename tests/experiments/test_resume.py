"""A sweep stopped the hard way (process killed, a worker killed, Ctrl-C) resumes exactly.

Each test starts ``capsim sweep`` as a user would, in its own process group, waits until
part of the sweep is in the store, stops it, resumes it with ``--resume``, and checks
that every run is stored exactly once with the numbers of an uninterrupted sweep.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.experiments.sweeps import (
    RUNS,
    descendants,
    group_members,
    parent,
    start,
    stored_runs,
    sweep_args,
    wait_for_group_to_end,
    wait_for_some_runs,
    write_scenario,
)

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc, sends signals")


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


def sweep_under_way(tmp_path: Path, workers: int) -> tuple[Path, Path, subprocess.Popen[str]]:
    """A sweep started in its own session, once the store holds some runs."""
    path, store = write_scenario(tmp_path), tmp_path / "store"
    process = start(path, store, workers=workers)
    wait_for_some_runs(process, store)
    return path, store, process


def test_a_killed_sweep_process_resumes(tmp_path: Path, uninterrupted: pd.DataFrame) -> None:
    path, store, process = sweep_under_way(tmp_path, workers=1)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    stored, distinct = stored_runs(store)
    assert 0 < stored < RUNS and stored == distinct
    resume_and_check(path, store, uninterrupted)


def test_the_workers_of_a_killed_sweep_exit_and_release_the_callers_pipes(
    tmp_path: Path, uninterrupted: pd.DataFrame
) -> None:
    path, store, process = sweep_under_way(tmp_path, workers=2)
    assert len(group_members(process.pid)) > 2  # the sweep, its forkserver and workers
    os.kill(process.pid, signal.SIGKILL)  # the main process only, as an OOM killer would
    process.wait(timeout=30)
    left = wait_for_group_to_end(process.pid, seconds=5)
    for pid in left:  # leave nothing behind, even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert left == []
    # Nothing holds the caller's pipes open any more: reading them ends at once.
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read() == "" and "Traceback" not in process.stderr.read()
    resume_and_check(path, store, uninterrupted)


def test_a_killed_worker_stops_the_sweep_cleanly_and_it_resumes(
    tmp_path: Path, uninterrupted: pd.DataFrame
) -> None:
    path, store, process = sweep_under_way(tmp_path, workers=2)
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
    path, store, process = sweep_under_way(tmp_path, workers=2)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends to the job
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and f"--resume {store}" in stderr
    assert "Traceback" not in stderr
    assert 0 < stored_runs(store)[0] < RUNS
    resume_and_check(path, store, uninterrupted)
