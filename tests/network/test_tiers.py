"""Multi-tier supply: conservation through every tier, arrivals before use, lead times
and yields composing, requirements exploding down the tiers, and the traced constraint."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tests.model.invariants import check_invariants
from tests.model.model_builders import run
from tests.network.builders import ALPHA, BETA, ENERGETICS, MOTORS, network_scenario, series


@pytest.fixture
def scenario() -> dict[str, Any]:
    return network_scenario()


@pytest.mark.parametrize("yield_", [1.0, 0.8])
def test_units_are_conserved_through_every_tier(scenario: dict[str, Any], yield_: float) -> None:
    scenario["suppliers"][MOTORS].update({"yield": yield_, "lead_time_months": 2})
    scenario["suppliers"][ENERGETICS].update({"yield": yield_, "lead_time_months": 1})
    scenario["suppliers"][ENERGETICS]["initial_inventory"] = 100
    results = run(scenario, seed=4)
    check_invariants(results)

    def stock(entity: str, metric: str) -> np.ndarray:
        return series(results, "component_stock", entity, metric)

    # Energetics: made + initial = still held + shipped to the motor plant; shipped =
    # at the plant + on the way + used (two per motor started, scrapped starts included).
    made = np.cumsum(series(results, "supplier", ENERGETICS, "production"))
    held = series(results, "supplier", ENERGETICS, "inventory")
    shipped = np.cumsum(stock(f"{MOTORS}.propellant", "shipped"))
    np.testing.assert_array_equal(100 + made, held + shipped)
    motor_starts = np.cumsum(series(results, "supplier", MOTORS, "starts"))
    on_hand = stock(f"{MOTORS}.propellant", "inventory")
    on_way = stock(f"{MOTORS}.propellant", "in_transit")
    np.testing.assert_array_equal(shipped, on_hand + on_way + 2 * motor_starts)
    # Motor plant: good motors made = shipped to the two lines = at the lines + on the
    # way + used by the lines' starts.
    motors = np.cumsum(series(results, "supplier", MOTORS, "production"))
    received = sum(np.cumsum(stock(f"{line}.motor", "shipped")) for line in (ALPHA, BETA))
    np.testing.assert_array_equal(motors, received)
    used = sum(np.cumsum(series(results, "line", line, "starts")) for line in (ALPHA, BETA))
    at_lines = sum(
        stock(f"{line}.motor", "inventory") + stock(f"{line}.motor", "in_transit")
        for line in (ALPHA, BETA)
    )
    np.testing.assert_array_equal(received, at_lines + used)
    # Scrap: starts = good + scrapped (+ at most one in progress).
    motor_good = motors + np.cumsum(series(results, "supplier", MOTORS, "scrapped"))
    assert (motor_starts - motor_good >= 0).all() and (motor_starts - motor_good <= 1).all()


def test_lead_times_compose_and_nothing_is_used_before_it_arrives(
    scenario: dict[str, Any],
) -> None:
    """Propellant takes 3 months to arrive and motors 2 more: no motor is started before
    month 3 and no missile before month 5, and no stock is ever negative."""
    scenario["suppliers"][ENERGETICS]["lead_time_months"] = 3
    scenario["suppliers"][MOTORS]["lead_time_months"] = 2
    results = run(scenario)
    check_invariants(results)
    motor_starts = series(results, "supplier", MOTORS, "starts")
    line_starts = series(results, "line", ALPHA, "starts") + series(results, "line", BETA, "starts")
    assert motor_starts[:3].sum() == 0 and motor_starts[3] > 0
    assert line_starts[:5].sum() == 0 and line_starts[5] > 0
    stocks = results.timeseries.query("entity_kind == 'component_stock'")
    assert (stocks["value"] >= 0).all()


def test_orders_explode_down_the_tiers_time_phased(scenario: dict[str, Any]) -> None:
    """4,000 motors are on order at once, but the motor plant orders propellant only for
    what it can start within its planning horizon (its sub-tier lead time, 0, plus three
    months: 90 motors, 180 grains), and the horizon rolls on each month, so it is never
    short and never holds more than that."""
    results = run(scenario)
    stock = f"{MOTORS}.propellant"
    pipeline = sum(
        series(results, "component_stock", stock, metric)
        for metric in ("inventory", "in_transit", "on_order")
    )
    assert pipeline.max() <= 2 * (3 * 30 + 1)
    assert (series(results, "supplier", MOTORS, "production")[1:] == 30).all()
    assert set(results.supplier_constraints.query("supplier == @MOTORS")["constraint"]) == {
        "capacity"
    }


def test_a_yield_below_one_plans_the_scrapped_starts_down_the_tier(
    scenario: dict[str, Any],
) -> None:
    """At a yield of 1/2, every start, scrapped or not, took its kit, and the plant was
    never short of propellant: it started its full 30 a month, half of them good."""
    scenario["suppliers"][MOTORS]["yield"] = 0.5
    scenario["scenario"]["horizon_months"] = 12
    results = run(scenario, seed=5)
    starts = series(results, "supplier", MOTORS, "starts")
    assert (starts[1:] == 30).all()
    good = series(results, "supplier", MOTORS, "production").sum()
    assert 0.4 < good / starts.sum() < 0.6
    assert set(results.supplier_constraints.query("supplier == @MOTORS")["constraint"]) == {
        "capacity"
    }


def test_the_binding_constraint_is_traced_down_the_tiers(scenario: dict[str, Any]) -> None:
    """Energetics at 20 a month makes 10 motors' worth: the lines wait for motors, the
    motor plant for propellant, and energetics is bound by its capacity."""
    scenario["suppliers"][ENERGETICS]["capacity"] = 20
    results = run(scenario)
    rows = results.constraints.query("line == @ALPHA").iloc[2:12]
    assert set(rows["trace"]) == {f"{ALPHA}: motor > {MOTORS}: propellant > {ENERGETICS}: capacity"}
    assert set(rows["bound_by"]) == {ENERGETICS}
    assert set(rows["root_constraint"]) == {"capacity"}
    plant = results.supplier_constraints.query("supplier == @MOTORS").iloc[2:12]
    assert set(plant["constraint"]) == {"propellant"}


def test_a_supplier_outage_stops_it_and_is_traced(scenario: dict[str, Any]) -> None:
    scenario["suppliers"][MOTORS]["outages"] = {"fire": {"start": "2024-07-01", "months": 3}}
    results = run(scenario)
    made = series(results, "supplier", MOTORS, "production")
    assert made[6:9].sum() == 0 and made[5] > 0 and made[9] > 0
    rows = results.constraints.query("line == @ALPHA").iloc[7:9]
    assert set(rows["trace"]) == {f"{ALPHA}: motor > {MOTORS}: outage"}
    events = results.events.query("kind == 'outage'")
    assert list(events["entity"]) == [MOTORS]
