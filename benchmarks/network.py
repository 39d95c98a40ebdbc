"""Benchmark the supply network (issue "The industrial base as a network").

    python benchmarks/network.py [--repeats 10]

- **portfolio**: median wall time of one 10-year run, with its KPIs, of
  ``scenarios/munitions_portfolio/baseline.yaml`` (three systems sharing a motor plant);
- **scaling**: generated networks of 10, 50 and 200 systems over a shared pool of
  suppliers (one supplier per five systems for each of two components, each supplier
  serving about five lines, plus a shared sub-tier of energetics), each system with its
  own line, stockpile, contract and a transfer drawing its stock; the median time of
  one 10-year run of each, and the exponent ``b`` of the least-squares fit
  ``time = a · systems^b`` on log-log axes (1 is linear).

Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from capsim.engine import simulate  # noqa: E402
from capsim.scenario.schema import Scenario  # noqa: E402
from capsim.scenario_files.loader import load_scenario  # noqa: E402

PORTFOLIO = ROOT / "scenarios" / "munitions_portfolio" / "baseline.yaml"
SIZES = (10, 50, 200)


def generated(systems: int) -> Scenario:
    """``systems`` missiles over a shared pool of suppliers, 10 years from 2025."""
    pool = max(systems // 5, 1)
    data: dict[str, Any] = {
        "scenario": {"name": f"network_{systems}", "start": "2025-01-01", "horizon_months": 120},
        "systems": {},
        "suppliers": {
            "energetics": {"component": "propellant", "capacity": 40 * systems,
                           "lead_time_months": 3},
        },
        "lines": {},
        "budgets": {"procurement": {"appropriations": {f"fy{y}": 1e13 for y in range(2025, 2036)}}},
        "contracts": {},
        "stockpiles": {},
        "demands": {},
    }  # fmt: skip
    for k in range(pool):
        data["suppliers"][f"motor_{k:03d}"] = {
            "component": f"motor_{k:03d}", "capacity": 100, "lead_time_months": 6,
            "bill_of_materials": {"propellant": 2}, "yield": 0.97,
        }  # fmt: skip
        data["suppliers"][f"seeker_{k:03d}"] = {
            "component": f"seeker_{k:03d}", "capacity": 120, "lead_time_months": 9,
            "disruptions": {"mean_time_between_months": 36, "mean_duration_months": 2},
        }  # fmt: skip
    for s in range(systems):
        name = f"missile_{s:03d}"
        motor, seeker = f"motor_{s % pool:03d}", f"seeker_{(s * 7) % pool:03d}"
        data["systems"][name] = {"bill_of_materials": {motor: 1, seeker: 1}}
        data["lines"][f"line_{s:03d}"] = {"system": name, "capacity": 25, "acceptance_yield": 0.98}
        data["stockpiles"][f"army_{s:03d}"] = {"holder": "army", "system": name, "initial": 1000}
        data["stockpiles"][f"ally_{s:03d}"] = {"holder": "ally", "system": name, "initial": 0}
        data["contracts"][f"buy_{s:03d}"] = {
            "buyer": "army", "system": name, "quantity": 1500, "unit_price": 1e5,
            "award": "2025-06-01", "account": "procurement", "first_delivery_lag_months": 12,
        }  # fmt: skip
        data["demands"][f"aid_{s:03d}"] = {
            "kind": "transfer", "from": "army", "to": "ally", "system": name,
            "quantity": 600, "date": "2025-03-01",
        }  # fmt: skip
    return Scenario.model_validate(data)


def median_run(scenario: Scenario, repeats: int) -> float:
    """Median seconds of one run with its KPIs, after a warm-up run."""
    _ = simulate(scenario, seed=0).kpis  # KPIs are computed on first access
    times = []
    for seed in range(repeats):
        began = time.perf_counter()
        _ = simulate(scenario, seed=seed).kpis
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    arguments = parser.parse_args()
    print("| measure | systems | suppliers | median one run (ms) |")
    print("|---|---:|---:|---:|")
    if PORTFOLIO.exists():
        portfolio = load_scenario(PORTFOLIO)
        seconds = median_run(portfolio, arguments.repeats)
        print(f"| portfolio, 10 years | {len(portfolio.lines)} | {len(portfolio.suppliers)} "
              f"| {seconds * 1e3:.1f} |")  # fmt: skip
    sizes, seconds_each = [], []
    for systems in SIZES:
        scenario = generated(systems)
        repeats = max(arguments.repeats * SIZES[0] // systems, 3)
        seconds = median_run(scenario, repeats)
        sizes.append(systems)
        seconds_each.append(seconds)
        print(f"| generated | {systems} | {len(scenario.suppliers)} | {seconds * 1e3:.1f} |")
    slope = float(np.polyfit(np.log(sizes), np.log(seconds_each), 1)[0])
    print(f"\nfitted exponent b (time ∝ systems^b): {slope:.2f}"
          f" (from {', '.join(f'{math.log(s):.2f}' for s in sizes)} in log systems)")  # fmt: skip


if __name__ == "__main__":
    main()
