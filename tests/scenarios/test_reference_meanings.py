"""Every field of the scenario reference has a meaning, and every number a unit."""

from __future__ import annotations

import typing

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from capsim.scenario.base import Identifier
from capsim.scenario.schema import Scenario
from capsim.scenario_files.reference_doc import _described_by_type, _inner_types, _models, _unit

IDENTIFIER_TEXT = next(
    item.description for item in typing.get_args(Identifier) if isinstance(item, FieldInfo)
)

# Numbers that have no unit, each for a stated reason. A new number needs a unit in its
# description ("in units per month", "USD", "months", "fraction", "in units") or a place
# here.
WITHOUT_UNIT = {
    "Header.seed",  # a seed
    "Header.fiscal_year_start_month",  # a calendar month number, 1-12
    "PeriodicReview.day",  # a day of the month, 1-31
    "System.bill_of_materials",  # components per unit, said in the meaning
    "Supplier.bill_of_materials",  # sub-tier components per component, said in the meaning
    "Line.shares",  # relative weights
    "LearningCurve.slope",  # a multiplier per doubling
    "Budget.years_available",  # a count of fiscal years, said in the meaning
    "Contract.priority",  # ranks
    "Transfer.priority",
    "Consumption.priority",
    "Expenditure.priority",
    "Attrition.priority",
    "ReorderPolicy.priority",
    "Lognormal.sigma",  # of a logarithm
    "Pert.lamb",  # a weight
    "Choice.weights",
    # Distributions take the unit of the parameter they replace, as their meaning says.
    *(f"{name}.{field}" for name in ("Triangular", "Pert") for field in ("low", "mode", "high")),
    "Uniform.low",
    "Uniform.high",
    "Normal.mean",
    "Normal.sd",
    "Normal.low",
    "Normal.high",
    "Lognormal.median",
    "Choice.values",
}


def _fields() -> typing.Iterator[tuple[str, FieldInfo]]:
    for model in _models(Scenario):
        for name, field in model.model_fields.items():
            yield f"{model.__name__}.{field.alias or name}", field


def _is_number(field: FieldInfo) -> bool:
    inner = list(_inner_types(field.annotation))
    numeric = any(kind in (int, float) for kind in inner)
    nested = any(isinstance(kind, type) and issubclass(kind, BaseModel) for kind in inner)
    return numeric and not nested


def test_every_field_has_a_meaning_of_its_own() -> None:
    empty = [
        name for name, field in _fields() if not (field.description or _described_by_type(field))
    ]
    generic = [name for name, field in _fields() if field.description == IDENTIFIER_TEXT]
    assert not empty, f"fields without a meaning (add description=...): {empty}"
    assert not generic, f"fields whose meaning is only 'an identifier': {generic}"


def test_every_number_has_a_unit_or_a_reason() -> None:
    without = {name for name, field in _fields() if _is_number(field) and not _unit(field)}
    assert without == WITHOUT_UNIT
