"""Checks of the supply network across a scenario: sources, splits, cycles and buyers.

Each check yields problems with parameter paths; the loader adds file, line and column.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping

from capsim.scenario.errors import DataPath, Problem, did_you_mean
from capsim.scenario.network import SHARE_TOLERANCE, SourcingRule, SupplyRule
from capsim.scenario.schema import Scenario
from capsim.scenario.supply_graph import buyers_of, sources_of, supplier_cycle, tiers_first

MAX_TIERS = 50
"""Suppliers one below the other at most (real networks have a handful of tiers)."""

SHOWN_EACH_END = 5
"""Suppliers of a long cycle named at each end of the message."""


def find_network_problems(scenario: Scenario) -> Iterator[Problem]:
    """Every problem of the supply network of a scenario that passed schema validation."""
    yield from _every_component_has_a_source(scenario)
    yield from _several_sources_are_split(scenario)
    yield from _sourcing_names_sources(scenario)
    cycle = list(_no_cycle(scenario))
    yield from cycle
    if not cycle:
        yield from _not_too_deep(scenario)
    yield from _allocation_names_buyers(scenario)
    yield from _buffers_and_advance_buys_in_bill(scenario)


def _named(kind: str, name: str, known: Collection[str], path: DataPath) -> Problem:
    choices = sorted(known)
    listed = ", ".join(choices) if choices else "none"
    message = f"unknown {kind} '{name}'{did_you_mean(name, choices)}; allowed: {listed}"
    return Problem(path, message)


def _shares_add_up(shares: Mapping[str, float], path: DataPath) -> Iterator[Problem]:
    total = sum(shares.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        message = f"shares add up to {total:g}; they must add up to 1"
        yield Problem(path, message)


def _every_component_has_a_source(scenario: Scenario) -> Iterator[Problem]:
    """Every component in a bill of materials is made by some supplier."""
    sources = sources_of(scenario)
    bills: list[tuple[DataPath, Mapping[str, int]]] = [
        *((("systems", key, "bill_of_materials"), system.bill_of_materials)
          for key, system in scenario.systems.items()),
        *((("suppliers", key, "bill_of_materials"), supplier.bill_of_materials)
          for key, supplier in scenario.suppliers.items()),
    ]  # fmt: skip
    for path, bill in bills:
        for component in bill:
            if component not in sources:
                message = (
                    f"component '{component}' has no source; add a supplier with "
                    f"component: {component}"
                )
                yield Problem((*path, component), message)


def _several_sources_are_split(scenario: Scenario) -> Iterator[Problem]:
    """A component made by several suppliers says how orders are split between them."""
    for component, suppliers in sources_of(scenario).items():
        if len(suppliers) > 1 and component not in scenario.sourcing:
            message = (
                f"component '{component}' has {len(suppliers)} sources ({', '.join(suppliers)}); "
                f"say how orders are split under sourcing.{component} "
                "(rule: shares or primary_overflow)"
            )
            yield Problem(("suppliers", suppliers[1], "component"), message)


def _sourcing_names_sources(scenario: Scenario) -> Iterator[Problem]:
    """A sourcing split names each source of its component, and its shares add up to 1."""
    sources = sources_of(scenario)
    for component, sourcing in scenario.sourcing.items():
        path: DataPath = ("sourcing", component)
        if component not in sources:
            yield _named("component", component, sources, path)
            continue
        makers = sources[component]
        if sourcing.rule is SourcingRule.SHARES:
            named, field = list(sourcing.shares), "shares"
        else:
            named, field = list(sourcing.order), "order"
        for name in named:
            if name not in makers:
                yield _named(f"source of '{component}'", name, makers, (*path, field, name))
        missing = sorted(set(makers) - set(named))
        if missing or len(set(named)) != len(named):
            message = (
                f"{field} must name each source of '{component}' once: {', '.join(makers)}"
                + (f" (missing {', '.join(missing)})" if missing else "")
            )
            yield Problem((*path, field), message)
        if sourcing.rule is SourcingRule.SHARES:
            yield from _shares_add_up(sourcing.shares, (*path, "shares"))


def _no_cycle(scenario: Scenario) -> Iterator[Problem]:
    """Suppliers form a directed acyclic graph: no supplier needs its own output."""
    cycle = supplier_cycle(scenario)
    if cycle is None:
        return
    named = [f"{key} ({scenario.suppliers[key].component})" for key in cycle]
    if len(named) > 2 * SHOWN_EACH_END:
        hidden = len(named) - 2 * SHOWN_EACH_END
        named = [*named[:SHOWN_EACH_END], f"… {hidden} more …", *named[-SHOWN_EACH_END:]]
    steps = " → ".join(named)
    message = f"suppliers form a cycle: {steps}; the supply network must be acyclic"
    first, second = cycle[0], cycle[1]
    needed = scenario.suppliers[second].component
    yield Problem(("suppliers", first, "bill_of_materials", needed), message)


def _not_too_deep(scenario: Scenario) -> Iterator[Problem]:
    """At most :data:`MAX_TIERS` suppliers one below the other."""
    needs = {key: supplier.bill_of_materials for key, supplier in scenario.suppliers.items()}
    sources = sources_of(scenario)
    depth: dict[str, int] = {}
    for key in tiers_first(scenario):
        below = [depth[maker] for component in needs[key] for maker in sources.get(component, [])]
        depth[key] = 1 + max(below, default=0)
    deepest = max(depth, key=lambda key: (depth[key], key), default=None)
    if deepest is not None and depth[deepest] > MAX_TIERS:
        message = (
            f"the supply network is {depth[deepest]} tiers deep below '{deepest}'; "
            f"at most {MAX_TIERS} are allowed"
        )
        yield Problem(("suppliers", deepest, "bill_of_materials"), message)


def _allocation_names_buyers(scenario: Scenario) -> Iterator[Problem]:
    """An allocation rule names only the supplier's buyers, and has what its rule needs."""
    buyers = buyers_of(scenario)
    for key, supplier in scenario.suppliers.items():
        allocation = supplier.allocation
        path: DataPath = ("suppliers", key, "allocation")
        named = {
            "ranking": list(allocation.ranking),
            "ratings": list(allocation.ratings),
            "shares": list(allocation.shares),
        }
        for field, names in named.items():
            for position, name in enumerate(names):
                if name not in buyers[key]:
                    where = position if field == "ranking" else name
                    yield _named(f"buyer of '{key}'", name, buyers[key], (*path, field, where))
        needed = {
            SupplyRule.PRIORITY: "ranking",
            SupplyRule.DPAS: "ratings",
            SupplyRule.SHARES: "shares",
        }.get(allocation.rule)
        if needed is not None and not named[needed]:
            message = f"allocation rule {allocation.rule} needs {needed} (of buyers)"
            yield Problem((*path, needed), message)
        if allocation.rule is SupplyRule.SHARES and allocation.shares:
            yield from _shares_add_up(allocation.shares, (*path, "shares"))


def _buffers_and_advance_buys_in_bill(scenario: Scenario) -> Iterator[Problem]:
    """Buffer stocks and advance procurement name components of the bill they serve."""
    named: list[tuple[DataPath, str, Mapping[str, int] | None]] = []
    for key, line in scenario.lines.items():
        system = scenario.systems.get(line.system)
        bill = None if system is None else dict(system.bill_of_materials)
        named += [(("lines", key, "buffer_stock", c), c, bill) for c in line.buffer_stock]
    for key, supplier in scenario.suppliers.items():
        bill = dict(supplier.bill_of_materials)
        named += [(("suppliers", key, "buffer_stock", c), c, bill) for c in supplier.buffer_stock]
    for key, contract in scenario.contracts.items():
        advance = contract.advance_procurement
        system = scenario.systems.get(contract.system)
        if advance is not None and system is not None:
            named += [
                (("contracts", key, "advance_procurement", "components", position), c,
                 system.bill_of_materials)
                for position, c in enumerate(advance.components)
            ]  # fmt: skip
    for path, component, known in named:
        if known is not None and component not in known:
            yield _named("component", component, known, path)


__all__ = ["find_network_problems"]
