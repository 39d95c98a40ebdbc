"""Turn pydantic validation errors into :class:`Problem` s that speak the scenario's terms."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from typing import Any, NamedTuple

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from capsim.scenario.errors import DataPath, Problem, did_you_mean
from capsim.scenario_files.schema_paths import allowed_keys, describe, model_at, slot_at

_UNITS = re.compile(r"units per month|USD|months|units", re.IGNORECASE)
_KEY_LABEL = "[key]"


class Finding(NamedTuple):
    """A problem, and whether it should point at the mapping key rather than the value."""

    problem: Problem
    on_key: bool


class _Cleaned(NamedTuple):
    """A pydantic error with its location reduced to real keys of the input data."""

    error: ErrorDetails
    path: DataPath
    branch: tuple[DataPath, str] | None
    on_key: bool


def findings_from_validation_error(error: ValidationError, data: Any) -> list[Finding]:
    """One finding per distinct problem; union-branch errors at one path are merged."""
    cleaned = _choose_branches([_clean(details, data) for details in error.errors()])
    cleaned = _drop_misspelled_missing(cleaned, data)
    groups: dict[DataPath, list[_Cleaned]] = defaultdict(list)
    for item in cleaned:
        groups[item.path].append(item)
    findings = []
    for path, items in groups.items():
        branched = [item for item in items if item.branch is not None and item.branch[0] == path]
        if len(branched) > 1:
            findings.append(Finding(Problem(path, _union_message(path, branched, data)), False))
            items = [item for item in items if item not in branched]
        findings.extend(Finding(Problem(path, _message(item, data)), item.on_key) for item in items)
    return findings


def _clean(details: ErrorDetails, data: Any) -> _Cleaned:
    """Keep only location parts that index the input; remember the first dropped label."""
    path: list[str | int] = []
    branch: tuple[DataPath, str] | None = None
    value = data
    loc = details["loc"]
    for position, step in enumerate(loc):
        if _indexes(value, step):
            value = value[step]
        elif details["type"] == "missing" and position == len(loc) - 1:
            value = None
        else:
            if branch is None and step != _KEY_LABEL:
                branch = (tuple(path), str(step))
            continue
        path.append(step)
    on_key = _KEY_LABEL in loc or details["type"] == "extra_forbidden"
    return _Cleaned(details, tuple(path), branch, on_key)


def _indexes(value: Any, step: str | int) -> bool:
    """Whether ``step`` is a key or index of ``value``."""
    if isinstance(value, dict):
        return step in value
    return isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value)


def _choose_branches(cleaned: list[_Cleaned]) -> list[_Cleaned]:
    """Where one union arm got further into the data, drop the other arms' errors."""
    deeper: dict[DataPath, set[str]] = defaultdict(set)
    for item in cleaned:
        if item.branch is not None and len(item.path) > len(item.branch[0]):
            deeper[item.branch[0]].add(item.branch[1])
    return [
        item
        for item in cleaned
        if item.branch is None
        or not deeper[item.branch[0]]
        or item.branch[1] in deeper[item.branch[0]]
    ]


def _drop_misspelled_missing(cleaned: list[_Cleaned], data: Any) -> list[_Cleaned]:
    """Drop "missing key" errors explained by a misspelled key in the same mapping."""
    explained = set()
    for item in cleaned:
        if item.error["type"] == "extra_forbidden":
            suggestion = _suggestion(item.path, data)
            if suggestion is not None:
                explained.add((*item.path[:-1], suggestion))
    return [
        item for item in cleaned if not (item.error["type"] == "missing" and item.path in explained)
    ]


def _union_message(path: DataPath, items: list[_Cleaned], data: Any) -> str:
    """One message for errors from every arm of a union: what is allowed, what was given."""
    slot = slot_at(path, data)
    if slot is not None:
        unit = _unit(slot.field.description if slot.field else None)
        expected = describe(slot.annotation, unit)
    else:
        expected = " or ".join(_expected(item.error) for item in items)
    return f"expected {expected}; got {show(items[0].error['input'])}"


def _message(item: _Cleaned, data: Any) -> str:
    """A message for one error, with the offending value and what is allowed."""
    details = item.error
    kind = details["type"]
    context = details.get("ctx", {})
    given = details["input"]
    if kind == "missing":
        return f"missing required key '{item.path[-1]}'"
    if kind == "extra_forbidden":
        return _unknown_key(item.path, data)
    if _KEY_LABEL in details["loc"]:
        return f"invalid key {show(given)}: expected {_expected(details)}"
    if kind in ("value_error", "assertion_error"):
        return str(context.get("error", details["msg"]))
    if kind == "union_tag_invalid":
        tag = str(context.get("tag"))
        tags = re.findall(r"'([^']*)'", str(context.get("expected_tags", "")))
        return f"unknown kind '{tag}'{did_you_mean(tag, tags)}; expected one of {', '.join(tags)}"
    if kind == "union_tag_not_found":
        return "missing required key 'kind' (which kind of entry this is)"
    if kind in ("enum", "literal_error"):
        choices = re.findall(r"'([^']*)'", str(context.get("expected", "")))
        hint = did_you_mean(str(given), choices)
        return f"expected {_expected(details)}; got {show(given)}{hint}"
    return f"expected {_expected(details)}; got {show(given)}"


def _expected(details: ErrorDetails) -> str:
    """What one error says was expected, in words."""
    kind = details["type"]
    context = details.get("ctx", {})
    bounds = {
        "greater_than": ">",
        "greater_than_equal": ">=",
        "less_than": "<",
        "less_than_equal": "<=",
    }
    if kind in bounds:
        limit = next(iter(context.values()), "?")
        return f"a value {bounds[kind]} {limit}"
    if kind == "finite_number":
        return "a finite number (not .nan or .inf)"
    if kind == "string_pattern_mismatch":
        if context.get("pattern", "").startswith("^fy"):
            return "a fiscal year key, fy1800 to fy2999"
        if context.get("pattern", "").startswith("^[A-Za-z]"):
            return "an id: a letter, then letters, digits, '_' or '-'"
        return f"text matching {context.get('pattern')}"
    if kind in ("enum", "literal_error"):
        return f"one of {context.get('expected')}"
    words = {
        "float": "a number",
        "int": "a whole number",
        "string": "text",
        "bool": "true or false",
        "date": "a date (YYYY-MM-DD)",
        "tuple": "a list",
        "list": "a list",
        "dict": "a mapping",
        "model": "a mapping",
        "none": "null",
    }
    for prefix, text in words.items():
        if kind.startswith(prefix):
            return text
    return details["msg"][0].lower() + details["msg"][1:]


def _suggestion(path: DataPath, data: Any) -> str | None:
    """The allowed key closest to the unknown key at ``path``, if any is close."""
    model = model_at(path[:-1], data)
    if model is None:
        return None
    close = difflib.get_close_matches(str(path[-1]), allowed_keys(model), n=1, cutoff=0.6)
    return close[0] if close else None


def _unknown_key(path: DataPath, data: Any) -> str:
    """Message for a key the schema does not have, with the closest allowed key."""
    key = str(path[-1])
    model = model_at(path[:-1], data)
    if model is None:
        return f"unknown key '{key}'"
    allowed = allowed_keys(model)
    return f"unknown key '{key}'{did_you_mean(key, allowed)}; allowed keys: {', '.join(allowed)}"


def show(value: Any) -> str:
    """A short, YAML-flavoured rendering of an input value for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dt.date):
        return value.isoformat()
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _unit(description: str | None) -> str:
    found = _UNITS.search(description or "")
    return found.group(0).lower().replace("usd", "USD") if found else ""


__all__ = ["Finding", "findings_from_validation_error", "show"]
