"""The committed scenario reference is the one the schema generates."""

from __future__ import annotations

from pathlib import Path

from capsim.scenario_files.reference_doc import render_reference

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "scenario-reference.md"


def test_reference_is_fresh() -> None:
    committed = REFERENCE.read_text(encoding="utf-8") if REFERENCE.exists() else ""
    assert committed == render_reference(), (
        "docs/scenario-reference.md is out of date with the schema; regenerate it with "
        "`python -m capsim.scenario_files.reference_doc > docs/scenario-reference.md`"
    )


def test_reference_documents_every_section_and_units() -> None:
    text = render_reference()
    for heading in ("## Scenario", "## Line", "## Budget", "## Contract", "## Transfer"):
        assert heading in text
    assert "units/month" in text and "USD" in text
