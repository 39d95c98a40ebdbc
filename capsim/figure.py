"""A matplotlib figure that shows itself in Jupyter, and the axis style every capsim figure shares.

capsim never selects a matplotlib backend and never imports :mod:`matplotlib.pyplot`:
figures are plain :class:`~matplotlib.figure.Figure` objects, rendered with the Agg
canvas only when asked (``savefig``, or Jupyter asking for a PNG). A script can save
them, a notebook shows them, and the user's backend is left as it was.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

PNG_DPI = 100
"""Resolution of the PNG a notebook shows, in dots per inch."""


class CapsimFigure(Figure):
    """A :class:`~matplotlib.figure.Figure` with a PNG representation for Jupyter.

    Jupyter displays any object with ``_repr_png_``, whatever the matplotlib backend, so
    ``results.plot()`` as the last line of a cell shows the picture.

    >>> figure = CapsimFigure(figsize=(2, 1))
    >>> figure._repr_png_()[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=PNG_DPI)
        return buffer.getvalue()


def new_figure(width: float, height: float) -> CapsimFigure:
    """An empty figure of ``width`` × ``height`` inches, laid out without overlaps."""
    return CapsimFigure(figsize=(width, height), layout="constrained")


def thousands(value: float, _position: object = None) -> str:
    """A tick label with thousands separators and no offset.

    >>> thousands(2_500_000.0), thousands(12.5), thousands(0.25)
    ('2,500,000', '12.5', '0.25')
    """
    if value == 0:
        return "0"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.3g}"


def compact(value: float) -> str:
    """A short label for a bar: thousands as ``k`` and millions as ``M`` from 10,000 up.

    >>> compact(1500.0), compact(450_000.0), compact(2_000_000.0), compact(1_250_000.0)
    ('1,500', '450k', '2M', '1.25M')
    """
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.3g}M"
    if abs(value) >= 10_000:
        return f"{value / 1_000:.3g}k"
    return thousands(value)


def plain_numbers(axes: Axes, axis: str = "y") -> None:
    """Label ``axis`` with whole numbers and thousands separators (no ``1e6`` offset)."""
    target = axes.yaxis if axis == "y" else axes.xaxis
    target.set_major_formatter(FuncFormatter(thousands))


def compact_numbers(axes: Axes, axis: str = "y") -> None:
    """Label ``axis`` with short numbers (``450k``, ``1.2M``) and no offset."""
    target = axes.yaxis if axis == "y" else axes.xaxis
    target.set_major_formatter(FuncFormatter(lambda value, _position: compact(value)))


def year_axis(axes: Axes, start: pd.Timestamp, end: pd.Timestamp) -> None:
    """Ticks on 1 January, every year or every few years so that about ten fit.

    Spans shorter than four years get quarterly ticks, labelled concisely.
    """
    years = max(1, end.year - start.year)
    if (end - start).days < 4 * 365:
        locator = mdates.MonthLocator(bymonth=(1, 4, 7, 10))  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_locator(locator)
        formatter = mdates.ConciseDateFormatter(locator)  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_formatter(formatter)
    else:
        base = max(1, math.ceil(years / 10))
        axes.xaxis.set_major_locator(mdates.YearLocator(base))  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))  # type: ignore[no-untyped-call]
    axes.set_xlim(start, end)  # type: ignore[arg-type]


def unique_handles(axes_list: Iterable[Axes]) -> tuple[list[Artist], list[str]]:
    """Legend entries of several panels, each label once, in the order first drawn."""
    seen: dict[str, Artist] = {}
    for axes in axes_list:
        for handle, label in zip(*axes.get_legend_handles_labels(), strict=True):
            if label and not label.startswith("_"):
                seen.setdefault(label, handle)
    return list(seen.values()), list(seen)


def legend_below(figure: Figure, handles: list[Artist], labels: list[str]) -> None:
    """One legend for the whole figure, below the panels, so it covers no data."""
    if handles:
        columns = min(len(handles), 3)
        figure.legend(handles, labels, loc="outside lower center", ncols=columns, fontsize="small")


__all__ = [
    "PNG_DPI",
    "CapsimFigure",
    "compact",
    "compact_numbers",
    "legend_below",
    "new_figure",
    "plain_numbers",
    "thousands",
    "unique_handles",
    "year_axis",
]
