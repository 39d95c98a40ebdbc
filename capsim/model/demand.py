"""Demands on stockpiles: transfers, consumption, random expenditure and attrition."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from capsim.calendar import Calendar
from capsim.model.records import EventRow, Recorder
from capsim.model.schedule import monthly_rates
from capsim.model.stockpile import StockpileState
from capsim.scenario.demand import (
    Attrition,
    Consumption,
    Demand,
    Expenditure,
    Transfer,
    UnmetDemand,
)


class DemandState:
    """One demand during a run: what it asks of its stockpile each month.

    * ``transfer``: its quantity in the month of its date, moved to another holder;
    * ``consumption``: the scheduled rate, kept in whole units by carrying the fraction;
    * ``expenditure``: a Poisson draw with the scheduled mean;
    * ``attrition``: a binomial draw of the stock on hand when its turn comes.
    """

    def __init__(
        self,
        demand_id: str,
        index: int,
        spec: Demand,
        source: StockpileState,
        destination: StockpileState | None,
        default_unmet: UnmetDemand,
        calendar: Calendar,
        recorder: Recorder,
        rng: np.random.Generator,
    ) -> None:
        self.id = demand_id
        self.index = index
        self.spec = spec
        self.source = source
        self.destination = destination
        self.priority = spec.priority
        self.backorder = (spec.unmet or default_unmet) is UnmetDemand.BACKORDER
        self.outstanding = 0
        self._rng = rng
        self._credit = 0.0
        self._calendar = calendar
        self._rates: list[float] = [0.0] * calendar.months
        self._active = np.ones(calendar.months, dtype=bool)
        if isinstance(spec, Consumption | Expenditure):
            self._rates = monthly_rates(spec.rate, calendar, spec.interpolation).tolist()
        elif isinstance(spec, Attrition):
            first = 0 if spec.start is None else calendar.month_of(spec.start)
            last = calendar.months if spec.end is None else calendar.month_of(spec.end) + 1
            self._active[:] = False
            self._active[max(first, 0) : max(last, 0)] = True
        elif isinstance(spec, Transfer):
            self._transfer_month = calendar.month_of(spec.date)
            if destination is not None:
                recorder.events.append(
                    EventRow(spec.date, "transfer", demand_id, spec.system, source.holder,
                             spec.quantity)
                )
        labels = (spec.system, source.holder)
        self.requested = recorder.new_series("demand", demand_id, "demand", *labels)
        self.served = recorder.new_series("demand", demand_id, "served", *labels)
        self.unmet = recorder.new_series("demand", demand_id, "unmet", *labels)

    def new_request(self, month: int) -> int:
        """Units newly asked for in ``month`` (attrition is drawn at service time)."""
        spec = self.spec
        if isinstance(spec, Transfer):
            return spec.quantity if month == self._transfer_month else 0
        if isinstance(spec, Expenditure):
            return int(self._rng.poisson(self._rates[month]))
        if isinstance(spec, Consumption):
            self._credit += self._rates[month]
            whole = math.floor(self._credit + 1e-9)
            self._credit -= whole
            return whole
        return 0

    def attrition(self, month: int) -> int:
        """Units lost to attrition now, from the stock on hand."""
        spec = self.spec
        if not isinstance(spec, Attrition) or not self._active[month]:
            return 0
        return int(self._rng.binomial(self.source.stock, spec.fraction_per_month))


@dataclass(frozen=True)
class _Claim:
    priority: int
    fresh: bool
    index: int
    demand: DemandState
    quantity: int


def serve(month: int, demands: list[DemandState]) -> None:
    """Serve one month's demands, in priority order across all stockpiles.

    Within a priority, backorders come before new demand, then demands in the order the
    scenario declares them. A transfer's served units join the receiving stockpile at
    once, so a later claim on that stockpile can use them.
    """
    claims: list[_Claim] = []
    for demand in demands:
        if demand.outstanding:
            claims.append(_Claim(demand.priority, False, demand.index, demand, demand.outstanding))
            demand.outstanding = 0
        fresh = demand.new_request(month)
        if fresh or isinstance(demand.spec, Attrition):
            claims.append(_Claim(demand.priority, True, demand.index, demand, fresh))
    claims.sort(key=lambda claim: (claim.priority, claim.fresh, claim.index))
    for claim in claims:
        demand, source = claim.demand, claim.demand.source
        quantity = claim.quantity
        if claim.fresh and isinstance(demand.spec, Attrition):
            quantity = demand.attrition(month)
        if claim.fresh:
            demand.requested[month] += quantity
            source.demand[month] += quantity
        served = min(quantity, source.stock)
        source.stock -= served
        demand.served[month] += served
        source.served[month] += served
        if demand.destination is not None and served:
            demand.destination.stock += served
            demand.destination.transfers_in[month] += served
            source.transfers_out[month] += served
        short = quantity - served
        if demand.backorder:
            demand.outstanding += short
        else:
            demand.unmet[month] += short
            source.unmet[month] += short
    for demand in demands:
        demand.source.backorders = 0
    for demand in demands:
        demand.source.backorders += demand.outstanding
