"""Registries of named extension points: demand kinds, allocation rules, review schedules.

Each registry is a plain dict from the name a scenario gives to what implements it, and
a decorator that adds to it::

    ALLOCATION_RULES: dict[str, AllocationFunction] = {}
    allocation_rule = registrar(ALLOCATION_RULES)

    @allocation_rule("priority")
    def _by_priority(...): ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

Entry = TypeVar("Entry")


def registrar(table: dict[str, Entry]) -> Callable[[str], Callable[[Entry], Entry]]:
    """A decorator factory that registers its target in ``table`` under a name.

    >>> RULES: dict[str, object] = {}
    >>> rule = registrar(RULES)
    >>> @rule("double")
    ... def double(x): return 2 * x
    >>> RULES["double"](3)
    6
    """

    def named(name: str) -> Callable[[Entry], Entry]:
        def register(entry: Entry) -> Entry:
            table[name] = entry
            return entry

        return register

    return named


__all__ = ["registrar"]
