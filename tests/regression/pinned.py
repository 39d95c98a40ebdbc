"""Pinned key results of every bundled scenario, seed 1.

Regenerate after a deliberate change of the model or a scenario, and say why in the
commit: ``python -m tests.regression.pinned``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

import capsim

ROOT = Path(__file__).resolve().parents[2]
PINNED = Path(__file__).with_name("pinned_kpis.json")
SEED = 1
COLUMNS = [
    "lowest_stock", "lowest_stock_date", "recovery_date", "objective_date",
    "months_below_objective", "unmet_total", "delivered_total", "peak_monthly_output",
    "obligated_usd",
]  # fmt: skip


def scenario_files() -> list[Path]:
    """Every scenario file shipped in ``scenarios/``."""
    return sorted((ROOT / "scenarios").rglob("*.yaml"))


def key_results(path: Path) -> dict[str, dict[str, object]]:
    """The pinned columns of a scenario's KPIs, by stockpile, as JSON-ready values."""
    kpis = capsim.simulate(capsim.load_scenario(path), seed=SEED).kpis.set_index("stockpile")
    return {
        str(stockpile): {column: _plain(row[column]) for column in COLUMNS}
        for stockpile, row in kpis.iterrows()
    }


def _plain(value: object) -> object:
    if pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return str(value.date())
    return value.item() if hasattr(value, "item") else value


def main() -> None:
    pinned = {str(path.relative_to(ROOT)): key_results(path) for path in scenario_files()}
    PINNED.write_text(json.dumps(pinned, indent=1, sort_keys=True, default=float) + "\n")
    print(f"pinned {len(pinned)} scenarios in {PINNED}")


if __name__ == "__main__":
    main()
