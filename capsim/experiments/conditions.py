"""Conditions on monthly metrics, such as ``stock < objective``: a small language, no eval.

Grammar::

    condition  := comparison (("and" | "or") comparison)*     "and" binds tighter
    comparison := operand ("<" | "<=" | ">" | ">=" | "==" | "!=") operand
    operand    := metric | attribute | number

A *metric* is a recorded monthly metric of the entities (``stock``, ``unmet``,
``deliveries``, ``demand``, ``backorders``, ...). An *attribute* is a number of a
stockpile's spec: ``objective`` or ``initial``. Numbers are written as in Python
(``1000``, ``2.5``, ``1e3``).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from capsim.scenario.errors import did_you_mean

ATTRIBUTES = ("objective", "initial")
"""Stockpile numbers a condition may use (per replication if they are uncertain)."""

_COMPARE: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
_TOKEN = re.compile(r"\s*(?:(<=|>=|==|!=|<|>)|(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)|([A-Za-z_]\w*))")


@dataclass(frozen=True)
class Comparison:
    """``left op right``; each side a name or a number."""

    left: str | float
    op: str
    right: str | float

    def __str__(self) -> str:
        return f"{self.left} {self.op} {self.right}"


Condition = list[list[Comparison]]
"""Comparisons joined by ``and`` inside each group, groups joined by ``or``."""


def parse_condition(text: str) -> Condition:
    """Read a condition.

    >>> [[str(c) for c in group] for group in parse_condition("stock < objective or unmet > 0")]
    [['stock < objective'], ['unmet > 0.0']]
    """
    tokens = _tokens(text)
    groups: Condition = [[]]
    position = 0
    while True:
        if position + 3 > len(tokens):
            raise ValueError(_bad(text, "expected a comparison such as 'stock < objective'"))
        left, op, right = tokens[position : position + 3]
        if left[0] != "operand" or op[0] != "op" or right[0] != "operand":
            raise ValueError(_bad(text, "expected a comparison such as 'stock < objective'"))
        groups[-1].append(Comparison(left[1], str(op[1]), right[1]))
        position += 3
        if position == len(tokens):
            return groups
        joiner = tokens[position]
        if joiner == ("operand", "and"):
            pass
        elif joiner == ("operand", "or"):
            groups.append([])
        else:
            raise ValueError(_bad(text, f"expected 'and' or 'or', got {joiner[1]!r}"))
        position += 1


def _tokens(text: str) -> list[tuple[str, str | float]]:
    tokens: list[tuple[str, str | float]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ValueError(_bad(text, f"cannot read {text[position:].strip()!r}"))
        op, number, name = match.groups()
        if op is not None:
            tokens.append(("op", op))
        elif number is not None:
            tokens.append(("operand", float(number)))
        else:
            tokens.append(("operand", name))
        position = match.end()
    return tokens


def _bad(text: str, reason: str) -> str:
    return f"cannot read condition {text!r}: {reason}"


def names(condition: Condition) -> set[str]:
    """The metric and attribute names a condition uses."""
    return {
        side
        for group in condition
        for comparison in group
        for side in (comparison.left, comparison.right)
        if isinstance(side, str)
    }


def evaluate(condition: Condition, values: Callable[[str], np.ndarray]) -> np.ndarray:
    """Where the condition holds; ``values(name)`` gives arrays that broadcast together.

    A comparison with NaN (such as a stockpile without an objective) is false.
    """
    result: np.ndarray | None = None
    for group in condition:
        held: np.ndarray | None = None
        for comparison in group:
            left, right = (
                values(side) if isinstance(side, str) else np.asarray(side)
                for side in (comparison.left, comparison.right)
            )
            outcome = _COMPARE[comparison.op](left, right)
            held = outcome if held is None else held & outcome
        assert held is not None
        result = held if result is None else result | held
    assert result is not None
    return result


def unknown_name(name: str, known: list[str]) -> str:
    """A message for a name that is neither a metric nor an attribute, with a hint."""
    hint = did_you_mean(name, known)
    return f"unknown metric {name!r} in condition{hint}; known: {', '.join(sorted(known))}"


__all__ = ["ATTRIBUTES", "Comparison", "Condition", "evaluate", "names", "parse_condition"]
