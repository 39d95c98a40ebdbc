"""Count the machine instructions of one run: a measure that load on the machine leaves alone.

    python benchmarks/instructions.py [SCENARIO ...] [--runs 5]

Wall times on a shared VM vary by ±30 % from one minute to the next, too much to tell a
5 % gain from noise. Instruction counts do not vary with load: this runs each scenario
``--runs`` times under ``valgrind --tool=callgrind`` (after one warm-up run), and again
with no runs, and reports the difference per run, in millions. Python's hash seed is
fixed so that both processes take the same paths, and BLAS runs on one thread (its
idle threads spin, which callgrind would count). Needs valgrind; about a minute for
``stinger_ref`` with 5 runs. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = (
    ROOT / "benchmarks" / "stinger_ref.yaml",
    ROOT / "scenarios" / "munitions_portfolio" / "baseline.yaml",
)

RUNNER = """
import sys
sys.path.insert(0, {root!r})
from capsim.engine import simulate
from capsim.scenario_files.loader import load_scenario
scenario = load_scenario({path!r})
simulate(scenario, seed=0).kpis
for seed in range({runs}):
    simulate(scenario, seed=seed).kpis
"""


def instructions(path: Path, runs: int) -> int:
    """Instructions of a process that loads ``path`` and makes ``runs`` runs of it."""
    code = RUNNER.format(root=str(ROOT), path=str(path), runs=runs)
    # The same count every time: a fixed hash seed, one BLAS thread (OpenBLAS's idle
    # threads spin, and callgrind counts their instructions too) and, where setarch is
    # found, the same addresses from one process to the next.
    pinned = ["setarch", platform.machine(), "-R"] if shutil.which("setarch") else []
    done = subprocess.run(
        [*pinned, "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
         sys.executable, "-c", code],
        capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1",
             "OMP_NUM_THREADS": "1"},
    )  # fmt: skip
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"callgrind printed no count:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", type=Path, default=list(DEFAULT))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind")
    print("| scenario | runs | million instructions a run |")
    print("|---|---:|---:|")
    for path in args.scenarios:
        per_run = (instructions(path, args.runs) - instructions(path, 0)) / args.runs
        print(f"| `{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}` "
              f"| {args.runs} | {per_run / 1e6:.1f} |")  # fmt: skip


if __name__ == "__main__":
    main()
