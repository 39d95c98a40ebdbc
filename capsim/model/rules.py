"""Replenishment rules written in Python: what a rule sees, and loading one by its path.

A rule is a function ``rule(view: PolicyView) -> int``: the units to order now (0 or less
for none). The policy cuts the quantity to what its account can pay and drops orders
under its ``minimum_order``, as it does for (s, S). A scenario names a rule by its import
path, ``module:function``; worker processes import it by that path too, so a rule works
serially, on a process pool and on Dask alike, as long as its module can be imported
there.

>>> import_rule("capsim.model.rules:order_up_to")(PolicyView(
...     date=None, position=40, stock=40, on_order=0, backorders=0, affordable=100,
...     reorder_point=50, order_up_to=80))
40
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PolicyView:
    """What a rule sees at a review, in units (``affordable``: units the account can pay)."""

    date: dt.date | None
    position: int
    stock: int
    on_order: int
    backorders: int
    affordable: int
    reorder_point: int
    order_up_to: int


Rule = Callable[[PolicyView], int]


class RuleError(Exception):
    """A rule path that cannot be imported or does not name a function."""


def import_rule(path: str) -> Rule:
    """The function at ``module:function``."""
    module_name, _, name = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as error:  # an import runs arbitrary code: report any failure
        raise RuleError(f"cannot import {module_name!r}: {error}") from None
    rule = getattr(module, name, None)
    if not callable(rule):
        raise RuleError(f"{module_name!r} has no function {name!r}")
    return rule  # type: ignore[no-any-return]


def order_up_to(view: PolicyView) -> int:
    """The (s, S) rule itself, as a rule: below ``s``, order up to ``S``."""
    return s_s_order(view.position, view.reorder_point, view.order_up_to)


def s_s_order(position: int, reorder_point: int, order_up_to: int) -> int:
    """What the (s, S) rule orders at inventory position ``position``: up to ``S`` when
    below ``s``, else nothing (:func:`order_up_to`, on the numbers alone)."""
    return order_up_to - position if position < reorder_point else 0


__all__ = ["PolicyView", "Rule", "RuleError", "import_rule", "order_up_to", "s_s_order"]
