"""The scenario reference (``docs/scenario-reference.md``), generated from the schema.

Every element of a scenario file gets a table: each field with its type, unit, default
and meaning. Types, defaults and meanings come from the pydantic models; the unit is
read from the field's description (``"..., in units per month."``) or, failing that,
from its type (dates, USD amounts, months).

Regenerate the committed file with::

    python -m capsim.scenario_files.reference_doc > docs/scenario-reference.md
"""

from __future__ import annotations

import datetime as dt
import enum
import inspect
import re
import types
import typing
from collections.abc import Iterator

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from capsim.scenario.schema import Scenario

TITLE = "# Scenario file reference"

INTRO = """\
Generated from the schema by `python -m capsim.scenario_files.reference_doc`; do not edit by
hand (a test fails when this file is out of date). A scenario is a YAML mapping with the
sections below. Collections are mappings keyed by id, so every parameter has a path such
as `lines.stinger_tucson.capacity`. Rates are per month, money is in US dollars, dates
are calendar dates (`2022-05-25`). "—" in the *default* column means the field is
required. Every number must be finite (`.nan` and `.inf` are refused), and the bounds
shown with each type keep every run finite in time and memory."""

# Unit phrases, checked in order against a field's description.
UNIT_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"units per month", "units/month"),
    (r"components started per month|components per month", "components/month"),
    (r"\bUSD per unit\b", "USD/unit"),
    (r"\bUSD\b", "USD"),
    (r"\bin months\b|\bmonths\b", "months"),
    (r"\bfraction\b", "fraction (0–1)"),
    (r"\bin units\b|\bunits\b", "units"),
)


def render_reference() -> str:
    """The whole reference as Markdown, one section per scenario element."""
    models = list(_models(Scenario))
    enums = sorted(_enums(models), key=lambda enum_type: enum_type.__name__)
    parts = [TITLE, "", INTRO, "", "## Contents", ""]
    parts += [f"- [{_title(model)}](#{_anchor(model)})" for model in models]
    parts += ["- [Choices (enumerations)](#choices-enumerations)", ""]
    for model in models:
        parts += _model_section(model)
    parts += ["## Choices (enumerations)", ""]
    for enum_type in enums:
        doc = inspect.getdoc(enum_type) or ""
        values = ", ".join(f"`{member.value}`" for member in enum_type)
        parts += [f"### {enum_type.__name__}", "", doc, "", f"Values: {values}.", ""]
    return "\n".join(parts).rstrip() + "\n"


def _models(root: type[BaseModel]) -> Iterator[type[BaseModel]]:
    """Every model reachable from ``root``, depth first, each once."""
    seen: set[type[BaseModel]] = set()

    def walk(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
        if model in seen:
            return
        seen.add(model)
        yield model
        for field in model.model_fields.values():
            for inner in _inner_types(field.annotation):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    yield from walk(inner)

    yield from walk(root)


def _enums(models: list[type[BaseModel]]) -> set[type[enum.Enum]]:
    return {
        inner
        for model in models
        for field in model.model_fields.values()
        for inner in _inner_types(field.annotation)
        if isinstance(inner, type) and issubclass(inner, enum.Enum)
    }


def _inner_types(annotation: object) -> Iterator[object]:
    """The annotation and every type nested in it (unions, containers, Annotated)."""
    yield annotation
    for argument in typing.get_args(annotation):
        yield from _inner_types(argument)


def _title(model: type[BaseModel]) -> str:
    return model.__name__


def _anchor(model: type[BaseModel]) -> str:
    return model.__name__.lower()


def _model_section(model: type[BaseModel]) -> list[str]:
    doc = inspect.getdoc(model) or ""
    lines = [f"## {_title(model)}", "", doc, ""]
    lines += ["| field | type | unit | default | meaning |", "|---|---|---|---|---|"]
    for name, field in model.model_fields.items():
        key = field.alias or name
        meaning = (field.description or _described_by_type(field)).replace("\n", " ")
        meaning = meaning.replace("|", "\\|")
        row = (
            f"`{key}`",
            _type_name(field.annotation, field),
            _unit(field),
            _default(field),
            meaning,
        )
        lines.append("| " + " | ".join(row) + " |")
    return [*lines, ""]


def _described_by_type(field: FieldInfo) -> str:
    """First docstring line of the models or choices a field holds, when it has no description."""
    described = [
        (inspect.getdoc(inner) or "").splitlines()[0]
        for inner in _inner_types(field.annotation)
        if isinstance(inner, type)
        and issubclass(inner, BaseModel | enum.Enum)
        and inspect.getdoc(inner)
    ]
    return " / ".join(dict.fromkeys(described))


def _type_name(annotation: object, field: FieldInfo | None = None) -> str:
    text = _render(annotation)
    bounds = _bounds(field.metadata) if field is not None else ""
    return f"{text}{bounds}".replace("|", "\\|")


def _render(annotation: object) -> str:
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is typing.Annotated:
        inner, *metadata = arguments
        return _render(inner) + _bounds(metadata)
    if origin in (typing.Union, types.UnionType):
        present = [argument for argument in arguments if argument is not type(None)]
        text = " or ".join(_render(argument) for argument in present)
        return f"{text} or null" if len(present) < len(arguments) else text
    if origin is typing.Literal:
        return " or ".join(f"`{argument}`" for argument in arguments)
    if origin is dict:
        key, value = arguments
        return f"mapping {_render(key)} → {_render(value)}"
    if origin is tuple:
        return f"list of {_render(arguments[0])}"
    if origin is list:
        return f"list of {_render(arguments[0])}"
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return f"[{annotation.__name__}](#{_anchor(annotation)})"
        if issubclass(annotation, enum.Enum):
            return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
        if annotation is dt.date:
            return "date"
        return {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}.get(
            annotation.__name__, annotation.__name__
        )
    return str(annotation)


def _bounds(metadata: list[object]) -> str:
    symbols = ((Ge, "ge", "≥"), (Gt, "gt", ">"), (Le, "le", "≤"), (Lt, "lt", "<"))
    found = []
    for item in metadata:
        for kind, attribute, symbol in symbols:
            if isinstance(item, kind):
                found.append(f"{symbol} {_number(getattr(item, attribute))}")
        constraints = getattr(item, "metadata", None)
        if isinstance(constraints, list):
            inner = _bounds(constraints)
            if inner:
                found.append(inner.strip(" ()"))
    return f" ({', '.join(found)})" if found else ""


def _number(value: object) -> str:
    if isinstance(value, float) and value >= 1e6:
        return f"{value:.0e}"
    if isinstance(value, int) and abs(value) >= 10_000:
        return f"{value:,}"
    return str(value)


def _unit(field: FieldInfo) -> str:
    description = field.description or ""
    for pattern, unit in UNIT_PATTERNS:
        if re.search(pattern, description, flags=re.IGNORECASE):
            return unit
    kinds = set(_inner_types(field.annotation))
    if dt.date in kinds:
        return "date"
    return ""


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
        return "empty" if not value else f"`{value!r}`"
    if field.default is PydanticUndefined:
        return "—"
    value = field.default
    if value is None:
        return "null"
    if isinstance(value, enum.Enum):
        return f"`{value.value}`"
    return f"`{value}`"


if __name__ == "__main__":
    print(render_reference(), end="")
