"""Benchmark replications through ``capsim.replicate`` on the reference workload.

    python benchmarks/replications.py [--replications 1000] [--dask] [--memory 250,1000,4000]

Times ``--replications`` replications of benchmarks/stinger_ref.yaml (KPIs and the
monthly arrays of every run, assembled into an Ensemble) serially, on a process pool of
1 and 2 workers (pool start-up included), and optionally on a Dask LocalCluster of 2
workers (cluster start-up excluded), checks that all give identical numbers, and prints
a Markdown table with the parallel efficiency from 1 to 2 workers.

``--memory`` instead runs the process pool of 2 workers for each given number of
replications and reports the peak resident memory of each worker process (sampled from
/proc every 20 ms, Linux only), to show that a worker's memory does not grow with the
number of replications.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import threading
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing capsim

import capsim  # noqa: E402
from capsim.experiments.executors import DaskExecutor  # noqa: E402


def timed(scenario: capsim.Scenario, n: int, executor: object) -> tuple[float, capsim.Ensemble]:
    """Wall time of ``n`` replications on ``executor``, and the ensemble."""
    started = time.perf_counter()
    ensemble = capsim.replicate(scenario, n, seed=0, executor=executor, progress=False)  # type: ignore[arg-type]
    return time.perf_counter() - started, ensemble


class WorkerMemory:
    """Peak resident memory of every process below this one, sampled in a thread."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.peaks: dict[int, int] = {}
        self._parents: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> WorkerMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            for pid in _descendants(os.getpid()):
                self._parents.setdefault(pid, _parent(pid))
                rss = _rss_kib(pid)
                self.peaks[pid] = max(self.peaks.get(pid, 0), rss)

    def worker_peaks_mib(self) -> list[float]:
        """Peaks of the pool's workers, largest first.

        The workers are forked from the forkserver (a child of this process), so they
        are the processes whose parent is not this one.
        """
        workers = [pid for pid in self.peaks if self._parents.get(pid) != os.getpid()]
        return sorted((self.peaks[pid] / 1024 for pid in workers), reverse=True)


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def _descendants(pid: int) -> list[int]:
    parents = {
        int(e.name): _parent(int(e.name)) for e in Path("/proc").iterdir() if e.name.isdigit()
    }
    found, frontier = [], {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found.extend(frontier)
    return found


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory(scenario: capsim.Scenario, counts: list[int]) -> None:
    """Peak memory of the two pool workers for each number of replications."""
    print("| replications | wall (s) | worker 1 peak RSS (MiB) | worker 2 peak RSS (MiB) |")
    print("|---:|---:|---:|---:|")
    for n in counts:
        with WorkerMemory() as sampled:
            seconds, _ = timed(scenario, n, capsim.ProcessExecutor(workers=2))
        first, second = sampled.worker_peaks_mib()[:2]
        print(f"| {n} | {seconds:.2f} | {first:.0f} | {second:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description="capsim replications benchmark")
    parser.add_argument("--replications", type=int, default=1000)
    parser.add_argument("--scenario", type=Path, default=HERE / "stinger_ref.yaml")
    parser.add_argument("--dask", action="store_true", help="also time a Dask LocalCluster")
    parser.add_argument(
        "--memory", default=None, metavar="N1,N2,...",
        help="measure worker memory for these numbers of replications instead",
    )  # fmt: skip
    args = parser.parse_args()
    scenario = capsim.load_scenario(args.scenario)
    if args.memory:
        memory(scenario, [int(text) for text in args.memory.split(",")])
        return
    n = args.replications

    rows = []
    serial, reference = timed(scenario, n, capsim.SerialExecutor())
    rows.append(("serial", serial))
    one, ensemble = timed(scenario, n, capsim.ProcessExecutor(workers=1))
    assert np.array_equal(ensemble.values, reference.values)
    rows.append(("process pool, 1 worker", one))
    two, ensemble = timed(scenario, n, capsim.ProcessExecutor(workers=2))
    assert np.array_equal(ensemble.values, reference.values)
    rows.append(("process pool, 2 workers", two))
    if args.dask:
        with DaskExecutor(local_cluster=True, workers=2) as executor:
            executor.client()  # start the cluster outside the timed region
            dask, ensemble = timed(scenario, n, executor)
        assert np.array_equal(ensemble.values, reference.values)
        rows.append(("Dask LocalCluster, 2 workers", dask))

    print(
        f"capsim replications: {args.scenario.name}, {n} replications, Python "
        f"{platform.python_version()}, {platform.machine()} {platform.system()}\n"
    )
    print("| executor | wall (s) | per run (ms) |")
    print("|---|---:|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} | {1000 * seconds / n:.1f} |")
    print(f"\nparallel efficiency 1 → 2 workers: {one / (2 * two):.0%}")
    if args.dask:
        print(f"Dask overhead against the process pool: {dask / two - 1:+.0%}")


if __name__ == "__main__":
    main()
