"""Demands on stockpiles: transfers, consumption, random expenditure and attrition."""

from __future__ import annotations

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
        self.is_attrition = isinstance(spec, Attrition)
        self.requests = self._requests(spec, calendar)
        """Units newly asked for in each month (attrition is drawn at service time)."""
        if isinstance(spec, Attrition):
            first = 0 if spec.start is None else calendar.month_of(spec.start)
            last = calendar.months if spec.end is None else calendar.month_of(spec.end) + 1
            self._active = [first <= month < last for month in range(calendar.months)]
        if isinstance(spec, Transfer) and destination is not None:
            recorder.events.append(
                EventRow(
                    spec.date, "transfer", demand_id, spec.system, source.holder, spec.quantity
                )
            )
        labels = (spec.system, source.holder)
        self.requested = recorder.new_series("demand", demand_id, "demand", *labels)
        self.served = recorder.new_series("demand", demand_id, "served", *labels)
        self.unmet = recorder.new_series("demand", demand_id, "unmet", *labels)

    def _requests(self, spec: Demand, calendar: Calendar) -> list[int]:
        requests = [0] * calendar.months
        if isinstance(spec, Transfer):
            month = calendar.month_of(spec.date)
            if 0 <= month < calendar.months:
                requests[month] = spec.quantity
        elif isinstance(spec, Expenditure):
            rates = monthly_rates(spec.rate, calendar, spec.interpolation)
            requests = self._rng.poisson(rates).tolist()
        elif isinstance(spec, Consumption):
            # Whole units, carrying the fraction: 2.5 a month is 2, 3, 2, 3, ...
            rates = monthly_rates(spec.rate, calendar, spec.interpolation)
            cumulative = np.floor(np.cumsum(rates) + 1e-9)
            requests = np.diff(cumulative, prepend=0.0).astype(int).tolist()
        return requests

    def attrition(self, month: int) -> int:
        """Units lost to attrition now, a binomial draw from the stock on hand."""
        spec = self.spec
        if not isinstance(spec, Attrition) or not self._active[month]:
            return 0
        return int(self._rng.binomial(self.source.stock, spec.fraction_per_month))


def serve(month: int, demands: list[DemandState]) -> None:
    """Serve one month's demands, in priority order across all stockpiles.

    Within a priority, backorders come before new demand, then demands in the order the
    scenario declares them. A transfer's served units join the receiving stockpile at
    once, so a later claim on that stockpile can use them.
    """
    claims: list[tuple[int, bool, int, DemandState, int]] = []
    for demand in demands:
        if demand.outstanding:
            claims.append((demand.priority, False, demand.index, demand, demand.outstanding))
            demand.outstanding = 0
        fresh = demand.requests[month]
        if fresh or demand.is_attrition:
            claims.append((demand.priority, True, demand.index, demand, fresh))
    claims.sort(key=_claim_order)
    for _, fresh, _, demand, quantity in claims:
        source = demand.source
        if fresh and demand.is_attrition:
            quantity = demand.attrition(month)
        if fresh:
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


def _claim_order(claim: tuple[int, bool, int, DemandState, int]) -> tuple[int, bool, int]:
    return claim[0], claim[1], claim[2]
