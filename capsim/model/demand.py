"""Demand kinds: when and how much each kind of demand asks of its stockpile.

Each kind is a small class registered under the ``kind`` a scenario gives, so adding one
touches this module and the schema (``capsim/scenario/demand.py``) only. A kind either
lists its arrivals for the whole run at the start (:meth:`DemandModel.arrivals`: times in
days and quantities), or draws at each month's end from the stock then on hand
(:meth:`DemandModel.month_end`), or both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar, NamedTuple

import numpy as np

from capsim.calendar import Calendar, calendar_for
from capsim.model.context import Context
from capsim.model.records import EventRow
from capsim.model.schedule import monthly_rates
from capsim.model.streams import StreamMaker
from capsim.model.timebase import Phase, at
from capsim.scenario.base import Interpolation, RatePoint
from capsim.scenario.demand import Attrition, Consumption, Demand, Expenditure, Transfer

LUMP_ABOVE = 200_000
"""Arrivals of one demand over the run above which it arrives in daily lumps instead."""


@dataclass(frozen=True)
class Arrivals:
    """Times (days since the start, ascending) and quantities (units) of a demand."""

    days: np.ndarray
    quantities: np.ndarray
    drawn: bool = False
    """Whether they were drawn at random (so differ from run to run)."""

    @classmethod
    def none(cls) -> Arrivals:
        """No arrivals (one shared object of read-only arrays: see :func:`merge_arrivals`)."""
        return _no_arrivals() if cls is Arrivals else cls(*_empty_arrays())

    @property
    def read_only(self) -> bool:
        """Whether neither of its arrays can be written to (a kind that hands out the same
        object every run keeps them so)."""
        return not (self.days.flags.writeable or self.quantities.flags.writeable)


def _empty_arrays() -> tuple[np.ndarray, np.ndarray]:
    days, quantities = np.empty(0), np.empty(0, dtype=np.int64)
    days.flags.writeable = quantities.flags.writeable = False
    return days, quantities


@lru_cache(maxsize=1)
def _no_arrivals() -> Arrivals:
    return Arrivals(*_empty_arrays())


class MergedArrivals(NamedTuple):
    """The arrivals of a stockpile's demands, all by time (read-only, the lists too)."""

    days: np.ndarray
    """Day of each arrival, ascending."""
    day_list: list[float]
    """The same days as Python floats (a stockpile bisects them)."""
    quantities: np.ndarray
    """Units each arrival asks."""
    which: np.ndarray
    """The demand (its index among the stockpile's) of each arrival."""
    asked: np.ndarray
    """Units asked by the arrivals before each one (and by all of them, last)."""
    moving: list[tuple[int, int]]
    """(Arrival, demand) of each arrival of a transfer, by arrival."""


def merge_arrivals(
    arrivals: Sequence[Arrivals], ranked: Sequence[int], transfers: Sequence[int]
) -> MergedArrivals:
    """The arrivals of several demands merged by time, then priority, then demand.

    ``ranked`` lists the demands by priority then demand id; ``transfers`` are the
    demands whose units move to another holder. Each demand's arrivals are in time
    order, so a stable sort by time of all of them, laid end to end in ``ranked`` order,
    puts arrivals at one instant in that order too (and takes runs already in order as
    they are).

    Demands that draw nothing at random (steady use, dated transfers) are the same in
    every run of a scenario: their merge is worked out once for equal arrivals. The kinds
    that hand out one read-only object for the same arrivals every run find it by the
    objects themselves (without copying and hashing every arrival's numbers).
    """
    if any(part.drawn for part in arrivals):
        return _merge(arrivals, ranked, transfers)
    ranked, transfers = tuple(ranked), tuple(transfers)
    same = all(part.read_only for part in arrivals)
    if same:
        # The merge holds its arrivals, so the ids of the key are theirs while it is kept.
        identity = (tuple(map(id, arrivals)), ranked, transfers)
        known = _MERGED_OBJECTS.get(identity)
        if known is not None:
            return known[1]
    key = tuple(
        (part.days.dtype.str, part.days.tobytes(), part.quantities.dtype.str,
         part.quantities.tobytes())
        for part in arrivals
    )  # fmt: skip
    merged = _merge_again(key, ranked, transfers)
    if same:
        if len(_MERGED_OBJECTS) >= 64:
            _MERGED_OBJECTS.clear()
        _MERGED_OBJECTS[identity] = (tuple(arrivals), merged)
    return merged


_MERGED_OBJECTS: dict[
    tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]],
    tuple[tuple[Arrivals, ...], MergedArrivals],
] = {}
"""Recent merges of read-only arrivals by the ids of the arrivals, demands ranked and
transfers (with the arrivals, which keeps their ids theirs)."""


@lru_cache(maxsize=16)
def _merge_again(
    key: tuple[tuple[str, bytes, str, bytes], ...],
    ranked: tuple[int, ...],
    transfers: tuple[int, ...],
) -> MergedArrivals:
    """:func:`_merge` of the arrivals whose numbers (type and bytes) ``key`` holds."""
    arrivals = [
        Arrivals(np.frombuffer(days, dtype=day_type), np.frombuffer(units, dtype=unit_type))
        for day_type, days, unit_type, units in key
    ]
    return _merge(arrivals, ranked, transfers)


def _merge(
    arrivals: Sequence[Arrivals], ranked: Sequence[int], transfers: Sequence[int]
) -> MergedArrivals:
    """:func:`merge_arrivals`, worked out."""
    all_days = np.concatenate([arrivals[index].days for index in ranked])
    which = np.concatenate(
        [np.full(len(arrivals[index].days), index, dtype=np.int64) for index in ranked]
    )
    order = np.argsort(all_days, kind="stable")
    days = all_days[order]
    quantities = np.concatenate([arrivals[index].quantities for index in ranked])[order]
    which = which[order]
    moving: list[tuple[int, int]] = []
    if transfers:
        moves = np.zeros(len(arrivals), dtype=bool)
        moves[list(transfers)] = True
        arrival = np.flatnonzero(moves[which])
        moving = list(zip(arrival.tolist(), which[arrival].tolist(), strict=True))
    asked = np.concatenate(([0], np.cumsum(quantities)))
    for values in (days, quantities, which, asked):
        values.flags.writeable = False
    return MergedArrivals(days, days.tolist(), quantities, which, asked, moving)


class DemandModel:
    """How one demand draws on its stockpile during a run (the base draws nothing)."""

    kind: ClassVar[str] = ""

    def __init__(self, demand_id: str, spec: Any, context: Context, rng: StreamMaker):
        self.id = demand_id
        self.spec = spec
        self._context = context
        self._stream = rng

    @property
    def _rng(self) -> np.random.Generator:
        """The demand's own random stream, made when it first draws: a transfer and
        steady use never do, and making one costs about as much as a month of a line."""
        return self._stream()

    @property
    def holder(self) -> str:
        """The holder whose stock it draws."""
        return str(self.spec.holder)

    @property
    def destination(self) -> str | None:
        """The holder that receives what it draws, if any (a transfer)."""
        return None

    def arrivals(self) -> Arrivals:
        """Arrivals known at the start, for the whole run."""
        return Arrivals.none()

    def month_end(self, month: int, stock: int) -> int:
        """Units drawn at the end of ``month`` from ``stock`` on hand."""
        return 0

    @property
    def draws_at_month_end(self) -> bool:
        """Whether its kind draws at month ends (overrides :meth:`month_end`)."""
        return type(self).month_end is not DemandModel.month_end


Schedule = float | tuple[RatePoint, ...]
"""A rate schedule of a scenario: units per month, or dated points."""


@dataclass(frozen=True, eq=False)
class MonthlySchedule:
    """A rate schedule on a calendar: its rate in each month (units per month, the month's
    average), and the months' first days and lengths (days). Read-only arrays; one object
    per schedule and calendar, so it is its own key."""

    rates: np.ndarray
    boundaries: np.ndarray
    lengths: np.ndarray


def monthly_schedule(
    schedule: Schedule, interpolation: Interpolation, calendar: Calendar
) -> MonthlySchedule:
    """``schedule`` month by month on ``calendar``, worked out once for all the runs of a
    scenario (the same numbers each time: they depend on the schedule and the months only)."""
    return _monthly_schedule(
        schedule, interpolation, calendar.start, calendar.months, calendar.fiscal_year_start_month
    )


@lru_cache(maxsize=64)
def _monthly_schedule(
    schedule: Schedule,
    interpolation: Interpolation,
    start: dt.date,
    months: int,
    fiscal_year_start_month: int,
) -> MonthlySchedule:
    calendar = calendar_for(start, months, fiscal_year_start_month)
    rates = monthly_rates(schedule, calendar, interpolation)
    boundaries = calendar.boundaries.astype(float)
    lengths = np.diff(boundaries)
    for values in (rates, boundaries, lengths):
        values.flags.writeable = False
    return MonthlySchedule(rates, boundaries, lengths)


DEMAND_MODELS: dict[str, type[DemandModel]] = {}
"""Demand kinds by the ``kind`` a scenario gives."""


def demand_kind(kind: str) -> Callable[[type[DemandModel]], type[DemandModel]]:
    """Register a demand kind's model under ``kind``."""

    def register(model: type[DemandModel]) -> type[DemandModel]:
        model.kind = kind
        DEMAND_MODELS[kind] = model
        return model

    return register


def demand_model(demand_id: str, spec: Demand, context: Context, rng: StreamMaker) -> DemandModel:
    """The model of one demand of a scenario."""
    return DEMAND_MODELS[spec.kind](demand_id, spec, context, rng)


@demand_kind("transfer")
class TransferModel(DemandModel):
    """A drawdown: its quantity at the demand phase of its date, moved to another holder."""

    spec: Transfer

    @property
    def holder(self) -> str:
        return self.spec.from_

    @property
    def destination(self) -> str | None:
        return self.spec.to

    def arrivals(self) -> Arrivals:
        context, spec = self._context, self.spec
        day = context.calendar.day(spec.date)
        if not 0 <= day < context.calendar.boundary_days[-1]:
            return Arrivals.none()
        time = at(day, Phase.DEMAND)
        context.recorder.events.append(
            EventRow(spec.date, "transfer", self.id, spec.system, spec.from_, spec.quantity, 0.0,
                     time)
        )  # fmt: skip
        return _dated_arrival(time, spec.quantity)


@lru_cache(maxsize=256, typed=True)
def _dated_arrival(time: float, quantity: int) -> Arrivals:
    """One arrival of ``quantity`` at ``time``: one read-only object for every run."""
    days, quantities = np.array([time]), np.array([quantity])
    days.flags.writeable = quantities.flags.writeable = False
    return Arrivals(days, quantities)


@demand_kind("consumption")
class ConsumptionModel(DemandModel):
    """Steady use, accrued in continuous time: a unit is drawn the moment it has accrued.

    The scheduled rate is taken as constant within each calendar month (the month's
    average), so 2.5 a month draws units 12 days apart in a 30-day month: whole units
    with the fraction carried, as a deterministic fluid demand (Zipkin, *Foundations of
    Inventory Management*, 2000, §3.2).
    """

    spec: Consumption

    def arrivals(self) -> Arrivals:
        # The same every run: worked out once.
        return _steady_arrivals(
            monthly_schedule(self.spec.rate, self.spec.interpolation, self._context.calendar)
        )


@lru_cache(maxsize=16)
def _steady_arrivals(schedule: MonthlySchedule) -> Arrivals:
    """Arrivals of steady use at ``schedule``'s rates (read-only arrays): a unit each time
    one has accrued, or daily lumps above :data:`LUMP_ABOVE` units in all."""
    boundaries = schedule.boundaries
    accrued = np.concatenate(([0.0], np.cumsum(schedule.rates)))
    total = int(np.floor(accrued[-1] + 1e-9))
    if total <= LUMP_ABOVE:
        units = np.arange(1, total + 1, dtype=float)
        arrivals = Arrivals(np.interp(units, accrued, boundaries), np.ones(total, dtype=np.int64))
    else:
        day_ends = np.arange(1, boundaries[-1] + 1)
        whole = np.floor(np.interp(day_ends, boundaries, accrued) + 1e-9)
        lumps = np.diff(whole, prepend=0.0).astype(np.int64)
        keep = lumps > 0
        arrivals = Arrivals(day_ends[keep] - 0.5, lumps[keep])
    arrivals.days.flags.writeable = False
    arrivals.quantities.flags.writeable = False
    return arrivals


@demand_kind("expenditure")
class ExpenditureModel(DemandModel):
    """Random wartime expenditure: Poisson arrivals in continuous time.

    The intensity is constant within each calendar month (the month's average of the
    schedule). The count in a month is Poisson with that mean, and given the count the
    arrival times are independent and uniform over the month: the standard way to draw a
    Poisson process on an interval (Ross, *Simulation*, 5th ed., 2013, §5.5).
    """

    spec: Expenditure

    def arrivals(self) -> Arrivals:
        rng = self._rng
        schedule = monthly_schedule(self.spec.rate, self.spec.interpolation, self._context.calendar)
        counts = rng.poisson(schedule.rates)
        boundaries, lengths = schedule.boundaries, schedule.lengths
        total = int(counts.sum())
        if total <= LUMP_ABOVE:
            # Each arrival's month start and length (the same numbers as gathering them
            # by month index).
            starts, spans = np.repeat(boundaries[:-1], counts), np.repeat(lengths, counts)
            days = np.sort(starts + rng.random(total) * spans)
            return Arrivals(days, np.ones(total, dtype=np.int64), drawn=True)
        days_list, lumps_list = [], []
        for month, count in enumerate(counts):
            length = int(lengths[month])
            per_day = rng.multinomial(int(count), np.full(length, 1.0 / length))
            days_list.append(boundaries[month] + np.arange(length) + 0.5)
            lumps_list.append(per_day)
        days, lumps = np.concatenate(days_list), np.concatenate(lumps_list).astype(np.int64)
        keep = lumps > 0
        return Arrivals(days[keep], lumps[keep], drawn=True)


@demand_kind("attrition")
class AttritionModel(DemandModel):
    """Loss of a fraction of the stock on hand, drawn at each month's end (binomial)."""

    spec: Attrition

    def month_end(self, month: int, stock: int) -> int:
        spec, calendar = self.spec, self._context.calendar
        first = 0 if spec.start is None else calendar.month_of(spec.start)
        last = calendar.months if spec.end is None else calendar.month_of(spec.end) + 1
        if not first <= month < last or stock <= 0:
            return 0
        return int(self._rng.binomial(stock, spec.fraction_per_month))


__all__ = [
    "DEMAND_MODELS", "Arrivals", "DemandModel", "MergedArrivals", "demand_kind", "demand_model",
    "merge_arrivals",
]  # fmt: skip
