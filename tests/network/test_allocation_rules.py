"""A shared supplier's allocation rules, each against its definition."""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np
import pytest

from capsim.model.supply_allocation import Buyer, FairQueue, divide
from capsim.scenario.network import SupplyAllocation
from tests.model.model_builders import run
from tests.network.builders import ALPHA, BETA, MOTORS, network_scenario, series, shipped


def buyers(*orders: tuple[str, list[tuple[float, int]]]) -> list[Buyer]:
    made = []
    for name, placed in orders:
        buyer = Buyer(name, inbound=None)  # type: ignore[arg-type]
        buyer.orders = deque([[time, float(units)] for time, units in placed])
        buyer.outstanding = sum(units for _, units in placed)
        made.append(buyer)
    return made


def given(blocks: list[tuple[Buyer, int]]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for buyer, units in blocks:
        totals[buyer.id] = totals.get(buyer.id, 0) + units
    return totals


def test_first_come_serves_the_oldest_order_first() -> None:
    a, b = buyers(("a", [(2.0, 5), (4.0, 5)]), ("b", [(3.0, 5)]))
    blocks = divide(SupplyAllocation(), [a, b], 12, FairQueue())
    assert [(buyer.id, units) for buyer, units in blocks] == [("a", 5), ("b", 5), ("a", 2)]


def test_first_come_breaks_ties_by_buyer_id_not_by_position() -> None:
    a, b = buyers(("a", [(1.0, 5)]), ("b", [(1.0, 5)]))
    forward = divide(SupplyAllocation(), [a, b], 5, FairQueue())
    backward = divide(SupplyAllocation(), [b, a], 5, FairQueue())
    assert given(forward) == given(backward) == {"a": 5}


def test_priority_follows_the_ranking_then_first_come() -> None:
    a, b, c = buyers(("a", [(0.0, 5)]), ("b", [(1.0, 5)]), ("c", [(2.0, 5)]))
    allocation = SupplyAllocation(rule="priority", ranking=("c",))
    blocks = divide(allocation, [a, b, c], 8, FairQueue())
    assert [(buyer.id, units) for buyer, units in blocks] == [("c", 5), ("a", 3)]


def test_dpas_serves_dx_before_do_before_unrated() -> None:
    a, b, c = buyers(("a", [(0.0, 5)]), ("b", [(1.0, 5)]), ("c", [(2.0, 5)]))
    allocation = SupplyAllocation(rule="dpas", ratings={"b": "DO", "c": "DX"})
    blocks = divide(allocation, [a, b, c], 12, FairQueue())
    assert [(buyer.id, units) for buyer, units in blocks] == [("c", 5), ("b", 5), ("a", 2)]


@pytest.mark.parametrize("batches", [[100], [1] * 100, [7, 13, 1, 29, 50]])
def test_shares_hold_within_one_unit_over_any_batching(batches: list[int]) -> None:
    a, b, c = buyers(("a", [(0.0, 1000)]), ("b", [(0.0, 1000)]), ("c", [(0.0, 1000)]))
    allocation = SupplyAllocation(rule="shares", shares={"a": 0.5, "b": 0.3, "c": 0.2})
    queue, totals, made = FairQueue(), {"a": 0, "b": 0, "c": 0}, 0
    for batch in batches:
        for buyer, units in divide(allocation, [a, b, c], batch, queue):
            buyer.take(units)
            totals[buyer.id] += units
        made += batch
        for name, share in allocation.shares.items():
            assert abs(totals[name] - share * made) <= 1.0


def test_a_share_not_wanted_goes_to_the_others() -> None:
    a, b = buyers(("a", [(0.0, 10)]), ("b", [(0.0, 1000)]))
    allocation = SupplyAllocation(rule="shares", shares={"a": 0.5, "b": 0.5})
    assert given(divide(allocation, [a, b], 100, FairQueue())) == {"a": 10, "b": 90}


def test_proportional_follows_outstanding_orders() -> None:
    a, b = buyers(("a", [(0.0, 300)]), ("b", [(5.0, 100)]))
    allocation = SupplyAllocation(rule="proportional")
    assert given(divide(allocation, [a, b], 40, FairQueue())) == {"a": 30, "b": 10}


def test_a_batch_never_gives_more_than_is_outstanding() -> None:
    a, b = buyers(("a", [(0.0, 3)]), ("b", [(1.0, 4)]))
    for rule in ("first_come", "proportional"):
        assert (
            sum(given(divide(SupplyAllocation(rule=rule), [a, b], 50, FairQueue())).values()) == 7
        )


# In a run: the motor plant makes 30 a month for two lines that want 40 each.


@pytest.fixture
def scenario() -> dict[str, Any]:
    return network_scenario(months=24)


def test_shares_in_a_run_hold_within_one_unit_a_month(scenario: dict[str, Any]) -> None:
    scenario["suppliers"][MOTORS]["allocation"] = {
        "rule": "shares", "shares": {ALPHA: 0.7, BETA: 0.3}
    }  # fmt: skip
    results = run(scenario)
    made = series(results, "supplier", MOTORS, "production")
    assert made.sum() > 600
    np.testing.assert_allclose(shipped(results, ALPHA), 0.7 * made, atol=1.0)
    np.testing.assert_allclose(shipped(results, BETA), 0.3 * made, atol=1.0)


def test_priority_in_a_run_fills_the_ranked_line_first(scenario: dict[str, Any]) -> None:
    scenario["suppliers"][MOTORS]["allocation"] = {"rule": "priority", "ranking": [BETA]}
    results = run(scenario)
    # Beta's 2,000 motors take 2,000 / 30 ≈ 67 months: alpha gets none in two years.
    assert shipped(results, ALPHA).sum() == 0
    assert shipped(results, BETA).sum() == series(results, "supplier", MOTORS, "production").sum()


def test_dpas_in_a_run_serves_dx_first(scenario: dict[str, Any]) -> None:
    scenario["suppliers"][MOTORS]["allocation"] = {
        "rule": "dpas", "ratings": {ALPHA: "DO", BETA: "DX"}
    }  # fmt: skip
    results = run(scenario)
    assert shipped(results, ALPHA).sum() == 0 and shipped(results, BETA).sum() > 0


def test_first_come_in_a_run_serves_the_earlier_award(scenario: dict[str, Any]) -> None:
    scenario["contracts"]["beta_lot"]["award"] = "2024-03-01"
    results = run(scenario)
    # Alpha ordered its 2,000 motors two months before beta: beta waits behind them.
    assert shipped(results, BETA).sum() == 0 and shipped(results, ALPHA).sum() > 600


def test_proportional_in_a_run_splits_by_outstanding_orders(scenario: dict[str, Any]) -> None:
    scenario["contracts"]["beta_lot"]["quantity"] = 1000
    scenario["suppliers"][MOTORS]["allocation"] = {"rule": "proportional"}
    results = run(scenario)
    first = slice(0, 6)
    alpha, beta = shipped(results, ALPHA)[first].sum(), shipped(results, BETA)[first].sum()
    # Outstanding 2,000 against 1,000 at first; the ratio drifts as orders are filled.
    assert 1.7 < alpha / beta < 2.3


def test_a_planning_horizon_keeps_an_early_award_from_holding_the_plant(
    scenario: dict[str, Any],
) -> None:
    """Lines that order two months of assembly at a time, rolled on monthly, share a
    first-come plant month by month, instead of the earlier award taking it all."""
    scenario["contracts"]["beta_lot"]["award"] = "2024-03-01"
    for line in (ALPHA, BETA):
        scenario["lines"][line]["planning_horizon_months"] = 2
    results = run(scenario)
    alpha, beta = shipped(results, ALPHA)[3:24], shipped(results, BETA)[3:24]
    assert beta.sum() > 200 and alpha.sum() > 200
    assert abs(alpha.sum() - beta.sum()) <= 0.2 * (alpha.sum() + beta.sum())
    # Never more than the horizon's worth on order: 2 months at 40 a month, plus one.
    on_order = series(results, "component_stock", f"{ALPHA}.motor", "on_order")
    assert on_order.max() <= 2 * 40 + 1
