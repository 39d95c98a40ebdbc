"""The order of keys in a file never changes a result: generated networks, shuffled."""

from __future__ import annotations

import random
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.model.model_builders import run
from tests.network.builders import network_scenario

RULES = ["first_come", "priority", "dpas", "shares", "proportional"]


@st.composite
def networks(draw: st.DrawFn) -> dict[str, Any]:
    """Two or three lines sharing motors from one or two sources, with a sub-tier."""
    data = network_scenario(months=draw(st.integers(12, 30)))
    lines = ["alpha_line", "beta_line"]
    if draw(st.booleans()):
        data["systems"]["gamma"] = {"bill_of_materials": {"motor": 1, "seeker": 1}}
        data["lines"]["gamma_line"] = {"system": "gamma", "capacity": 25, "delivery_lag_months": 0}
        data["suppliers"]["seeker_co"] = {"component": "seeker", "capacity": 20,
                                          "lead_time_months": 1, "yield": 0.9}  # fmt: skip
        data["stockpiles"]["army_gamma"] = {"holder": "army", "system": "gamma", "initial": 0}
        data["contracts"]["gamma_lot"] = {
            **data["contracts"]["alpha_lot"], "system": "gamma", "line": "gamma_line",
            "award": "2024-02-15",
        }  # fmt: skip
        lines.append("gamma_line")
    motors = data["suppliers"]["motor_plant"]
    motors["yield"] = draw(st.sampled_from([1.0, 0.85]))
    motors["lead_time_months"] = draw(st.integers(0, 3))
    rule = draw(st.sampled_from(RULES))
    allocation: dict[str, Any] = {"rule": rule}
    if rule == "priority":
        allocation["ranking"] = draw(st.permutations(lines))
    elif rule == "dpas":
        allocation["ratings"] = {line: draw(st.sampled_from(["DX", "DO"])) for line in lines}
    elif rule == "shares":
        allocation["shares"] = {line: 1 / len(lines) for line in lines}
    motors["allocation"] = allocation
    if draw(st.booleans()):
        data["suppliers"]["second_motors"] = {
            "component": "motor", "capacity": draw(st.integers(5, 30)), "lead_time_months": 2,
            "qualified": "2024-09-01",
        }  # fmt: skip
        data["sourcing"] = {"motor": draw(st.sampled_from([
            {"rule": "shares", "shares": {"motor_plant": 0.6, "second_motors": 0.4}},
            {"rule": "primary_overflow", "order": ["motor_plant", "second_motors"]},
        ]))}  # fmt: skip
    return data


def shuffled(value: Any, rng: random.Random) -> Any:
    """The same data with the keys of every mapping in a random order."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {key: shuffled(value[key], rng) for key in keys}
    if isinstance(value, list):
        return [shuffled(item, rng) for item in value]
    return value


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=networks(), order_seed=st.integers(0, 2**32 - 1), seed=st.integers(0, 1000))
def test_results_do_not_depend_on_key_order(
    data: dict[str, Any], order_seed: int, seed: int
) -> None:
    first = run(data, seed=seed)
    second = run(shuffled(data, random.Random(order_seed)), seed=seed)

    def tidy(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        return table.sort_values(keys).reset_index(drop=True)

    keys = ["month", "entity_kind", "entity", "metric"]
    pd.testing.assert_frame_equal(tidy(first.timeseries, keys), tidy(second.timeseries, keys))
    pd.testing.assert_frame_equal(
        tidy(first.constraints, ["month", "line"]), tidy(second.constraints, ["month", "line"])
    )
    pd.testing.assert_frame_equal(first.events, second.events)
    pd.testing.assert_frame_equal(
        tidy(first.kpis, ["holder", "system"]), tidy(second.kpis, ["holder", "system"])
    )
