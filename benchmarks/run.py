"""Benchmark capsim on the reference workload (bench/stinger_ref.md).

    python benchmarks/run.py [--replications 1000] [--repeats 20]

Measures, on benchmarks/stinger_ref.yaml (one line) and benchmarks/ten_lines.yaml (ten
independent copies):

- one run: median wall time of ``simulate(scenario, seed=k)`` plus its KPIs over
  ``--repeats`` runs (after one warm-up run): what a replication costs;
- one run with tables: the same plus every Results DataFrame (timeseries, money,
  constraints, events; built lazily by Results), what a single ``capsim run`` costs;
- replications: ``--replications`` runs in series, seeds 0..N-1, total and per run;
- ten lines: median time of one run of the ten-line scenario, and its ratio to one line;
- memory: tracemalloc peak of one run (measured in a separate pass, since tracemalloc
  slows Python down) and the process's peak resident set size (getrusage ru_maxrss).

Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Results builds its tables lazily; the benchmark builds them inside the timed region.
TABLES = ("timeseries", "money", "constraints", "events", "kpis")
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing capsim

from capsim.engine import simulate  # noqa: E402
from capsim.scenario_files.loader import load_scenario  # noqa: E402


def run(scenario: object, seed: int, tables: tuple[str, ...] = ("kpis",)) -> object:
    """One run and its KPIs, and optionally every Results DataFrame."""
    results = simulate(scenario, seed=seed)
    for name in tables:
        getattr(results, name)
    return results


def time_runs(scenario: object, seeds: range, tables: tuple[str, ...] = ("kpis",)) -> list[float]:
    """Wall time of one run per seed, in seconds."""
    times = []
    for seed in seeds:
        t0 = time.perf_counter()
        run(scenario, seed, tables)
        times.append(time.perf_counter() - t0)
    return times


def traced_peak(scenario: object) -> int:
    """Peak bytes allocated by Python during one run (tracemalloc)."""
    tracemalloc.start()
    try:
        run(scenario, 0)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def max_rss_mib() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return rss / 2**20 if sys.platform == "darwin" else rss / 2**10


def main() -> None:
    parser = argparse.ArgumentParser(description="capsim benchmark (bench/stinger_ref.md)")
    parser.add_argument("--replications", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=20, help="runs for the single-run median")
    parser.add_argument("--scenario", type=Path, default=HERE / "stinger_ref.yaml")
    parser.add_argument("--ten", type=Path, default=HERE / "ten_lines.yaml")
    args = parser.parse_args()

    one = load_scenario(args.scenario)
    ten = load_scenario(args.ten)

    run(one, 0)  # warm-up: imports, caches
    single = statistics.median(time_runs(one, range(args.repeats)))
    with_tables = statistics.median(time_runs(one, range(args.repeats), TABLES))

    t0 = time.perf_counter()
    time_runs(one, range(args.replications))
    total = time.perf_counter() - t0

    run(ten, 0)
    ten_single = statistics.median(time_runs(ten, range(args.repeats)))

    peak_one = traced_peak(one)
    peak_ten = traced_peak(ten)

    rows = [
        (f"one run with KPIs, median of {args.repeats} (s)", f"{single:.4f}"),
        (f"one run with all tables, median of {args.repeats} (s)", f"{with_tables:.4f}"),
        (f"{args.replications} replications, serial, total (s)", f"{total:.2f}"),
        (f"{args.replications} replications, per run (s)", f"{total / args.replications:.4f}"),
        (f"ten lines, one run, median of {args.repeats} (s)", f"{ten_single:.4f}"),
        ("ten lines / one line", f"{ten_single / single:.2f}"),
        ("tracemalloc peak, one run, one line (MiB)", f"{peak_one / 2**20:.1f}"),
        ("tracemalloc peak, one run, ten lines (MiB)", f"{peak_ten / 2**20:.1f}"),
        ("max RSS of the process (MiB)", f"{max_rss_mib():.1f}"),
    ]
    print(
        f"capsim benchmark: {args.scenario.name}, Python {platform.python_version()}, "
        f"{platform.machine()} {platform.system()}\n"
    )
    width = max(len(name) for name, _ in rows)
    print(f"| {'measure':<{width}} | value |")
    print(f"|{'-' * (width + 2)}|------:|")
    for name, value in rows:
        print(f"| {name:<{width}} | {value} |")


if __name__ == "__main__":
    main()
