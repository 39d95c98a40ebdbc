"""Progress of long work: a tqdm bar when tqdm is installed, plain lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import Any, Protocol

PLAIN_INTERVAL_SECONDS = 5.0
"""How often the plain (no tqdm) report prints a line."""


class Progress(Protocol):
    """Counts runs done."""

    def advance(self, runs: int) -> None:
        """Count ``runs`` more runs as done."""
        ...

    def close(self) -> None:
        """Finish the report."""
        ...


class Silent:
    """No report (``progress=False``)."""

    def advance(self, runs: int) -> None:
        """Count nothing."""

    def close(self) -> None:
        """Nothing to finish."""


class Plain:
    """A line on stderr every few seconds: runs done, rate and time left."""

    def __init__(self, total: int, label: str) -> None:
        self.total, self.label = total, label
        self.done = 0
        self.started = self.shown = time.monotonic()

    def advance(self, runs: int) -> None:
        """Count ``runs`` more and print a line if the last one is old enough."""
        self.done += runs
        now = time.monotonic()
        if now - self.shown >= PLAIN_INTERVAL_SECONDS:
            self.shown = now
            print(self._line(now), file=sys.stderr, flush=True)

    def close(self) -> None:
        """Print the final line."""
        print(self._line(time.monotonic()), file=sys.stderr, flush=True)

    def _line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else float("nan")
        share = self.done / self.total if self.total else 1.0
        return (
            f"{self.label}: {self.done}/{self.total} runs ({share:.0%}), "
            f"{rate:.1f} runs/s, {left:.0f} s left"
        )


class Bar:
    """A tqdm bar (``tqdm.auto``: a widget in Jupyter, text in a terminal)."""

    def __init__(self, bar: Any) -> None:
        self._bar = bar

    def advance(self, runs: int) -> None:
        """Move the bar by ``runs``."""
        self._bar.update(runs)

    def close(self) -> None:
        """Close the bar."""
        self._bar.close()


def progress(total: int, label: str, enabled: bool = True) -> Progress:
    """A report of ``total`` runs: tqdm if installed, else plain lines; silent if disabled."""
    if not enabled:
        return Silent()
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return Plain(total, label)
    return Bar(tqdm(total=total, desc=label, unit="run", smoothing=0.1))


__all__ = ["Progress", "progress"]
