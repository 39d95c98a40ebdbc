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

import io
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
import pandas as pd

from capsim.comparison import markup
from capsim.comparison.answer import answer_section
from capsim.comparison.figures import scenario_colours
from capsim.comparison.inputs import format_input
from capsim.comparison.table import difference_text, is_date, value_text
from capsim.kpis import outcome
from capsim.outcomes import NOT_WITHIN_HORIZON

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
        f"<h1>{markup.text(title)}</h1>",
        f'<p class="lead">{comparison.replications} replication(s) per scenario, root seed '
        f"{comparison.seed}, common random numbers (replication <i>k</i> draws the same random "
        "numbers in every scenario).</p>",
        *answer_section(comparison),
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
        f"comparison</summary><pre>{markup.text(json.dumps(comparison.manifest(), indent=2))}</pre>"
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
            f"<title>{markup.text(title)}</title>",
            f"<style>{_STYLE}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def svg_text(figure: Figure) -> str:
    """A figure as an inline ``<svg>`` element: text drawn as paths, ids stable."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "capsim", "svg.fonttype": "path"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _scenarios_table(comparison: Comparison) -> str:
    colours = scenario_colours(comparison.names)
    rows = []
    for index, entry in enumerate(comparison.entries):
        files = "<br>".join(markup.name(path) for path in entry.files) or "(given as an object)"
        rows.append(
            [
                (
                    "",
                    f'<span class="swatch" style="background:{colours[entry.label]}"></span>'
                    f"{markup.name(entry.label)}",
                ),
                ("", "baseline" if index == 0 else "variant"),
                ("", markup.text(entry.scenario.scenario.description)),
                ("", files),
            ]
        )
    labels = ["scenario", "role", "description", "files (named, then parents)"]
    return markup.table(labels, rows, "scenarios")


def _inputs_table(comparison: Comparison) -> str:
    diff = comparison.inputs_diff
    if diff.empty:
        return "<p>The scenarios have identical inputs.</p>"
    rows = [
        [("", f"<code>{markup.name(path)}</code>")]
        + [("", markup.text(format_input(value))) for value in values]
        for path, values in zip(diff.index, diff.itertuples(index=False), strict=True)
    ]
    return markup.table(["parameter path", *(str(name) for name in diff.columns)], rows, "inputs")


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
        unit = "" if is_date(kpi) else f" ({markup.text(rows['unit'].iloc[0])})"
        parts.append(
            f'<h3 id="kpi-{markup.text(kpi)}">{markup.name(kpi)}{unit}</h3>'
            f'<p class="unit">{markup.text(declared.description)}</p>'
            + _kpi_table(comparison, rows, several)
        )
    if len(same):
        keys = same.drop_duplicates(["stockpile", "kpi"])
        cells = [
            [
                ("", markup.name(row["stockpile"])),
                ("", markup.name(row["kpi"])),
                ("num", markup.text(value_text(row, comparison.start))),
            ]
            for _, row in keys.iterrows()
        ]
        listed = markup.table(["stockpile", "KPI", "every scenario"], cells)
        parts.append(
            f'<details id="kpis-unchanged"><summary>{len(keys)} more KPIs are the same in every '
            f"scenario</summary>{listed}</details>"
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
                *([("", markup.name(row["stockpile"]))] if several else []),
                ("", markup.name(name)),
                ("num", markup.text(value_text(row, comparison.start, share=not dated))),
                *([("num", f"{float(row['censored_share']):.0%}")] if dated else []),
                ("num significant" if delta.endswith("*") else "num", markup.text(delta)),
            ]
        )
    return markup.table(labels, body, f"kpi-{rows['kpi'].iloc[0]}-table")


def _figure(name: str, figure: Figure, caption: str) -> str:
    return (
        f'<figure id="figure-{name}">{svg_text(figure)}'
        f"<figcaption>{markup.text(caption)}</figcaption></figure>"
    )


def csv_tables(comparison: Comparison) -> dict[str, pd.DataFrame]:
    """The comparison's tables by CSV file name."""
    return {
        "kpis.csv": comparison.table,
        "kpi_replications.csv": comparison.kpis,
        "inputs_diff.csv": comparison.inputs_diff.reset_index(),
        "bands.csv": comparison.bands,
    }


__all__ = ["csv_tables", "render_report", "svg_text", "write_report"]
