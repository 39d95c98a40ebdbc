"""Uncertain inputs: distributions written in place of values, gathered under ``uncertain``.

A numeric parameter may be written as a distribution instead of a value::

    lines:
      stinger_tucson:
        capacity: {distribution: triangular, low: 40, mode: 60, high: 80}

Before validation, :func:`extract_uncertain` moves each such mapping to the scenario's
``uncertain`` section, keyed by its path (``lines.stinger_tucson.capacity``), and writes
the distribution's nominal value (its median; for a ``choice``, its most likely value) in
its place, so the nominal scenario validates like any other. The ``uncertain`` section
may also be written directly. Whole-number parameters take rounded values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from capsim.scenario.distributions import DISTRIBUTION_KEY, LOWEST_U, Distribution, nominal
from capsim.scenario.errors import DataPath, Problem, ScenarioError, format_path
from capsim.scenario.schema import Scenario
from capsim.scenario_files.paths import get_at, parse_path, scenario_data, with_value
from capsim.scenario_files.schema_paths import slot_at, union_arms
from capsim.scenario_files.validation_errors import Finding, findings_from_validation_error

UNCERTAIN = "uncertain"

_ADAPTER: TypeAdapter[Distribution] = TypeAdapter(Distribution)


def extract_uncertain(data: Any) -> tuple[Any, list[Finding]]:
    """Move inline distributions of raw scenario data to its ``uncertain`` section.

    Returns the new data and the problems found (located by path), if any.
    """
    if not isinstance(data, dict):
        return data, []
    found = list(_inline(data, ()))
    if not found:
        return data, []
    findings: list[Finding] = []
    section = dict(data.get(UNCERTAIN) or {}) if isinstance(data.get(UNCERTAIN), dict) else {}
    for path, raw in found:
        try:
            distribution = _ADAPTER.validate_python(raw)
        except ValidationError as error:
            for finding in findings_from_validation_error(error, raw):
                problem = finding.problem
                located = Problem((*path, *problem.path), problem.message)
                findings.append(Finding(located, finding.on_key))
            continue
        text = format_path(path)
        if text in section:
            message = f"{text} is uncertain twice: here and under '{UNCERTAIN}'"
            findings.append(Finding(Problem(path, message), False))
            continue
        section[text] = raw
        data = with_value(data, path, fit_to_field(data, path, nominal(distribution)))
    if not findings:
        data = {**data, UNCERTAIN: section}
    return data, findings


def _inline(value: Any, path: DataPath) -> Iterator[tuple[DataPath, Any]]:
    if isinstance(value, dict):
        if DISTRIBUTION_KEY in value:
            yield path, value
            return
        for key, item in value.items():
            if not path and key == UNCERTAIN:
                continue
            yield from _inline(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _inline(item, (*path, index))


def is_whole_number(data: Any, path: DataPath) -> bool:
    """Whether the schema declares the parameter at ``path`` a whole number."""
    slot = slot_at(path, data)
    return slot is not None and union_arms(slot.annotation) == [int]


def fit_to_field(data: Any, path: DataPath, value: Any) -> Any:
    """``value`` as the parameter at ``path`` takes it: rounded for whole numbers."""
    if isinstance(value, float) and is_whole_number(data, path):
        return round(value)
    return value


def uncertain_problems(scenario: Scenario) -> list[Problem]:
    """Problems with the uncertain inputs of a validated scenario.

    Each path must name a number in the scenario, and the lowest and highest values the
    distribution can take must both give a valid scenario.
    """
    if not scenario.uncertain:
        return []
    from capsim.scenario_files.loader import parse_scenario

    data = scenario_data(scenario)
    data[UNCERTAIN] = {}
    problems: list[Problem] = []
    for text, distribution in scenario.uncertain.items():
        where: DataPath = (UNCERTAIN, text)
        try:
            path = parse_path(text)
            current = get_at(data, path)
        except ScenarioError as error:
            problems.extend(Problem(where, p.message) for p in error.problems)
            continue
        if isinstance(current, bool) or not isinstance(current, int | float):
            message = (
                f"{text} is not a number (it is {type(current).__name__}), cannot be uncertain"
            )
            problems.append(Problem(where, message))
            continue
        for u, end in ((LOWEST_U, "lowest"), (1 - LOWEST_U, "highest")):
            value = fit_to_field(data, path, distribution.ppf(u))
            try:
                parse_scenario(with_value(data, path, value))
            except ScenarioError as error:
                reasons = "; ".join(p.message for p in error.problems)
                message = (
                    f"the {end} value its distribution gives ({value:g}) is not valid here: "
                    f"{reasons}; narrow or truncate the distribution (low/high)"
                )
                problems.append(Problem(path, message))
                break
    return problems


def with_inputs(scenario: Scenario, values: Mapping[str, Any]) -> Scenario:
    """The scenario with parameters set by path, validated; set paths are no longer uncertain.

    Values are fitted to their fields (whole numbers rounded).
    """
    from capsim.scenario_files.loader import parse_scenario

    data = scenario_data(scenario)
    for text, value in values.items():
        path = parse_path(text)
        data = with_value(data, path, fit_to_field(data, path, value))
    data[UNCERTAIN] = {text: spec for text, spec in data[UNCERTAIN].items() if text not in values}
    # A rule the scenario already names was allowed when it was loaded.
    allowed = any(policy.rule for policy in scenario.policies.values())
    return parse_scenario(data, allow_code=allowed)


__all__ = [
    "LOWEST_U",
    "UNCERTAIN",
    "extract_uncertain",
    "fit_to_field",
    "is_whole_number",
    "uncertain_problems",
    "with_inputs",
]
