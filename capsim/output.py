"""Write a run's output folder: tables, the picture and a manifest, all or nothing."""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """Write into a temporary folder beside ``target`` that replaces it only on success.

    A failure (or Ctrl-C) while writing leaves no half-written output folder.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        yield staging
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_run(results: Results, scenario_path: Path | None, out_root: Path) -> Path:
    """Write ``out_root/<scenario name>/`` and return it.

    The files are written to a temporary folder beside the target, which replaces the
    target only when everything is written: a failed run leaves no half-written folder.
    """
    target = out_root / folder_name(results.scenario.scenario.name)
    with staged_folder(target) as staging:
        results.timeseries.to_csv(staging / "timeseries.csv", index=False)
        results.kpis.to_csv(staging / "kpis.csv", index=False)
        results.money.to_csv(staging / "money.csv", index=False)
        results.constraints.to_csv(staging / "constraints.csv", index=False)
        figure = results.plot()
        figure.savefig(staging / "output_vs_demand.png", dpi=110)
        text = json.dumps(manifest(results, scenario_path), indent=2)
        (staging / "manifest.json").write_text(text + "\n", encoding="utf-8")
    return target


def folder_name(name: str) -> str:
    """A scenario name made safe as a folder name."""
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in name.strip())
    return cleaned.strip("._") or "scenario"
