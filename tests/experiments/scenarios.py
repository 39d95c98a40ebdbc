"""Small scenarios, as data, for the experiment tests."""

from __future__ import annotations

import copy
from typing import Any

import capsim

BASE_STOCK: dict[str, Any] = {
    "scenario": {
        "name": "base_stock",
        "start": "2025-01-01",
        "horizon_months": 36,
        "seed": 11,
        "fiscal_year_start_month": 1,
        "unmet_demand": "backorder",
    },
    "systems": {"missile": {}},
    "lines": {
        "plant": {"system": "missile", "capacity": 10_000, "ramp": "step", "delivery_lag_months": 1}
    },
    "budgets": {"army": {"appropriations": {f"fy{year}": 1e12 for year in range(2025, 2028)}}},
    "stockpiles": {"depot": {"holder": "army", "system": "missile", "initial": 30}},
    "demands": {"use": {"kind": "expenditure", "holder": "army", "system": "missile", "rate": 10}},
    "policies": {
        "base_stock": {
            "holder": "army",
            "system": "missile",
            "account": "army",
            "reorder_point": 30,
            "order_up_to": 30,
            "unit_price": 1.0,
        }
    },
}
"""One-for-one base stock S = 30 against Poisson(10) monthly demand, backordered."""


def scenario(
    changes: dict[str, Any] | None = None, base: dict[str, Any] = BASE_STOCK
) -> capsim.Scenario:
    """The base-stock scenario with top-level sections replaced or deep-merged."""
    data = copy.deepcopy(base)
    for key, value in (changes or {}).items():
        data[key] = _merge(data.get(key), value)
    return capsim.parse_scenario(data)


def _merge(old: Any, new: Any) -> Any:
    if isinstance(old, dict) and isinstance(new, dict):
        merged = dict(old)
        for key, value in new.items():
            merged[key] = _merge(old.get(key), value)
        return merged
    return new
