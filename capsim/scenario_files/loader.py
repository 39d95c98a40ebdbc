"""Load a scenario file: safe YAML, schema validation, cross-references, located errors."""

from __future__ import annotations

import dataclasses
import os
from typing import Any

from pydantic import ValidationError

from capsim.scenario.errors import Problem, ScenarioError
from capsim.scenario.references import find_reference_problems
from capsim.scenario.schema import Scenario
from capsim.scenario_files.inheritance import resolve_file, text_keys
from capsim.scenario_files.uncertainty import extract_uncertain, uncertain_problems
from capsim.scenario_files.validation_errors import Finding, findings_from_validation_error
from capsim.scenario_files.yaml_source import SourceMap


def load_scenario(path: str | os.PathLike[str], *, allow_code: bool = False) -> Scenario:
    """Read and validate a scenario file, merging in the files it ``extends``.

    See :mod:`capsim.scenario_files.inheritance` for ``extends`` and ``{$remove: true}``. A
    policy ``rule`` names Python code: it is refused unless ``allow_code``, so that a
    scenario file never runs code by surprise.

    Raises
    ------
    ScenarioError
        With every problem found, each located by file, line, column and path.
    OSError
        If the file cannot be read.
    """
    resolved = resolve_file(path)
    return parse_scenario(resolved.data, resolved.source_map, allow_code=allow_code)


def parse_scenario(
    data: Any, source_map: SourceMap | None = None, *, allow_code: bool = False
) -> Scenario:
    """Validate scenario data (as read from YAML); ``source_map`` locates problems.

    Examples
    --------
    >>> parse_scenario({"scenario": {"name": "x", "start": "2023-01-01"}, "systems": {}})
    Traceback (most recent call last):
    ...
    capsim.scenario.errors.ScenarioError: scenario: give exactly one of horizon_months or end
    """
    data = text_keys(data)
    if not isinstance(data, dict):
        found = "an empty file" if data is None else f"a {_kind(data)}"
        message = (
            f"a scenario is a mapping with sections such as scenario, systems, lines; found {found}"
        )
        raise ScenarioError(_located([Finding(Problem((), message), False)], source_map))
    data, findings = extract_uncertain(data)
    if findings:
        raise ScenarioError(_located(findings, source_map))
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        findings = findings_from_validation_error(error, data)
        raise ScenarioError(_located(findings, source_map)) from None
    problems = (
        find_reference_problems(scenario)
        or uncertain_problems(scenario)
        or code_problems(scenario, allow_code)
    )
    if problems:
        raise ScenarioError(_located([Finding(p, False) for p in problems], source_map))
    return scenario


def code_problems(scenario: Scenario, allow_code: bool) -> list[Problem]:
    """Policy rules that name Python code: refused unless allowed, else checked to import."""
    from capsim.model.rules import RuleError, import_rule

    problems = []
    for policy_id, policy in scenario.policies.items():
        if policy.rule is None:
            continue
        path = ("policies", policy_id, "rule")
        if not allow_code:
            message = (
                f"{policy.rule!r} is Python code, and a scenario file never runs code by "
                "surprise: run with --allow-code (or allow_code=True) if you trust it"
            )
            problems.append(Problem(path, message))
            continue
        try:
            import_rule(policy.rule)
        except RuleError as error:
            problems.append(Problem(path, str(error)))
    return problems


def _kind(value: Any) -> str:
    """What a YAML value is, in words: ``list``, ``number``, ``text`` ..."""
    if isinstance(value, list):
        return "list"
    if isinstance(value, bool):
        return "true/false value"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def _located(findings: list[Finding], source_map: SourceMap | None) -> list[Problem]:
    """Problems with file, line and column filled in, in file order."""
    if source_map is None:
        return [finding.problem for finding in findings]
    problems = []
    for problem, on_key in findings:
        path = problem.path
        where = source_map.locate_key(path) if on_key else source_map.locate(path)
        if where is None:
            # Nothing in the file to point at (it is empty): the problem is at its start.
            problems.append(dataclasses.replace(problem, file=source_map.file, line=1, column=1))
        else:
            problems.append(
                dataclasses.replace(problem, file=where.file, line=where.line, column=where.column)
            )
    return sorted(problems, key=lambda problem: problem.line or 0)


__all__ = ["load_scenario", "parse_scenario"]
