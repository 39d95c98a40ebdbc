"""capsim against the independent ``stinger_ref`` model: figures and time per run.

    python benchmarks/independent_model.py [--replications 1000]

Runs ``--replications`` replications of benchmarks/stinger_ref.yaml through
``capsim.simulate`` and of the independent numpy model in
``tests/reference/stinger_ref_model.py``, and prints a Markdown table of the means that
``tests/reference/test_against_capsim.py`` compares (with their standard errors), the
spec's sanity figures, and the wall time per run of each.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing capsim

import capsim  # noqa: E402
from tests.reference import stinger_ref_model as ref  # noqa: E402

SPEC = {"total production": "2,890", "total unmet": "495", "stock at month 60": "1,230"}


def figures(stock: np.ndarray, unmet: np.ndarray, production: np.ndarray) -> dict[str, np.ndarray]:
    """Per-run values of each compared figure, from arrays of shape (runs, months)."""
    return {
        "mean monthly stock": stock.mean(axis=1),
        "total unmet": unmet.sum(axis=1),
        "total production": production.sum(axis=1),
        "stock at month 60": stock[:, 60],
    }


def run_capsim(n: int) -> tuple[dict[str, np.ndarray], float]:
    """Per-run figures of ``n`` capsim runs, and the seconds per run."""
    scenario = capsim.load_scenario(HERE / "stinger_ref.yaml")
    rows: dict[str, list[np.ndarray]] = {"stock": [], "unmet": [], "production": []}
    started = time.perf_counter()
    for seed in range(n):
        results = capsim.simulate(scenario, seed=seed)
        rows["stock"].append(results.series("stock", "stockpile")["army"].to_numpy())
        rows["unmet"].append(results.series("unmet", "stockpile")["army"].to_numpy())
        rows["production"].append(results.series("production", "line")["line"].to_numpy())
    elapsed = (time.perf_counter() - started) / n
    return figures(*(np.stack(rows[key]) for key in ("stock", "unmet", "production"))), elapsed


def run_reference(n: int) -> tuple[dict[str, np.ndarray], float]:
    """Per-run figures of ``n`` runs of the independent model, and the seconds per run."""
    started = time.perf_counter()
    runs = ref.replicate(n, seed=10**6)
    elapsed = (time.perf_counter() - started) / n
    return figures(runs["stock"], runs["unmet"], runs["production"]), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=1000)
    n = parser.parse_args().replications
    capsim_values, capsim_time = run_capsim(n)
    reference_values, reference_time = run_reference(n)
    print(f"{n} replications each\n")
    print("| figure | capsim | independent model | capsim / model - 1 | spec |")
    print("|---|---|---|---|---|")
    for name, values in capsim_values.items():
        mine, theirs = values, reference_values[name]
        error = np.sqrt(mine.var(ddof=1) / n + theirs.var(ddof=1) / n) / theirs.mean()
        print(
            f"| {name} | {mine.mean():.1f} | {theirs.mean():.1f} | "
            f"{mine.mean() / theirs.mean() - 1:+.2%} (s.e. {error:.2%}) | "
            f"{SPEC.get(name, '-')} |"
        )
    print(f"| time per run | {capsim_time * 1e3:.1f} ms | {reference_time * 1e3:.1f} ms | | |")


if __name__ == "__main__":
    main()
