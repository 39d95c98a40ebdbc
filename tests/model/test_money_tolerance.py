"""Large budgets: a contract worth exactly what its account holds is awarded in full."""

from __future__ import annotations

import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from capsim.calendar import calendar_for
from capsim.model.budget import Treasury, money_tolerance
from capsim.model.context import Context
from capsim.model.records import Recorder
from capsim.model.timebase import TimeBase
from capsim.scenario.funding import Budget
from tests.model.model_builders import START

ACCOUNT = "procurement"


def treasury_holding(total: float) -> Treasury:
    """A treasury whose one account holds exactly ``total`` USD from the start."""
    calendar = calendar_for(START, 12, 10)
    env = simpy.Environment()
    context = Context(env, calendar, TimeBase(calendar), Recorder(12))
    budget = Budget(appropriations={"fy2024": total})
    treasury = Treasury(context, {ACCOUNT: budget})
    env.process(treasury.run())
    env.run(until=1.0)
    return treasury


@settings(max_examples=300, deadline=None)
@given(
    total=st.floats(1e9, 1e12, allow_nan=False, allow_infinity=False),
    quantity=st.integers(1, 100_000),
)
def test_contract_worth_the_whole_account_is_affordable_and_obligated(
    total: float, quantity: int
) -> None:
    treasury = treasury_holding(total)
    unit_price = total / quantity
    assert treasury.affordable(ACCOUNT, unit_price) >= quantity
    obligation = treasury.obligate(ACCOUNT, quantity * unit_price, 0, "c")
    assert abs(obligation.total - total) <= money_tolerance(total)
    assert treasury.available(ACCOUNT) <= money_tolerance(total)


def test_the_case_of_issue_12() -> None:
    treasury = treasury_holding(37e9)
    obligation = treasury.obligate(ACCOUNT, 4227 * (37e9 / 4227), 0, "c")
    assert abs(obligation.total - 37e9) <= money_tolerance(37e9)


def test_tolerance_is_a_micro_dollar_for_small_amounts() -> None:
    assert money_tolerance(0.0) == 1e-6
    assert money_tolerance(1e3) == 1e-6
