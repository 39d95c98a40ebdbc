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

    The cycle is given from the supplier where the search, by id, first closes it, and
    ends where it began. The search is iterative, so a chain of any depth is fine.
    """
    needs = _needs(scenario)
    state: dict[str, int] = {}
    for root in sorted(scenario.suppliers):
        if root in state:
            continue
        path, stack = [root], [iter(needs[root])]
        state[root] = 1
        while stack:
            maker = next(stack[-1], None)
            if maker is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(maker) == 1:
                return [*path[path.index(maker) :], maker]
            elif maker not in state:
                state[maker] = 1
                path.append(maker)
                stack.append(iter(needs[maker]))
    return None


def tiers_first(scenario: Scenario) -> list[str]:
    """Suppliers with every sub-tier before the suppliers it feeds (needs no cycle).

    Depth-first post-order from each supplier by id: deterministic, whatever the file.
    """
    needs = _needs(scenario)
    order: list[str] = []
    seen: set[str] = set()
    for root in sorted(scenario.suppliers):
        if root in seen:
            continue
        seen.add(root)
        path, stack = [root], [iter(needs[root])]
        while stack:
            maker = next(stack[-1], None)
            if maker is None:
                order.append(path.pop())
                stack.pop()
            elif maker not in seen:
                seen.add(maker)
                path.append(maker)
                stack.append(iter(needs[maker]))
    return order


def _needs(scenario: Scenario) -> dict[str, list[str]]:
    """Supplier → the suppliers of the components of its bill, by component then id."""
    sources = sources_of(scenario)
    return {
        supplier_id: [
            maker
            for component in sorted(supplier.bill_of_materials)
            for maker in sources.get(component, [])
        ]
        for supplier_id, supplier in scenario.suppliers.items()
    }


__all__ = ["bill_of", "buyers_of", "sources_of", "supplier_cycle", "tiers_first"]
