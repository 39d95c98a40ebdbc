"""Units on their way to a stockpile, and the part of them that lands in one settling."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from capsim.model.contract import Contract


class Batch(NamedTuple):
    """Units on their way from one sender: days they land (ascending) and how many each."""

    days: np.ndarray
    units: np.ndarray
    sender: Contract | None
    """The contract that delivers them, or ``None`` for a transfer."""


@dataclass(frozen=True)
class Landing:
    """Units landing in one settling: the due part of each batch, in the order expected."""

    batches: list[Batch]

    def by_day(self) -> tuple[np.ndarray, np.ndarray]:
        """Days and units of every landing, by day (batches in order on one day)."""
        if len(self.batches) == 1:
            return self.batches[0].days, self.batches[0].units
        days = np.concatenate([batch.days for batch in self.batches])
        order = np.argsort(days, kind="stable")
        return days[order], np.concatenate([batch.units for batch in self.batches])[order]


__all__ = ["Batch", "Landing"]
