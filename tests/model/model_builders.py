"""Builders of small valid scenarios for the model tests, as plain dicts to tweak."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pandas as pd

from capsim.engine import simulate
from capsim.results import Results
from capsim.scenario.references import find_reference_problems
from capsim.scenario.schema import Scenario

START = dt.date(2024, 1, 1)
"""Start of every test scenario: month 0 is January 2024, inside fiscal year 2024."""

SYSTEM = "missile"
LINE = "main"
ACCOUNT = "procurement"
BUYER = "army"
ALLY = "ally"
STOCKPILE = "army_missile"
ALLY_STOCKPILE = "ally_missile"


def minimal_scenario(months: int = 24) -> dict[str, Any]:
    """One system (1 seeker + 2 motors per unit), two suppliers, one line of 10/month.

    The suppliers hold enough parts at the line for every unit, so that supply does not
    bind unless a test makes it (tests of suppliers set ``initial_inventory`` to 0).

    One ample budget and one ample contract of 1,000 units at 1,000 USD awarded on
    2024-01-01 with no first-delivery lag; stockpiles for the buyer and for an ally.
    """
    return {
        "scenario": {"name": "test", "start": START.isoformat(), "horizon_months": months},
        "systems": {SYSTEM: {"bill_of_materials": {"seeker": 1, "motor": 2}}},
        "suppliers": {
            "seeker_co": {
                "component": "seeker",
                "capacity": 10_000,
                "lead_time_months": 0,
                "initial_inventory": 10_000,
            },
            "motor_co": {
                "component": "motor",
                "capacity": 10_000,
                "lead_time_months": 0,
                "initial_inventory": 10_000,
            },
        },
        "lines": {LINE: {"system": SYSTEM, "capacity": 10, "delivery_lag_months": 1}},
        "budgets": {
            ACCOUNT: {
                "appropriations": {f"fy{year}": 1e9 for year in range(2024, 2034)},
            }
        },
        "contracts": {
            "lot1": {
                "buyer": BUYER,
                "system": SYSTEM,
                "quantity": 1000,
                "unit_price": 1000.0,
                "award": "2024-01-01",
                "account": ACCOUNT,
            }
        },
        "stockpiles": {
            STOCKPILE: {"holder": BUYER, "system": SYSTEM, "initial": 0},
            ALLY_STOCKPILE: {"holder": ALLY, "system": SYSTEM, "initial": 0},
        },
    }


def build(data: dict[str, Any]) -> Scenario:
    """Validate a scenario dict, refusing cross-reference problems too."""
    scenario = Scenario.model_validate(copy.deepcopy(data))
    problems = find_reference_problems(scenario)
    assert not problems, problems
    return scenario


def run(data: dict[str, Any], seed: int = 1) -> Results:
    """Validate and simulate a scenario dict."""
    return simulate(build(data), seed=seed)


def metric(results: Results, entity_kind: str, entity: str, name: str) -> list[float]:
    """One monthly series as a list, in month order."""
    table = results.series(name, entity_kind)
    return table[entity].tolist()


def constraints(results: Results, line: str = LINE) -> list[str]:
    """The binding constraint of ``line``, month by month."""
    rows = results.constraints[results.constraints["line"] == line]
    return rows["constraint"].tolist()


def money(results: Results, flow: str) -> pd.DataFrame:
    """Ledger rows of one flow."""
    return results.money[results.money["flow"] == flow]
