"""A kit's replan skips its components only when every one of them would order nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

import capsim
from capsim.model.kit import Kit

SCENARIOS = Path(__file__).parents[2] / "scenarios"


@pytest.mark.parametrize(
    "name", ["munitions_portfolio/second_source.yaml", "stinger_seeker_redesign.yaml"]
)
def test_a_covered_replan_would_order_nothing(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    replan = Kit.replan
    skipped = 0

    def checked(kit: Kit, starts: int) -> None:
        nonlocal skipped
        if max(starts, 0) <= kit.covered:
            skipped += 1
            for part in kit.parts.values():
                inbound = part.inbound
                ordered = inbound.ordered
                inbound.replan(part.per_unit * max(starts, 0))  # the general path
                assert inbound.ordered == ordered
        replan(kit, starts)

    monkeypatch.setattr(Kit, "replan", checked)
    capsim.simulate(capsim.load_scenario(SCENARIOS / name), seed=0)
    assert skipped
