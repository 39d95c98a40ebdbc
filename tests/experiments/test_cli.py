"""``capsim run --replications`` and ``capsim sweep`` through a subprocess, as a user runs them."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pandas as pd
import yaml

from tests.command import capsim
from tests.experiments.scenarios import BASE_STOCK


def write_scenario(folder: Path) -> Path:
    path = folder / "base_stock.yaml"
    path.write_text(yaml.safe_dump(BASE_STOCK))
    return path


def test_run_replications_prints_intervals_and_writes_files(tmp_path: Path) -> None:
    path = write_scenario(tmp_path)
    done = capsim(
        "run", str(path), "--replications", "6", "--workers", "1", "--out", "out", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "6 replications): median [5 %, 95 %]" in done.stdout
    folder = tmp_path / "out" / "base_stock"
    assert {p.name for p in folder.iterdir()} == {
        "kpis.csv",
        "bands.csv",
        "fan_chart.png",
        "manifest.json",
    }
    kpis = pd.read_csv(folder / "kpis.csv")
    assert sorted(kpis["replication"].unique()) == list(range(6))
    assert json.loads((folder / "manifest.json").read_text())["replications"] == 6


def test_sweep_stores_and_resume_refuses_a_different_design(tmp_path: Path) -> None:
    path = write_scenario(tmp_path)
    args = ["sweep", str(path), "--set", "stockpiles.depot.initial=10,40", "--replications", "2"]
    done = capsim(*args, "--workers", "1", "--no-progress", "--out", "store", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    kpis = pd.read_csv(tmp_path / "store" / "kpis.csv")
    assert len(kpis) == 4 and "stockpiles.depot.initial" in kpis.columns
    again = capsim(*args, "--no-progress", "--resume", "store", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert len(pd.read_csv(tmp_path / "store" / "kpis.csv")) == 4
    other = capsim(*args[:-1], "3", "--no-progress", "--resume", "store", cwd=tmp_path)
    assert other.returncode == 2 and "holds another experiment" in other.stderr
    assert "Traceback" not in other.stderr


def test_a_scheduler_that_does_not_answer_leaves_nothing_behind(tmp_path: Path) -> None:
    path = write_scenario(tmp_path)
    with socket.socket() as probe:  # a port on 127.0.0.1 that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = capsim(
        "sweep", str(path), "--set", "stockpiles.depot.initial=10,40", "--no-progress",
        "--scheduler", f"tcp://127.0.0.1:{port}", "--out", "store", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert f"no Dask scheduler answered at tcp://127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "store").exists()


def test_bad_paths_and_values_exit_2_without_traceback(tmp_path: Path) -> None:
    path = write_scenario(tmp_path)
    for setting, message in (
        ("stockpiles.depot.intial=1,2", "did you mean 'initial'"),
        ("stockpiles.depot.initial=-1", "expected a value >= 0"),
        ("stockpiles.depot.initial", "write it as PATH=V1,V2"),
    ):
        done = capsim("sweep", str(path), "--set", setting, cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        assert message in done.stderr and "Traceback" not in done.stderr
    done = capsim("run", str(path), "--replications", "0", cwd=tmp_path)
    assert done.returncode == 2 and "at least 1" in done.stderr
    done = capsim("run", str(path), "--replications", "5000000", cwd=tmp_path)
    assert done.returncode == 2 and "more than the limit" in done.stderr
    assert "Traceback" not in done.stderr
    many = ",".join(str(value) for value in range(200))
    done = capsim("sweep", str(path), "--set", f"stockpiles.depot.initial={many}",
                  "--set", f"lines.plant.capacity={many}", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2 and "40,000 points, more than the limit" in done.stderr
