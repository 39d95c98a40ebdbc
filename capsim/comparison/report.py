"""The comparison report: one self-contained HTML file that answers first.

It opens with the planner's question, one ranked row per scenario: when is the stock
back at its objective (median date), how likely by a few dates and by the end of the
horizon, how much sooner or later than the baseline (paired difference in words, with
its interval), and a flag where runs hit the horizon. Then one small table per KPI,
the figures, the inputs that differ (collapsed) and the manifest.

Nothing is fetched from the network and nothing runs: the style sheet is inline,
figures are inline SVG, and a Content-Security-Policy forbids every other source and
every script. The page reads at 1440 px, at 400 px and printed on A4 (collapsed
sections open in print).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
import pandas as pd

from capsim.comparison.figures import scenario_colours
from capsim.comparison.inputs import format_input
from capsim.comparison.table import difference_text, is_date, value_text
from capsim.kpis import outcome
from capsim.outcomes import NOT_WITHIN_HORIZON, key_dates, month_date

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from capsim.comparison.comparison import Comparison

_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

_STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #1b1b1b; max-width: 1100px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.8em; }
h3 { font-size: 1em; margin: 1.4em 0 0.2em; }
p.lead { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.88em; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 0.3em 0.5em; text-align: left; vertical-align: top;
         overflow-wrap: break-word; }
th { background: #f3f3f3; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.significant { background: #fff4d6; font-weight: 600; }
table.answer td, table.answer th { font-size: 1.05em; }
table.answer td.rank { text-align: center; width: 2em; }
.flag { color: #9a3b00; }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 2px;
          vertical-align: -0.1em; margin-right: 0.35em; }
figure { margin: 1em 0; }
figure svg { width: 100%; height: auto; display: block; }
figcaption, .note, .unit { color: #555; font-size: 0.85em; }
details { margin: 0.6em 0; }
summary { cursor: pointer; font-weight: 600; }
pre { background: #f7f7f7; padding: 0.8em; font-size: 0.8em; white-space: pre-wrap;
      overflow-wrap: anywhere; }
code { overflow-wrap: anywhere; }
@media screen and (max-width: 640px) {
  body { font-size: 14px; margin: 1em auto; padding: 0 0.6em; }
  table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; }
  table.stack tr:first-child { display: none; }
  table.stack tr { border: 1px solid #ddd; margin-bottom: 0.6em; }
  table.stack td { display: flex; gap: 0.6em; border: none; border-bottom: 1px solid #eee;
                   text-align: left; }
  table.stack td::before { content: attr(data-label); flex: 0 0 40%; color: #555;
                           font-size: 0.85em; font-weight: 600; }
  table.answer td.rank { width: auto; text-align: left; }
}
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 9.5pt; }
  h2 { break-after: avoid; }
  h3 { break-after: avoid; }
  table, figure, tr { break-inside: avoid; }
  table { font-size: 8pt; }
  td.significant { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  details::details-content { content-visibility: visible; display: block; }
}
@page { size: A4; margin: 14mm; }
"""


def write_report(comparison: Comparison, path: Path) -> Path:
    """Write the report to ``path``: through a file beside it, replaced at the end.

    The file gets the permissions any new file gets (the umask's), so a report in a
    shared folder can be read by whoever can read the folder.
    """
    text = render_report(comparison)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with staging.open("x", encoding="utf-8") as file:
            file.write(text)
        os.replace(staging, path)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    return path


def render_report(comparison: Comparison) -> str:
    """The report as one HTML document."""
    names = comparison.names
    title = f"Comparison: {names[0]}" + (f" and {len(names) - 1} variant(s)" if names[1:] else "")
    several = comparison.replications > 1
    figures = [
        (
            "output-vs-demand",
            comparison.plot(),
            "Output against demand (production solid, demand dashed) and stock against "
            "objective (dotted), per scenario"
            + ("; lines are medians, bands 5–95 % of replications." if several else "."),
        ),
        (
            "differences",
            comparison.plot_differences(),
            "Difference of each KPI against the baseline: mean over paired replications"
            + (" with its 95 % t interval." if several else " (one replication: no interval)."),
        ),
    ]
    diff = comparison.inputs_diff
    body = [
        f"<h1>{_text(title)}</h1>",
        f'<p class="lead">{comparison.replications} replication(s) per scenario, root seed '
        f"{comparison.seed}, common random numbers (replication <i>k</i> draws the same random "
        "numbers in every scenario).</p>",
        *_answer(comparison),
        "<h2>Key results, KPI by KPI</h2>",
        _method_note(comparison),
        _kpi_tables(comparison),
        "<h2>Figures</h2>",
        *(_figure(name, figure, caption) for name, figure, caption in figures),
        "<h2>Inputs</h2>",
        _scenarios_table(comparison),
        f'<details id="inputs-diff"><summary>Inputs that differ ({len(diff)} parameter '
        f"path{'' if len(diff) == 1 else 's'})</summary>{_inputs_table(comparison)}</details>",
        "<h2>Manifest</h2>",
        '<details id="manifest"><summary>Files, seed and versions that reproduce this '
        f"comparison</summary><pre>{_text(json.dumps(comparison.manifest(), indent=2))}</pre>"
        "</details>",
    ]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_text(title)}</title>",
            f"<style>{_STYLE}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def headline_kpi(comparison: Comparison) -> tuple[str, list[str]]:
    """The date KPI the report answers with, and the stockpiles it is about.

    The date the stock is back at its objective, for every stockpile with an objective;
    without any, the date it is back at its initial level, for stockpiles that fell.
    """
    table = comparison.table
    for kpi in ("objective_date", "recovery_date"):
        rows = table[table["kpi"] == kpi]
        if kpi == "recovery_date":
            rows = rows[rows["median"] > 0]
        stockpiles = list(dict.fromkeys(str(name) for name in rows["stockpile"]))
        if stockpiles:
            return kpi, stockpiles
    return "objective_date", []


def difference_words(row: pd.Series) -> str:
    """A paired difference in months, in words: "12 months earlier (95 % interval 9–15)".

    >>> difference_words(pd.Series({"difference": -12.2, "difference_low": -15.0,
    ...                             "difference_high": -9.0, "bounded": False}))
    '12 months earlier (95 % interval 9–15)'
    """
    mean, low, high = (
        float(row[key]) for key in ("difference", "difference_low", "difference_high")
    )
    if math.isnan(mean):
        return "–"
    if abs(mean) < 0.05 and (math.isnan(low) or (low == 0 and high == 0)):
        return "the same in every run"
    direction = "earlier" if mean < 0 else "later"
    text = f"{_months(abs(mean))} {direction}"
    if math.isnan(low):
        text += " (one replication: no interval)"
    elif low < 0 < high:
        text += f" (95 % interval {_amount(-low)} earlier to {_amount(high)} later)"
    else:
        first, second = sorted((abs(low), abs(high)))
        text += f" (95 % interval {_amount(first)}–{_amount(second)})"
    if row.get("bounded"):
        text += "; a bound, as runs hit the horizon"
    return text


def _months(value: float) -> str:
    amount = _amount(value)
    return f"{amount} month" if amount == "1" else f"{amount} months"


def _amount(value: float) -> str:
    return f"{value:.0f}" if value >= 9.5 else f"{value:.1f}".removesuffix(".0")


def _answer(comparison: Comparison) -> list[str]:
    kpi, stockpiles = headline_kpi(comparison)
    if not stockpiles:
        return [
            "<h2>Answer</h2>",
            "<p>No stockpile has an objective or falls below its initial level: there is no "
            "date of recovery to compare.</p>",
        ]
    level = "its objective" if kpi == "objective_date" else "its initial level"
    parts = ["<h2>Answer</h2>"]
    for stockpile in stockpiles:
        dates = _answer_dates(comparison, kpi, stockpile)
        parts.append(f"<h3>When is {_name(stockpile)} back at {level}?</h3>")
        parts.append(_answer_table(comparison, kpi, stockpile, dates))
    parts.append(
        '<p class="note">Scenarios ranked by the median date. A run counts as back by a date '
        "when the stock is at that level at the end of that month (or never fell below it). "
        f"A median that falls among runs not back by the end reads “{NOT_WITHIN_HORIZON}”. "
        "The difference is the mean over paired replications of the variant's months minus "
        "the baseline's, with its 95 % Student-t interval; where runs hit the horizon they "
        "count as the horizon, so the difference is a bound.</p>"
    )
    return parts


def _answer_dates(comparison: Comparison, kpi: str, stockpile: str) -> list[dt.date]:
    """Two year ends from the earliest 5 % date of any scenario on, and the horizon's end."""
    header = comparison.entries[0].scenario.scenario
    table = comparison.table
    rows = table[(table["kpi"] == kpi) & (table["stockpile"] == stockpile)]
    earliest = pd.concat([rows["p05"], rows["median"]]).replace(math.inf, math.nan).min()
    if pd.isna(earliest):
        return key_dates(header.start, header.months)
    first = month_date(header.start, float(earliest)) or header.start
    return key_dates(header.start, header.months, after=first)


def _answer_table(comparison: Comparison, kpi: str, stockpile: str, dates: list[dt.date]) -> str:
    table = comparison.table
    rows = table[(table["kpi"] == kpi) & (table["stockpile"] == stockpile)].copy()
    reached = comparison.reached(kpi, dates).loc[stockpile]
    rows["order"] = [
        (float(median), -float(reached.loc[name].iloc[-1]))
        for median, name in zip(rows["median"], rows["scenario"], strict=True)
    ]
    rows = rows.sort_values("order", kind="stable")
    colours = scenario_colours(comparison.names)
    end = dates[-1]
    labels = [
        "#",
        "scenario",
        "median date back",
        *(f"chance back by {'the end, ' if day == end else ''}{day:%Y-%m}" for day in dates),
        "against the baseline",
        "runs at the horizon",
    ]
    body = []
    for rank, (_, row) in enumerate(rows.iterrows(), start=1):
        name = str(row["scenario"])
        median = month_date(comparison.start, float(row["median"]))
        censored = float(row["censored_share"])
        runs = int(row["replications"])
        flag = (
            f'<span class="flag">⚑ {round(censored * runs)} of {runs} not back by the end</span>'
            if censored > 0
            else "none"
        )
        when = NOT_WITHIN_HORIZON if median is None else f"{median:%Y-%m}"
        if median is not None and float(row["median"]) <= 0:
            when = "never below"
        against = "baseline" if name == comparison.baseline else difference_words(row)
        body.append(
            [
                ("rank", str(rank)),
                (
                    "",
                    f'<span class="swatch" style="background:{colours[name]}"></span>{_name(name)}',
                ),
                ("", when),
                *(("num", f"{chance:.0%}") for chance in reached.loc[name].to_numpy(dtype=float)),
                ("", _text(against)),
                ("", flag),
            ]
        )
    return _table(labels, body, f"answer-{stockpile}", "answer stack")


def _table(
    labels: list[str], rows: list[list[tuple[str, str]]], element_id: str = "", kind: str = "stack"
) -> str:
    """An HTML table; each cell (class, HTML) carries its column's label for narrow screens.

    On a narrow screen a ``stack`` table shows each row as a block of labelled cells, so
    no column is cut off or needs a side scroll.
    """
    head = "".join(f"<th>{_text(label)}</th>" for label in labels)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{f' class={chr(34)}{css}{chr(34)}' if css else ''} "
            f'data-label="{_text(label)}"><span>{cell}</span></td>'
            for label, (css, cell) in zip(labels, row, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    named = f' id="{_text(element_id)}"' if element_id else ""
    return f'<table{named} class="{kind}"><tr>{head}</tr>{body}</table>'


def _name(value: object) -> str:
    """An id, label or path as HTML that may break after its underscores, dots and slashes."""
    text = _text(value)
    for mark in "_./":
        text = text.replace(mark, f"{mark}<wbr>")
    return text


def svg_text(figure: Figure) -> str:
    """A figure as an inline ``<svg>`` element: text drawn as paths, ids stable."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "capsim", "svg.fonttype": "path"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _text(value: object) -> str:
    return html.escape(str(value))


def _scenarios_table(comparison: Comparison) -> str:
    colours = scenario_colours(comparison.names)
    rows = []
    for index, entry in enumerate(comparison.entries):
        files = "<br>".join(_name(path) for path in entry.files) or "(given as an object)"
        rows.append(
            [
                (
                    "",
                    f'<span class="swatch" style="background:{colours[entry.label]}"></span>'
                    f"{_name(entry.label)}",
                ),
                ("", "baseline" if index == 0 else "variant"),
                ("", _text(entry.scenario.scenario.description)),
                ("", files),
            ]
        )
    labels = ["scenario", "role", "description", "files (named, then parents)"]
    return _table(labels, rows, "scenarios")


def _inputs_table(comparison: Comparison) -> str:
    diff = comparison.inputs_diff
    if diff.empty:
        return "<p>The scenarios have identical inputs.</p>"
    rows = [
        [("", f"<code>{_name(path)}</code>")]
        + [("", _text(format_input(value))) for value in values]
        for path, values in zip(diff.index, diff.itertuples(index=False), strict=True)
    ]
    return _table(["parameter path", *(str(name) for name in diff.columns)], rows, "inputs")


def _method_note(comparison: Comparison) -> str:
    if comparison.replications == 1:
        return (
            '<p class="note">One replication: values and plain differences against the '
            "baseline, without intervals.</p>"
        )
    return (
        '<p class="note">Per scenario: the median across replications with its 5–95 % band. '
        "Δ: the mean of the paired differences (variant − baseline, replication by "
        "replication) with a 95 % Student-t interval, highlighted and starred when it "
        "excludes zero. Dates are the month reached, and their differences count months; a "
        f"run that does not get there within the horizon is “{NOT_WITHIN_HORIZON}”, counts as "
        "the horizon in a difference, which is then marked (bound).</p>"
    )


def _kpi_tables(comparison: Comparison) -> str:
    changed, same = comparison.split_table()
    several = len(set(changed["stockpile"])) > 1
    parts = []
    for kpi, rows in changed.groupby("kpi", sort=False):
        declared = outcome(str(kpi))
        unit = "" if is_date(kpi) else f" ({_text(rows['unit'].iloc[0])})"
        parts.append(
            f'<h3 id="kpi-{_text(kpi)}">{_name(kpi)}{unit}</h3>'
            f'<p class="unit">{_text(declared.description)}</p>'
            + _kpi_table(comparison, rows, several)
        )
    if len(same):
        keys = same.drop_duplicates(["stockpile", "kpi"])
        cells = [
            [
                ("", _name(row["stockpile"])),
                ("", _name(row["kpi"])),
                ("num", _text(value_text(row, comparison.start))),
            ]
            for _, row in keys.iterrows()
        ]
        parts.append(
            f'<details id="kpis-unchanged"><summary>{len(keys)} more KPIs are the same in every '
            f"scenario</summary>{_table(['stockpile', 'KPI', 'every scenario'], cells)}</details>"
        )
    return "\n".join(parts) if parts else "<p>No KPI differs between scenarios.</p>"


def _kpi_table(comparison: Comparison, rows: pd.DataFrame, several: bool) -> str:
    dated = is_date(rows["kpi"].iloc[0])
    value = "median [5 %, 95 %]" if comparison.replications > 1 else "value"
    labels = [
        *(["stockpile"] if several else []),
        "scenario",
        value,
        *(["runs not within the horizon"] if dated else []),
        "Δ months against the baseline" if dated else "Δ against the baseline",
    ]
    body = []
    for _, row in rows.iterrows():
        name = str(row["scenario"])
        delta = "baseline" if name == comparison.baseline else difference_text(row)
        body.append(
            [
                *([("", _name(row["stockpile"]))] if several else []),
                ("", _name(name)),
                ("num", _text(value_text(row, comparison.start, share=not dated))),
                *([("num", f"{float(row['censored_share']):.0%}")] if dated else []),
                ("num significant" if delta.endswith("*") else "num", _text(delta)),
            ]
        )
    return _table(labels, body, f"kpi-{rows['kpi'].iloc[0]}-table")


def _figure(name: str, figure: Figure, caption: str) -> str:
    return (
        f'<figure id="figure-{name}">{svg_text(figure)}'
        f"<figcaption>{_text(caption)}</figcaption></figure>"
    )


def csv_tables(comparison: Comparison) -> dict[str, pd.DataFrame]:
    """The comparison's tables by CSV file name."""
    return {
        "kpis.csv": comparison.table,
        "kpi_replications.csv": comparison.kpis,
        "inputs_diff.csv": comparison.inputs_diff.reset_index(),
        "bands.csv": comparison.bands,
    }


__all__ = [
    "csv_tables",
    "difference_words",
    "headline_kpi",
    "render_report",
    "svg_text",
    "write_report",
]
