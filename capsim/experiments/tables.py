"""KPI tables of many runs, with the same column types however they were gathered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from capsim.kpis import DATE_COLUMNS, KPI_COLUMNS

DATE_KPIS = DATE_COLUMNS
TEXT_KPIS = ("stockpile", "holder", "system")
WHOLE_KPIS = ("initial_stock", "months_below_objective")


def kpi_frame(columns: Mapping[str, Sequence[Any]]) -> pd.DataFrame:
    """A KPI table from columns of plain values (from workers or from a store).

    Dates become ``datetime64[s]``, text ``str``, counts ``int64``, other KPIs ``float64``;
    index columns (``point``, ``replication``) stay first, as given.
    """
    frame = pd.DataFrame(dict(columns))
    for column in frame.columns:
        if column in DATE_KPIS:
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[s]")
        elif column in TEXT_KPIS:
            frame[column] = frame[column].astype(str)
        elif column in WHOLE_KPIS or column in ("point", "replication"):
            frame[column] = frame[column].astype("int64")
        elif column in KPI_COLUMNS:
            frame[column] = frame[column].astype("float64")
    return frame


__all__ = ["DATE_KPIS", "TEXT_KPIS", "kpi_frame"]
