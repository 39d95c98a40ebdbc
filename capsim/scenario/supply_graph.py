"""The supply network a scenario describes: who makes each component, who buys it.

Nodes are suppliers and lines. A supplier feeds every line whose system, and every
supplier whose own bill of materials, names its component. Everything here is sorted by
id, so that the order of keys in a file never changes the network's order.
"""

from __future__ import annotations

from collections.abc import Mapping

from capsim.scenario.schema import Scenario


def bill_of(scenario: Scenario, buyer: str) -> Mapping[str, int]:
    """The bill of materials of a buyer: a line (its system's) or a supplier (its own)."""
    if buyer in scenario.lines:
        return scenario.systems[scenario.lines[buyer].system].bill_of_materials
    return scenario.suppliers[buyer].bill_of_materials


def sources_of(scenario: Scenario) -> dict[str, list[str]]:
    """Component → the suppliers that make it, sorted by id."""
    sources: dict[str, list[str]] = {}
    for supplier_id, supplier in sorted(scenario.suppliers.items()):
        sources.setdefault(supplier.component, []).append(supplier_id)
    return sources


def buyers_of(scenario: Scenario) -> dict[str, list[str]]:
    """Supplier → the lines and suppliers whose bill of materials names its component.

    Lines whose system is unknown are left out (that is reported elsewhere).
    """
    buyers: dict[str, list[str]] = {supplier_id: [] for supplier_id in sorted(scenario.suppliers)}
    sources = sources_of(scenario)
    candidates = [
        *(line_id for line_id, line in scenario.lines.items() if line.system in scenario.systems),
        *scenario.suppliers,
    ]
    for buyer in sorted(candidates):
        for component in sorted(bill_of(scenario, buyer)):
            for supplier_id in sources.get(component, []):
                buyers[supplier_id].append(buyer)
    return buyers


def supplier_cycle(scenario: Scenario) -> list[str] | None:
    """A cycle of suppliers each needing the next one's component, or ``None``.

    The cycle is given from its first supplier by id, and ends where it began.
    """
    sources = sources_of(scenario)
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(supplier_id: str) -> list[str] | None:
        state[supplier_id] = 1
        path.append(supplier_id)
        for component in sorted(scenario.suppliers[supplier_id].bill_of_materials):
            for maker in sources.get(component, []):
                if state.get(maker) == 1:
                    return [*path[path.index(maker) :], maker]
                if maker not in state and (found := visit(maker)) is not None:
                    return found
        path.pop()
        state[supplier_id] = 2
        return None

    for supplier_id in sorted(scenario.suppliers):
        if supplier_id not in state and (cycle := visit(supplier_id)) is not None:
            return cycle
    return None


def tiers_first(scenario: Scenario) -> list[str]:
    """Suppliers with every sub-tier before the suppliers it feeds (needs no cycle).

    Depth-first post-order from each supplier by id: deterministic, whatever the file.
    """
    sources = sources_of(scenario)
    order: list[str] = []
    seen: set[str] = set()

    def visit(supplier_id: str) -> None:
        seen.add(supplier_id)
        for component in sorted(scenario.suppliers[supplier_id].bill_of_materials):
            for maker in sources.get(component, []):
                if maker not in seen:
                    visit(maker)
        order.append(supplier_id)

    for supplier_id in sorted(scenario.suppliers):
        if supplier_id not in seen:
            visit(supplier_id)
    return order


__all__ = ["bill_of", "buyers_of", "sources_of", "supplier_cycle", "tiers_first"]
