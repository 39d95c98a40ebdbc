"""Schema of money and orders: budgets (appropriations) and contracts."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, model_validator

from capsim.scenario.base import USD, Identifier, Months, Positive, Spec, Units

FiscalYearKey = Annotated[str, Field(pattern=r"^fy\d{4}$")]


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


class Contract(Spec):
    """An order for a quantity of a system from a line, obligated at award."""

    buyer: Identifier = Field(description="The holder whose stockpile receives deliveries.")
    system: Identifier
    line: Identifier | None = Field(
        None, description="The line that builds it; may be left out when one line builds it."
    )
    quantity: Annotated[int, Field(ge=1, le=100_000_000)] = Field(description="Units ordered.")
    unit_price: Positive | None = Field(None, description="USD per unit.")
    total_value: Positive | None = Field(None, description="USD for the whole quantity.")
    award: dt.date = Field(description="Award date: the value is obligated on this date.")
    first_delivery_lag_months: Months = Field(
        0.0, description="Months from award to the earliest delivery."
    )
    max_deliveries_per_month: Units | None = Field(
        None, description="Cap on units delivered in one month; none means no cap."
    )
    account: Identifier = Field(description="Budget account that pays.")
    priority: Annotated[int, Field(ge=0, le=1000)] = Field(
        1, description="Order on the line under ``priority`` allocation (lower first)."
    )
    when_unfunded: WhenUnfunded = WhenUnfunded.WAIT

    @model_validator(mode="after")
    def _one_price(self) -> Self:
        if (self.unit_price is None) == (self.total_value is None):
            raise ValueError("give exactly one of unit_price or total_value")
        return self

    @property
    def price_per_unit(self) -> float:
        """USD per unit, from whichever price the scenario gave."""
        if self.unit_price is not None:
            return self.unit_price
        assert self.total_value is not None
        return self.total_value / self.quantity


__all__ = ["Budget", "Contract", "Units", "UnspentFunds", "WhenUnfunded"]
