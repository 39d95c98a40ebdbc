"""Find the schema type behind a path in scenario data, and describe it in words."""

from __future__ import annotations

import datetime as dt
import types
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from capsim.scenario.errors import DataPath
from capsim.scenario.schema import Scenario


@dataclass(frozen=True)
class Slot:
    """The declared type at a path, and the model field that declared it (if any)."""

    annotation: Any
    field: FieldInfo | None


def slot_at(path: DataPath, data: Any, root: type[BaseModel] = Scenario) -> Slot | None:
    """The declared type at ``path`` in ``data``, or None if the path leaves the schema.

    Unions are resolved by the data: a discriminated union by its ``kind``, others by
    whether the value is a mapping or a list.

    Examples
    --------
    >>> describe(slot_at(("lines", "any", "delivery_lag_months"), {}).annotation)
    'a whole number >= 0 and <= 60'
    """
    slot = Slot(root, None)
    value = data
    for step in path:
        found = _step(slot.annotation, step, value)
        if found is None:
            return None
        slot = found
        value = _child(value, step)
    return slot


def model_at(path: DataPath, data: Any) -> type[BaseModel] | None:
    """The model class whose mapping sits at ``path``, or None."""
    slot = slot_at(path, data)
    if slot is None:
        return None
    model = choose_arm(slot.annotation, _child_at(data, path))
    return model if _is_model(model) else None


def allowed_keys(model: type[BaseModel]) -> list[str]:
    """Keys a mapping of ``model`` accepts, spelled as in scenario files."""
    return [info.alias or name for name, info in model.model_fields.items()]


def choose_arm(annotation: Any, value: Any) -> Any:
    """Strip ``Annotated`` and pick the union arm that fits ``value``."""
    annotation = _strip(annotation)
    arms = union_arms(annotation)
    if len(arms) == 1:
        return arms[0]
    if isinstance(value, dict) and "kind" in value:
        for arm in arms:
            if _is_model(arm) and value["kind"] in _kinds(arm):
                return arm
    wanted = (dict, BaseModel) if isinstance(value, dict) else (list, tuple)
    for arm in arms:
        origin = get_origin(arm) or arm
        if isinstance(origin, type) and issubclass(origin, wanted):
            return arm
    return None


def union_arms(annotation: Any) -> list[Any]:
    """The non-None arms of a union (each stripped of ``Annotated``), or ``[annotation]``."""
    annotation = _strip(annotation)
    if get_origin(annotation) in (Union, types.UnionType):
        return [_strip(arm) for arm in get_args(annotation) if arm is not type(None)]
    return [annotation]


def describe(annotation: Any, unit: str = "") -> str:
    """Say in words what a value of ``annotation`` looks like.

    Examples
    --------
    >>> from capsim.scenario.base import RateSchedule
    >>> describe(RateSchedule, "units per month")
    'a number >= 0 and <= 1e+09 (units per month) or a list of {date, rate} points'
    """
    raw = _strip(annotation)
    if get_origin(raw) in (Union, types.UnionType):
        arms = [arm for arm in get_args(raw) if arm is not type(None)]
    else:
        arms = [annotation]
    return " or ".join(_describe_arm(arm, unit) for arm in arms)


def _describe_arm(annotation: Any, unit: str) -> str:
    base = _strip(annotation)
    suffix = f" ({unit})" if unit else ""
    if base in (int, float):
        noun = "a whole number" if base is int else "a number"
        return f"{noun}{_bounds(annotation)}{suffix}"
    if get_origin(base) in (tuple, list):
        item = _strip(get_args(base)[0])
        if _is_model(item):
            noun = "points" if "date" in item.model_fields else "entries"
            return "a list of {" + ", ".join(allowed_keys(item)) + "} " + noun
        return "a list"
    if get_origin(base) is dict or _is_model(base):
        return "a mapping"
    if base is dt.date:
        return "a date (YYYY-MM-DD)"
    if isinstance(base, type) and issubclass(base, Enum):
        return "one of " + ", ".join(repr(member.value) for member in base)
    if get_origin(base) is Literal:
        return "one of " + ", ".join(repr(choice) for choice in get_args(base))
    if base is str:
        return "text"
    if base is bool:
        return "true or false"
    return str(getattr(base, "__name__", base))


def _bounds(annotation: Any) -> str:
    """Range constraints of an ``Annotated`` number, such as ``' >= 0'``."""
    symbols = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}
    parts = []
    for meta in _metadata(annotation):
        for name, symbol in symbols.items():
            bound = getattr(meta, name, None)
            if bound is not None:
                parts.append(f"{symbol} {bound:g}")
    return " " + " and ".join(parts) if parts else ""


def _metadata(annotation: Any) -> list[Any]:
    if get_origin(annotation) is not Annotated:
        return []
    found = []
    for meta in get_args(annotation)[1:]:
        found.extend(meta.metadata if isinstance(meta, FieldInfo) else [meta])
    return found


def _step(annotation: Any, step: str | int, value: Any) -> Slot | None:
    """The slot one step below ``annotation`` (whose data is ``value``)."""
    chosen = choose_arm(annotation, value)
    if _is_model(chosen):
        for name, info in chosen.model_fields.items():
            if step in (name, info.alias):
                return Slot(_with_metadata(info), info)
        return None
    origin = get_origin(chosen)
    if origin is dict:
        return Slot(get_args(chosen)[1], None)
    if origin in (tuple, list):
        return Slot(get_args(chosen)[0], None)
    return None


def _with_metadata(info: FieldInfo) -> Any:
    """The field's annotation with its constraints put back (pydantic strips them)."""
    if info.metadata:
        return Annotated[(info.annotation, *info.metadata)]
    return info.annotation


def _strip(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _kinds(model: type[BaseModel]) -> tuple[Any, ...]:
    info = model.model_fields.get("kind")
    return get_args(info.annotation) if info is not None else ()


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _child(value: Any, step: str | int) -> Any:
    if isinstance(value, dict):
        return value.get(step)
    if isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
        return value[step]
    return None


def _child_at(value: Any, path: DataPath) -> Any:
    for step in path:
        value = _child(value, step)
    return value


__all__ = ["Slot", "allowed_keys", "choose_arm", "describe", "model_at", "slot_at", "union_arms"]
