"""Several sources for one component, qualification, funded supplier expansions,
advance procurement and buffer stocks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tests.model.model_builders import money, run
from tests.network.builders import ALPHA, BETA, MOTORS, network_scenario, series, shipped

SECOND = "second_motors"


@pytest.fixture
def scenario() -> dict[str, Any]:
    """The network with a second motor source of 30 a month."""
    data = network_scenario(months=24)
    data["suppliers"][SECOND] = {"component": "motor", "capacity": 30, "lead_time_months": 1}
    return data


def ordered_from(results: Any, supplier: str) -> float:
    return float(series(results, "supplier", supplier, "production").sum()
                 + series(results, "supplier", supplier, "backlog")[-1])  # fmt: skip


def test_shares_split_orders_between_sources(scenario: dict[str, Any]) -> None:
    scenario["sourcing"] = {"motor": {"rule": "shares", "shares": {MOTORS: 0.75, SECOND: 0.25}}}
    results = run(scenario)
    first, second = ordered_from(results, MOTORS), ordered_from(results, SECOND)
    assert first + second == 4000
    assert abs(first - 3000) <= 2 and abs(second - 1000) <= 2


def test_primary_overflow_fills_the_primary_window_first(scenario: dict[str, Any]) -> None:
    scenario["sourcing"] = {
        "motor": {"rule": "primary_overflow", "order": [MOTORS, SECOND], "overflow_after_months": 6}
    }  # fmt: skip
    results = run(scenario)
    # The primary holds at most six months of its capacity (180) on order; the rest
    # overflows, and comes back to it at each monthly planning run: it never idles.
    assert (series(results, "supplier", MOTORS, "backlog") <= 180).all()
    # (29 in the first month: its first propellant comes a moment after the start.)
    assert (series(results, "supplier", MOTORS, "production")[1:] == 30).all()
    assert ordered_from(results, MOTORS) + ordered_from(results, SECOND) == 4000


def test_orders_move_to_a_source_once_it_qualifies(scenario: dict[str, Any]) -> None:
    """The new source is first in line but qualifies only in January 2025: until then the
    orders overflow to the old plant, and then the waiting ones move to the new one."""
    scenario["suppliers"][SECOND].update(qualified="2025-01-01", lead_time_months=0)
    scenario["sourcing"] = {
        "motor": {"rule": "primary_overflow", "order": [SECOND, MOTORS], "overflow_after_months": 3}
    }  # fmt: skip
    results = run(scenario)
    second = series(results, "supplier", SECOND, "production")
    assert second[:12].sum() == 0 and (second[12:] == 30).all()
    assert (series(results, "supplier", MOTORS, "production")[1:] == 30).all()
    assert ordered_from(results, MOTORS) + ordered_from(results, SECOND) == 4000


def test_a_source_delivers_nothing_before_it_is_qualified(scenario: dict[str, Any]) -> None:
    scenario["suppliers"][SECOND]["qualified"] = "2025-01-01"
    scenario["sourcing"] = {"motor": {"rule": "shares", "shares": {MOTORS: 0.5, SECOND: 0.5}}}
    results = run(scenario)
    made = series(results, "supplier", SECOND, "production")
    assert made[:12].sum() == 0 and made[12] == 30
    assert series(results, "supplier", SECOND, "capacity")[:12].sum() == 0
    waiting = results.supplier_constraints.query("supplier == @SECOND")["constraint"]
    assert set(waiting.iloc[:12]) == {"qualification"}
    # A second source doubles motor output once qualified.
    assert series(results, "supplier", MOTORS, "production")[12] == 30


def test_a_funded_supplier_expansion_adds_capacity_after_its_lead_time() -> None:
    data = network_scenario(months=24)
    data["budgets"]["industrial_base"] = {"appropriations": {"fy2024": 100e6}}
    data["suppliers"][MOTORS]["expansions"] = {
        "camden": {
            "added_rate": 20, "cost": 150e6, "funded": "2024-02-01", "lead_time_months": 6,
            "account": "industrial_base",
        }
    }  # fmt: skip
    data["budgets"]["industrial_base"]["appropriations"]["fy2025"] = 200e6
    results = run(data)
    capacity = series(results, "supplier", MOTORS, "capacity")
    # 100M in fy2024 cannot pay 150M: funded when fy2025's 200M arrives (October 2024),
    # in effect six months later (April 2025).
    assert (capacity[:15] == 30).all() and (capacity[15:] == 50).all()
    obligated = money(results, "obligated").query("account == 'industrial_base'")
    assert obligated["amount_usd"].sum() == 150e6
    assert obligated["month"].min() == np.datetime64("2024-10-01")


def test_advance_procurement_buys_long_lead_motors_ahead_of_the_lot() -> None:
    def first_line_start(advance: bool) -> int:
        data = network_scenario(months=36)
        data["suppliers"][MOTORS]["lead_time_months"] = 12
        del data["contracts"]["beta_lot"]
        contract = data["contracts"]["alpha_lot"]
        contract["award"] = "2025-01-01"
        if advance:
            contract["advance_procurement"] = {
                "months_before": 12, "components": ["motor"], "cost": 5e6
            }  # fmt: skip
        results = run(data)
        starts = series(results, "line", ALPHA, "starts")
        return int(np.argmax(starts > 0))

    # Without: award in month 12, motors a year later. With: motors ordered in month 0.
    assert first_line_start(advance=False) == 24
    assert first_line_start(advance=True) == 12


def test_advance_procurement_obligates_its_cost_and_is_logged() -> None:
    data = network_scenario(months=24)
    data["contracts"]["alpha_lot"]["award"] = "2025-01-01"
    data["contracts"]["alpha_lot"]["advance_procurement"] = {
        "months_before": 6, "components": ["motor"], "cost": 5e6
    }  # fmt: skip
    results = run(data)
    rows = money(results, "obligated").query("reference.str.endswith('advance_procurement')")
    assert rows["amount_usd"].tolist() == [5e6]
    assert rows["month"].tolist() == [np.datetime64("2024-07-01")]
    assert "advance_procurement" in set(results.events["kind"])


def test_a_buffer_stock_is_bought_at_the_start_and_kept(scenario: dict[str, Any]) -> None:
    del scenario["suppliers"][SECOND]
    scenario["lines"][BETA]["buffer_stock"] = {"motor": 100}
    scenario["contracts"]["beta_lot"]["award"] = "2025-01-01"
    scenario["contracts"]["alpha_lot"]["quantity"] = 100
    results = run(scenario)
    stock = series(results, "component_stock", f"{BETA}.motor", "inventory")
    assert stock[6] == 100  # bought in the first months, though beta has no contract yet
    assert shipped(results, BETA)[:12].sum() == 100
