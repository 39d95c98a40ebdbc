"""The comparison report: one self-contained HTML file, readable on screen and in print.

Nothing is fetched from the network: the style sheet is inline, figures are inline SVG,
and a Content-Security-Policy forbids any other source. A few lines of inline script
record script errors and blocked requests as attributes of the ``<html>`` element
(``data-errors``) and the drawn size of every figure, so that an automated check in a
headless browser can read them from the page.
"""

from __future__ import annotations

import html
import io
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
import pandas as pd

from capsim.comparison.figures import scenario_colours
from capsim.comparison.inputs import format_input
from capsim.comparison.table import format_table

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from capsim.comparison.comparison import Comparison

_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'unsafe-inline'"

_STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #1b1b1b; max-width: 1100px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h3 { font-size: 1em; margin-top: 1.2em; }
h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.8em; }
p.lead { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.85em; margin: 0.6em 0; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.wide { overflow-x: auto; }
td.significant { background: #fff4d6; font-weight: 600; }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 2px;
          vertical-align: -0.1em; margin-right: 0.35em; }
figure { margin: 1em 0; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { color: #555; font-size: 0.85em; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.8em; }
.note { color: #555; font-size: 0.85em; }
@media print {
  body { max-width: none; margin: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  table, figure, tr { break-inside: avoid; }
  td.significant { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  pre { white-space: pre-wrap; }
  .wide { overflow: visible; }
  table { font-size: 7.5pt; }
}
@page { size: A4; margin: 14mm; }
"""

_PROBE = """
(function () {
  var root = document.documentElement, errors = [];
  function note(text) {
    errors.push(String(text));
    root.setAttribute("data-errors", JSON.stringify(errors));
  }
  root.setAttribute("data-errors", "[]");
  window.addEventListener("error", function (e) { note(e.message || "resource error"); }, true);
  window.addEventListener("unhandledrejection", function (e) { note(e.reason); });
  document.addEventListener("securitypolicyviolation", function (e) {
    note("blocked " + e.blockedURI);
  });
  var original = console.error;
  console.error = function () {
    note(Array.prototype.join.call(arguments, " "));
    original.apply(console, arguments);
  };
  function size(element) {
    var box = element.getBoundingClientRect();
    element.setAttribute("data-drawn", Math.round(box.width) + "x" + Math.round(box.height));
  }
  window.addEventListener("load", function () {
    document.querySelectorAll("figure svg, #kpi-table").forEach(size);
    root.setAttribute("data-loaded", "true");
  });
})();
"""


def write_report(comparison: Comparison, path: Path) -> Path:
    """Write the report to ``path`` (through a temporary file, replaced at the end)."""
    text = render_report(comparison)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(staging, path)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise
    return path


def render_report(comparison: Comparison) -> str:
    """The report as one HTML document."""
    names = comparison.names
    title = f"Comparison: {names[0]}" + (f" and {len(names) - 1} variant(s)" if names[1:] else "")
    figures = [
        (
            "output-vs-demand",
            comparison.plot(),
            "Output against demand (production solid, demand dashed) and stock against "
            "objective (dotted), per scenario"
            + (
                "; lines are medians, bands 5–95 % of replications."
                if comparison.replications > 1
                else "."
            ),
        ),
        (
            "differences",
            comparison.plot_differences(),
            "Difference of each KPI against the baseline: mean over paired replications"
            + (
                " with its 95 % t interval."
                if comparison.replications > 1
                else " (one replication: no interval)."
            ),
        ),
    ]
    body = [
        f"<h1>{_text(title)}</h1>",
        f'<p class="lead">{comparison.replications} replication(s) per scenario, root seed '
        f"{comparison.seed}, common random numbers (replication <i>k</i> draws the same random "
        "numbers in every scenario).</p>",
        "<h2>Scenarios</h2>",
        _scenarios_table(comparison),
        "<h2>What differs: inputs</h2>",
        _inputs_table(comparison),
        "<h2>What it does: key results</h2>",
        _method_note(comparison),
        _kpi_tables(comparison),
        "<h2>Figures</h2>",
        *(_figure(name, figure, caption) for name, figure, caption in figures),
        "<h2>Manifest</h2>",
        f"<pre>{_text(json.dumps(comparison.manifest(), indent=2))}</pre>",
    ]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<script>{_PROBE}</script>",
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
        role = "baseline" if index == 0 else "variant"
        files = "<br>".join(_text(path) for path in entry.files) or "(given as an object)"
        rows.append(
            "<tr>"
            f'<td><span class="swatch" style="background:{colours[entry.label]}"></span>'
            f"{_text(entry.label)}</td><td>{role}</td>"
            f"<td>{_text(entry.scenario.scenario.description)}</td><td>{files}</td></tr>"
        )
    head = (
        "<tr><th>scenario</th><th>role</th><th>description</th>"
        "<th>files (named, then parents)</th></tr>"
    )
    return f"<table>{head}{''.join(rows)}</table>"


def _inputs_table(comparison: Comparison) -> str:
    diff = comparison.inputs_diff
    if diff.empty:
        return "<p>The scenarios have identical inputs.</p>"
    head = "".join(f"<th>{_text(name)}</th>" for name in diff.columns)
    rows = [
        f"<tr><td><code>{_text(path)}</code></td>"
        + "".join(f"<td>{_text(format_input(value))}</td>" for value in values)
        + "</tr>"
        for path, values in zip(diff.index, diff.itertuples(index=False), strict=True)
    ]
    return f"<table><tr><th>parameter path</th>{head}</tr>{''.join(rows)}</table>"


def _method_note(comparison: Comparison) -> str:
    if comparison.replications == 1:
        return (
            '<p class="note">One replication: values and plain differences against the '
            "baseline, without intervals.</p>"
        )
    return (
        '<p class="note">Each scenario: median across replications with the 5–95 % band. '
        "Δ: mean of the paired differences (variant − baseline, replication by replication) "
        "with a 95 % Student-t interval; highlighted and starred when the interval excludes "
        "zero. Months to recovery or objective count from the scenario start; a run that does "
        "not get there within the horizon counts as the horizon (censored, shown as "
        "“≥ horizon”), so its differences are bounds.</p>"
    )


def _kpi_tables(comparison: Comparison) -> str:
    changed, same = comparison.split_table()
    text = _kpi_table(changed, comparison.names, "kpi-table")
    if len(same):
        text += "<h3>KPIs that are the same in every scenario</h3>"
        text += _kpi_table(same, comparison.names, "kpi-table-unchanged")
    return text


def _kpi_table(table: pd.DataFrame, names: list[str], element_id: str) -> str:
    wide = format_table(table, names)
    head = "".join(f"<th>{_text(column)}</th>" for column in wide.columns)
    rows = []
    for values in wide.itertuples(index=False):
        cells = []
        for column, value in zip(wide.columns, values, strict=True):
            text = _text(value)
            if column in ("stockpile", "kpi", "unit"):
                cells.append(f"<td>{text}</td>")
            elif str(value).endswith("*"):
                cells.append(f'<td class="num significant">{text}</td>')
            else:
                cells.append(f'<td class="num">{text}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    table_html = f'<table id="{element_id}"><tr>{head}</tr>{"".join(rows)}</table>'
    return f'<div class="wide">{table_html}</div>'


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


__all__ = ["csv_tables", "render_report", "svg_text", "write_report"]
