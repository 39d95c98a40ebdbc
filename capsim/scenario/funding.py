"""Schema of money and orders: budgets (appropriations) and contracts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, model_validator

from capsim.calendar import fiscal_year_start
from capsim.scenario.base import USD, Identifier, Months, Price, Spec, Units
from capsim.scenario.network import AdvanceProcurement

FiscalYearKey = Annotated[
    str,
    Field(
        pattern=r"^fy(18|19|2[0-9])[0-9][0-9]$",
        description="A fiscal year, ``fy1800`` to ``fy2999``.",
    ),
]


def fiscal_year_number(key: str) -> int:
    """The year of a fiscal-year key, parsed in one place.

    >>> fiscal_year_number("fy2023")
    2023
    """
    return int(key[2:])


class UnspentFunds(StrEnum):
    """What happens to money not obligated by the end of its fiscal year."""

    LAPSE = "lapse"
    CARRY_OVER = "carry_over"


class Appropriation(Spec):
    """Money enacted during its fiscal year, such as a supplemental appropriation."""

    amount: USD = Field(description="USD appropriated.")
    enacted: dt.date = Field(description="Date the money becomes available for obligation.")


class Budget(Spec):
    """Money available to one account, appropriated per fiscal year.

    An appropriation is available for obligation from the start of its fiscal year (or
    from its ``enacted`` date) for ``years_available`` fiscal years, after which what is
    left unobligated expires (US procurement accounts: three years; operation and
    maintenance: one). ``unspent: carry_over`` keeps it without limit.
    """

    appropriations: dict[FiscalYearKey, USD | Appropriation] = Field(
        description="Fiscal year (``fy2023``) → USD, or {amount, enacted} for money enacted "
        "during the year."
    )
    unspent: UnspentFunds = Field(
        UnspentFunds.LAPSE, description="Whether unobligated money expires or carries over."
    )
    years_available: Annotated[int, Field(ge=1, le=10)] = Field(
        1, description="Fiscal years an appropriation can be obligated, when it lapses."
    )

    def expires(self, fiscal_year: int) -> int | None:
        """First fiscal year in which money of ``fiscal_year`` can no longer be obligated."""
        if self.unspent is UnspentFunds.CARRY_OVER:
            return None
        return fiscal_year + self.years_available


class WhenUnfunded(StrEnum):
    """What an award does when its account cannot pay for all of it."""

    WAIT = "wait"
    """Wait for new appropriations, then award in full."""
    CUT = "cut"
    """Award the quantity the account can pay for now, if any."""


@dataclass(frozen=True)
class Lot:
    """One funded lot of a contract: its fiscal year key (``None``: the whole contract)."""

    key: str | None
    funded: dt.date
    quantity: int


class Contract(Spec):
    """An order for a quantity of a system from a line, obligated at award.

    A multiyear procurement (10 U.S.C. 3501) gives ``lots``: the units of each program
    year. Following the practice the CRS describes (Multiyear Procurement (MYP) and
    Block Buy Contracting in Defense Acquisition, R41909), each lot is funded from its
    own fiscal year's money, not all at award
    (https://crsreports.congress.gov/product/pdf/R/R41909): the first lot is obligated at the award
    date, each later one when its fiscal year opens (waiting, like any award, for
    money), and each lot's first delivery comes ``first_delivery_lag_months`` after its
    own funding. The contract's price, priority and account apply to every lot, and so
    does ``max_deliveries_per_month``, to each lot separately. ``advance_procurement``
    buys long-lead components for each lot ahead of its funding.
    """

    buyer: Identifier = Field(description="The holder whose stockpile receives deliveries.")
    system: Identifier = Field(description="The system ordered (an id under ``systems``).")
    line: Identifier | None = Field(
        None, description="The line that builds it; may be left out when one line builds it."
    )
    quantity: Annotated[int, Field(ge=1, le=100_000_000)] = Field(description="Units ordered.")
    unit_price: Price | None = Field(None, description="USD per unit.")
    total_value: Price | None = Field(None, description="USD for the whole quantity.")
    award: dt.date = Field(description="Award date: the value is obligated on this date.")
    first_delivery_lag_months: Months = Field(
        0.0, description="Months from award to the earliest delivery."
    )
    max_deliveries_per_month: Units | None = Field(
        None, description="Cap on deliveries, in units per month; none means no cap."
    )
    account: Identifier = Field(description="Budget account that pays.")
    priority: Annotated[int, Field(ge=0, le=1000)] = Field(
        1, description="Order on the line under ``priority`` allocation (lower first)."
    )
    when_unfunded: WhenUnfunded = WhenUnfunded.WAIT
    lots: dict[FiscalYearKey, Annotated[int, Field(ge=1, le=100_000_000)]] = Field(
        default_factory=dict,
        description="Multiyear procurement: units funded in each program (fiscal) year, "
        "adding up to ``quantity``; each lot is obligated when its fiscal year opens (the "
        "first at award) and delivers after the lag from its own funding. Empty: one lot, "
        "obligated at award.",
    )
    advance_procurement: AdvanceProcurement | None = Field(
        None, description="Long-lead components bought ahead of each lot."
    )

    @model_validator(mode="after")
    def _one_price(self) -> Self:
        if (self.unit_price is None) == (self.total_value is None):
            raise ValueError("give exactly one of unit_price or total_value")
        return self

    @model_validator(mode="after")
    def _lots_add_up(self) -> Self:
        if self.lots and sum(self.lots.values()) != self.quantity:
            raise ValueError(
                f"lots add up to {sum(self.lots.values())} units but quantity is "
                f"{self.quantity}: they must be equal"
            )
        return self

    def funded_lots(self, fiscal_year_start_month: int) -> list[Lot]:
        """The lots in funding order; without ``lots``, the whole contract at award.

        >>> contract = Contract(buyer="army", system="m", quantity=30, unit_price=1.0,
        ...     award=dt.date(2024, 11, 5), account="a", lots={"fy2025": 10, "fy2026": 20})
        >>> [(lot.key, lot.funded.isoformat(), lot.quantity)
        ...  for lot in contract.funded_lots(fiscal_year_start_month=10)]
        [('fy2025', '2024-11-05', 10), ('fy2026', '2025-10-01', 20)]
        """
        if not self.lots:
            return [Lot(None, self.award, self.quantity)]
        start_month = fiscal_year_start_month
        lots = [
            Lot(key, max(self.award, fiscal_year_start(fiscal_year_number(key), start_month)),
                quantity)
            for key, quantity in self.lots.items()
        ]  # fmt: skip
        return sorted(lots, key=lambda lot: lot.funded)

    @property
    def price_per_unit(self) -> float:
        """USD per unit, from whichever price the scenario gave."""
        if self.unit_price is not None:
            return self.unit_price
        assert self.total_value is not None
        return self.total_value / self.quantity


__all__ = [
    "Budget",
    "Contract",
    "Lot",
    "Units",
    "UnspentFunds",
    "WhenUnfunded",
    "fiscal_year_number",
]
