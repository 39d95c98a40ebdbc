"""`capsim compare` end to end, through a subprocess, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from tests.command import capsim
from tests.compare.conftest import write


def test_compare_prints_the_table_and_writes_the_folder(tree: Path, tmp_path: Path) -> None:
    variant = write(
        tree,
        "more.yaml",
        "extends: base.yaml\nscenario: {name: more}\ndemands:\n  transfer_1: {quantity: 500}\n",
    )
    out = tmp_path / "result"
    done = capsim(
        "compare", str(tree / "base.yaml"), str(variant),
        "--replications", "4", "--seed", "7", "--out", str(out), cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "lowest_stock" in done.stdout and "Δ more" in done.stdout
    assert sorted(path.name for path in out.iterdir()) == [
        "bands.csv", "differences.png", "inputs_diff.csv", "kpi_replications.csv",
        "kpis.csv", "manifest.json", "output_vs_demand.png", "report.html",
    ]  # fmt: skip
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 7 and manifest["replications"] == 4
    files = manifest["scenarios"][1]["files"]
    assert [Path(entry["path"]).name for entry in files] == ["more.yaml", "base.yaml"]
    assert all(len(entry["sha256"]) == 64 for entry in files)
    kpis = pd.read_csv(out / "kpis.csv")
    row = kpis[(kpis["kpi"] == "lowest_stock") & (kpis["scenario"] == "more")]
    assert (
        row["stockpile"].tolist() == ["army_missile"] or "army_missile" in row["stockpile"].tolist()
    )
    assert not list(tmp_path.glob(".result-*"))  # no staging folder left behind


def test_bad_variant_exits_2_without_traceback(tree: Path, tmp_path: Path) -> None:
    bad = write(tree, "bad.yaml", "extends: ../../etc/passwd\n")
    done = capsim("compare", str(tree / "base.yaml"), str(bad), "--out", "x", cwd=tmp_path)
    assert done.returncode == 2
    assert "outside the scenario tree" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x").exists()


def test_missing_file_exits_4_and_bad_replications_exit_2(tree: Path, tmp_path: Path) -> None:
    done = capsim("compare", str(tree / "base.yaml"), "missing.yaml", cwd=tmp_path)
    assert done.returncode == 4 and "Traceback" not in done.stderr
    assert "cannot read missing.yaml" in done.stderr
    done = capsim(
        "compare", str(tree / "base.yaml"), str(tree / "base.yaml"), "--replications", "0",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2 and "at least 1" in done.stderr
