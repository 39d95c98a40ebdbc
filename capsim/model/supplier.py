"""Component suppliers: work their buyers' orders at a capacity rate, from kits of their
own bill of materials, and ship each component to a buyer by the allocation rule."""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from capsim.model.assembly import work_stretch
from capsim.model.capacity import CapacityCurve
from capsim.model.context import Context, Inspection
from capsim.model.expansion import Expanded, GrowingCapacity
from capsim.model.finish_times import FinishTimes, KnownTimes
from capsim.model.inbound import Inbound
from capsim.model.kit import NO_WORK, Kit
from capsim.model.records import EventRow, MonthlyIdle, most_idle, series_keys
from capsim.model.streams import StreamMaker
from capsim.model.supply_allocation import Buyer, FairQueue, divide
from capsim.model.timebase import count_by_month, month_index
from capsim.model.trace import NO_ORDERS
from capsim.scenario.production import Supplier

PLANNING_FENCE_MONTHS = 3.0
"""Months beyond the longest sub-tier lead time that a supplier plans its material for
(an assumption: a quarter, the usual firm horizon of a master production schedule)."""

MAX_OUTAGES = 100_000
"""Outages drawn for one supplier at most, so that no input can make a run unbounded."""


_SERIES = (
    "production", "scrapped", "starts", "backlog", "capacity", "production_cost_usd",
    "inventory", "in_transit",
)  # fmt: skip
"""A supplier's monthly series, in the order it registers them."""


class SupplierConstraint:
    """What bound a supplier's output in a month, besides a sub-tier component's name."""

    CAPACITY = "capacity"
    OUTAGE = "outage"
    """Stopped for most of the month by an outage, with orders waiting."""
    QUALIFICATION = "qualification"
    """Not yet qualified for most of the month, with orders waiting."""
    NO_ORDERS = NO_ORDERS


class SupplierState:
    """One supplier of one component during a run.

    The supplier makes good components one after another at its capacity rate, each
    from a kit of its own bill of materials (:func:`~capsim.model.assembly.work_stretch`)
    and a geometric number of starts at its yield. Its capacity is the schedule plus
    funded expansions, and zero before it is qualified and during outages: scheduled
    ones, and random ones drawn for the whole horizon at the start (exponential times
    between and durations, from the supplier's own stream). Buyers order through their
    :class:`~capsim.model.inbound.Inbound` stock; a finished component goes to a buyer
    by the allocation rule (:mod:`capsim.model.supply_allocation`) and reaches it
    ``lead_time_months`` later, in month-time. An order is also a requirement on the
    supplier's own sub-tier: material requirements planning explodes it down the tiers.
    """

    def __init__(self, supplier_id: str, spec: Supplier, context: Context, rng: StreamMaker):
        self.id = supplier_id
        self.spec = spec
        self.lead_time = spec.lead_time_months
        """Months from a component being made to its arrival at the buyer."""
        self._lead_time = np.array(self.lead_time, dtype=float)
        """:attr:`lead_time` as an array: numpy adds it to an array of times in fewer
        steps than a Python float (the same sums)."""
        self.component = spec.component
        self._context = context
        self._inspection = Inspection(spec.yield_, rng)
        self.outages = _draw_outages(spec, context, rng) + _scheduled_outages(spec, context)
        """Outages, random and scheduled, in month-time."""
        self.stops = self.outages + _before_qualification(spec, context)
        """Intervals of zero capacity, in month-time: outages and time before qualification."""
        schedule, timebase, stops = spec.capacity, context.timebase, self.stops
        self.capacity = GrowingCapacity(
            Expanded(supplier_id, "", spec.component),
            spec.expansions,
            lambda steps: CapacityCurve.from_schedule(
                schedule, timebase, steps=steps, outages=stops
            ),
            context.calendar.months,
        )
        self._server = self.capacity.server
        self._time = 0.0
        self.kit = Kit({})
        self._horizon = PLANNING_FENCE_MONTHS
        self._buyers: dict[str, Buyer] = {}
        self._buyers_by_id: list[Buyer] = []
        self._sole_buyer: Buyer | None = None
        """The buyer, when there is only one."""
        self._fair = FairQueue()
        self.backlog = 0
        """Good components ordered and not yet made."""
        self.stock = spec.initial_inventory
        """Finished components not yet shipped (the initial inventory)."""
        self._on_the_way: deque[tuple[tuple[float, float], FinishTimes]] = deque()
        """The first and last arrival month-times and the shipping month-times, of each
        shipment not yet all arrived, oldest first (the lead time is the same for all, so
        they arrive in the order they left)."""
        self._on_the_way_count = 0
        self._after_scrap = False
        months = context.calendar.months
        self._months = months
        self._idle = MonthlyIdle(months)
        self._month = 0
        """The month being written: month-times in ``(_month_begin, _month_end]``."""
        self._month_begin = self._month_end = -math.inf  # none yet
        self._month_idle: dict[str, float] = {}
        """``_idle[_month]``, looked up once a month rather than at every advance."""
        recorder = context.recorder
        # Lists, not arrays: they take one addition at a time faster.
        (
            self._made, self._scrapped, self._starts, self._backlog, self._capacity,
            self._cost, self._inventory, self._transit,
        ) = recorder.new_series_group(
            series_keys("supplier", supplier_id, _SERIES, holder=spec.component)
        )  # fmt: skip
        self.constraints = recorder.new_constraint_log(supplier_id, kind="supplier")
        self._record_stops()

    def connect(self, kit: Kit) -> None:
        """Give the supplier its own bill of materials: its sub-tier stocks."""
        self.kit = kit
        leads = [
            source.lead_time
            for part in kit.parts.values()
            for source in part.inbound.sources
        ]  # fmt: skip
        self._horizon = max(leads, default=0.0) + PLANNING_FENCE_MONTHS

    def plan(self) -> None:
        """The monthly planning run: order from the sub-tier what the coming months need."""
        self._replan()

    def add_buyer(self, inbound: Inbound) -> None:
        """Serve a buyer (a line or a supplier) whose bill names this component."""
        self._buyers[inbound.buyer] = Buyer(inbound.buyer, inbound)
        self._buyers_by_id = [self._buyers[key] for key in sorted(self._buyers)]
        self._sole_buyer = self._buyers_by_id[0] if len(self._buyers) == 1 else None

    def order(self, inbound: Inbound, quantity: int, placed: float | None = None) -> None:
        """Take an order of ``quantity`` good components for ``inbound``'s buyer, now.

        ``placed`` is when the buyer first placed it, if it moves from another source.
        Finished stock ships at once; the rest joins the backlog, and the supplier
        orders what the backlog needs from its own sub-tier.
        """
        now = self._context.now_month_time
        stock = self.stock
        from_stock = quantity if quantity < stock else stock  # min(stock, quantity)
        if from_stock:
            self.stock -= from_stock
            shipped = KnownTimes(np.full(from_stock, now))
            inbound.receive(shipped)  # from the shelf, at once
            quantity -= from_stock
        if not quantity:
            return
        self._buyers[inbound.buyer].place(now if placed is None else placed, quantity)
        self.backlog += quantity
        self._replan()

    def withdraw(self, buyer: str) -> list[tuple[float, int]]:
        """Take back a buyer's orders not yet begun: (when placed, units), oldest first.

        The unit in progress, if any, keeps one order behind it.
        """
        taken = self._buyers[buyer].withdraw(self.backlog - int(self._server.busy))
        self.backlog -= sum(units for _, units in taken)
        return taken

    def room_within(self, months: float) -> float:
        """Components it could still take on within ``months`` from now, given its backlog."""
        now = self._context.now_month_time
        return self._server.curve.between(now, now + months) - self.backlog

    def inbound_for(self, component: str) -> Inbound | None:
        """Its own stock of a sub-tier component, if its bill names it."""
        part = self.kit.parts.get(component)
        return None if part is None else part.inbound

    def outstanding_for(self, buyer: str) -> int:
        """Components a buyer has on order here and not yet shipped."""
        return self._buyers[buyer].outstanding

    def advance(self, until: float) -> None:
        """Make components up to month-time ``until``; ship each good one to a buyer."""
        start = self._time
        if until <= start:
            return
        if not self._month_begin < until <= self._month_end:
            self._enter_month(until)
        self._time = until
        idle = self._month_idle
        server = self._server
        if not self.backlog and not server.busy:
            # Nothing ordered: the stretch is idle, with no need to work it out (the curve
            # keeps the level at the start from the stretch before).
            idle[NO_WORK] = idle.get(NO_WORK, 0.0) + server.idle(*server.levels(start, until))
            return
        month = self._month
        started, finished_at, scrapped, waited = work_stretch(
            server, self._inspection, self.kit, start, until, self.backlog
        )
        for reason, amount in waited.items():
            idle[reason] = idle.get(reason, 0.0) + amount
        if started:
            self._starts[month] += started
        if scrapped:
            self._scrapped[month] += scrapped
        self._ship(finished_at)
        if scrapped and self.kit.parts:
            self._after_scrap = True
            self._replan()
            self._after_scrap = False

    def _enter_month(self, until: float) -> None:
        """Make the month of month-time ``until`` (:func:`month_index`) the one written."""
        self._open_month(month_index(until, self._months))

    def _open_month(self, month: int) -> None:
        """Make ``month`` the one written.

        :meth:`advance` keeps the month's bounds and its idle record, so that a stretch
        in it looks up neither: month ``m`` holds the month-times in ``(m, m + 1]``, the
        first month all those before and the last all those after (as
        :func:`month_index` has it). Closing the month opens the next.
        """
        self._month = month
        self._month_begin = float(month) if month > 0 else -math.inf
        self._month_end = month + 1.0 if month < self._months - 1 else math.inf
        self._month_idle = self._idle[month]

    def close_month(self, month: int) -> None:
        """Record the end-of-month state and what bound the month."""
        self.capacity.record(self._capacity, month)
        self._backlog[month] = self.backlog
        self._cost[month] = self._made[month] * self.spec.price_per_unit
        self._inventory[month] = self.stock
        # Nothing on the way (an idle supplier's usual month): none in transit, no call.
        self._transit[month] = self._in_transit(month + 1.0) if self._on_the_way else 0
        idle = self._idle.close(month)
        self.constraints.append(self._binding(month, idle))
        if month == self._month:  # the next stretch is in the next month, normally
            following = month + 1
            if following < self._months:
                # The next month opened as :meth:`_open_month` opens it, without the call
                # (once a month for every supplier); the closed month's record, emptied,
                # is the next month's (one dict a run).
                idle.clear()
                self._month = following
                self._month_begin = float(following)
                self._month_end = following + 1.0 if following < self._months - 1 else math.inf
                self._month_idle = self._idle.setdefault(following, idle)
            else:
                self._month_end = -math.inf  # none: look it up at the next stretch
        if self.kit.parts:  # its own stocks of sub-tier components
            self.kit.close_month(month)

    def _replan(self) -> None:
        """Order from the sub-tier what the backlog needs within the planning horizon,
        with a planned scrap allowance (after a scrap, only what finishing needs if every
        start passes).

        Time-phased material requirements planning (Orlicky, 1975): a planned order is
        released a lead time before it is needed, so the sub-tier is asked only for the
        starts the supplier can make within its longest sub-tier lead time plus
        :data:`PLANNING_FENCE_MONTHS`, at its capacity then (none before it is
        qualified). The monthly planning run (:meth:`plan`) rolls the horizon on.
        """
        if not self.kit.parts:
            return
        busy = int(self._server.busy)
        if self._after_scrap:
            starts = self.backlog - busy
        else:
            starts = math.ceil(self.backlog / self.spec.yield_ - 1e-9) - busy
        if starts <= self.kit.covered:  # on order already, whatever the horizon allows
            return
        now = self._context.now_month_time
        within = math.ceil(self._server.curve.between(now, now + self._horizon) - 1e-9)
        self.kit.replan(within if within < starts else starts)  # min(starts, within)

    def _ship(self, made: FinishTimes) -> None:
        """Good components ``made`` (their finish times): count them, give each to a
        buyer, ship.

        When they all fall in the month being written (always so in a run: a stretch
        never crosses a month's end), they are counted there without looking it up.
        Each shipment keeps ``made`` (its arrivals are worked out from it when asked
        for): most shipments are only ever asked how many have arrived by a month's
        end, which their first and last time answer, so most finish times are never
        worked out one by one.
        """
        count = made.count
        if not count:
            return
        first, last = made.span()
        month: int | None
        if self._month_begin < first and last <= self._month_end:
            month = self._month
            self._made[month] += count
        else:
            month = None
            count_by_month(self._made, made.times())
        self.backlog -= count
        # The first and last arrivals as Python floats: the same sums as ``times + lead``
        # (which no one may ever need: :class:`~capsim.model.arrivals.Arrivals` works it
        # out when asked), without reading it.
        span = (first + self.lead_time, last + self.lead_time)
        sole = self._sole_buyer
        if sole is not None and sole.outstanding >= count:
            # One buyer, waiting for them all: the lot goes to it, as :func:`divide` has it.
            sole.take(count)
            sole.inbound.receive(made, self._lead_time, month, span)
        else:
            self._divide(made, month, span)
        self._on_the_way.append((span, made))
        self._on_the_way_count += count

    def _divide(self, made: FinishTimes, month: int | None, span: tuple[float, float]) -> None:
        """Give components ``made`` to the buyers by the allocation rule; ``month`` and
        ``span`` as :meth:`~capsim.model.inbound.Inbound.receive` takes them."""
        count, lead = made.count, self._lead_time
        blocks = divide(self.spec.allocation, self._buyers_by_id, count, self._fair)
        if len(blocks) == 1 and blocks[0][1] == count:  # one buyer takes the lot: no slices
            buyer = blocks[0][0]
            buyer.take(count)
            buyer.inbound.receive(made, lead, month, span)
            return
        offset = 0
        for buyer, units in blocks:
            buyer.take(units)
            buyer.inbound.receive(made.part(offset, units), lead, month)
            offset += units

    def _in_transit(self, end: float) -> int:
        """Components shipped that arrive after month-time ``end``."""
        waiting = self._on_the_way
        while waiting:
            (first, last), shipped = waiting[0]
            if last > end:
                if first > end:  # the usual case: nothing left has arrived yet
                    return self._on_the_way_count
                arrive = shipped.times() + self._lead_time
                return self._on_the_way_count - int(arrive.searchsorted(end, side="right"))
            self._on_the_way_count -= shipped.count
            waiting.popleft()
        return 0

    def _binding(self, month: int, idle: dict[str, float]) -> str:
        if len(idle) == 1:  # the usual month: its one reason is the most idle, without a sum
            [(reason, total)] = idle.items()
        else:
            total = sum(idle.values())
            reason = most_idle(idle) if total >= 1.0 - 1e-9 else NO_WORK
        if total >= 1.0 - 1e-9:
            return SupplierConstraint.NO_ORDERS if reason == NO_WORK else reason
        if not self.stops or not self.backlog:
            return SupplierConstraint.CAPACITY
        stopped = _overlap(self.stops, float(month), month + 1.0)
        if stopped >= 0.5:
            qualified = self.spec.qualified
            before = (
                qualified is not None
                and self._context.calendar.date(self._context.timebase.day(month + 0.5)) < qualified
            )
            return SupplierConstraint.QUALIFICATION if before else SupplierConstraint.OUTAGE
        return SupplierConstraint.CAPACITY

    def _record_stops(self) -> None:
        context = self._context
        months = context.calendar.months
        for begin, end in self.outages:
            if begin < months and end > begin:
                day = context.timebase.day(begin)
                days = context.timebase.day(end) - day
                context.recorder.events.append(
                    EventRow(context.calendar.date(day), "outage", self.id, "", self.component,
                             days)
                )  # fmt: skip


def _overlap(intervals: list[tuple[float, float]], begin: float, end: float) -> float:
    """Length of ``[begin, end)`` covered by the union of ``intervals`` (a fraction of it)."""
    cuts = sorted((max(a, begin), min(b, end)) for a, b in intervals if a < end and b > begin)
    covered, reach = 0.0, begin
    for a, b in cuts:
        if b > reach:
            covered += b - max(a, reach)
            reach = b
    return covered / (end - begin)


def _before_qualification(spec: Supplier, context: Context) -> list[tuple[float, float]]:
    """The time before a new source is qualified, in month-time (none if it is)."""
    if spec.qualified is None:
        return []
    timebase = context.timebase
    qualified = timebase.month_time(timebase.date_day(spec.qualified))
    return [(0.0, qualified)] if qualified > 0 else []


def _scheduled_outages(spec: Supplier, context: Context) -> list[tuple[float, float]]:
    """Scheduled outages, in month-time, by id."""
    timebase = context.timebase
    outages = []
    for _, outage in sorted(spec.outages.items()):
        begin = timebase.month_time(timebase.date_day(outage.start))
        outages.append((begin, begin + outage.months))
    return outages


def _draw_outages(spec: Supplier, context: Context, rng: StreamMaker) -> list[tuple[float, float]]:
    """Outages over the horizon, in month-time: exponential gaps and durations."""
    disruptions = spec.disruptions
    if disruptions is None:
        return []
    outages: list[tuple[float, float]] = []
    clock = 0.0
    horizon = float(context.calendar.months)
    draws = rng()
    while len(outages) < MAX_OUTAGES:
        clock += draws.exponential(disruptions.mean_time_between_months)
        if clock >= horizon:
            return outages
        end = clock + draws.exponential(disruptions.mean_duration_months)
        outages.append((clock, end))
        clock = end
    return outages


__all__ = ["SupplierConstraint", "SupplierState"]
