"""Small HTML pieces of the report: escaped text, names that wrap, tables that stack."""

from __future__ import annotations

import html


def text(value: object) -> str:
    """``value`` as escaped HTML text."""
    return html.escape(str(value))


def name(value: object) -> str:
    """An id, label or path as HTML that may break after its underscores, dots and slashes."""
    escaped = text(value)
    for mark in "_./":
        escaped = escaped.replace(mark, f"{mark}<wbr>")
    return escaped


def table(
    labels: list[str], rows: list[list[tuple[str, str]]], element_id: str = "", kind: str = "stack"
) -> str:
    """An HTML table; each cell (class, HTML) carries its column's label for narrow screens.

    On a narrow screen a ``stack`` table shows each row as a block of labelled cells, so
    no column is cut off or needs a side scroll.
    """
    head = "".join(f"<th>{text(label)}</th>" for label in labels)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{f' class={chr(34)}{css}{chr(34)}' if css else ''} "
            f'data-label="{text(label)}"><span>{cell}</span></td>'
            for label, (css, cell) in zip(labels, row, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    named = f' id="{text(element_id)}"' if element_id else ""
    return f'<table{named} class="{kind}"><tr>{head}</tr>{body}</table>'


__all__ = ["name", "table", "text"]
