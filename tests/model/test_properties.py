"""Property tests on generated valid scenarios: units and money are conserved, nothing < 0."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capsim.calendar import fiscal_year_of, fiscal_year_start
from capsim.engine import simulate
from capsim.results import Results
from tests.model.invariants import (
    check_finite,
    check_money_conserved,
    check_nothing_negative,
    check_stock_conserved,
)
from tests.model.model_builders import build

SYSTEM = "missile"
LINE = "main"
ACCOUNT = "procurement"
HOLDERS = ("army", "ally")
TOLERANCE_USD = 1e-3


def month_start(start: dt.date, months: int) -> dt.date:
    index = start.month - 1 + months
    return dt.date(start.year + index // 12, index % 12 + 1, 1)


@st.composite
def dates(draw: st.DrawFn, start: dt.date, months: int) -> str:
    """A date inside the horizon."""
    first = month_start(start, draw(st.integers(0, months - 1)))
    return first.replace(day=draw(st.integers(1, 28))).isoformat()


def rates(low: float, high: float) -> st.SearchStrategy[float]:
    """A rate: often whole, sometimes fractional."""
    return st.one_of(
        st.integers(int(low), int(high)).map(float),
        st.floats(low, high, allow_nan=False).map(lambda rate: round(rate, 2)),
    )


@st.composite
def schedules(draw: st.DrawFn, start: dt.date, months: int, low: float, high: float) -> Any:
    """A constant rate or a two-point dated schedule."""
    if draw(st.booleans()):
        return draw(rates(low, high))
    first, second = sorted(
        draw(st.lists(st.integers(0, months - 1), min_size=2, max_size=2, unique=True))
    )
    return [
        {"date": month_start(start, first).isoformat(), "rate": draw(rates(low, high))},
        {"date": month_start(start, second).isoformat(), "rate": draw(rates(low, high))},
    ]


@st.composite
def lots(
    draw: st.DrawFn, contract: dict[str, Any], start: dt.date, months: int, fiscal_start: int
) -> dict[str, int]:
    """A multiyear split of a contract's quantity over its award's fiscal year and later ones
    that open within the horizon."""
    awarded = fiscal_year_of(dt.date.fromisoformat(contract["award"]), fiscal_start)
    end = month_start(start, months)
    later = range(awarded + 1, awarded + 3)
    years = [awarded, *(year for year in later if fiscal_year_start(year, fiscal_start) < end)]
    years = years[: min(len(years), contract["quantity"], draw(st.integers(1, 3)))]
    cuts = sorted(
        draw(st.lists(st.integers(1, contract["quantity"] - 1), min_size=len(years) - 1,
                      max_size=len(years) - 1, unique=True))
        if len(years) > 1 else []
    )  # fmt: skip
    bounds = [0, *cuts, contract["quantity"]]
    return {f"fy{year}": bounds[i + 1] - bounds[i] for i, year in enumerate(years)}


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A random valid scenario of one system, one line, one account and two holders."""
    start = month_start(dt.date(2023, 1, 1), draw(st.integers(0, 23)))
    months = draw(st.integers(3, 36))
    fiscal_start = draw(st.sampled_from([10, 10, 1, 7]))
    in_horizon = dates(start, months)

    components = draw(st.lists(st.sampled_from(["seeker", "motor"]), max_size=2, unique=True))
    bill = {component: draw(st.integers(1, 3)) for component in components}
    suppliers = {}
    for component in components:
        supplier: dict[str, Any] = {
            "component": component,
            "capacity": draw(schedules(start, months, 0, 60)),
            "lead_time_months": draw(st.sampled_from([0, 0, 1, 2, 3, 1.5])),
            "yield": draw(st.sampled_from([1.0, 1.0, 0.9, 0.6])),
            "initial_inventory": draw(st.integers(0, 100)),
        }
        if draw(st.integers(0, 3)) == 0:
            supplier["disruptions"] = {
                "mean_time_between_months": draw(st.sampled_from([1.0, 4.0])),
                "mean_duration_months": draw(st.sampled_from([0.3, 1.0])),
            }
        suppliers[f"{component}_co"] = supplier

    line: dict[str, Any] = {
        "system": SYSTEM,
        "capacity": draw(schedules(start, months, 0, 20)),
        "ramp": draw(st.sampled_from(["step", "linear"])),
        "acceptance_yield": draw(st.sampled_from([1.0, 1.0, 0.95, 0.7])),
        "delivery_lag_months": draw(st.integers(0, 3)),
        "allocation": draw(st.sampled_from(["priority", "proportional", "shares"])),
        "minimum_sustaining_rate": draw(st.sampled_from([0, 3])),
    }
    if line["allocation"] == "shares":
        line["shares"] = {
            holder: draw(st.floats(0.1, 1.0))
            for holder in draw(
                st.lists(st.sampled_from(HOLDERS), min_size=1, max_size=2, unique=True)
            )
        }
    if draw(st.booleans()):
        line["learning_curve"] = {
            "first_unit_cost": draw(st.floats(1.0, 1e6)),
            "slope": draw(st.floats(0.7, 1.0)),
            "theory": draw(st.sampled_from(["cumulative_average", "unit"])),
            "prior_units": draw(st.integers(0, 500)),
        }
    if draw(st.integers(0, 2)) == 0:
        line["expansions"] = {
            "expand": {
                "added_rate": draw(st.floats(0.5, 10)),
                "cost": draw(st.sampled_from([0.0, 1_000.0, 50_000.0])),
                "funded": draw(in_horizon),
                "lead_time_months": draw(st.sampled_from([0, 1, 2.5, 6])),
                "account": draw(st.sampled_from([ACCOUNT, None])),
            }
        }

    first_year = start.year + (1 if start.month >= 10 else 0)
    budget = {
        "appropriations": {
            f"fy{year}": draw(st.sampled_from([0.0, 5_000.0, 20_000.0, 100_000.0, 1e6]))
            for year in range(first_year - 1, first_year + 4)
        },
        "unspent": draw(st.sampled_from(["lapse", "carry_over"])),
    }

    contracts = {}
    for index in range(draw(st.integers(0, 3))):
        contract: dict[str, Any] = {
            "buyer": draw(st.sampled_from(HOLDERS)),
            "system": SYSTEM,
            "quantity": draw(st.integers(1, 200)),
            "award": draw(in_horizon),
            "first_delivery_lag_months": draw(st.sampled_from([0, 0, 1, 2.5, 6, 12])),
            "account": ACCOUNT,
            "priority": draw(st.integers(0, 3)),
            "when_unfunded": draw(st.sampled_from(["wait", "cut"])),
        }
        price = draw(st.sampled_from([1.0, 99.5, 250.0, 1000.0]))
        if draw(st.booleans()):
            contract["unit_price"] = price
        else:
            contract["total_value"] = price * contract["quantity"]
        if draw(st.integers(0, 3)) == 0:
            contract["max_deliveries_per_month"] = draw(st.integers(0, 8))
        if draw(st.integers(0, 2)) == 0:
            contract["lots"] = draw(lots(contract, start, months, fiscal_start))
        contracts[f"lot{index}"] = contract

    stockpiles = {
        f"{holder}_stock": {
            "holder": holder,
            "system": SYSTEM,
            "initial": draw(st.integers(0, 100)),
        }
        for holder in HOLDERS
    }

    demands = {}
    for index in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["transfer", "consumption", "expenditure", "attrition"]))
        demand: dict[str, Any] = {
            "kind": kind,
            "system": SYSTEM,
            "priority": draw(st.integers(0, 6)),
        }
        if draw(st.booleans()):
            demand["unmet"] = draw(st.sampled_from(["lost", "backorder"]))
        if kind == "transfer":
            source, destination = draw(st.permutations(HOLDERS))
            demand.update(
                {
                    "from": source,
                    "to": destination,
                    "date": draw(in_horizon),
                    "quantity": draw(st.integers(1, 150)),
                }
            )
        else:
            demand["holder"] = draw(st.sampled_from(HOLDERS))
        if kind in ("consumption", "expenditure"):
            demand["rate"] = draw(schedules(start, months, 0, 12))
            demand["interpolation"] = draw(st.sampled_from(["step", "linear"]))
        if kind == "attrition":
            demand["fraction_per_month"] = draw(st.sampled_from([0.0, 0.01, 0.1, 0.5]))
            if draw(st.booleans()):
                demand["start"] = draw(in_horizon)
        demands[f"demand{index}"] = demand

    policies = {}
    if draw(st.integers(0, 2)) == 0:
        reorder_point = draw(st.integers(0, 60))
        policies["replenish"] = {
            "holder": draw(st.sampled_from(HOLDERS)),
            "system": SYSTEM,
            "account": ACCOUNT,
            "reorder_point": reorder_point,
            "order_up_to": reorder_point + draw(st.integers(0, 60)),
            "review_period_months": draw(st.integers(1, 3)),
            "unit_price": draw(st.sampled_from([1.0, 100.0, 1000.0])),
            "first_delivery_lag_months": draw(st.sampled_from([0, 2])),
            "minimum_order": draw(st.integers(1, 10)),
        }

    return {
        "scenario": {
            "name": "generated",
            "start": start.isoformat(),
            "horizon_months": months,
            "unmet_demand": draw(st.sampled_from(["lost", "backorder"])),
            "fiscal_year_start_month": fiscal_start,
        },
        "systems": {SYSTEM: {"bill_of_materials": bill}},
        "suppliers": suppliers,
        "lines": {LINE: line},
        "budgets": {ACCOUNT: budget},
        "contracts": contracts,
        "stockpiles": stockpiles,
        "demands": demands,
        "policies": policies,
    }


def wide(results: Results, entity_kind: str, metric: str) -> pd.DataFrame:
    return results.series(metric, entity_kind)


def month_index(results: Results, date: dt.date) -> int:
    start = results.scenario.scenario.start
    return (date.year - start.year) * 12 + date.month - start.month


PROPERTY_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(data=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_units_are_conserved_in_stockpiles(data: dict[str, Any], seed: int) -> None:
    results = simulate(build(data), seed=seed)
    check_stock_conserved(results)  # month by month, per stockpile
    stock = wide(results, "stockpile", "stock")
    deliveries = wide(results, "stockpile", "deliveries")
    transfers_out = wide(results, "stockpile", "transfers_out")
    served = wide(results, "stockpile", "served")
    initial = pd.Series({key: spec["initial"] for key, spec in data["stockpiles"].items()})
    # Across holders: transfers only move units; what leaves is served non-transfer demand.
    used = served.to_numpy().sum() - transfers_out.to_numpy().sum()
    assert stock.iloc[-1].sum() == initial.sum() + deliveries.to_numpy().sum() - used


@PROPERTY_SETTINGS
@given(data=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_demand_is_served_unmet_or_backordered(data: dict[str, Any], seed: int) -> None:
    results = simulate(build(data), seed=seed)
    demand = wide(results, "demand", "demand")
    served = wide(results, "demand", "served")
    unmet = wide(results, "demand", "unmet")
    backorders = wide(results, "stockpile", "backorders")

    owed = (
        (demand.cumsum() - served.cumsum() - unmet.cumsum()).iloc[-1] if len(demand.columns) else 0
    )
    for demand_id, spec in data["demands"].items():
        assert owed[demand_id] >= 0
        backorder = spec.get("unmet", data["scenario"]["unmet_demand"]) == "backorder"
        if not backorder:
            assert owed[demand_id] == 0
    # The stockpile's backorders are what its demands still owe.
    holders = {spec["holder"]: key for key, spec in data["stockpiles"].items()}
    still_owed: dict[str, float] = defaultdict(float)
    for demand_id, spec in data["demands"].items():
        holder = spec.get("from", spec.get("holder"))
        still_owed[holders[holder]] += owed[demand_id]
    if data["demands"]:
        for stockpile_id in data["stockpiles"]:
            assert backorders[stockpile_id].iloc[-1] == still_owed[stockpile_id]
    stockpile_demand = wide(results, "stockpile", "demand")
    stockpile_served = wide(results, "stockpile", "served")
    assert stockpile_demand.to_numpy().sum() == demand.to_numpy().sum()
    assert stockpile_served.to_numpy().sum() == served.to_numpy().sum()


@PROPERTY_SETTINGS
@given(data=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_line_output_is_conserved(data: dict[str, Any], seed: int) -> None:
    results = simulate(build(data), seed=seed)
    production = wide(results, "line", "production")[LINE].to_numpy()
    starts = wide(results, "line", "starts")[LINE].to_numpy()
    scrapped = wide(results, "line", "scrapped")[LINE].to_numpy()
    capacity = wide(results, "line", "capacity")[LINE].to_numpy()
    backlog = wide(results, "line", "backlog")[LINE].to_numpy()
    deliveries = wide(results, "stockpile", "deliveries").sum(axis=1).to_numpy()
    lag = data["lines"][LINE]["delivery_lag_months"]
    months = len(production)

    # Starts are counted when a unit starts, good and scrapped units when it ends: the
    # difference is the work in progress, never negative.
    in_progress = np.cumsum(starts) - np.cumsum(production + scrapped)
    assert (in_progress >= 0).all()
    # Every good unit arrives exactly the delivery lag after it is built.
    np.testing.assert_array_equal(deliveries[lag:], production[: months - lag])
    assert (deliveries[:lag] == 0).all()
    pipeline = production[months - lag :].sum()
    assert deliveries.sum() + pipeline == production.sum()
    # Starts never outrun the capacity by more than the one unit begun and in progress.
    assert (np.cumsum(starts) <= np.cumsum(capacity) + 1 + 1e-6).all()
    # Backlog is what was awarded, less what was built well.
    awards = results.events[results.events["kind"] == "award"]
    awarded = np.zeros(months)
    for row in awards.itertuples():
        awarded[month_index(results, row.date)] += row.quantity
    np.testing.assert_array_equal(backlog, np.cumsum(awarded) - np.cumsum(production))
    # A buyer never receives more than it was awarded.
    for stockpile_id, spec in data["stockpiles"].items():
        bought = awards[awards["holder"] == spec["holder"]]["quantity"].sum()
        assert wide(results, "stockpile", "deliveries")[stockpile_id].sum() <= bought


@PROPERTY_SETTINGS
@given(data=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_components_are_conserved(data: dict[str, Any], seed: int) -> None:
    results = simulate(build(data), seed=seed)
    starts = wide(results, "line", "starts")[LINE].to_numpy()
    scrapped = wide(results, "line", "scrapped")[LINE].to_numpy()
    line_backlog = wide(results, "line", "backlog")[LINE].to_numpy()
    bill = data["systems"][SYSTEM]["bill_of_materials"]
    for supplier_id, spec in data["suppliers"].items():
        per_unit = bill[spec["component"]]
        made = wide(results, "supplier", "production")[supplier_id].to_numpy()
        # The line is this component's only buyer and the supplier its only source.
        stock = f"{LINE}.{spec['component']}"
        held = wide(results, "supplier", "inventory")[supplier_id].to_numpy()
        inventory = held + wide(results, "component_stock", "inventory")[stock].to_numpy()
        in_transit = wide(results, "component_stock", "in_transit")[stock].to_numpy()
        backlog = wide(results, "supplier", "backlog")[supplier_id].to_numpy()
        initial = spec["initial_inventory"]

        # Made (good) + on hand at the start = on hand + on the way + used by the line.
        np.testing.assert_array_equal(
            initial + np.cumsum(made), inventory + in_transit + per_unit * np.cumsum(starts)
        )
        # MRP netting with a planned scrap allowance: on hand plus on order covers the
        # starts the line's backlog needs at its acceptance yield, and never exceeds them by
        # more than the initial stock (nothing is ordered that no contract needs).
        # The allowance can leave parts over once contracts are done: at most what it
        # added for all units awarded so far (built plus still in the line's backlog).
        acceptance = data["lines"][LINE].get("acceptance_yield", 1.0)
        good = wide(results, "line", "production")[LINE].to_numpy()
        awarded = np.cumsum(good) + line_backlog
        allowance = per_unit * (awarded / acceptance - awarded + 1) * (acceptance < 1)
        # Units begun and not yet finished hold their kits already.
        begun = np.cumsum(starts) - np.cumsum(good + scrapped)
        surplus = inventory + in_transit + backlog - per_unit * (line_backlog - begun)
        assert (surplus >= 0).all()
        # (plus one kit: the unit begun may fail, and its restart is ordered at once).
        assert (surplus <= initial + allowance + per_unit + 1e-9).all()


@PROPERTY_SETTINGS
@given(data=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_nothing_goes_negative(data: dict[str, Any], seed: int) -> None:
    results = simulate(build(data), seed=seed)
    check_nothing_negative(results)
    check_finite(results)


@PROPERTY_SETTINGS
@given(data=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_money_is_conserved(data: dict[str, Any], seed: int) -> None:
    results = simulate(build(data), seed=seed)
    check_money_conserved(results)
    money = results.money
    totals = (
        money.groupby(["account", "fiscal_year", "flow"])["amount_usd"]
        .sum()
        .unstack(fill_value=0.0)
    )
    for flow in ("appropriated", "obligated", "outlaid", "lapsed"):
        if flow not in totals:
            totals[flow] = 0.0
    # Per account and fiscal year of the money.
    assert (totals["obligated"] <= totals["appropriated"] + TOLERANCE_USD).all()
    assert (totals["outlaid"] <= totals["obligated"] + TOLERANCE_USD).all()
    assert (totals["obligated"] + totals["lapsed"] <= totals["appropriated"] + TOLERANCE_USD).all()
    # Per account: appropriated = obligated + lapsed + unobligated balance at the end.
    available = wide(results, "account", "available_usd")
    for account in data["budgets"]:
        rows = totals.loc[account] if account in totals.index.get_level_values(0) else None
        flows = rows.sum() if rows is not None else pd.Series(dtype=float)
        balance = (
            flows.get("appropriated", 0.0) - flows.get("obligated", 0.0) - flows.get("lapsed", 0.0)
        )
        assert (
            available[account].iloc[-1] == np.float64(balance)
            or abs(available[account].iloc[-1] - balance) < TOLERANCE_USD
        )
    # Per obligation: outlays never exceed it; the award event carries its value.
    by_reference = money.groupby(["reference", "flow"])["amount_usd"].sum().unstack(fill_value=0.0)
    if "outlaid" in by_reference:
        assert (by_reference["outlaid"] <= by_reference["obligated"] + TOLERANCE_USD).all()
    awards = results.events[results.events["kind"] == "award"]
    for row in awards.itertuples():
        assert abs(by_reference.loc[row.entity, "obligated"] - row.value) < TOLERANCE_USD
    # Awards, one per lot (a contract without lots is one lot): wait gives the lot's full
    # quantity, cut never more.
    for contract_id, spec in data["contracts"].items():
        split = spec.get("lots", {})
        parts = {f"{contract_id}.{year}": quantity for year, quantity in split.items()}
        for lot_id, quantity in (parts or {contract_id: spec["quantity"]}).items():
            mine = awards[awards["entity"] == lot_id]
            assert len(mine) <= 1
            if len(mine) and spec["when_unfunded"] == "wait":
                assert mine["quantity"].iloc[0] == quantity
            if len(mine):
                assert 1 <= mine["quantity"].iloc[0] <= quantity


@PROPERTY_SETTINGS
@given(data=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_available_balance_follows_the_ledger_each_month(data: dict[str, Any], seed: int) -> None:
    results = simulate(build(data), seed=seed)
    money = results.money
    available = wide(results, "account", "available_usd")[ACCOUNT]
    signs = {"appropriated": 1.0, "obligated": -1.0, "lapsed": -1.0, "outlaid": 0.0}
    flows = money[money["account"] == ACCOUNT]
    net = (flows["amount_usd"] * flows["flow"].map(signs)).groupby(flows["month"]).sum()
    balance = net.reindex(available.index, fill_value=0.0).cumsum()
    np.testing.assert_allclose(available.to_numpy(), balance.to_numpy(), atol=TOLERANCE_USD)


@PROPERTY_SETTINGS
@given(data=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_kpis_have_one_row_per_stockpile(data: dict[str, Any], seed: int) -> None:
    results = simulate(build(data), seed=seed)
    kpis = results.kpis
    assert sorted(kpis["stockpile"]) == sorted(data["stockpiles"])
    assert (kpis["lowest_stock"] >= 0).all()
