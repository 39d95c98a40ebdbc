"""`capsim run` end to end, through a subprocess, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.command import capsim

ROOT = Path(__file__).resolve().parents[2]
STINGER = ROOT / "scenarios" / "stinger_2022_ukraine.yaml"


def test_run_writes_the_output_folder(tmp_path: Path) -> None:
    done = capsim("run", str(STINGER), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "out" / "stinger_2022_ukraine"
    assert sorted(p.name for p in folder.iterdir()) == [
        "constraints.csv",
        "kpis.csv",
        "manifest.json",
        "money.csv",
        "output_vs_demand.png",
        "supplier_constraints.csv",
        "timeseries.csv",
    ]
    assert "us_army" in done.stdout and str(folder) in done.stdout
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["seed"] == 20220225
    assert len(manifest["scenario_sha256"]) == 64
    assert set(manifest["versions"]) >= {"capsim", "simpy", "numpy", "python"}
    timeseries = pd.read_csv(folder / "timeseries.csv")
    assert list(timeseries.columns) == [
        "month", "entity_kind", "entity", "system", "holder", "metric", "value"
    ]  # fmt: skip
    assert (folder / "output_vs_demand.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_same_seed_same_files(tmp_path: Path) -> None:
    for name in ("a", "b"):
        done = capsim("run", str(STINGER), "--seed", "5", "--out", name, "--quiet", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    first = (tmp_path / "a" / "stinger_2022_ukraine" / "timeseries.csv").read_bytes()
    second = (tmp_path / "b" / "stinger_2022_ukraine" / "timeseries.csv").read_bytes()
    assert first == second


def test_bad_file_exits_2_without_traceback_or_output(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(STINGER.read_text().replace("horizon_months: 120", "horizon_months: -4"))
    done = capsim("run", str(bad), "--out", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "bad.yaml:" in done.stderr and "scenario.horizon_months" in done.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_failed_write_leaves_no_half_written_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import capsim
    from capsim.output import write_run

    results = capsim.simulate(capsim.load_scenario(STINGER), seed=1)

    def broken_plot() -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(results, "plot", broken_plot)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="disk full"):
        write_run(results, STINGER, out)
    assert list(out.iterdir()) == []


def test_schema_command_prints_json_schema(tmp_path: Path) -> None:
    done = capsim("schema", cwd=tmp_path)
    assert done.returncode == 0
    schema = json.loads(done.stdout)
    assert "scenario" in schema["properties"] and "lines" in schema["properties"]


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    done = capsim("run", "nowhere.yaml", cwd=tmp_path)
    assert done.returncode == 4
    assert "cannot read nowhere.yaml" in done.stderr
    assert "nowhere.yaml" in done.stderr and "Traceback" not in done.stderr
