"""Parameter paths: read and replace one value of scenario data by its path.

A path is written the way error messages spell it, ``lines.stinger_tucson.capacity[1].rate``:
mapping keys joined by dots, list indices in brackets. Sweeps, overrides, uncertain inputs
and the inputs diff of a comparison all address parameters this way.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

from capsim.scenario.errors import DataPath, Problem, ScenarioError, did_you_mean, format_path
from capsim.scenario.schema import Scenario

_STEP = re.compile(r"([A-Za-z0-9_\-]+)|\[(\d+)\]")


def parse_path(text: str) -> DataPath:
    """Split a written path into keys and indices.

    >>> parse_path("lines.stinger_tucson.capacity[1].rate")
    ('lines', 'stinger_tucson', 'capacity', 1, 'rate')
    """
    path: list[str | int] = []
    for part in text.split("."):
        if not part:
            raise _bad_path(text, "empty step")
        steps = list(_STEP.finditer(part))
        if "".join(step.group(0) for step in steps) != part or steps[0].group(2) is not None:
            raise _bad_path(text, f"cannot read step {part!r}")
        for step in steps:
            key, number = step.groups()
            path.append(int(number) if number is not None else key)
    return tuple(path)


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """A scenario as plain data (mappings, lists, numbers, dates), keys as in files."""
    data: dict[str, Any] = _plain(scenario.model_dump(mode="python", by_alias=True))
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def get_at(data: Any, path: DataPath) -> Any:
    """The value at ``path``; a path that does not exist is a ScenarioError with a hint."""
    value = data
    for depth, step in enumerate(path):
        value = _child(value, step, path[: depth + 1])
    return value


def with_value(data: Any, path: DataPath, value: Any) -> Any:
    """A copy of ``data`` with the value at ``path`` replaced (the original is unchanged)."""
    get_at(data, path)
    if not path:
        return copy.deepcopy(value)
    head, rest = path[0], path[1:]
    if isinstance(data, list | tuple) and isinstance(head, int):
        items = list(data)
        items[head] = with_value(data[head], rest, value)
        return items
    mapping = dict(data)
    mapping[head] = with_value(data[head], rest, value)
    return mapping


def leaves(data: Any, prefix: DataPath = ()) -> Iterator[tuple[DataPath, Any]]:
    """Every leaf value of ``data`` with its path, in document order."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, (*prefix, key))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            yield from leaves(value, (*prefix, index))
    else:
        yield prefix, data


def _child(value: Any, step: str | int, path: DataPath) -> Any:
    if isinstance(value, dict) and isinstance(step, str):
        if step in value:
            return value[step]
        hint = did_you_mean(step, [str(key) for key in value])
        known = ", ".join(str(key) for key in value) or "none"
        raise _missing(path, f"no parameter '{step}' here{hint}; known: {known}")
    if isinstance(value, list | tuple) and isinstance(step, int):
        if 0 <= step < len(value):
            return value[step]
        raise _missing(path, f"index {step} is out of range (there are {len(value)} items)")
    if isinstance(value, list | tuple):
        raise _missing(path, "this is a list: use an index such as [0]")
    raise _missing(path, f"{format_path(path[:-1]) or 'the scenario'} has no parts")


def _missing(path: DataPath, message: str) -> ScenarioError:
    return ScenarioError([Problem(path, f"unknown parameter path: {message}")])


def _bad_path(text: str, reason: str) -> ScenarioError:
    return ScenarioError(
        [
            Problem(
                (),
                f"cannot read parameter path {text!r}: {reason}; write it like "
                "lines.stinger_tucson.capacity[1].rate",
            )
        ]
    )
