"""Every dated thing happens at its date: the required behaviours of the event-timed core."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from capsim.model.timebase import Phase
from tests.model.model_builders import ALLY, BUYER, LINE, STOCKPILE, SYSTEM, metric, run


@pytest.fixture
def no_contract(scenario: dict[str, Any]) -> dict[str, Any]:
    del scenario["contracts"]["lot1"]
    return scenario


def policy(**extra: Any) -> dict[str, Any]:
    return {
        "holder": BUYER,
        "system": SYSTEM,
        "account": "procurement",
        "reorder_point": 1500,
        "order_up_to": 2000,
        "unit_price": 1.0,
        **extra,
    }


def transfer(quantity: int, date: str) -> dict[str, Any]:
    return {"kind": "transfer", "system": SYSTEM, "from": BUYER, "to": ALLY, "date": date,
            "quantity": quantity}  # fmt: skip


def awards(results: Any) -> list[tuple[str, int]]:
    rows = results.events[results.events["kind"] == "award"]
    return [(str(row.date), int(row.quantity)) for row in rows.itertuples()]


def test_ties_in_one_instant_follow_the_documented_order() -> None:
    order = sorted(Phase, key=int)
    assert order == [Phase.CLOSE, Phase.MONEY, Phase.DELIVERY, Phase.DEMAND, Phase.REVIEW]


@pytest.mark.parametrize(("moved", "review_day"), [("2024-03-01", 1), ("2024-03-10", 15)])
def test_a_demand_before_a_review_in_the_same_month_is_seen_by_it(
    no_contract: dict[str, Any], moved: str, review_day: int
) -> None:
    no_contract["stockpiles"][STOCKPILE]["initial"] = 2000
    no_contract["demands"] = {"aid": transfer(1400, moved)}
    no_contract["policies"] = {
        "replenish": policy(review={"kind": "periodic", "period_months": 1, "day": review_day})
    }

    results = run(no_contract)

    assert awards(results)[0] == (f"2024-03-{review_day:02d}", 1400)


def test_money_enacted_on_a_review_day_is_spent_by_that_review(
    no_contract: dict[str, Any],
) -> None:
    no_contract["budgets"]["procurement"]["appropriations"] = {
        "fy2024": {"amount": 500.0, "enacted": "2024-03-01"}
    }
    no_contract["stockpiles"][STOCKPILE]["initial"] = 2000
    no_contract["demands"] = {"aid": transfer(1400, "2024-03-01")}
    no_contract["policies"] = {"replenish": policy()}

    results = run(no_contract)

    # Money first, then the demand, then the review: all on 1 March.
    assert awards(results)[0] == ("2024-03-01", 500)


def test_the_first_month_of_an_award_is_pro_rated_by_the_days_left(
    scenario: dict[str, Any],
) -> None:
    scenario["contracts"]["lot1"]["award"] = "2024-01-15"  # 17 of January's 31 days left

    production = metric(run(scenario), "line", LINE, "production")

    assert production[:3] == [5.0, 10.0, 10.0]  # floor(10 × 17/31 = 5.48)


def test_a_mid_month_capacity_step_is_pro_rated_by_the_days_left(
    scenario: dict[str, Any],
) -> None:
    scenario["lines"][LINE]["capacity"] = [
        {"date": "2024-01-01", "rate": 10},
        {"date": "2024-03-11", "rate": 40},  # 21 of March's 31 days at 40
    ]
    scenario["lines"][LINE]["ramp"] = "step"

    production = metric(run(scenario), "line", LINE, "production")

    # 10 × 10/31 + 40 × 21/31 = 30.3 units of capacity in March.
    assert production[:4] == [10.0, 10.0, 30.0, 40.0]


def test_output_over_a_linear_ramp_is_its_integral_in_calendar_time(
    scenario: dict[str, Any],
) -> None:
    scenario["scenario"]["horizon_months"] = 40
    scenario["contracts"]["lot1"]["quantity"] = 100_000
    scenario["budgets"]["procurement"]["appropriations"] = {"fy2024": 1e12}
    scenario["lines"][LINE]["capacity"] = [
        {"date": "2024-01-01", "rate": 20},
        {"date": "2026-01-01", "rate": 60},
    ]
    scenario["lines"][LINE]["ramp"] = "linear"
    for supplier in scenario["suppliers"].values():
        supplier["initial_inventory"] = 1_000_000

    production = metric(run(scenario), "line", LINE, "production")

    # 24 months averaging 40, then 12 at 60: 1,680 units by the end of month 36.
    assert abs(sum(production[:36]) - 1680) <= 1
    assert abs(sum(production[:12]) - 12 * 30) <= 1  # 20 → 40 over the first year


def test_the_event_log_has_exact_times(scenario: dict[str, Any]) -> None:
    scenario["contracts"]["lot1"]["award"] = "2024-01-15"

    events = run(scenario).events

    award = events[events["kind"] == "award"].iloc[0]
    assert award["date"] == dt.date(2024, 1, 15)
    assert 14.0 <= award["day"] < 14.001
    delivered = events[events["kind"] == "first_delivery"].iloc[0]
    # Built a tenth of a month after the award, delivered one month later.
    assert dt.date(2024, 2, 15) <= delivered["date"] <= dt.date(2024, 2, 19)
