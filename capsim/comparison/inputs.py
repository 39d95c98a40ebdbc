"""The inputs diff: every parameter whose value differs between resolved scenarios."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from capsim.scenario.errors import format_path
from capsim.scenario.schema import Scenario
from capsim.scenario_files.paths import leaves, scenario_data


class _Absent:
    """The value of a parameter a scenario does not have (its element does not exist)."""

    def __repr__(self) -> str:
        return "(absent)"

    __str__ = __repr__


ABSENT = _Absent()
"""Marks a parameter path that one scenario has and another does not."""


def inputs_diff(scenarios: Mapping[str, Scenario]) -> pd.DataFrame:
    """Parameter paths whose values differ between the scenarios, with each one's value.

    Scenarios are compared after validation (defaults filled in), leaf by leaf, by path
    (``lines.stinger_tucson.capacity[1].rate``). A path one scenario lacks holds
    :data:`ABSENT` there. An optional field left unset (``None``) where the others lack
    the element altogether is no difference, and is left out. Rows follow the first
    scenario's order, then paths new in later ones; the index is the path, the columns
    the scenario names.

    Examples
    --------
    >>> from capsim.scenario_files.loader import parse_scenario
    >>> base = {"scenario": {"name": "a", "start": "2023-01-01", "horizon_months": 12},
    ...         "systems": {"s": {}}}
    >>> other = {**base, "scenario": {**base["scenario"], "horizon_months": 24}}
    >>> inputs_diff({"a": parse_scenario(base), "b": parse_scenario(other)}).to_dict("index")
    {'scenario.horizon_months': {'a': 12, 'b': 24}}
    """
    flat = {
        name: {format_path(path): value for path, value in leaves(scenario_data(scenario))}
        for name, scenario in scenarios.items()
    }
    paths: dict[str, None] = {}
    for values in flat.values():
        paths.update(dict.fromkeys(values))
    rows = []
    for path in paths:
        row = [values.get(path, ABSENT) for values in flat.values()]
        unset = all(value is ABSENT or value is None for value in row)
        if not unset and any(not _same(row[0], other) for other in row[1:]):
            rows.append([path, *row])
    frame = pd.DataFrame(rows, columns=["path", *scenarios], dtype=object)
    return frame.set_index("path")


def format_input(value: Any) -> str:
    """A parameter value for a reader: thousands separated, unset shown as a dash.

    >>> [format_input(v) for v in (252500000.0, 0.25, 1300, None, ABSENT, "wait")]
    ['252,500,000', '0.25', '1,300', '—', '(absent)', 'wait']
    """
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6g}"


def _same(first: Any, second: Any) -> bool:
    if first is ABSENT or second is ABSENT:
        return first is second
    return bool(first == second)


__all__ = ["ABSENT", "format_input", "inputs_diff"]
