"""Many replications of one scenario: tables with a ``replication`` column, bands, odds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from capsim.calendar import calendar_for
from capsim.experiments.conditions import ATTRIBUTES, evaluate, names, parse_condition
from capsim.experiments.conditions import unknown_name as _unknown_name
from capsim.experiments.precision import replications_needed
from capsim.experiments.tables import kpi_frame
from capsim.experiments.tasks import ChunkResult
from capsim.kpis import outcomes
from capsim.model.records import SeriesKey
from capsim.outcomes import Kind, summarise
from capsim.results import TIMESERIES_COLUMNS
from capsim.scenario.schema import Scenario

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DEFAULT_QUANTILES = (0.05, 0.5, 0.95)


class Ensemble:
    """The replications of one scenario, assembled in replication order.

    Attributes
    ----------
    scenario
        The scenario (nominal values of its uncertain inputs).
    seed
        Root seed; replication ``k`` ran ``simulate(scenario, seed, replication=k)``.
    replications
        Replication indices, in order.
    keys
        Labels of the monthly series.
    values
        Monthly values, shape (replications, series, months).
    """

    def __init__(self, scenario: Scenario, seed: int, chunks: Sequence[ChunkResult]) -> None:
        ordered = sorted(chunks, key=lambda chunk: chunk.replications[0])
        if not ordered:
            raise ValueError("an ensemble needs at least one replication")
        self.scenario = scenario
        self.seed = seed
        self.replications = tuple(r for chunk in ordered for r in chunk.replications)
        self.keys: tuple[SeriesKey, ...] = ordered[0].keys
        if any(chunk.keys != self.keys or chunk.series is None for chunk in ordered):
            raise ValueError("chunks of one ensemble must carry the same monthly series")
        self.values = np.concatenate(
            [chunk.series for chunk in ordered if chunk.series is not None]
        )
        self._kpi_columns = {
            column: [value for chunk in ordered for value in chunk.kpis[column]]
            for column in ordered[0].kpis
        }
        self._inputs = {
            path: [value for chunk in ordered for value in chunk.inputs[path]]
            for path in ordered[0].inputs
        }

    def __len__(self) -> int:
        return len(self.replications)

    def __repr__(self) -> str:
        return (
            f"<Ensemble {self.scenario.scenario.name!r}: {len(self)} replications, "
            f"seed {self.seed}>"
        )

    @cached_property
    def months(self) -> pd.DatetimeIndex:
        """First day of each simulated month."""
        header = self.scenario.scenario
        calendar = calendar_for(header.start, header.months, header.fiscal_year_start_month)
        return pd.DatetimeIndex(pd.to_datetime(list(calendar.month_starts)))

    @cached_property
    def timeseries(self) -> pd.DataFrame:
        """The tidy monthly table of :attr:`capsim.Results.timeseries`, with ``replication``."""
        count, keys, months = len(self), len(self.keys), len(self.months)

        def label(field: str) -> pd.Categorical:
            names_ = [getattr(key, field) for key in self.keys]
            categories = sorted(set(names_))
            codes = np.array([categories.index(name) for name in names_], dtype=np.int64)
            tiled = np.tile(np.repeat(codes, months), count)
            return pd.Categorical.from_codes(tiled, categories=categories)  # type: ignore[call-overload,no-any-return]

        frame = pd.DataFrame(
            {
                "replication": np.repeat(np.asarray(self.replications), keys * months),
                "month": np.tile(self.months.values, count * keys),
                **{field: label(field) for field in TIMESERIES_COLUMNS[1:-1]},
                "value": self.values.ravel(),
            }
        )
        return frame

    @cached_property
    def kpis(self) -> pd.DataFrame:
        """Key results per replication and stockpile (:func:`capsim.kpis.stockpile_kpis`)."""
        return kpi_frame(self._kpi_columns)

    @cached_property
    def inputs(self) -> pd.DataFrame:
        """Values drawn for the uncertain inputs: one row per replication, a column per path."""
        frame = pd.DataFrame(self._inputs, index=pd.Index(self.replications, name="replication"))
        return frame

    def metric(self, metric: str, entity_kind: str = "stockpile") -> tuple[np.ndarray, list[str]]:
        """One metric of every entity of a kind: values (replications, entities, months)."""
        chosen = [
            index
            for index, key in enumerate(self.keys)
            if key.metric == metric and key.entity_kind == entity_kind
        ]
        if not chosen:
            known = sorted({k.metric for k in self.keys if k.entity_kind == entity_kind})
            kinds = sorted({k.entity_kind for k in self.keys})
            if not known:
                raise ValueError(f"no entity kind {entity_kind!r}; known: {', '.join(kinds)}")
            raise ValueError(_unknown_name(metric, known))
        return self.values[:, chosen, :], [self.keys[index].entity for index in chosen]

    def bands(
        self,
        metric: str,
        quantiles: Sequence[float] = DEFAULT_QUANTILES,
        entity_kind: str = "stockpile",
    ) -> pd.DataFrame:
        """Quantiles of a metric across replications, per month and entity.

        Columns ``month``, ``entity``, ``mean`` and one per quantile, named ``p5``,
        ``p50``, ``p95`` (per cent). Quantiles interpolate linearly between order
        statistics (numpy's default, Hyndman and Fan's type 7).

        >>> import capsim
        >>> scenario = capsim.load_scenario("benchmarks/stinger_ref.yaml")
        >>> ensemble = capsim.replicate(scenario, n=4, seed=1, progress=False)
        >>> list(ensemble.bands("stock").columns)
        ['month', 'entity', 'mean', 'p5', 'p50', 'p95']
        """
        values, entities = self.metric(metric, entity_kind)
        levels = np.quantile(values, list(quantiles), axis=0)
        months = len(self.months)
        frame = pd.DataFrame(
            {
                "month": np.tile(self.months.values, len(entities)),
                "entity": np.repeat(entities, months),
                "mean": values.mean(axis=0).ravel(),
            }
        )
        for quantile, level in zip(quantiles, levels, strict=True):
            frame[f"p{quantile * 100:g}"] = level.ravel()
        return frame

    def probability(
        self,
        condition: str,
        by: str | dt.date | None = None,
        at: str | dt.date | None = None,
        entity_kind: str = "stockpile",
    ) -> pd.Series:
        """Share of replications in which ``condition`` holds, per entity.

        ``condition`` is written in the small language of
        :mod:`capsim.experiments.conditions` (``"stock < objective"``, ``"unmet > 0"``)
        and is tested on month-end values.

        * ``by=date``: the condition held in **at least one month** from the first month
          through the month that contains ``date`` ("has the stock fallen below its
          objective by 30 June 2025?");
        * ``at=date``: it held **in the month** that contains ``date``;
        * neither: it held in at least one month of the horizon.

        Stockpiles without an objective never satisfy a comparison with it.

        >>> import capsim
        >>> scenario = capsim.load_scenario("benchmarks/stinger_ref.yaml")
        >>> ensemble = capsim.replicate(scenario, n=4, seed=1, progress=False)
        >>> float(ensemble.probability("stock < 1000", by="2025-03-31")["army"])
        0.0
        >>> float(ensemble.probability("stock < 1000", by="2025-06-30")["army"])
        1.0
        """
        if by is not None and at is not None:
            raise ValueError("give by= or at=, not both")
        parsed = parse_condition(condition)
        entities = self._entities(entity_kind)

        def values(name: str) -> np.ndarray:
            if name in ATTRIBUTES and entity_kind == "stockpile":
                return self._attribute(name, entities)
            data, order = self.metric(name, entity_kind)
            if order != entities:
                raise ValueError(f"metric {name!r} is not recorded for every {entity_kind}")
            return data

        for name in names(parsed):
            values(name)
        held: np.ndarray = np.asarray(evaluate(parsed, values))
        shape = (len(self), len(entities), len(self.months))
        everywhere = np.broadcast_to(held, shape)
        if at is not None:
            month = self._month_index(at)
            window = everywhere[:, :, month : month + 1]
        else:
            last = len(self.months) - 1 if by is None else self._month_index(by)
            window = everywhere[:, :, : last + 1]
        happened = window.any(axis=2)
        return pd.Series(
            happened.mean(axis=0), index=pd.Index(entities, name="entity"), name=condition
        )

    def _entities(self, entity_kind: str) -> list[str]:
        seen: dict[str, None] = {}
        for key in self.keys:
            if key.entity_kind == entity_kind:
                seen.setdefault(key.entity, None)
        if not seen:
            raise ValueError(f"no entity kind {entity_kind!r}")
        return list(seen)

    def _attribute(self, name: str, entities: list[str]) -> np.ndarray:
        """A stockpile number per (replication, entity, 1): uncertain ones per replication."""
        columns = []
        for entity in entities:
            value = getattr(self.scenario.stockpiles[entity], name)
            path = f"stockpiles.{entity}.{name}"
            if path in self._inputs:
                columns.append(np.asarray(self._inputs[path], dtype=float))
            else:
                fixed = np.nan if value is None else float(value)
                columns.append(np.full(len(self), fixed))
        return np.stack(columns, axis=1)[:, :, np.newaxis]

    def _month_index(self, date: str | dt.date) -> int:
        when = pd.Timestamp(date)
        index = int(self.months.searchsorted(when, side="right")) - 1
        if index < 0 or when > self.months[-1] + pd.offsets.MonthEnd(0):
            first, last = self.months[0].date(), (self.months[-1] + pd.offsets.MonthEnd(0)).date()
            raise ValueError(f"{when.date()} is outside the horizon {first} to {last}")
        return index

    def kpi_distribution(
        self,
        column: str,
        quantiles: Sequence[float] = DEFAULT_QUANTILES,
        by: Sequence[str | dt.date] = (),
    ) -> pd.DataFrame:
        """Distribution of one KPI across replications, one row per stockpile.

        Numbers get ``mean``, ``sd``, ``min``, the quantiles and ``max``. Dates get the
        quantiles, ``censored_share`` (replications not reaching the date within the
        horizon) and, per date in ``by``, the probability of reaching it by then
        (column ``by YYYY-MM-DD``). A quantile that falls among the censored
        replications is ``NaT``: "not within the horizon" (see
        :func:`capsim.outcomes.summarise`, the summary every view uses).

        >>> import capsim
        >>> scenario = capsim.load_scenario("benchmarks/stinger_ref.yaml")
        >>> ensemble = capsim.replicate(scenario, n=4, seed=1, progress=False)
        >>> list(ensemble.kpi_distribution("recovery_date", by=["2030-12-31"]).columns)
        ['p5', 'p50', 'p95', 'censored_share', 'by 2030-12-31']
        """
        declared = {outcome.name: outcome for outcome in outcomes()}
        if column not in declared:
            raise ValueError(_unknown_name(column, list(declared)).replace("metric", "KPI", 1))
        dates = [pd.Timestamp(day).date() for day in by]
        rows = {
            stockpile: summarise(declared[column], group, quantiles, dates)
            for stockpile, group in self.kpis.groupby("stockpile", sort=False)
        }
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "stockpile"
        return frame

    def precision(
        self, kpi: str, relative: float = 0.05, confidence: float = 0.95, k_limit: int = 5
    ) -> pd.DataFrame:
        """Whether there are enough replications for a KPI's mean, per stockpile.

        Implements the confidence-interval method with look-ahead of Hoad, Robinson and
        Davies (2010), "Automated selection of the number of replications for a
        discrete-event simulation", *Journal of the Operational Research Society*
        61(11):1632–1644 (see :func:`capsim.experiments.precision.replications_needed`).
        ``relative`` is the wanted half-width of the confidence interval over the mean
        (0.05: ±5 %). Dates are measured in days from the start. A mean of dates needs
        every replication to have one: with censored replications (or a KPI that does
        not apply) the row is NaN; ask instead how precisely ``censored_share`` is known.

        Columns: ``replications``, ``mean``, ``half_width``, ``relative_half_width``,
        ``target``, ``enough``, ``needed`` and ``estimated`` (``needed`` extrapolated
        because the runs made were not enough).
        """
        table = self.kpis
        declared = {outcome.name: outcome for outcome in outcomes()}
        if kpi not in declared:
            raise ValueError(_unknown_name(kpi, list(declared)).replace("metric", "KPI", 1))
        rows = {}
        start = pd.Timestamp(self.scenario.scenario.start)
        for stockpile, group in table.groupby("stockpile", sort=False):
            values = group[kpi]
            if declared[kpi].kind is Kind.DATE:
                numbers = ((values - start) / pd.Timedelta(days=1)).to_numpy(dtype=float)
                if np.isnan(numbers).any():
                    numbers = np.full(len(numbers), np.nan)
            else:
                numbers = values.to_numpy(dtype=float)
            rows[stockpile] = vars(replications_needed(numbers, relative, confidence, k_limit))
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "stockpile"
        return frame

    def plot(self, quantiles: tuple[float, float] = (0.05, 0.95)) -> Figure:
        """Fan chart: output against demand, and stock against objective, per system."""
        from capsim.experiments.plot import plot_fan

        return plot_fan(self, quantiles)


__all__ = ["DEFAULT_QUANTILES", "Ensemble"]
