"""Replenishment rules written in Python, for the tests of ``policies.<id>.rule``."""

from __future__ import annotations

from capsim.model.rules import PolicyView


def batches_of_100(view: PolicyView) -> int:
    """Below the reorder point, order a fixed batch of 100, whatever the position."""
    return 100 if view.position < view.reorder_point else 0
