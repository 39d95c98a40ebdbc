"""Fuzz on demand, ``python -m tests.fuzz --n 10000``: count outcomes, save failing files.

Each file runs in a worker process with a deadline and a memory limit; the counts by
outcome are printed, and every file that gave neither a located error nor a valid run is
saved, with what happened, under the folder named at the end.
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

from tests.fuzz.mutators import make_case
from tests.fuzz.outcomes import DEADLINE_SECONDS, GOOD, Outcome, Result, run_file

MEMORY_LIMIT_BYTES = 3 * 1024**3
"""Address space of each worker: a file that needs more fails instead of swapping."""
WORKER_TIMEOUT = 4 * DEADLINE_SECONDS
"""Seconds without any answer after which the workers are taken for lost."""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))


def _run_one(job: tuple[int, int]) -> tuple[str, str, Result, dict[str, bytes], str]:
    seed, index = job
    case = make_case(seed, index)
    with tempfile.TemporaryDirectory(prefix="capsim-fuzz-") as folder:
        result = run_file(case.write(Path(folder)), DEADLINE_SECONDS)
    files = case.files if result.outcome not in GOOD else {}
    return case.main, case.name, result, files, case.mutation


def _save(folder: Path, files: dict[str, bytes], result: Result, main: str) -> None:
    """Write a failing case's files, and what happened, under ``folder``."""
    for relative, content in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(content)
    (folder / "OUTCOME.txt").write_text(f"{result.outcome} (load {main})\n{result.detail}\n")


def main(argv: list[str] | None = None) -> int:
    """Run the campaign; return 0 when every file gave a located error or a valid run."""
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="number of files (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="root seed of the mutations")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--failures", type=Path, default=Path("fuzz-failures"),
                        help="folder for failing files (default fuzz-failures)")  # fmt: skip
    arguments = parser.parse_args(argv)
    saved = arguments.failures / time.strftime("%Y%m%d-%H%M%S")
    counts: collections.Counter[str] = collections.Counter()
    by_mutation: collections.Counter[tuple[str, str]] = collections.Counter()
    began = time.monotonic()
    jobs = [(arguments.seed, index) for index in range(arguments.n)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(arguments.workers, initializer=_limit_memory, maxtasksperchild=200) as pool:
        # chunksize 1: only then does the iterator take a timeout.
        answers = pool.imap_unordered(_run_one, jobs)
        for done in range(1, arguments.n + 1):
            try:
                main, name, result, files, mutation = answers.next(timeout=WORKER_TIMEOUT)
            except multiprocessing.TimeoutError:
                # A worker died (killed for memory, or crashed) or hangs past its alarm.
                lost = arguments.n - done + 1
                counts[Outcome.HANG] += lost
                by_mutation[("unknown (worker lost)", Outcome.HANG)] += lost
                print(f"no answer in {WORKER_TIMEOUT} s: {lost} files not run", file=sys.stderr)
                pool.terminate()
                break
            counts[result.outcome] += 1
            by_mutation[(mutation, result.outcome)] += 1
            if files:
                _save(saved / result.outcome.replace(" ", "_") / name, files, result, main)
            if done % 500 == 0:
                print(f"{done}/{arguments.n} files, {time.monotonic() - began:.0f} s",
                      file=sys.stderr, flush=True)  # fmt: skip
    elapsed = time.monotonic() - began
    print(f"{arguments.n} files (seed {arguments.seed}) in {elapsed:.0f} s")
    print(f"{'outcome':<18}{'files':>8}")
    for outcome in Outcome:
        print(f"{outcome.value:<18}{counts[outcome]:>8}")
    bad = {key: value for key, value in by_mutation.items() if key[1] not in GOOD}
    if bad:
        print("failures by mutation:")
        for (mutation, outcome), count in sorted(bad.items()):
            print(f"  {mutation:<16}{outcome:<18}{count:>6}")
        print(f"failing files saved in {saved}")
    return 0 if not bad else 1
