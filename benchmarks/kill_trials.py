"""Kill trials: SIGKILL ``capsim sweep --workers 2`` mid-sweep, count orphans, then resume.

    python benchmarks/kill_trials.py [--trials 10] [--capsim DIR]

Each trial starts the sweep of ``tests/experiments/test_resume.py`` (4 points × 100
replications of a ten-year base-stock scenario) in its own session, as a shell starts a
job, waits until its store holds some runs, and SIGKILLs the main process only (as the
OOM killer or ``kill -9 PID`` would). It then records:

- the processes of the sweep's group still alive 5 s later (orphans: forkserver, pool
  workers, resource tracker), which are then killed;
- whether the caller's stdout pipe reached end of file by then;
- after ``--resume``: runs lost and runs stored twice, and whether the KPIs equal those of
  an uninterrupted sweep.

``--capsim DIR`` runs the capsim found in DIR (for example an export of an older commit:
``git archive COMMIT | tar -x -C DIR``) instead of this checkout's. Prints a Markdown
table. Linux only (reads /proc).
"""

from __future__ import annotations

import argparse
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the test helpers, from a checkout

from tests.experiments import sweeps  # noqa: E402

GRACE_SECONDS = 5.0


def trial(path: Path, store: Path, expected: pd.DataFrame) -> dict[str, object]:
    """One kill, the orphans it leaves, and the resume."""
    process = sweeps.start(path, store, workers=2)
    sweeps.wait_for_some_runs(process, store)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    killed_at = time.monotonic()
    orphans = sweeps.wait_for_group_to_end(process.pid, GRACE_SECONDS)
    assert process.stdout is not None
    readable, _, _ = select.select([process.stdout], [], [], 0)
    eof = bool(readable) and process.stdout.read() == ""
    ended_after = time.monotonic() - killed_at
    for pid in orphans:
        os.kill(pid, signal.SIGKILL)
    before, _ = sweeps.stored_runs(store)
    done = subprocess.run(
        [*sweeps.sweep_args(path), "--workers", "2", "--resume", str(store)],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=600,
    )
    stored, distinct = sweeps.stored_runs(store)
    same = done.returncode == 0 and pd.read_csv(store / "kpis.csv").equals(expected)
    return {
        "runs stored at the kill": before,
        "orphans after 5 s": len(orphans),
        "pipe at EOF": eof,
        "group gone (s)": round(ended_after, 2) if not orphans else float("nan"),
        "resume exit": done.returncode,
        "runs lost": sweeps.RUNS - distinct,
        "runs stored twice": stored - distinct,
        "KPIs as uninterrupted": same,
    }


def markdown(table: pd.DataFrame) -> str:
    """A Markdown table, one row per trial."""
    lines = ["| trial | " + " | ".join(table.columns) + " |"]
    lines.append("|---" * (len(table.columns) + 1) + "|")
    for index, row in table.iterrows():
        lines.append(f"| {index} | " + " | ".join(str(value) for value in row) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--capsim", type=Path, default=None, metavar="DIR")
    options = parser.parse_args()
    if options.capsim is not None:
        os.environ["PYTHONPATH"] = str(options.capsim.resolve())
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = sweeps.write_scenario(root)
        whole = subprocess.run(
            [*sweeps.sweep_args(path), "--workers", "1", "--out", str(root / "whole")],
            capture_output=True,
            text=True,
        )
        assert whole.returncode == 0, whole.stderr
        expected = pd.read_csv(root / "whole" / "kpis.csv")
        rows = []
        for k in range(options.trials):
            rows.append(trial(path, root / f"store{k}", expected))
            print(f"trial {k}: {rows[-1]}", file=sys.stderr)
    table = pd.DataFrame(rows)
    print(markdown(table))
    print()
    with_orphans = int((table["orphans after 5 s"] > 0).sum())
    print(
        f"{options.trials} trials: {int(table['orphans after 5 s'].sum())} orphans in "
        f"{with_orphans} trials; pipe at EOF in {int(table['pipe at EOF'].sum())}; "
        f"{int(table['runs lost'].sum())} runs lost, {int(table['runs stored twice'].sum())} "
        f"stored twice; KPIs as uninterrupted in {int(table['KPIs as uninterrupted'].sum())}"
    )


if __name__ == "__main__":
    main()
