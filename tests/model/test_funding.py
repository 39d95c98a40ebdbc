"""Budgets and contract awards: waiting for money, cutting to it, lapse and carry-over."""

from __future__ import annotations

from typing import Any

import pytest

from tests.model.model_builders import ACCOUNT, LINE, metric, money, run


def set_budget(scenario: dict[str, Any], unspent: str = "lapse", **years: float) -> None:
    scenario["budgets"][ACCOUNT] = {"appropriations": years, "unspent": unspent}


def awards(results: Any) -> list[tuple[str, str, float, float]]:
    events = results.events[results.events["kind"] == "award"]
    return [(row.entity, str(row.date), row.quantity, row.value) for row in events.itertuples()]


def obligated_by_year(results: Any) -> dict[int, float]:
    rows = money(results, "obligated")
    return rows.groupby("fiscal_year")["amount_usd"].sum().to_dict()


def test_wait_awards_when_a_later_appropriation_covers_it(scenario: dict[str, Any]) -> None:
    # 1,000 units at 1,000 USD = 1M; fy2024 has half, fy2025 (from October 2024) enough.
    set_budget(scenario, fy2024=500_000, fy2025=1_200_000)

    results = run(scenario)

    assert awards(results) == [("lot1", "2024-10-01", 1000, 1_000_000)]
    assert obligated_by_year(results) == {2025: 1_000_000}
    lapsed = money(results, "lapsed")
    # fy2024's unobligated half lapses in October 2024; fy2025's rest in October 2025.
    assert lapsed[["fiscal_year", "amount_usd"]].values.tolist() == [
        [2024, 500_000],
        [2025, 200_000],
    ]
    assert metric(results, "line", LINE, "production")[:10] == [0] * 9 + [10]


def test_wait_with_carry_over_pools_the_years(scenario: dict[str, Any]) -> None:
    set_budget(scenario, "carry_over", fy2024=500_000, fy2025=600_000)

    results = run(scenario)

    assert awards(results) == [("lot1", "2024-10-01", 1000, 1_000_000)]
    # Oldest money first.
    assert obligated_by_year(results) == {2024: 500_000, 2025: 500_000}
    assert money(results, "lapsed").empty
    assert metric(results, "account", ACCOUNT, "available_usd")[-1] == pytest.approx(100_000)


def test_wait_never_awarded_when_no_year_covers_it(scenario: dict[str, Any]) -> None:
    set_budget(scenario, fy2024=500_000, fy2025=500_000)

    results = run(scenario)

    assert awards(results) == []
    assert money(results, "obligated").empty
    assert sum(metric(results, "line", LINE, "production")) == 0


def test_cut_awards_what_the_money_buys(scenario: dict[str, Any]) -> None:
    set_budget(scenario, fy2024=333_500, fy2025=0)
    scenario["contracts"]["lot1"]["when_unfunded"] = "cut"

    results = run(scenario)

    assert awards(results) == [("lot1", "2024-01-01", 333, 333_000)]
    assert obligated_by_year(results) == {2024: 333_000}
    lapsed = money(results, "lapsed")
    lapsed = lapsed[lapsed["fiscal_year"] == 2024]
    assert lapsed["amount_usd"].tolist() == [500]
    assert lapsed["month"].dt.strftime("%Y-%m").tolist() == ["2024-10"]
    assert metric(results, "line", LINE, "backlog")[0] == 333 - 10


def test_cut_with_nothing_affordable_waits(scenario: dict[str, Any]) -> None:
    set_budget(scenario, fy2024=999, fy2025=5_000)
    scenario["contracts"]["lot1"]["when_unfunded"] = "cut"

    results = run(scenario)

    assert awards(results) == [("lot1", "2024-10-01", 5, 5_000)]


def test_lapse_expires_unobligated_money_at_year_end(scenario: dict[str, Any]) -> None:
    del scenario["contracts"]["lot1"]
    set_budget(scenario, "lapse", fy2024=1_000, fy2025=2_000)

    results = run(scenario)

    available = metric(results, "account", ACCOUNT, "available_usd")
    assert available[:9] == [1_000] * 9
    assert available[9:21] == [2_000] * 12
    assert available[21:] == [0] * 3  # fy2026 appropriates nothing
    lapsed = money(results, "lapsed")
    assert lapsed[["fiscal_year", "amount_usd"]].values.tolist() == [[2024, 1_000], [2025, 2_000]]


def test_carry_over_keeps_unobligated_money(scenario: dict[str, Any]) -> None:
    del scenario["contracts"]["lot1"]
    set_budget(scenario, "carry_over", fy2024=1_000, fy2025=2_000)

    results = run(scenario)

    available = metric(results, "account", ACCOUNT, "available_usd")
    assert available[:9] == [1_000] * 9
    assert available[9:] == [3_000] * 15
    assert money(results, "lapsed").empty


def test_outlays_follow_deliveries(scenario: dict[str, Any]) -> None:
    results = run(scenario)

    outlaid = money(results, "outlaid")
    assert outlaid["amount_usd"].tolist() == [10_000.0] * 23
    assert outlaid["month"].dt.strftime("%Y-%m").iloc[0] == "2024-02"


def test_outlays_charged_to_oldest_money_of_the_obligation(scenario: dict[str, Any]) -> None:
    set_budget(scenario, "carry_over", fy2024=15_000, fy2025=1_000_000)
    scenario["contracts"]["lot1"]["quantity"] = 100
    scenario["contracts"]["lot1"]["award"] = "2024-10-15"  # obligates 15k fy2024 + 85k fy2025

    results = run(scenario)

    outlaid = money(results, "outlaid")
    first = outlaid[outlaid["month"] == outlaid["month"].min()]
    # Awarded on the 15th, the line builds 5 units in the rest of October (10 a month
    # pro-rated by the days left); their delivery (5k) is paid from fy2024 money.
    assert first[["fiscal_year", "amount_usd"]].values.tolist() == [[2024, 5_000]]
    by_year = outlaid.groupby("fiscal_year")["amount_usd"].sum().to_dict()
    assert by_year == pytest.approx({2024: 15_000, 2025: 85_000})


def test_multiyear_lots_are_funded_year_by_year(scenario: dict[str, Any]) -> None:
    # 20 units from fy2024 money at award, 200 from fy2025 money when fy2025 opens.
    set_budget(scenario, fy2024=20_000, fy2025=200_000)
    contract = scenario["contracts"]["lot1"]
    contract.update(quantity=220, lots={"fy2024": 20, "fy2025": 200})

    results = run(scenario)

    assert awards(results) == [
        ("lot1.fy2024", "2024-01-01", 20, 20_000),
        ("lot1.fy2025", "2024-10-01", 200, 200_000),
    ]
    assert obligated_by_year(results) == {2024: 20_000, 2025: 200_000}
    assert money(results, "lapsed").empty
    production = metric(results, "line", LINE, "production")
    # The line builds the first lot, then waits for the second lot's money.
    assert production[:2] == [10, 10] and production[2:9] == [0] * 7
    assert production[9:] == [10] * 15


def test_a_lot_waits_for_its_years_money(scenario: dict[str, Any]) -> None:
    set_budget(scenario, fy2024=20_000)
    scenario["budgets"][ACCOUNT]["appropriations"]["fy2025"] = {
        "amount": 200_000,
        "enacted": "2025-03-01",  # a continuing resolution until March
    }
    scenario["contracts"]["lot1"].update(quantity=220, lots={"fy2024": 20, "fy2025": 200})

    results = run(scenario)

    assert [award[:2] for award in awards(results)] == [
        ("lot1.fy2024", "2024-01-01"),
        ("lot1.fy2025", "2025-03-01"),
    ]
    production = metric(results, "line", LINE, "production")
    assert sum(production[:14]) == 20 and production[14] == 10


def test_each_lot_delivers_after_the_lag_from_its_own_funding(scenario: dict[str, Any]) -> None:
    contract = scenario["contracts"]["lot1"]
    contract.update(quantity=20, lots={"fy2024": 10, "fy2025": 10}, first_delivery_lag_months=6)

    results = run(scenario)

    deliveries = metric(results, "stockpile", "army_missile", "deliveries")
    # fy2024 lot: awarded 2024-01-01, first delivery July 2024 (month 6);
    # fy2025 lot: funded 2024-10-01, first delivery April 2025 (month 15).
    assert deliveries[6] == 10 and sum(deliveries[:6]) == 0
    assert deliveries[15] == 10 and sum(deliveries[7:15]) == 0
