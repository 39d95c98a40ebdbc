"""Dividing one line's output between two buyers: priority, proportional and shares."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from capsim.model.allocation import Claimants, allocate, priority_fill, weighted_fill
from tests.model.model_builders import (
    ALLY,
    ALLY_STOCKPILE,
    BUYER,
    LINE,
    STOCKPILE,
    SYSTEM,
    metric,
    run,
)


def two_buyers(scenario: dict[str, Any], army: int, ally: int) -> dict[str, Any]:
    """Replace the contract with one for the army and one for the ally, same terms."""
    terms = {"system": SYSTEM, "unit_price": 1.0, "award": "2024-01-01", "account": "procurement"}
    scenario["contracts"] = {
        "army_lot": {**terms, "buyer": BUYER, "quantity": army},
        "ally_lot": {**terms, "buyer": ALLY, "quantity": ally},
    }
    return scenario


def delivered(scenario: dict[str, Any]) -> tuple[list[float], list[float]]:
    results = run(scenario)
    army = metric(results, "stockpile", STOCKPILE, "deliveries")[1:]
    ally = metric(results, "stockpile", ALLY_STOCKPILE, "deliveries")[1:]
    return army, ally


def test_priority_serves_the_lower_number_first(scenario: dict[str, Any]) -> None:
    two_buyers(scenario, army=1000, ally=25)
    scenario["contracts"]["ally_lot"]["priority"] = 0

    army, ally = delivered(scenario)

    assert ally[:4] == [10, 10, 5, 0]
    assert army[:4] == [0, 0, 5, 10]


def test_priority_ties_go_to_the_earlier_award(scenario: dict[str, Any]) -> None:
    two_buyers(scenario, army=1000, ally=1000)
    scenario["contracts"]["army_lot"]["award"] = "2024-01-20"

    army, ally = delivered(scenario)

    assert ally[:3] == [10, 10, 10]
    assert army[:3] == [0, 0, 0]


def test_proportional_splits_by_remaining_quantity(scenario: dict[str, Any]) -> None:
    two_buyers(scenario, army=300, ally=100)
    scenario["lines"][LINE].update(capacity=8, allocation="proportional")

    army, ally = delivered(scenario)

    assert army[:10] == [6.0] * 10
    assert ally[:10] == [2.0] * 10


def test_shares_split_output_in_fixed_proportions(scenario: dict[str, Any]) -> None:
    two_buyers(scenario, army=1000, ally=1000)
    scenario["lines"][LINE].update(allocation="shares", shares={BUYER: 0.6, ALLY: 0.4})

    army, ally = delivered(scenario)

    assert army == [6.0] * 23
    assert ally == [4.0] * 23


def test_unused_share_goes_to_the_other_buyer(scenario: dict[str, Any]) -> None:
    two_buyers(scenario, army=1000, ally=8)
    scenario["lines"][LINE].update(allocation="shares", shares={BUYER: 0.6, ALLY: 0.4})

    army, ally = delivered(scenario)

    assert ally[:4] == [4, 4, 0, 0]
    assert army[:4] == [6, 6, 10, 10]


def test_buyer_without_share_gets_only_leftovers(scenario: dict[str, Any]) -> None:
    two_buyers(scenario, army=1000, ally=1000)
    scenario["lines"][LINE].update(allocation="shares", shares={BUYER: 1.0})

    army, ally = delivered(scenario)

    assert army[:3] == [10, 10, 10]
    assert ally[:3] == [0, 0, 0]


@pytest.mark.parametrize(
    ("total", "needs", "weights", "expected"),
    [
        (10, [100, 100], [0.6, 0.4], [6, 4]),
        (10, [3, 100, 100], [1, 1, 2], [3, 2, 5]),
        (10, [2, 2], [1, 1], [2, 2]),
        (5, [10, 10], [1, 1], [3, 2]),  # remainder tie goes to the earlier claimant
        (7, [10, 10, 10], [1, 1, 1], [3, 2, 2]),
        (10, [5, 5], [1, 0], [5, 0]),  # a zero weight gets nothing here
    ],
)
def test_weighted_fill(
    total: int, needs: list[int], weights: list[float], expected: list[int]
) -> None:
    assert weighted_fill(total, needs, weights) == expected


def test_priority_fill() -> None:
    assert priority_fill(10, [4, 4, 4]) == [4, 4, 2]
    assert priority_fill(0, [4, 4]) == [0, 0]
    assert priority_fill(100, [4, 4]) == [4, 4]


def test_shares_are_per_buyer_not_per_contract(scenario: dict[str, Any]) -> None:
    """A buyer with two open contracts still gets only its share of the line."""
    scenario["lines"][LINE]["allocation"] = "shares"
    scenario["lines"][LINE]["shares"] = {BUYER: 1.0, ALLY: 1.0}
    lot = scenario["contracts"]["lot1"]
    scenario["contracts"]["lot2"] = {**lot, "award": "2024-01-16"}
    scenario["contracts"]["ally_lot"] = {**lot, "buyer": ALLY}

    results = run(scenario)

    army = metric(results, "stockpile", STOCKPILE, "deliveries")
    ally = metric(results, "stockpile", ALLY_STOCKPILE, "deliveries")
    assert army[1:6] == [5.0] * 5
    assert ally[1:6] == [5.0] * 5


def test_claimants_are_in_priority_order_and_units_come_back_in_the_lines() -> None:
    """A rule sees the contracts by priority; allocate answers in the line's own order."""

    def contract(priority: int, awarded: float, order_id: str, remaining: int) -> Any:
        return SimpleNamespace(
            priority_key=(priority, awarded, order_id),
            remaining=remaining,
            monthly_cap=None,
            order=SimpleNamespace(buyer="army"),
        )

    late = contract(0, 2.0, "b", 5)
    urgent = contract(0, 1.0, "c", 3)
    routine = contract(1, 0.0, "a", 10)
    line_order = [routine, late, urgent]
    claimants = Claimants(line_order)
    assert list(claimants) == [urgent, late, routine]
    spec = SimpleNamespace(allocation="priority", shares={})
    # urgent takes its 3, late its 5, routine the 1 left: in the line's order.
    assert allocate(spec, claimants, 9) == [1, 5, 3]
    assert Claimants([urgent, late]).ranks is None  # already in priority order
