"""Benchmark replications through ``capsim.replicate`` on the reference workload.

    python benchmarks/replications.py [--replications 1000] [--dask]

Times ``--replications`` replications of benchmarks/stinger_ref.yaml (KPIs and the
monthly arrays of every run, assembled into an Ensemble) serially, on a process pool of
1 and 2 workers (pool start-up included), and optionally on a Dask LocalCluster of 2
workers (cluster start-up excluded), checks that all give identical numbers, and prints
a Markdown table with the parallel efficiency from 1 to 2 workers.
"""

from __future__ import annotations

import argparse
import platform
import sys
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


def main() -> None:
    parser = argparse.ArgumentParser(description="capsim replications benchmark")
    parser.add_argument("--replications", type=int, default=1000)
    parser.add_argument("--scenario", type=Path, default=HERE / "stinger_ref.yaml")
    parser.add_argument("--dask", action="store_true", help="also time a Dask LocalCluster")
    args = parser.parse_args()
    scenario = capsim.load_scenario(args.scenario)
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
