"""KPI tables of many runs, with the same column types however they were gathered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from capsim.kpis import LABELS, outcomes
from capsim.outcomes import Kind

INDEX_COLUMNS = ("point", "replication")


def kpi_frame(columns: Mapping[str, Sequence[Any]]) -> pd.DataFrame:
    """A KPI table from columns of plain values (from workers or from a store).

    Each KPI gets the type its declaration (:mod:`capsim.kpis`) gives: dates
    ``datetime64[s]``, whole numbers ``int64``, other numbers ``float64``; labels become
    ``str``; index columns (``point``, ``replication``) stay first, as given.
    """
    frame = pd.DataFrame(dict(columns))
    declared = {outcome.name: outcome for outcome in outcomes()}
    for column in frame.columns:
        outcome = declared.get(column)
        if column in LABELS:
            frame[column] = frame[column].astype(str)
        elif column in INDEX_COLUMNS:
            frame[column] = frame[column].astype("int64")
        elif outcome is None:
            continue
        elif outcome.kind is Kind.DATE:
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[s]")
        else:
            frame[column] = frame[column].astype("int64" if outcome.whole else "float64")
    return frame


__all__ = ["INDEX_COLUMNS", "kpi_frame"]
