"""Why a line's output was bound, traced down the tiers of its supply network."""

from __future__ import annotations

from capsim.model.inbound import Inbound, Source

NO_ORDERS = "no orders"
LEAD_TIME = "lead time"

MAX_TIERS = 64
"""Tiers followed at most (the network is acyclic; this only bounds the walk)."""


def trace(node: str, reason: str, month: int, kit_parts: dict[str, Inbound]) -> tuple[str, ...]:
    """The chain ``(node, reason, supplier, reason, ...)`` of what bound a month.

    A line bound by a component is followed to the source it waits on most: of the
    component's sources, the one with the most of this buyer's orders still open (the
    one it ordered most from, if none is open); that supplier's own reason in the month
    follows, and so on while the reason is a sub-tier component. A supplier with no
    orders left while its components are still on the way bound the month by its
    ``lead time``.
    """
    inbound = kit_parts.get(reason)
    if inbound is None:  # capacity, money or orders: the chain ends at the node
        return (node, reason)
    chain = [node, reason]
    while inbound is not None and len(chain) < 2 * MAX_TIERS:
        source = _awaited(inbound)
        cause = source.constraints[month]
        if cause == NO_ORDERS:
            cause = LEAD_TIME
        chain += [source.id, cause]
        inbound = source.inbound_for(cause)
    return tuple(chain)


def _awaited(inbound: Inbound) -> Source:
    """The source waited on most (sources are in id order, so ties go to the first)."""
    if len(inbound.sources) == 1:
        return inbound.sources[0]
    return max(
        inbound.sources,
        key=lambda source: (source.outstanding_for(inbound.buyer), inbound.ordered_from[source.id]),
    )


__all__ = ["trace"]
