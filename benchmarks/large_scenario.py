"""A large scenario: does ``capsim run`` stay within about twice the simulation's cost?

    python benchmarks/large_scenario.py [--copies 200] [--years 100]

Generates the reference workload ``--copies`` times over (``make_ten_lines.py``) with a
horizon of ``--years`` years, then measures, each in a fresh process:

- the simulation alone (``simulate`` and its KPIs): wall time and peak resident memory;
- ``capsim run FILE`` end to end (tables, figure, manifest): the same;
- ``capsim run FILE --no-plot``.

Prints a Markdown table with the ratios to the simulation alone.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent

SIMULATE = """
import resource, sys, time
import capsim
scenario = capsim.load_scenario(sys.argv[1])
start = time.perf_counter()
results = capsim.simulate(scenario, seed=1)
results.kpis
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""

MEASURED = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run([sys.executable, "-m", "capsim.cli", *sys.argv[1:]], capture_output=True)
assert done.returncode == 0, done.stderr.decode()
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""


def measure(code: str, *args: str) -> tuple[float, float]:
    """Seconds and peak MiB printed by a fresh Python running ``code``."""
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         check=True).stdout.split()  # fmt: skip
    return float(out[0]), float(out[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--years", type=int, default=100)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        path = work / "large.yaml"
        subprocess.run([sys.executable, str(HERE / "make_ten_lines.py"), "--copies",
                        str(arguments.copies), "--output", str(path)], check=True)  # fmt: skip
        data = yaml.safe_load(path.read_text())
        data["scenario"]["horizon_months"] = 12 * arguments.years
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        started = time.perf_counter()
        alone = measure(SIMULATE, str(path))
        full = measure(MEASURED, "run", str(path), "--quiet", "--out", str(work / "a"))
        bare = measure(MEASURED, "run", str(path), "--quiet", "--no-plot", "--out",
                       str(work / "b"))  # fmt: skip
    print(f"{arguments.copies} systems over {arguments.years} years "
          f"(measured in {time.perf_counter() - started:.0f} s)\n")  # fmt: skip
    print(
        "| measure | wall time (s) | peak memory (MiB) | time / simulation | memory / simulation |"
    )
    print("|---|---:|---:|---:|---:|")
    for name, (seconds, mib) in (
        ("simulate + KPIs", alone),
        ("capsim run", full),
        ("capsim run --no-plot", bare),
    ):
        print(f"| {name} | {seconds:.1f} | {mib:.0f} | {seconds / alone[0]:.2f} | "
              f"{mib / alone[1]:.2f} |")  # fmt: skip


if __name__ == "__main__":
    main()
