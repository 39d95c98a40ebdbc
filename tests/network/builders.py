"""A small two-tier network to tweak in tests: two lines share a motor plant, whose
propellant comes from an energetics plant."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from capsim.results import Results

START = dt.date(2024, 1, 1)
ALPHA, BETA = "alpha_line", "beta_line"
MOTORS, ENERGETICS = "motor_plant", "energetics"


def network_scenario(months: int = 36) -> dict[str, Any]:
    """Lines of 40 a month each for systems alpha and beta, one motor per unit from a
    motor plant of 30 a month (so the lines are short of motors), two units of
    propellant per motor from an energetics plant of 200 a month. No lead times, yields
    of 1, ample money, and a contract of 2,000 units for each system on 2024-01-01."""

    def contract(system: str, line: str) -> dict[str, Any]:
        return {
            "buyer": "army", "system": system, "line": line, "quantity": 2000,
            "unit_price": 1000.0, "award": START.isoformat(), "account": "procurement",
        }  # fmt: skip

    return {
        "scenario": {"name": "network", "start": START.isoformat(), "horizon_months": months},
        "systems": {
            "alpha": {"bill_of_materials": {"motor": 1}},
            "beta": {"bill_of_materials": {"motor": 1}},
        },
        "suppliers": {
            MOTORS: {
                "component": "motor",
                "capacity": 30,
                "lead_time_months": 0,
                "bill_of_materials": {"propellant": 2},
            },
            ENERGETICS: {"component": "propellant", "capacity": 200, "lead_time_months": 0},
        },
        "lines": {
            ALPHA: {"system": "alpha", "capacity": 40, "delivery_lag_months": 0},
            BETA: {"system": "beta", "capacity": 40, "delivery_lag_months": 0},
        },
        "budgets": {"procurement": {"appropriations": {f"fy{y}": 1e10 for y in range(2024, 2030)}}},
        "contracts": {"alpha_lot": contract("alpha", ALPHA), "beta_lot": contract("beta", BETA)},
        "stockpiles": {
            "army_alpha": {"holder": "army", "system": "alpha", "initial": 0},
            "army_beta": {"holder": "army", "system": "beta", "initial": 0},
        },
    }


def series(results: Results, kind: str, entity: str, metric: str) -> np.ndarray:
    """One monthly series as an array."""
    return results.series(metric, kind)[entity].to_numpy()


def shipped(results: Results, buyer: str, component: str = "motor") -> np.ndarray:
    """Components shipped to ``buyer`` each month (by the month they were made)."""
    return series(results, "component_stock", f"{buyer}.{component}", "shipped")
