"""Write a run's output folder: tables, the picture and a manifest, all or nothing."""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

from capsim.results import Results


def manifest(results: Results, scenario_path: Path | None) -> dict[str, Any]:
    """What is needed to reproduce a run: the file's sha256, the seed and versions."""
    digest = None
    if scenario_path is not None:
        digest = hashlib.sha256(scenario_path.read_bytes()).hexdigest()
    return {
        "scenario": results.scenario.scenario.name,
        "scenario_file": None if scenario_path is None else str(scenario_path),
        "scenario_sha256": digest,
        "seed": results.seed,
        "replication": results.replication,
        "versions": versions(),
    }


def versions() -> dict[str, str]:
    """Versions of capsim, its main dependencies and Python."""
    return {
        "capsim": version("capsim"),
        "simpy": version("simpy"),
        "numpy": version("numpy"),
        "pandas": version("pandas"),
        "python": platform.python_version(),
    }


def write_run(results: Results, scenario_path: Path | None, out_root: Path) -> Path:
    """Write ``out_root/<scenario name>/`` and return it.

    The files are written to a temporary folder beside the target, which replaces the
    target only when everything is written: a failed run leaves no half-written folder.
    """
    target = out_root / _folder_name(results.scenario.scenario.name)
    out_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=out_root))
    try:
        results.timeseries.to_csv(staging / "timeseries.csv", index=False)
        results.kpis.to_csv(staging / "kpis.csv", index=False)
        results.money.to_csv(staging / "money.csv", index=False)
        results.constraints.to_csv(staging / "constraints.csv", index=False)
        figure = results.plot()
        figure.savefig(staging / "output_vs_demand.png", dpi=110)
        text = json.dumps(manifest(results, scenario_path), indent=2)
        (staging / "manifest.json").write_text(text + "\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _folder_name(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in name.strip())
    return cleaned.strip("._") or "scenario"
