"""Problems found in a scenario, each located by file, line, column and parameter path."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

DataPath = tuple[str | int, ...]
"""Keys and list indices from the top of a scenario file down to one value."""


def format_path(path: DataPath) -> str:
    """Write a path the way error messages, sweeps and overrides spell it.

    Examples
    --------
    >>> format_path(("lines", "stinger_tucson", "capacity", 2, "rate"))
    'lines.stinger_tucson.capacity[2].rate'
    """
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def did_you_mean(word: str, choices: list[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest choice, or an empty string.

    Examples
    --------
    >>> did_you_mean("capacty", ["system", "capacity"])
    "; did you mean 'capacity'?"
    """
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario, and where it is.

    ``line`` and ``column`` are 1-based; any location part may be unknown (``None``).

    Examples
    --------
    >>> print(Problem(("lines", "l", "capacity"), "expected a number", "a.yaml", 7, 15))
    a.yaml:7:15: lines.l.capacity: expected a number
    """

    path: DataPath
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None

    @property
    def path_text(self) -> str:
        """The path as text, such as ``lines.stinger_tucson.capacity[2].rate``."""
        return format_path(self.path)

    def __str__(self) -> str:
        where = [str(part) for part in (self.file, self.line, self.column) if part is not None]
        parts = [":".join(where)] if where else []
        if self.path:
            parts.append(self.path_text)
        parts.append(self.message)
        return ": ".join(parts)


class ScenarioError(ValueError):
    """A scenario that cannot be read or is not valid; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


__all__ = ["DataPath", "Problem", "ScenarioError", "did_you_mean", "format_path"]
