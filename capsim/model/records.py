"""What a run records: monthly series in preallocated arrays, plus immutable event rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from itertools import chain
from typing import ClassVar, NamedTuple

import numpy as np


@dataclass(frozen=True)
class SeriesKey:
    """Labels of one monthly series: which entity, which metric.

    Its hash is the one a frozen dataclass gives (of its fields' tuple), worked out once
    when it is made: a run's records are a dict keyed by them, and working it out at each
    lookup cost several times the lookup.
    """

    entity_kind: str
    entity: str
    metric: str
    system: str = ""
    holder: str = ""
    _hash: ClassVar[int]
    """Set on each key (not a field: no part of equality, the repr or a copy)."""

    def __post_init__(self) -> None:
        labels = (self.entity_kind, self.entity, self.metric, self.system, self.holder)
        object.__setattr__(self, "_hash", hash(labels))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[type[SeriesKey], tuple[str, str, str, str, str]]:
        # Made again from its labels: another process may hash text differently.
        labels = (self.entity_kind, self.entity, self.metric, self.system, self.holder)
        return SeriesKey, labels


@lru_cache(maxsize=1 << 16)
def series_key(
    entity_kind: str, entity: str, metric: str, system: str = "", holder: str = ""
) -> SeriesKey:
    """The :class:`SeriesKey` of these labels, one shared object for equal labels.

    Every replication of a scenario labels the same series, and a frozen dataclass takes
    several times longer to build than to look up.
    """
    return SeriesKey(entity_kind, entity, metric, system, holder)


@lru_cache(maxsize=1 << 12)
def series_keys(
    entity_kind: str, entity: str, metrics: tuple[str, ...], system: str = "", holder: str = ""
) -> tuple[SeriesKey, ...]:
    """The :func:`series_key` of each of an entity's ``metrics``, in order (one tuple for
    all the runs of a scenario: each run registers the same series)."""
    return tuple(series_key(entity_kind, entity, metric, system, holder) for metric in metrics)


class MoneyFlow(StrEnum):
    """Kinds of money movement in the ledger."""

    APPROPRIATED = "appropriated"
    OBLIGATED = "obligated"
    OUTLAID = "outlaid"
    LAPSED = "lapsed"


class LedgerRow(NamedTuple):
    """One movement of money (USD) in one account and fiscal year.

    A named tuple, like :class:`EventRow`: as immutable as a frozen dataclass, and made
    in a fifth of the time (a run makes one for every payment).
    """

    month: int
    account: str
    fiscal_year: int
    flow: MoneyFlow
    amount: float
    reference: str


class EventRow(NamedTuple):
    """A dated event of the run: an award, a transfer, an appropriation, an outage, ..."""

    date: dt.date
    kind: str
    entity: str
    system: str
    holder: str
    quantity: float
    value: float = 0.0
    day: float | None = None
    """Exact time, in days since the start (fractions of a day included), where known."""


class MonthlyIdle(dict[int, dict[str, float]]):
    """Capacity units left idle in each month of a line or a supplier, by reason.

    Indexed by month like a list of ``{reason: units}`` dicts (``len`` is the number of
    months), but a month's dict is made when it is first written and let go by
    :meth:`close`: a node only ever writes to the month it is in, and a dict held for
    every month of the horizon from the start was only work for the garbage collector.

    It is a dict of the months open so far (``__missing__`` opens one), so that a node
    looking its month up at every advance finds it without a call into Python.
    """

    __slots__ = ("_months",)

    def __init__(self, months: int) -> None:
        super().__init__()
        self._months = months

    def __len__(self) -> int:
        return self._months

    def __missing__(self, month: int) -> dict[str, float]:
        idle: dict[str, float] = {}  # the month's first stretch
        self[month] = idle
        return idle

    def close(self, month: int) -> dict[str, float]:
        """The month's idle units by reason (empty if none were written), let go."""
        return self.pop(month, {})


def most_idle(idle: Mapping[str, float]) -> str:
    """The reason for the most idle units (the first by name, on ties); ``idle`` is not empty.

    >>> most_idle({"seeker": 2.0, "motor": 2.0, "": 0.5})
    'motor'
    """
    if len(idle) == 1:  # the usual case, without the sort
        return next(iter(idle))
    return max(sorted(idle), key=idle.__getitem__)


def _float_rows(lists: list[list[float]], months: int) -> list[np.ndarray]:
    """Each list as a float array, as ``np.asarray(values, dtype=float)`` makes it.

    Lists of ``months`` values (all that :meth:`Recorder.new_series` hands out) are
    converted in one pass into the rows of one array: the same conversion of each value,
    with a quarter fewer instructions than an array per list.
    """
    if any(len(values) != months for values in lists):
        return [np.asarray(values, dtype=float) for values in lists]
    flat = np.fromiter(chain.from_iterable(lists), dtype=float, count=len(lists) * months)
    return list(flat.reshape(len(lists), months))


@dataclass
class Recorder:
    """Collects a run's records; the model writes, :mod:`capsim.results` reads."""

    months: int
    constraints: dict[str, list[str]] = field(default_factory=dict)
    """Line → what bound it, one entry per month."""
    supplier_constraints: dict[str, list[str]] = field(default_factory=dict)
    """Supplier → what bound it, one entry per month."""
    traces: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    """Line → the chain of what bound it, one per month: ``(node, reason, node, ...)``."""
    ledger: list[LedgerRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    _filling_keys: list[SeriesKey] = field(default_factory=list, repr=False)
    """Keys of the series registered and being filled, in order (twice: the last wins)."""
    _filling: list[list[float] | np.ndarray] = field(default_factory=list, repr=False)
    """The values of each of :attr:`_filling_keys`."""
    _filled: dict[SeriesKey, list[float] | np.ndarray] | None = field(default=None, repr=False)
    """The values of each series once the run is over (:meth:`freeze`), as registered
    (lists not yet made arrays, arrays not yet checked for floats)."""
    _series: dict[SeriesKey, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def series(self) -> dict[SeriesKey, np.ndarray]:
        """Every monthly series by its labels, as float arrays, in the order registered
        (empty until the run is over).

        The lists are made arrays at the first read, all in one pass (see :meth:`freeze`).
        """
        if self._filled is not None:
            lists = [values for values in self._filled.values() if isinstance(values, list)]
            rows = iter(_float_rows(lists, self.months))
            series = self._series
            for key, values in self._filled.items():
                if isinstance(values, list):
                    series[key] = next(rows)
                else:
                    series[key] = np.asarray(values, dtype=float)
            self._filled = None
        return self._series

    def monthly(self, key: SeriesKey) -> np.ndarray:
        """One series as a float array: ``series[key]``, without making the others arrays."""
        filled = self._filled
        if filled is None:
            return self._series[key]
        values = filled[key]
        if isinstance(values, list):
            # The conversion of _float_rows for one list (the same bits).
            array = filled[key] = np.asarray(values, dtype=float)
            return array
        return np.asarray(values, dtype=float)  # an array registered: itself, if of floats

    def new_series(
        self, entity_kind: str, entity: str, metric: str, system: str = "", holder: str = ""
    ) -> list[float]:
        """A zeroed monthly list for one series, which the caller fills in place.

        Lists are faster than arrays for one value at a time; :meth:`freeze` turns them
        into arrays when the run ends.
        """
        values = [0.0] * self.months
        self._filling_keys.append(series_key(entity_kind, entity, metric, system, holder))
        self._filling.append(values)
        return values

    def new_series_group(self, keys: tuple[SeriesKey, ...]) -> list[list[float]]:
        """Zeroed monthly lists for several series, in the order of ``keys``: what
        :meth:`new_series` gives for each, registered in one step."""
        months = self.months
        lists = [[0.0] * months for _ in keys]
        self._filling_keys.extend(keys)
        self._filling.extend(lists)
        return lists

    def new_arrays(self, keys: tuple[SeriesKey, ...]) -> list[np.ndarray]:
        """Zeroed monthly float arrays for several series, which the caller fills in place:
        the rows of one block, one per key in order, each registered as
        :meth:`add_array` registers an array (one allocation instead of one a series)."""
        rows = list(np.zeros((len(keys), self.months)))  # views that write to the block
        self._filling_keys.extend(keys)
        self._filling.extend(rows)  # the caller's rows themselves: no second set of views
        return rows

    def add_array(
        self,
        entity_kind: str,
        entity: str,
        metric: str,
        values: np.ndarray,
        system: str = "",
        holder: str = "",
    ) -> None:
        """Register a monthly array the caller fills in place (for whole-array updates)."""
        self._filling_keys.append(series_key(entity_kind, entity, metric, system, holder))
        self._filling.append(values)

    def freeze(self) -> None:
        """End the filling of the series, once, at the end of the run.

        A float array registered with :meth:`add_array` is kept as it is, not copied: the
        run is over, so nothing writes to it any more. The lists become arrays when first
        read (:attr:`series`, :meth:`monthly`): a run whose KPIs are all that is read of it
        makes arrays only of the lists they read, and converting every list cost about 1 %
        of a run. A key registered twice keeps its first place and its last values, as
        assigning the series in turn to a dict would.
        """
        self._filled = dict(zip(self._filling_keys, self._filling, strict=True))
        self._filling_keys.clear()
        self._filling.clear()

    def new_constraint_log(self, node: str, kind: str = "line") -> list[str]:
        """A list that receives what bound ``node`` (a line or a supplier) each month."""
        log: list[str] = []
        (self.constraints if kind == "line" else self.supplier_constraints)[node] = log
        return log

    def new_trace_log(self, line: str) -> list[tuple[str, ...]]:
        """A list that receives the chain of what bound ``line``, one entry per month."""
        log: list[tuple[str, ...]] = []
        self.traces[line] = log
        return log
