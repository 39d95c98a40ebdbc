"""Lines and suppliers in deterministic cases: capacity, parts, lead times, expansions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.model.model_builders import (
    BUYER,
    LINE,
    STOCKPILE,
    SYSTEM,
    constraints,
    metric,
    money,
    run,
)


@pytest.mark.parametrize("parts_on_hand", [0, 5000])
def test_constant_capacity_builds_capacity_times_months(
    scenario: dict[str, Any], parts_on_hand: int
) -> None:
    for supplier in scenario["suppliers"].values():
        supplier["initial_inventory"] = parts_on_hand
    contract = scenario["contracts"]["lot1"]
    contract["first_delivery_lag_months"] = 3  # first delivery in April (month 3)

    results = run(scenario)

    production = metric(results, "line", LINE, "production")
    # Built one month ahead of the first delivery month (delivery lag 1), then 10 a month.
    assert production == [0.0, 0.0] + [10.0] * 22
    assert sum(production) == 10 * 22
    assert metric(results, "stockpile", STOCKPILE, "deliveries") == [0.0] * 3 + [10.0] * 21
    assert constraints(results) == ["none", "none"] + ["capacity"] * 22


def test_fractional_capacity_gives_five_per_two_months(scenario: dict[str, Any]) -> None:
    scenario["lines"][LINE]["capacity"] = 2.5

    production = metric(run(scenario), "line", LINE, "production")

    assert production == [2.0, 3.0] * 12
    assert all(a + b == 5 for a, b in zip(production[::2], production[1::2], strict=True))


@pytest.mark.parametrize(
    ("award", "lag", "delivery_lag", "first_delivery"),
    [
        ("2024-01-15", 0, 1, "2024-02-15"),  # lag 0: the line's own delivery lag decides
        ("2024-01-15", 0, 0, "2024-01-15"),
        ("2024-01-15", 3, 1, "2024-04-15"),
        ("2024-02-29", 12, 2, "2025-02-28"),  # 28/29 of February, a year on
        ("2024-01-15", 2.5, 1, "2024-03-31"),  # half of April after 15 March
        ("2024-01-20", 2.5, 1, "2024-04-05"),
        ("2024-01-15", 1, 3, "2024-04-15"),  # the delivery lag is longer than the contract's
    ],
)
def test_no_unit_lands_before_the_first_delivery_date(
    scenario: dict[str, Any], award: str, lag: float, delivery_lag: int, first_delivery: str
) -> None:
    """Lags are in calendar months (month-time); the first unit lands on the date, in days,
    or one unit's build time (a tenth of a month at 10 a month) after it."""
    scenario["contracts"]["lot1"].update(award=award, first_delivery_lag_months=lag)
    scenario["lines"][LINE]["delivery_lag_months"] = delivery_lag

    results = run(scenario)

    events = results.events
    landed = events[events["kind"] == "first_delivery"].iloc[0]
    first_day = dt.date.fromisoformat(first_delivery)
    assert first_day <= landed["date"] <= first_day + dt.timedelta(days=4)
    deliveries = metric(results, "stockpile", STOCKPILE, "deliveries")
    month = (landed["date"].year - 2024) * 12 + landed["date"].month - 1
    assert deliveries[:month] == [0.0] * month and deliveries[month] > 0
    production = metric(results, "line", LINE, "production")
    # Each unit arrives exactly the line's delivery lag after it is built.
    assert deliveries[delivery_lag:] == production[: len(production) - delivery_lag]


def test_slow_supplier_is_the_binding_constraint(scenario: dict[str, Any]) -> None:
    scenario["suppliers"]["seeker_co"].update(capacity=4, initial_inventory=0)

    results = run(scenario)

    # Seeker k arrives at k/4 months; its missile is done a tenth of a month later, so
    # the fourth of January is finished in February.
    assert metric(results, "line", LINE, "production") == [3.0] + [4.0] * 23
    assert constraints(results) == ["seeker"] * 24
    assert "seeker" in set(results.constraints["constraint"])


@pytest.mark.parametrize("lead", [1, 3, 5])
def test_supplier_lead_time_delays_arrival_exactly(scenario: dict[str, Any], lead: int) -> None:
    scenario["suppliers"]["seeker_co"].update(lead_time_months=lead, initial_inventory=0)

    results = run(scenario)

    made = metric(results, "supplier", "seeker_co", "production")
    assert made[0] == 1000.0  # the whole requirement is ordered at award
    in_transit = metric(results, "supplier", "seeker_co", "in_transit")
    assert in_transit[:lead] == [1000.0] * lead
    assert in_transit[lead] == 0.0
    production = metric(results, "line", LINE, "production")
    # The first seeker lands a moment (1/10,000 of a month) after the month starts: the
    # line loses that sliver of capacity, so its first month makes 9, then 10 a month.
    assert production == [0.0] * lead + [9.0] + [10.0] * (23 - lead)
    assert constraints(results)[:lead] == ["seeker"] * lead
    assert constraints(results)[lead:] == ["capacity"] * (24 - lead)


def test_fractional_supplier_lead_time_is_exact(scenario: dict[str, Any]) -> None:
    scenario["suppliers"]["seeker_co"].update(lead_time_months=1.5, initial_inventory=0)

    production = metric(run(scenario), "line", LINE, "production")

    # Seekers land from mid-February: half of February's capacity, less the sliver.
    assert production[:3] == [0.0, 4.0, 10.0]


def test_expansion_adds_capacity_after_lead_time_and_obligates_cost(
    scenario: dict[str, Any],
) -> None:
    scenario["lines"][LINE]["expansions"] = {
        "second_shift": {
            "added_rate": 5,
            "cost": 2_000_000,
            "funded": "2024-03-01",
            "lead_time_months": 2,
            "account": "procurement",
        }
    }

    results = run(scenario)

    capacity = metric(results, "line", LINE, "capacity")
    # Funded 2024-03-01; in effect two calendar months later, from 2024-05-01.
    assert capacity[:4] == [10.0] * 4
    assert capacity[4:] == [15.0] * 20
    assert metric(results, "line", LINE, "production")[:6] == [10, 10, 10, 10, 15, 15]
    obligated = money(results, "obligated")
    row = obligated[obligated["reference"] == "main.second_shift"]
    assert row["amount_usd"].tolist() == [2_000_000]
    assert row["month"].dt.strftime("%Y-%m").tolist() == ["2024-03"]
    events = results.events[results.events["kind"] == "expansion"]
    assert events["date"].astype(str).tolist() == ["2024-03-01"]


def test_expansion_waits_for_money(scenario: dict[str, Any]) -> None:
    scenario["budgets"]["procurement"]["appropriations"].update(fy2024=1_500_000, fy2025=3e6)
    scenario["lines"][LINE]["expansions"] = {
        "second_shift": {
            "added_rate": 5,
            "cost": 2_000_000,
            "funded": "2024-03-01",
            "lead_time_months": 0,
            "account": "procurement",
        }
    }

    results = run(scenario)

    # The contract took 1M of fy2024 money; the expansion waits for fy2025 (October 2024).
    capacity = metric(results, "line", LINE, "capacity")
    assert capacity[:9] == [10.0] * 9
    assert capacity[9:] == [15.0] * 15
    obligated = money(results, "obligated")
    row = obligated[obligated["reference"] == "main.second_shift"]
    assert row["month"].dt.strftime("%Y-%m").tolist() == ["2024-10"]
    assert row["fiscal_year"].tolist() == [2025]


def test_binding_constraint_is_funding_while_a_contract_waits(scenario: dict[str, Any]) -> None:
    scenario["budgets"]["procurement"]["appropriations"].update(fy2024=10_000)

    results = run(scenario)

    assert constraints(results)[:9] == ["funding"] * 9
    assert constraints(results)[9:] == ["capacity"] * 15


def test_binding_constraint_is_backlog_without_orders(scenario: dict[str, Any]) -> None:
    del scenario["contracts"]["lot1"]

    results = run(scenario)

    assert constraints(results) == ["backlog"] * 24
    assert metric(results, "line", LINE, "production") == [0.0] * 24


def test_binding_constraint_is_backlog_once_orders_run_out(scenario: dict[str, Any]) -> None:
    scenario["contracts"]["lot1"]["quantity"] = 25
    # Plenty of parts on hand, so the kits cannot be what binds.
    for supplier in scenario["suppliers"].values():
        supplier["initial_inventory"] = 1000

    results = run(scenario)

    assert metric(results, "line", LINE, "production")[:4] == [10, 10, 5, 0]
    assert constraints(results)[:2] == ["capacity", "capacity"]
    assert constraints(results)[2:] == ["backlog"] * 22


def test_last_partial_month_is_bound_by_backlog_not_by_exactly_ordered_parts(
    scenario: dict[str, Any],
) -> None:
    # The suppliers are asked for exactly what the contract needs (MRP netting), so in the
    # last month the kits on hand equal the remaining need: the order book binds, not parts.
    scenario["contracts"]["lot1"]["quantity"] = 25

    results = run(scenario)

    assert metric(results, "line", LINE, "production")[:4] == [10, 10, 5, 0]
    assert constraints(results)[2] == "backlog"


def test_max_deliveries_per_month_caps_output(scenario: dict[str, Any]) -> None:
    scenario["contracts"]["lot1"]["max_deliveries_per_month"] = 7

    results = run(scenario)

    assert metric(results, "line", LINE, "production") == [7.0] * 24
    assert constraints(results) == ["none"] * 24


def test_minimum_sustaining_rate_flag(scenario: dict[str, Any]) -> None:
    scenario["lines"][LINE]["minimum_sustaining_rate"] = 8
    scenario["contracts"]["lot1"]["quantity"] = 25

    flags = metric(run(scenario), "line", LINE, "below_minimum_sustaining_rate")

    assert flags[:4] == [0.0, 0.0, 1.0, 1.0]


def test_binding_constraint_is_funding_when_a_policy_cannot_pay(
    scenario: dict[str, Any],
) -> None:
    """A reorder policy cut short by its budget makes money, not orders, the constraint."""
    del scenario["contracts"]["lot1"]
    scenario["budgets"]["procurement"]["appropriations"] = {"fy2024": 5_000}
    scenario["stockpiles"]["army_missile"]["initial"] = 0
    scenario["policies"] = {
        "refill": {
            "holder": BUYER,
            "system": SYSTEM,
            "account": "procurement",
            "reorder_point": 50,
            "order_up_to": 100,
            "unit_price": 1000.0,
        }
    }

    results = run(scenario)

    # Month 0 buys the 5 units the money allows; the line builds them, then waits for
    # money until October, when fiscal 2025 has none either.
    assert metric(results, "line", LINE, "production")[:2] == [5, 0]
    assert constraints(results)[:9] == ["funding"] * 9


def test_components_are_ordered_with_a_scrap_allowance(scenario: dict[str, Any]) -> None:
    """At 50 % acceptance, 100 good units need 200 starts' worth of parts, ordered at once."""
    scenario["lines"][LINE]["acceptance_yield"] = 0.5
    scenario["contracts"]["lot1"]["quantity"] = 100
    for supplier in scenario["suppliers"].values():
        supplier["initial_inventory"] = 0

    results = run(scenario)

    assert metric(results, "supplier", "seeker_co", "production")[0] == 200
    assert metric(results, "supplier", "motor_co", "production")[0] == 400
