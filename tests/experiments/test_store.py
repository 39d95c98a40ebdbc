"""The sweep store: one writer at a time, whole runs only, identity, and errors in one line."""

from __future__ import annotations

import copy
import errno
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

import capsim
from capsim import cli
from capsim.experiments import load_experiment, store
from capsim.experiments.store import (
    ResultStore,
    StoreBusyError,
    StoreMismatchError,
    design_sha256,
)
from tests.command import capsim as capsim_command
from tests.experiments.scenarios import BASE_STOCK, scenario
from tests.experiments.sweeps import (
    RUNS,
    start,
    stored_runs,
    sweep_args,
    wait_for_some_runs,
    write_scenario,
)

GRID = {"stockpiles.depot.initial": [10, 40]}
UNCERTAIN = {
    "uncertain": {"lines.plant.capacity": {"distribution": "uniform", "low": 5, "high": 15}}
}
SET = ["--set", "stockpiles.depot.initial=10,40", "--replications", "3", "--no-progress"]
posix_only = pytest.mark.skipif(sys.platform != "linux", reason="flock, /proc, signals")


def small_sweep(folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``capsim sweep`` of the base-stock scenario: 2 points × 3 replications, serially."""
    path = folder / "base_stock.yaml"
    if not path.exists():
        path.write_text(yaml.safe_dump(BASE_STOCK))
    return capsim_command("sweep", str(path), *SET, "--workers", "1", *extra, cwd=folder)


def one_line_error(done: subprocess.CompletedProcess[str], status: int, words: str) -> None:
    assert done.returncode == status, done.stderr
    assert words in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


@posix_only
def test_two_sweeps_started_together_on_one_store_one_is_refused(tmp_path: Path) -> None:
    path, folder = write_scenario(tmp_path), tmp_path / "store"
    both = [start(path, folder, workers=1) for _ in range(2)]
    finished = [(process.wait(timeout=600), process.communicate()[1]) for process in both]
    statuses = sorted(status for status, _ in finished)
    assert statuses == [0, 4], finished
    refused = next(stderr for status, stderr in finished if status == 4)
    # The holder's process number is a courtesy: a sweep refused in the instant between
    # the other taking the lock and writing its number does not get it.
    assert f"{folder} is in use by another sweep" in refused
    assert re.search(r"another sweep( \(process \d+\))?: wait", refused), refused
    assert "Traceback" not in refused and len(refused.strip().splitlines()) == 1
    assert stored_runs(folder) == (RUNS, RUNS)


@posix_only
def test_a_store_in_use_cannot_be_resumed_until_its_sweep_ends(tmp_path: Path) -> None:
    path, folder = write_scenario(tmp_path), tmp_path / "store"
    running = start(path, folder, workers=1)
    try:
        wait_for_some_runs(running, folder)
        done = subprocess.run(
            [*sweep_args(path), "--resume", str(folder)], capture_output=True, text=True
        )
        one_line_error(done, 4, "is in use by another sweep")
    finally:
        running.kill()
        running.wait()
    # The lock dies with its process: the store can be resumed at once.
    sweep = capsim.Sweep(scenario(), GRID)
    with pytest.raises(StoreMismatchError):
        ResultStore.resume(folder, sweep)


def test_the_lock_is_held_while_a_store_is_open(tmp_path: Path) -> None:
    sweep = capsim.Sweep(scenario(), GRID)
    with ResultStore.open(tmp_path / "store", sweep):
        with pytest.raises(StoreBusyError, match="in use by another sweep"):
            ResultStore.open(tmp_path / "store", sweep)
        assert len(load_experiment(tmp_path / "store", sweep).kpis) == 0  # readers may read
    with ResultStore.open(tmp_path / "store", sweep):
        pass


def test_a_run_with_missing_rows_is_run_again(tmp_path: Path) -> None:
    sweep = capsim.Sweep(scenario(UNCERTAIN), GRID, replications=4)
    folder = tmp_path / "store"
    whole = capsim.run_experiment(
        sweep, executor=capsim.SerialExecutor(), store=folder, progress=False
    )
    with sqlite3.connect(folder / "results.sqlite") as connection:
        connection.execute("DELETE FROM kpis WHERE point = 0 AND replication = 1")
        connection.execute("DELETE FROM inputs WHERE point = 1 AND replication = 3")
        connection.execute("DELETE FROM runs WHERE point = 1 AND replication = 0")  # rows left
    with ResultStore.open(folder, sweep) as saved:
        assert len(saved.done()) == 8 - 3
    again = capsim.run_experiment(
        sweep, executor=capsim.SerialExecutor(), store=folder, progress=False
    )
    pd.testing.assert_frame_equal(whole.kpis, again.kpis)
    pd.testing.assert_frame_equal(whole.inputs, again.inputs)


def test_a_damaged_store_is_refused_in_one_line(tmp_path: Path) -> None:
    assert small_sweep(tmp_path, "--out", "store").returncode == 0
    database = tmp_path / "store" / "results.sqlite"
    good = database.read_bytes()
    database.write_bytes(b"this is not a database" * 100)
    one_line_error(small_sweep(tmp_path, "--resume", "store"), 3, "is damaged")
    database.write_bytes(good[: len(good) // 2])
    one_line_error(small_sweep(tmp_path, "--resume", "store"), 3, "is damaged")
    database.write_bytes(good)
    manifest = tmp_path / "store" / "manifest.json"
    manifest.write_text(manifest.read_text()[:40])
    one_line_error(small_sweep(tmp_path, "--resume", "store"), 3, "manifest.json is damaged")


def test_resume_alone_reads_the_design_from_the_store(tmp_path: Path) -> None:
    assert small_sweep(tmp_path, "--out", "store").returncode == 0
    expected = pd.read_csv(tmp_path / "store" / "kpis.csv")
    with sqlite3.connect(tmp_path / "store" / "results.sqlite") as connection:
        connection.execute("DELETE FROM kpis WHERE point = 1")
    done = capsim_command("sweep", "--resume", "store", "--no-progress", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "store" / "kpis.csv"), expected)
    manifest = store.read_manifest(tmp_path / "store")
    assert manifest["grid"] == {"stockpiles.depot.initial": [10, 40]}
    assert manifest["replications"] == 3 and manifest["seed"] == BASE_STOCK["scenario"]["seed"]
    assert manifest["scenario_file"] == str((tmp_path / "base_stock.yaml").resolve())
    assert manifest["scenario_file_sha256"] == store.file_sha256(tmp_path / "base_stock.yaml")
    # The store and its scenario may move together.
    (tmp_path / "moved").mkdir()
    for name in ("store", "base_stock.yaml"):
        shutil.move(tmp_path / name, tmp_path / "moved" / name)
    done = capsim_command("sweep", "--resume", "moved/store", "--no-progress", cwd=tmp_path)
    assert done.returncode == 0, done.stderr


def test_resume_alone_refuses_a_changed_or_missing_scenario(tmp_path: Path) -> None:
    assert small_sweep(tmp_path, "--out", "store").returncode == 0
    path = tmp_path / "base_stock.yaml"
    changed = copy.deepcopy(BASE_STOCK)
    changed["stockpiles"]["depot"]["objective"] = 25
    path.write_text(yaml.safe_dump(changed))
    done = capsim_command("sweep", "--resume", "store", cwd=tmp_path)
    one_line_error(done, 2, "base_stock.yaml has changed since the sweep started")
    path.unlink()
    done = capsim_command("sweep", "--resume", "store", cwd=tmp_path)
    one_line_error(done, 2, "which is gone: give the scenario file")
    done = capsim_command("sweep", "--resume", "store", "--replications", "4", cwd=tmp_path)
    one_line_error(done, 2, "come from the store")
    one_line_error(capsim_command("sweep", cwd=tmp_path), 2, "needs FILE")
    one_line_error(capsim_command("sweep", "--resume", "nowhere", cwd=tmp_path), 2, "no sweep")


def reordered(data: dict[str, Any]) -> dict[str, Any]:
    return (
        {key: reordered(value) for key, value in reversed(data.items())}
        if isinstance(data, dict)
        else data
    )


def test_the_identity_covers_declaration_order_seed_points_and_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = copy.deepcopy(BASE_STOCK)
    data["demands"]["training"] = {**data["demands"]["use"], "rate": 3}
    sweep = capsim.Sweep(capsim.parse_scenario(data), GRID)
    digest = design_sha256(sweep)
    assert design_sha256(capsim.Sweep(capsim.parse_scenario(data), GRID)) == digest
    assert design_sha256(capsim.Sweep(capsim.parse_scenario(reordered(data)), GRID)) != digest
    assert design_sha256(capsim.Sweep(sweep.scenario, GRID, seed=1)) != digest
    assert design_sha256(capsim.Sweep(sweep.scenario, {"stockpiles.depot.initial": [10]})) != digest
    monkeypatch.setattr(store, "versions", lambda: {"capsim": "99.0"})
    assert design_sha256(sweep) != digest


def test_a_store_made_from_a_reordered_file_is_not_resumed(tmp_path: Path) -> None:
    assert small_sweep(tmp_path, "--out", "store").returncode == 0
    path = tmp_path / "reordered.yaml"
    path.write_text(yaml.safe_dump(reordered(BASE_STOCK), sort_keys=False))
    done = capsim_command("sweep", str(path), *SET, "--resume", "store", cwd=tmp_path)
    one_line_error(done, 2, "holds another experiment")


def capped(pages: int) -> Any:
    """``sqlite3.connect`` for a store on a disk that holds only ``pages`` database pages."""
    connect = sqlite3.connect

    def connect_capped(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = connect(*args, **kwargs)
        connection.execute(f"PRAGMA max_page_count = {pages}")
        return connection

    return connect_capped


def test_a_full_disk_mid_sweep_stops_in_one_line_and_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "base_stock.yaml"
    path.write_text(yaml.safe_dump(BASE_STOCK))
    folder = tmp_path / "store"
    args = ["sweep", str(path), "--set", "stockpiles.depot.initial=10,20,30,40", "--no-progress",
            "--replications", "40", "--workers", "1"]  # fmt: skip
    whole = capsim.run_experiment(
        capsim.Sweep(scenario(), {"stockpiles.depot.initial": [10, 20, 30, 40]}, replications=40),
        executor=capsim.SerialExecutor(),
        progress=False,
    )
    # SQLite stops at the page limit exactly as at a full disk (SQLITE_FULL).
    monkeypatch.setattr(store.sqlite3, "connect", capped(8))
    assert cli.main([*args, "--out", str(folder)]) == 3
    error = capsys.readouterr().err
    assert "no space left on device" in error and f"--resume {folder}" in error
    assert len(error.strip().splitlines()) == 1
    stored, distinct = stored_runs(folder)
    assert 0 < stored < 160 and stored == distinct
    assert not (folder / "kpis.csv").exists()
    monkeypatch.undo()
    assert cli.main([*args, "--resume", str(folder)]) == 0
    kpis = pd.read_csv(folder / "kpis.csv")
    assert len(kpis) == 160 and kpis["unmet_total"].tolist() == whole.kpis["unmet_total"].tolist()


def test_a_full_disk_writing_the_tables_leaves_nothing_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "base_stock.yaml"
    path.write_text(yaml.safe_dump(BASE_STOCK))

    def full(self: pd.DataFrame, target: Path, **options: Any) -> None:
        Path(target).write_text("point,replication\n0,")
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    args = ["sweep", str(path), *SET, "--workers", "1", "--out", str(tmp_path / "store")]
    assert cli.main(args) == 3
    error = capsys.readouterr().err
    assert "cannot write" in error and "no space left on device" in error
    assert sorted(p.name for p in (tmp_path / "store").iterdir()) == [
        "design.yaml", "lock", "manifest.json", "results.sqlite",
    ]  # fmt: skip


def unshare_works() -> bool:
    if shutil.which("unshare") is None or sys.platform != "linux":
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=80k none /mnt"],
        capture_output=True,
    )
    return probe.returncode == 0


@pytest.mark.skipif(not unshare_works(), reason="needs unshare -rm to mount a small tmpfs")
def test_a_really_full_disk_gives_one_line_and_keeps_the_runs(tmp_path: Path) -> None:
    path = write_scenario(tmp_path)
    disk = tmp_path / "disk"
    disk.mkdir()
    sweep = " ".join(f"'{arg}'" for arg in sweep_args(path))
    script = (
        f"mount -t tmpfs -o size=80k none {disk} && {sweep} --workers 1 --out {disk}/store; "
        f"status=$?; cp -r {disk}/store {tmp_path}/kept; exit $status"
    )
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=600
    )
    one_line_error(done, 3, "no space left on device")
    assert f"--resume {disk}/store" in done.stderr
    stored, distinct = stored_runs(tmp_path / "kept")
    assert 0 < stored < RUNS and stored == distinct
