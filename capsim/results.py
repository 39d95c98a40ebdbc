"""Results of one run: tidy DataFrames, key results (KPIs) and the central picture."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from capsim.calendar import Calendar
from capsim.kpis import stockpile_kpis
from capsim.model.records import Recorder
from capsim.scenario.schema import Scenario

if TYPE_CHECKING:
    from collections.abc import Sequence

    from capsim.figure import CapsimFigure

TIMESERIES_COLUMNS = ["month", "entity_kind", "entity", "system", "holder", "metric", "value"]


class Results:
    """What one run of one scenario produced.

    The model's records are turned into DataFrames once, the first time each is read.

    Attributes
    ----------
    timeseries
        Tidy monthly table, one row per month, entity and metric: ``month`` (first day),
        ``entity_kind`` (line, supplier, component_stock, stockpile, demand, account),
        ``entity`` (for a component stock, ``buyer.component``),
        ``system``, ``holder`` (for suppliers, the component), ``metric`` and ``value``.
        Units are units of the system (or component), except metrics ending in ``_usd``.
    money
        Monthly USD by account, fiscal year of the money and flow (appropriated,
        obligated, outlaid, lapsed).
    constraints
        What bound each line's output each month, and the chain down the supply tiers
        (``trace``), ending at the node that bound it (``bound_by``, ``root_constraint``).
    supplier_constraints
        What bound each supplier's output each month.
    events
        Dated awards, transfers and capacity expansions.
    inputs
        Values drawn for the uncertain inputs, by parameter path (empty if none).
    """

    def __init__(
        self,
        scenario: Scenario,
        calendar: Calendar,
        recorder: Recorder,
        seed: int,
        replication: int = 0,
        inputs: dict[str, float] | None = None,
    ) -> None:
        self.scenario = scenario
        self.calendar = calendar
        self.records = recorder
        self.seed = seed
        self.replication = replication
        self.inputs = dict(inputs or {})
        """Values drawn for the scenario's uncertain inputs in this run, by path."""

    @cached_property
    def months(self) -> pd.DatetimeIndex:
        """First day of each simulated month."""
        return pd.DatetimeIndex(pd.to_datetime(list(self.calendar.month_starts)))

    @cached_property
    def timeseries(self) -> pd.DataFrame:
        """Tidy monthly table of every recorded series."""
        return _timeseries(self.records, self.months)

    @cached_property
    def money(self) -> pd.DataFrame:
        """Movements of money by month, account, fiscal year and flow."""
        return _money(self.records, self.months)

    @cached_property
    def constraints(self) -> pd.DataFrame:
        """What bound each line each month, traced down the supply tiers.

        ``constraint`` is the line's own reason (capacity, funding, backlog, none, or
        the component it waited for); ``trace`` follows a component to the supplier it
        waited on most, and that supplier's reason, down the tiers, as
        ``line: rocket_motor > motor_plant: propellant > energetics_plant: capacity``;
        ``bound_by`` and ``root_constraint`` are the last node of the chain and its reason.
        """
        return _constraints(self.records, self.months, self.scenario)

    @cached_property
    def supplier_constraints(self) -> pd.DataFrame:
        """What bound each supplier each month: capacity, outage, qualification,
        no orders, or the sub-tier component it waited for."""
        columns = ["month", "supplier", "component", "constraint"]
        frames = [
            pd.DataFrame(
                {
                    "month": self.months[: len(log)],
                    "supplier": supplier_id,
                    "component": self.scenario.suppliers[supplier_id].component,
                    "constraint": log,
                }
            )
            for supplier_id, log in self.records.supplier_constraints.items()
        ]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)

    @cached_property
    def events(self) -> pd.DataFrame:
        """The event log, in time order: appropriations, awards, first deliveries,
        transfers, expansions and outages, each with its date and its exact ``day``
        (days since the start, fractions included)."""
        table = pd.DataFrame(
            [event._asdict() for event in self.records.events],
            columns=["date", "kind", "entity", "system", "holder", "quantity", "value", "day"],
        )
        order = table["day"].fillna(table["date"].map(self.calendar.day).astype(float))
        return table.iloc[order.argsort(kind="stable")].reset_index(drop=True)

    @cached_property
    def kpis(self) -> pd.DataFrame:
        """Key results, one row per stockpile (holder and system)."""
        return stockpile_kpis(self.scenario, self.calendar, self.records)

    def series(self, metric: str, entity_kind: str = "stockpile") -> pd.DataFrame:
        """One metric as a wide table: months by entity."""
        rows = self.timeseries[
            (self.timeseries["metric"] == metric) & (self.timeseries["entity_kind"] == entity_kind)
        ]
        return rows.pivot(index="month", columns="entity", values="value")

    def plot(self, systems: Sequence[str] | None = None, max_systems: int = 3) -> CapsimFigure:
        """Output against use, transfers, and stock against its objective, per system.

        ``systems`` picks the systems to draw; by default all of them, or, past
        ``max_systems``, those whose stock falls furthest below its objective.
        """
        from capsim.plot import plot_output_vs_demand

        return plot_output_vs_demand(self, systems, max_systems)

    def plot_network(self, colour_by: str = "bound") -> CapsimFigure:
        """The supply network, sub-tiers to stockpiles, each supplier and line coloured
        by the line-months it bound output (``"bound"``) or its ``"utilisation"``."""
        from capsim.network_figure import plot_network

        return plot_network(self, colour_by)

    def summary(self) -> str:
        """A short text table of the key results (dates as months, or "not within the horizon")."""
        from capsim.kpis import added, outcome
        from capsim.outcomes import format_value

        table = self.kpis
        shown = [
            "lowest_stock",
            "lowest_stock_date",
            "recovery_date",
            "objective_date",
            "months_below_objective",
            "unmet_total",
            "peak_monthly_output",
            "cost_per_delivered_unit_usd",
            *(declared.name for declared in added()),
        ]
        text = table[["holder", "system"]].copy()
        for column in shown:
            declared = outcome(column)
            applies = declared.applies(table)
            text[column] = [
                format_value(declared, value, self.scenario.scenario.start) if applied else "–"
                for value, applied in zip(table[column], applies, strict=True)
            ]
        name = self.scenario.scenario.name
        return f"{name} (seed {self.seed})\n{text.to_string(index=False)}"


def _timeseries(recorder: Recorder, months: pd.DatetimeIndex) -> pd.DataFrame:
    keys = list(recorder.series)
    count = len(months)
    values = np.concatenate([recorder.series[key] for key in keys]) if keys else np.zeros(0)

    def label(field: str) -> pd.Categorical:
        names = [getattr(key, field) for key in keys]
        categories = sorted(set(names))
        codes = np.array([categories.index(name) for name in names], dtype=np.int64)
        return pd.Categorical.from_codes(  # type: ignore[call-overload,no-any-return]
            np.repeat(codes, count), categories=categories
        )

    return pd.DataFrame(
        {
            "month": np.tile(months.values, len(keys)),
            "entity_kind": label("entity_kind"),
            "entity": label("entity"),
            "system": label("system"),
            "holder": label("holder"),
            "metric": label("metric"),
            "value": values,
        },
        columns=TIMESERIES_COLUMNS,
    )


def _money(recorder: Recorder, months: pd.DatetimeIndex) -> pd.DataFrame:
    columns = ["month", "account", "fiscal_year", "flow", "amount_usd", "reference"]
    frame = pd.DataFrame(
        [
            (
                months[row.month],
                row.account,
                row.fiscal_year,
                str(row.flow),
                row.amount,
                row.reference,
            )
            for row in recorder.ledger
        ],
        columns=columns,
    )
    return frame


CONSTRAINT_COLUMNS = [
    "month",
    "line",
    "system",
    "constraint",
    "trace",
    "bound_by",
    "root_constraint",
]


def _constraints(recorder: Recorder, months: pd.DatetimeIndex, scenario: Scenario) -> pd.DataFrame:
    frames = []
    for line_id, log in recorder.constraints.items():
        traces = recorder.traces.get(line_id, [(line_id, reason) for reason in log])
        frames.append(
            pd.DataFrame(
                {
                    "month": months[: len(log)],
                    "line": line_id,
                    "system": scenario.lines[line_id].system,
                    "constraint": log,
                    "trace": [_trace_text(chain) for chain in traces],
                    "bound_by": [chain[-2] for chain in traces],
                    "root_constraint": [chain[-1] for chain in traces],
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=CONSTRAINT_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def _trace_text(chain: tuple[str, ...]) -> str:
    """``line: component > supplier: reason > ...`` from ``(node, reason, ...)``."""
    return " > ".join(
        f"{node}: {reason}" for node, reason in zip(chain[::2], chain[1::2], strict=True)
    )
