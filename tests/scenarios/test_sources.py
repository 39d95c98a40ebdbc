"""Every number and date in a bundled scenario cites a source (or says it is an assumption).

The rule, kept simple on purpose. A numeric or date leaf (a YAML scalar that resolves to
an int, a float or a timestamp; mapping keys are not leaves) is *commented* when any of
these lines carries a comment:

* the leaf's own line (an inline ``# ...``; this covers flow mappings such as
  ``- {date: 2022-01-01, rate: 10}   # source``);
* the line directly above the leaf (the last line of a comment block);
* the line of the key that opens an enclosing block, or the line directly above it,
  for every enclosing block below the top-level sections (``suppliers:``,
  ``demands:`` ... do not count: a comment above a whole section does not source every
  number in it).

What the comment says is not checked: a source title and URL, ``# assumption: <reason>``
or ``# derived: <arithmetic>`` all count. A ``#`` is taken as a comment when it starts a
line or follows whitespace, so a scenario should not put `` #`` inside a quoted value.
Lines are found with PyYAML's composer (node start marks), comments in the raw text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").rglob("*.yaml"))
LEAF_TAGS = {
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
}
COMMENT = re.compile(r"(^|\s)#")


def unsourced(text: str) -> list[str]:
    """Numeric and date leaves of a YAML document that have no comment, as ``line: path``."""
    lines = text.splitlines()

    def commented(line: int) -> bool:
        return 0 <= line < len(lines) and COMMENT.search(lines[line]) is not None

    def above(line: int) -> bool:
        return line > 0 and lines[line - 1].lstrip().startswith("#")

    missing: list[str] = []

    def visit(node: yaml.Node, path: str, anchors: tuple[int, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                # Top-level section keys are not anchors (see the module docstring).
                inner = (*anchors, key.start_mark.line) if path else anchors
                visit(value, f"{path}.{key.value}" if path else str(key.value), inner)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                visit(item, f"{path}[{index}]", anchors)
        elif isinstance(node, yaml.ScalarNode) and node.tag in LEAF_TAGS:
            line = node.start_mark.line
            if not any(commented(at) or above(at) for at in (line, *anchors)):
                missing.append(f"line {line + 1}: {path} = {node.value}")

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        visit(root, "", ())
    return missing


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda path: path.name)
def test_every_number_cites_a_source(path: Path) -> None:
    missing = unsourced(path.read_text(encoding="utf-8"))
    assert not missing, (
        f"{path.relative_to(ROOT)}: numbers or dates without a source comment "
        "(add a source, '# assumption: <reason>' or '# derived: <arithmetic>'):\n  "
        + "\n  ".join(missing)
    )


def test_an_uncommented_number_is_caught() -> None:
    text = "scenario:\n  name: t\n  horizon_months: 12\n"
    assert unsourced(text) == ["line 3: scenario.horizon_months = 12"]


def test_an_uncommented_date_in_a_flow_mapping_is_caught() -> None:
    text = "lines:\n  a:\n    capacity:\n      - {date: 2022-01-01, rate: 10}\n"
    assert unsourced(text) == [
        "line 4: lines.a.capacity[0].date = 2022-01-01",
        "line 4: lines.a.capacity[0].rate = 10",
    ]


def test_comments_on_the_line_above_or_the_enclosing_block_count() -> None:
    text = (
        "scenario:\n"
        "  seed: 1   # assumption: arbitrary\n"
        "  # Source: a report, https://example.org\n"
        "  horizon_months: 12\n"
        "systems:\n"
        "  # assumption: one of each\n"
        "  stinger:\n"
        "    bill_of_materials: {seeker: 1}\n"
    )
    assert unsourced(text) == []


def test_a_comment_above_a_top_level_section_does_not_count() -> None:
    text = "# Sources: many\nscenario:\n  horizon_months: 12\n"
    assert unsourced(text) == ["line 3: scenario.horizon_months = 12"]
