"""A fixed-seed sample of mutated scenarios: each gives a located error or a valid run.

A valid run must keep the invariants of :mod:`tests.model.invariants`; every file has a
deadline, and a file that passes it is a failure (a hang). The full-size campaign is
``python -m tests.fuzz --n 10000``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.command import capsim
from tests.fuzz.mutators import make_case
from tests.fuzz.outcomes import GOOD, run_file

SEED = 12
"""Root seed of the CI sample (the on-demand campaign uses others)."""
FILES = 1000
CHUNKS = 10
CLI_FILES = 30
CLI_TIMEOUT_SECONDS = 120


@pytest.mark.slow
@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_fuzzed_files_give_a_located_error_or_a_valid_run(chunk: int, tmp_path: Path) -> None:
    size = FILES // CHUNKS
    failures = []
    for index in range(chunk * size, (chunk + 1) * size):
        case = make_case(SEED, index)
        result = run_file(case.write(tmp_path / str(index)))
        if result.outcome not in GOOD:
            failures.append(f"{case.name} ({case.mutation}): {result.outcome}\n{result.detail}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.slow
def test_fuzzed_files_through_the_command_line(tmp_path: Path) -> None:
    failures = []
    for index in range(CLI_FILES):
        case = make_case(SEED + 1, index)
        folder = tmp_path / str(index)
        main = case.write(folder)
        for command in (["validate", main.name], ["run", main.name, "--quiet", "--out", "out"]):
            done = capsim(*command, cwd=folder, timeout=CLI_TIMEOUT_SECONDS)
            if done.returncode not in (0, 2) or "Traceback" in done.stderr:
                failures.append(f"{case.name} {command[0]}: exit {done.returncode}\n{done.stderr}")
            if done.returncode != 0:
                break  # an invalid file is not run
    assert not failures, "\n\n".join(failures)


def test_on_demand_campaign_prints_counts_by_outcome(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "tests.fuzz", "--n", "6", "--workers", "1",
         "--failures", str(tmp_path)],
        cwd=root, capture_output=True, text=True, timeout=CLI_TIMEOUT_SECONDS,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    for outcome in ("located error", "valid run", "traceback", "hang", "unlocated error"):
        assert outcome in done.stdout
