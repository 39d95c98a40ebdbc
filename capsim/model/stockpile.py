"""Stockpiles: one holder's stock of one system, serving its demands in time order.

A stockpile receives units (deliveries from contracts, transfers from other holders) and
serves demands as they arrive, each at its own time. Between two events of the model
nothing else can change its stock, so it settles everything up to the clock when it is
asked to (:meth:`StockpileState.advance`), in the order things happened: by time; at one
instant, units received before demands; demands of one instant by priority, then by
demand id, never by their order in a file.

Demand that finds the stock short is lost or backordered, as the demand says. Lost sales
follow Lindley's recursion (the stock is a random walk reflected at zero), computed for a
whole stretch of events at once. Backorders wait in a queue served, as units arrive, by
priority, then by the time they were asked for, then by demand id.

Arrivals served as lost sales are recorded by demand and month once, when the last month
closes, from what each arrival was short: nothing reads those series during a run.
"""

from __future__ import annotations

import bisect
import heapq
import math
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np

from capsim.model.context import Context
from capsim.model.demand import DemandModel, merge_arrivals
from capsim.model.landings import Batch, Landing
from capsim.model.records import series_keys
from capsim.model.timebase import PHASE_STEP
from capsim.scenario.demand import Stockpile

if TYPE_CHECKING:
    from capsim.model.contract import Contract
    from capsim.model.finish_times import FinishTimes


_SERIES = (
    "stock", "deliveries", "transfers_in", "transfers_out", "demand", "served", "unmet",
    "backorders",
)  # fmt: skip
"""A stockpile's monthly series, in the order it registers them."""

_LISTS = 3
"""The first of :data:`_SERIES` are lists: stock, deliveries and transfers in."""


_NEAR = 64
"""Arrivals a settling's search looks among first (a month of steady use passes dozens)."""


def _read_only(values: np.ndarray) -> np.ndarray:
    values.flags.writeable = False
    return values


# What a stockpile without demands holds: read-only, like the arrays of a merge of
# arrivals that replace them, so one of each serves every stockpile.
_NO_DAYS = _read_only(np.empty(0))
_NO_COUNTS = _read_only(np.empty(0, dtype=np.int64))
_NONE_ASKED = _read_only(np.zeros(1, dtype=np.int64))


@dataclass
class Claim:
    """The series one demand fills, and where what it draws goes."""

    model: DemandModel
    priority: int
    backorder: bool
    destination: StockpileState | None
    requested: np.ndarray
    served: np.ndarray
    unmet: np.ndarray


class StockpileState:
    """A holder's stock of a system during a run."""

    def __init__(self, stockpile_id: str, spec: Stockpile, context: Context) -> None:
        self.id = stockpile_id
        self.holder = spec.holder
        self.system = spec.system
        self.objective = spec.objective
        self.stock = spec.initial
        self._context = context
        self._time = -math.inf
        self._claims: list[Claim] = []
        self._days = _NO_DAYS
        self._day_list: list[float] = []
        """The same days as Python floats: a settling finds its place among them by bisection,
        which costs less than a numpy call."""
        self._next_day = math.inf
        """Day of the next demand not yet served: most settlings come before it."""
        self._quantities = self._which = _NO_COUNTS
        self._asked = _NONE_ASKED
        """Units asked by the arrivals before each one (and by all of them, last)."""
        self._short: list[tuple[int, np.ndarray]] = []
        """(First arrival, units each arrival was short) of each stretch of lost sales the
        stock did not cover: recorded at the end."""
        self._in_turn: list[tuple[int, int]] = []
        """Stretches of arrivals (first, last excluded) served one at a time: recorded as
        they were drawn."""
        self._transfers: dict[int, StockpileState] = {}
        """Claims whose units move to another stockpile, and that stockpile."""
        self._moving: list[tuple[int, int, StockpileState]] = []
        """(Arrival, claim, destination) of the arrivals of those claims, by arrival."""
        self._next_move: float = math.inf
        """The next of those arrivals: most stretches end before it."""
        self._may_backorder = False
        """Whether any of its demands backorders what it cannot serve."""
        self._steady = True
        """Whether its arrivals are the same every run (none drawn at random)."""
        self._month_end_claims: list[int] = []
        """Claims that draw at month ends (attrition)."""
        self._cursor = 0
        self._incoming: list[Batch] = []
        self._next_landing = math.inf
        """Day of the first unit expected: most settlings come before it."""
        self._backorders: list[tuple[int, float, int, int]] = []
        """Queue of (priority, day asked, claim index, units owed)."""
        months = context.calendar.months
        self._last_month = months - 1
        keys = series_keys("stockpile", stockpile_id, _SERIES, self.system, self.holder)
        recorder = context.recorder
        # The series written a month at a time are lists (an item of a list is read and
        # written in a tenth of the instructions of an array's); those to which the lost
        # sales are added whole, at the end, are arrays. Registered in the order of _SERIES.
        self._stock_series, self._deliveries, self._transfers_in = recorder.new_series_group(
            keys[:_LISTS]
        )
        self._series: dict[str, np.ndarray] = dict(
            zip(_SERIES[_LISTS:], recorder.new_arrays(keys[_LISTS:]), strict=True)
        )

    @property
    def backorders(self) -> int:
        """Units of backordered demand still owed."""
        if not self._backorders:
            return 0
        return sum(owed for *_, owed in self._backorders)

    @property
    def demand_days(self) -> np.ndarray:
        """Days of every demand arrival known at the start, ascending."""
        return self._days

    def attach(self, claims: list[Claim]) -> None:
        """Take this stockpile's demands (in id order) and merge their arrivals."""
        self._claims = claims
        arrivals = [claim.model.arrivals() for claim in claims]
        self._steady = not any(part.drawn for part in arrivals)
        self._may_backorder = any(claim.backorder for claim in claims)
        self._month_end_claims = [
            index for index, claim in enumerate(claims) if claim.model.draws_at_month_end
        ]
        self._transfers = {
            index: claim.destination
            for index, claim in enumerate(claims)
            if claim.destination is not None
        }
        if not claims:
            return
        ranked = sorted(range(len(claims)), key=lambda index: claims[index].priority)
        merged = merge_arrivals(arrivals, ranked, sorted(self._transfers))
        self._days = merged.days
        self._quantities = merged.quantities
        self._which = merged.which
        self._moving = [
            (arrival, claim, self._transfers[claim]) for arrival, claim in merged.moving
        ]
        self._next_move = self._moving[0][0] if self._moving else math.inf
        self._asked = merged.asked
        self._day_list = merged.day_list
        self._next_day = self._day_list[0] if self._day_list else math.inf

    def expect(self, month_times: FinishTimes, contract: Contract, lag_months: float = 0) -> None:
        """Units from ``contract`` landing ``lag_months`` after ``month_times`` (one each,
        at their finish times: kept, and worked out only if the days they land are)."""
        if month_times.count:
            batch = Batch.at_month_times(month_times, self._context.timebase, contract, lag_months)
            self._incoming.append(batch)
            if batch.first < self._next_landing:
                self._next_landing = batch.first

    def receive(self, day: float, quantity: int) -> None:
        """``quantity`` units transferred in at ``day``.

        A transfer from a stockpile settled after this one (transfers in a cycle) can
        arrive for a time this one has settled already: it is received at once.
        """
        if not quantity:
            return
        if day > self._time:
            self._incoming.append(Batch.of(np.array([day]), np.array([quantity]), None))
            if day < self._next_landing:
                self._next_landing = day
            return
        month = self._context.timebase.recorded_month(day)
        self.stock += quantity
        self._transfers_in[month] += quantity
        # Backorders wait for the next settling: serving them now could send units
        # round a cycle of transfers without end.

    def advance(self, until: float) -> None:
        """Serve every demand and receive every unit up to day ``until``, in time order."""
        if until < self._next_day and until < self._next_landing and not self._backorders:
            self._time = until  # nothing to serve or receive yet: most settlings
            return
        start = end = self._cursor
        if until >= self._next_day:
            # Days before the cursor were settled by an earlier ``until``: none is later.
            days = self._day_list
            # A settling passes few arrivals: the search looks first among the next ones
            # (the same place, if the first after them is later than ``until``).
            near = start + _NEAR
            if near < len(days) and days[near] > until:
                end = bisect.bisect_right(days, until, start, near)
            else:
                end = bisect.bisect_right(days, until, start)
            self._next_day = days[end] if end < len(days) else math.inf
        incoming = self._due(until) if until >= self._next_landing else None
        if self._backorders and self.stock > 0 and self._time > -math.inf:
            # Units received at the last settling (from a cycle of transfers) serve the
            # backorders at the next instant, which a month's close never shares.
            moment = self._time + PHASE_STEP / 4
            self._serve_backorders(moment, self._context.timebase.recorded_month(moment))
        self._time = until
        if end == start and incoming is None:
            return
        self._cursor = end
        backorders = self._backorders or (
            self._may_backorder
            and any(self._claims[i].backorder for i in np.unique(self._which[start:end]))
        )
        if backorders:
            self._serve_in_turn(start, end, incoming)
        else:
            self._serve_lost_sales(start, end, incoming)

    def close_month(self, month: int) -> None:
        """Draw month-end demands (attrition), then record the stock and backorders.

        At the last month's close, record the demands served as lost sales.
        """
        for index in self._month_end_claims:
            drawn = self._claims[index].model.month_end(month, self.stock)
            if drawn:
                day = float(self._context.calendar.boundary_days[month + 1])
                self._draw(index, day, drawn, month)
        self._stock_series[month] = self.stock
        if self._backorders:  # the series starts at zero
            self._series["backorders"][month] = self.backorders
        if month == self._last_month:
            self._record_lost_sales()

    def _due(self, until: float) -> Landing | None:
        """Units landing by ``until``, batch by batch."""
        incoming = self._incoming
        if len(incoming) == 1 and incoming[0].last <= until:  # the usual case
            self._incoming = []
            self._next_landing = math.inf
            return Landing(incoming)
        due, kept = [], []
        next_landing = math.inf
        for batch in incoming:
            if batch.last <= until:
                due.append(batch)
                continue
            if batch.first <= until:
                landed, batch = batch.split(int(batch.days.searchsorted(until, side="right")))
                due.append(landed)
            kept.append(batch)
            if batch.first < next_landing:  # ``min`` without a builtin call
                next_landing = batch.first
        self._next_landing = next_landing
        self._incoming = kept
        return Landing(due) if due else None

    def _serve_lost_sales(self, start: int, end: int, incoming: Landing | None) -> None:
        """Serve arrivals ``start`` to ``end`` (excluded), losing what the stock cannot."""
        # No arrivals (units landing only): nothing asked, without reading the array.
        served = self._asked.item(end) - self._asked.item(start) if end > start else 0
        short: np.ndarray | None = None
        if self.stock < served:
            # Units received only add to a stock that covers every arrival: the shortfalls
            # are worked out only when it does not.
            short = self._shortfalls(start, end, incoming)
            self._short.append((start, short))
            served -= int(short.sum())
        if incoming is not None:
            self._land(incoming)
        self.stock -= served
        if end > self._next_move:
            self._move(start, end, short)

    def _shortfalls(self, start: int, end: int, incoming: Landing | None) -> np.ndarray:
        """Units each arrival ``start`` to ``end`` is short, by Lindley's recursion over the
        stretch: the stock, less the demand so far, plus the units landed so far (at one
        instant, before demands draw), reflected at zero."""
        # Whole units throughout: sums taken in another order are the same numbers.
        asked = self._asked
        level = (self.stock + asked.item(start)) - asked[start + 1 : end + 1]
        if incoming is not None:
            days = self._days[start:end]
            for batch in incoming:  # units landed by each arrival, batch by batch
                landed = batch.days.searchsorted(days, side="right")
                if batch.units is None:  # one each: as many units as days
                    level += landed
                else:
                    level += np.concatenate(([0], np.cumsum(batch.units)))[landed]
        floor = np.minimum.accumulate(np.minimum(level, 0, out=level), out=level)
        short = np.empty_like(floor)
        short[0] = -floor[0]
        np.subtract(floor[:-1], floor[1:], out=short[1:])
        return short

    def _move(self, start: int, end: int, short: np.ndarray | None) -> None:
        """Send what transfers among arrivals ``start`` to ``end`` (``short`` of what they
        asked, if anything) drew to their holders, claim by claim (the order in which each
        holder expects them)."""
        moving = self._moving
        first = bisect.bisect_left(moving, start, key=itemgetter(0))
        last = bisect.bisect_left(moving, end, lo=first, key=itemgetter(0))
        self._next_move = moving[last][0] if last < len(moving) else math.inf
        for arrival, _, destination in sorted(moving[first:last], key=itemgetter(1)):
            moved = int(self._quantities[arrival])
            if short is not None:
                moved -= int(short[arrival - start])
            destination.receive(float(self._days[arrival]), moved)

    def _serve_in_turn(self, start: int, end: int, incoming: Landing | None) -> None:
        """Serve arrivals ``start`` to ``end`` (excluded) one at a time, with a queue of
        backorders."""
        timebase = self._context.timebase
        self._in_turn.append((start, end))
        events: list[tuple[float, int, int, int]] = []
        if incoming is not None:
            self._land(incoming, count_stock=False)
            events.extend(
                (float(d), 0, int(q), -1) for d, q in zip(*incoming.by_day(), strict=True)
            )
        days, quantities, which = (
            self._days[start:end],
            self._quantities[start:end],
            self._which[start:end],
        )
        events.extend(
            (float(d), 1, int(q), int(w)) for d, q, w in zip(days, quantities, which, strict=True)
        )
        events.sort(key=lambda event: (event[0], event[1]))
        for day, kind, quantity, index in events:
            month = timebase.recorded_month(day)
            if kind == 0:
                self.stock += quantity
                self._serve_backorders(day, month)
            else:
                self._draw(index, day, quantity, month)

    def _draw(self, index: int, day: float, quantity: int, month: int) -> None:
        """Claim ``index`` asks for ``quantity`` at ``day``: serve, lose or backorder."""
        claim = self._claims[index]
        claim.requested[month] += quantity
        self._series["demand"][month] += quantity
        served = min(quantity, self.stock)
        self._serve(index, day, served, month)
        short = quantity - served
        if not short:
            return
        if claim.backorder:
            heapq.heappush(self._backorders, (claim.priority, day, index, short))
        else:
            claim.unmet[month] += short
            self._series["unmet"][month] += short

    def _serve(self, index: int, day: float, units: int, month: int) -> None:
        if not units:
            return
        claim = self._claims[index]
        self.stock -= units
        claim.served[month] += units
        self._series["served"][month] += units
        if claim.destination is not None:
            self._series["transfers_out"][month] += units
            claim.destination.receive(day, units)

    def _serve_backorders(self, day: float, month: int) -> None:
        queue = self._backorders
        while queue and self.stock > 0:
            priority, asked, index, owed = queue[0]
            units = min(owed, self.stock)
            self._serve(index, day, units, month)
            if units == owed:
                heapq.heappop(queue)
            else:
                queue[0] = (priority, asked, index, owed - units)

    def _land(self, incoming: Landing, count_stock: bool = True) -> None:
        """Record units landing: deliveries paid to their contracts, transfers in."""
        timebase = self._context.timebase
        ends = timebase.recorded_ends
        for batch in incoming:
            units = batch.total
            if count_stock:
                self.stock += units
            day = batch.first
            month = timebase.recorded_month(day)
            # The usual case: all in one month, that of the first day (the last, not
            # earlier, is that month's if it is not after the month's last recorded day).
            if batch.last <= ends[month]:
                self._credit(batch.sender, month, units, day)
                continue
            months = timebase.recorded_months(batch.days)
            unique, first = np.unique(months, return_index=True)
            counts = np.bincount(months, weights=batch.units)[unique]
            for month, index, count in zip(
                unique.tolist(), first.tolist(), counts.tolist(), strict=True
            ):
                self._credit(batch.sender, month, count, float(batch.days[index]))

    def _credit(self, sender: Contract | None, month: int, count: float, day: float) -> None:
        """``count`` units from ``sender`` landed in ``month``, the first at ``day``."""
        if sender is None:
            self._transfers_in[month] += count
        else:
            self._deliveries[month] += count
            sender.landed(int(count), month, day)

    def _record_lost_sales(self) -> None:
        """Record the arrivals served as lost sales by demand and month: requested, served,
        unmet and transferred out.

        Sums of units are whole numbers, exact in any order in floating point: the same
        as recording each arrival when it is served.
        """
        cursor = self._cursor
        if not cursor:
            return
        arrivals: slice | np.ndarray = slice(0, cursor)  # all of them, the usual case
        if self._in_turn:
            settled = np.ones(cursor, dtype=bool)
            for start, end in self._in_turn:
                settled[start:end] = False
            arrivals = np.flatnonzero(settled)
            if not len(arrivals):
                return
        claims, series = self._claims, self._series
        if self._in_turn or not self._steady:
            tally = _Tally.of(self, arrivals)
        else:
            tally = _steady_tally(self, cursor)
        requested = tally.requested
        if self._short:
            short = np.zeros(cursor, dtype=np.int64)
            for start, values in self._short:
                short[start : start + len(values)] = values
            unmet = tally.by_claim_and_month(short[arrivals])
            served = requested - unmet
            for claim, lost in zip(claims, unmet, strict=True):
                claim.unmet += lost
            series["unmet"] += unmet.sum(axis=0)
            served_total = served.sum(axis=0)
            moved = served[list(self._transfers)].sum(axis=0) if self._transfers else None
        else:
            # The stock covered every arrival: all served, and no zeros added to the
            # unmet series (adding +0.0 to a count changes nothing).
            served, served_total, moved = requested, tally.asked, tally.moved
        for claim, asked, got in zip(claims, requested, served, strict=True):
            claim.requested += asked
            claim.served += got
        series["demand"] += tally.asked
        series["served"] += served_total
        if moved is not None:
            series["transfers_out"] += moved


class _Tally:
    """The arrivals a stockpile served as lost sales, by demand and month: what they
    asked (read-only), and its sums by month in all and of the transfers."""

    __slots__ = ("asked", "claims", "keys", "months", "moved", "requested")

    def __init__(self, keys: np.ndarray, quantities: np.ndarray, claims: int, months: int,
                 transfers: list[int]) -> None:  # fmt: skip
        # Each arrival's demand times the months, plus its month; the demands and months.
        self.keys, self.claims, self.months = keys, claims, months
        self.requested = self.by_claim_and_month(quantities)
        self.asked = self.requested.sum(axis=0)
        self.moved = self.requested[transfers].sum(axis=0) if transfers else None
        for values in (self.requested, self.asked, self.moved):
            if values is not None:
                values.flags.writeable = False

    @classmethod
    def of(cls, stockpile: StockpileState, arrivals: slice | np.ndarray) -> _Tally:
        """The tally of a stockpile's ``arrivals``."""
        context = stockpile._context
        months = context.calendar.months
        days = stockpile._days[arrivals]
        recorded = context.timebase.recorded_months_ascending(days)
        keys = stockpile._which[arrivals] * months + recorded
        quantities = stockpile._quantities[arrivals]
        return cls(keys, quantities, len(stockpile._claims), months, sorted(stockpile._transfers))

    def by_claim_and_month(self, units: np.ndarray) -> np.ndarray:
        """``units`` of each arrival summed by demand and month (whole numbers: exact)."""
        totals = np.bincount(self.keys, weights=units, minlength=self.claims * self.months)
        return totals.reshape(self.claims, self.months)


def _steady_tally(stockpile: StockpileState, cursor: int) -> _Tally:
    """:meth:`_Tally.of` the first ``cursor`` arrivals of demands that draw nothing at
    random: the same in every run of a scenario, so worked out once (the merge of the
    arrivals is shared by the runs, and with it the array of their days)."""
    days, timebase = stockpile._days, stockpile._context.timebase
    key = (id(days), cursor, id(timebase))
    known = _STEADY_TALLIES.get(key)
    if known is None:
        if len(_STEADY_TALLIES) >= 64:
            _STEADY_TALLIES.clear()
        # Held with the days and time base, so that the ids of the key stay theirs.
        known = _STEADY_TALLIES[key] = (days, timebase, _Tally.of(stockpile, slice(0, cursor)))
    return known[2]


_STEADY_TALLIES: dict[tuple[int, int, int], tuple[np.ndarray, object, _Tally]] = {}

__all__ = ["Claim", "StockpileState"]
