"""Checks across a scenario's elements: ids that must exist, pairs that must match, dates.

Pydantic checks each element alone; these checks need the whole scenario. Problems carry
paths only; the loader adds file, line and column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from capsim.calendar import fiscal_year_of
from capsim.scenario.demand import Attrition, ReorderPolicy, Transfer
from capsim.scenario.errors import DataPath, Problem, did_you_mean
from capsim.scenario.funding import Contract, fiscal_year_number
from capsim.scenario.network_checks import find_network_problems
from capsim.scenario.production import AllocationRule
from capsim.scenario.schema import Scenario


def find_reference_problems(scenario: Scenario) -> list[Problem]:
    """Every cross-reference problem of a scenario that passed schema validation."""
    checks = (
        find_network_problems,
        _system_references,
        _line_references,
        _account_references,
        _stockpile_references,
        _duplicate_stockpiles,
        _shares,
        _lot_years,
        _dates_in_horizon,
    )
    return [problem for check in checks for problem in check(scenario)]


def horizon_end(scenario: Scenario) -> dt.date:
    """First day after the simulated horizon."""
    start = scenario.scenario.start
    month = start.month - 1 + scenario.scenario.months
    return dt.date(start.year + month // 12, month % 12 + 1, 1)


def _unknown(kind: str, name: str, known: Iterable[str], path: DataPath) -> Problem:
    choices = sorted(known)
    listed = ", ".join(choices) if choices else "none defined"
    message = f"unknown {kind} '{name}'{did_you_mean(name, choices)}; known {kind}s: {listed}"
    return Problem(path, message)


def _system_references(scenario: Scenario) -> Iterator[Problem]:
    """Every ``system`` named by a line, contract, stockpile, demand or policy exists."""
    named: list[tuple[DataPath, str]] = [
        *((("lines", key, "system"), value.system) for key, value in scenario.lines.items()),
        *(
            (("contracts", key, "system"), value.system)
            for key, value in scenario.contracts.items()
        ),
        *(
            (("stockpiles", key, "system"), value.system)
            for key, value in scenario.stockpiles.items()
        ),
        *((("demands", key, "system"), value.system) for key, value in scenario.demands.items()),
        *((("policies", key, "system"), value.system) for key, value in scenario.policies.items()),
    ]
    for path, system in named:
        if system not in scenario.systems:
            yield _unknown("system", system, scenario.systems, path)


def _line_references(scenario: Scenario) -> Iterator[Problem]:
    """Contracts and policies name a line that builds their system, or one can be inferred."""
    orders: list[tuple[DataPath, Contract | ReorderPolicy]] = [
        *((("contracts", key), value) for key, value in scenario.contracts.items()),
        *((("policies", key), value) for key, value in scenario.policies.items()),
    ]
    for path, order in orders:
        if order.system in scenario.systems:
            yield from _line_problems(scenario, path, order)


def _line_problems(
    scenario: Scenario, path: DataPath, order: Contract | ReorderPolicy
) -> Iterator[Problem]:
    builders = sorted(key for key, line in scenario.lines.items() if line.system == order.system)
    # A line with an unknown system is reported already; inferring past it would mislead.
    lines_known = all(line.system in scenario.systems for line in scenario.lines.values())
    if order.line is None:
        if len(builders) != 1 and lines_known:
            found = ", ".join(builders) if builders else "none"
            message = (
                f"no line given and {len(builders)} lines build '{order.system}' "
                f"({found}); name the line with line: <id>"
            )
            yield Problem(path, message)
    elif order.line not in scenario.lines:
        yield _unknown("line", order.line, scenario.lines, (*path, "line"))
    elif scenario.lines[order.line].system != order.system:
        built = scenario.lines[order.line].system
        message = f"line '{order.line}' builds '{built}', not '{order.system}'"
        yield Problem((*path, "line"), message)


def _account_references(scenario: Scenario) -> Iterator[Problem]:
    """Every account named by a contract, policy, expansion or advance buy is a budget."""
    accounts: list[tuple[DataPath, str | None]] = [
        (("contracts", key, "account"), value.account) for key, value in scenario.contracts.items()
    ]
    accounts += [
        (("policies", key, "account"), value.account) for key, value in scenario.policies.items()
    ]
    accounts += [
        (("lines", line_id, "expansions", key, "account"), expansion.account)
        for line_id, line in scenario.lines.items()
        for key, expansion in line.expansions.items()
    ]
    accounts += [
        (("suppliers", supplier_id, "expansions", key, "account"), expansion.account)
        for supplier_id, supplier in scenario.suppliers.items()
        for key, expansion in supplier.expansions.items()
    ]
    accounts += [
        (("contracts", key, "advance_procurement", "account"), value.advance_procurement.account)
        for key, value in scenario.contracts.items()
        if value.advance_procurement is not None
    ]
    for path, account in accounts:
        if account is not None and account not in scenario.budgets:
            yield _unknown("budget", account, scenario.budgets, path)


def _holdings(scenario: Scenario) -> Iterator[tuple[DataPath, str, str]]:
    """(path, holder, system) of every stockpile that contracts, demands and policies use."""
    for key, contract in scenario.contracts.items():
        yield ("contracts", key, "buyer"), contract.buyer, contract.system
    for key, demand in scenario.demands.items():
        if isinstance(demand, Transfer):
            yield ("demands", key, "from"), demand.from_, demand.system
            yield ("demands", key, "to"), demand.to, demand.system
        else:
            yield ("demands", key, "holder"), demand.holder, demand.system
    for key, policy in scenario.policies.items():
        yield ("policies", key, "holder"), policy.holder, policy.system


def _stockpile_references(scenario: Scenario) -> Iterator[Problem]:
    """A stockpile exists for every (holder, system) that something draws or fills."""
    held = {(stockpile.holder, stockpile.system) for stockpile in scenario.stockpiles.values()}
    for path, holder, system in _holdings(scenario):
        if (holder, system) not in held and system in scenario.systems:
            message = (
                f"no stockpile of '{system}' held by '{holder}'; add a stockpile with "
                f"holder: {holder}, system: {system}"
            )
            yield Problem(path, message)


def _duplicate_stockpiles(scenario: Scenario) -> Iterator[Problem]:
    """At most one stockpile per (holder, system)."""
    first: dict[tuple[str, str], str] = {}
    for key, stockpile in scenario.stockpiles.items():
        pair = (stockpile.holder, stockpile.system)
        if pair in first:
            message = (
                f"stockpile '{first[pair]}' already holds '{stockpile.system}' for "
                f"'{stockpile.holder}'; one stockpile per holder and system"
            )
            yield Problem(("stockpiles", key), message)
        else:
            first[pair] = key


def _shares(scenario: Scenario) -> Iterator[Problem]:
    """A line allocating by shares says the shares."""
    for key, line in scenario.lines.items():
        if line.allocation is AllocationRule.SHARES and not line.shares:
            message = "allocation: shares needs a non-empty shares mapping (buyer: share)"
            yield Problem(("lines", key, "shares"), message)


def _lot_years(scenario: Scenario) -> Iterator[Problem]:
    """A multiyear contract's lots fall in or after the fiscal year of its award."""
    start_month = scenario.scenario.fiscal_year_start_month
    for key, contract in scenario.contracts.items():
        awarded = fiscal_year_of(contract.award, start_month)
        for lot in contract.lots:
            if fiscal_year_number(lot) < awarded:
                message = (
                    f"lot {lot} is before the award ({contract.award}, in fy{awarded}): "
                    f"allowed fy{awarded} or later"
                )
                yield Problem(("contracts", key, "lots", lot), message)


def _dated(scenario: Scenario) -> Iterator[tuple[DataPath, dt.date | None]]:
    """(path, date) of every date that must lie within the horizon."""
    start_month = scenario.scenario.fiscal_year_start_month
    for key, contract in scenario.contracts.items():
        yield ("contracts", key, "award"), contract.award
        for lot in contract.funded_lots(start_month):
            if lot.key is not None:
                yield ("contracts", key, "lots", lot.key), lot.funded
    for key, demand in scenario.demands.items():
        if isinstance(demand, Transfer):
            yield ("demands", key, "date"), demand.date
        elif isinstance(demand, Attrition):
            yield ("demands", key, "start"), demand.start
            yield ("demands", key, "end"), demand.end
    for line_id, line in scenario.lines.items():
        for key, expansion in line.expansions.items():
            yield ("lines", line_id, "expansions", key, "funded"), expansion.funded
    for supplier_id, supplier in scenario.suppliers.items():
        for key, expansion in supplier.expansions.items():
            yield ("suppliers", supplier_id, "expansions", key, "funded"), expansion.funded
        for key, outage in supplier.outages.items():
            yield ("suppliers", supplier_id, "outages", key, "start"), outage.start
    for key, policy in scenario.policies.items():
        yield ("policies", key, "start"), policy.start


def _dates_in_horizon(scenario: Scenario) -> Iterator[Problem]:
    """Dated events fall within [start, start + months)."""
    start, end = scenario.scenario.start, horizon_end(scenario)
    for path, date in _dated(scenario):
        if date is not None and not start <= date < end:
            last = end - dt.timedelta(days=1)
            message = f"date {date} is outside the horizon: allowed {start} to {last}"
            yield Problem(path, message)


__all__ = ["find_reference_problems", "horizon_end"]
