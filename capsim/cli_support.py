"""What the ``capsim`` commands share: a strict parser, checked numbers, I/O errors, width.

This module imports nothing heavy, so that building the parser (and ``capsim --help``)
stays quick; each command imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import difflib
import re
import shutil
import textwrap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

MAX_SEED = 2**63 - 1
"""Largest root seed: seeds are stored as SQLite integers (signed 64-bit) in sweep stores."""
MAX_RUNS = 1_000_000
"""Most replications of one command; the same limit as ``capsim.experiments.design``."""
MAX_WORKERS = 256
"""Most worker processes on one machine."""
MAX_DIGITS = 30
"""Longest number accepted on the command line, in characters."""


class InputError(Exception):
    """An input file that cannot be read; one line for the user."""


class Parser(argparse.ArgumentParser):
    """An argument parser that refuses abbreviations and suggests the nearest name.

    ``--replication 5`` is refused (with "did you mean --replications?") rather than taken
    as an abbreviation, and a mistyped command is answered with the nearest command.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        """Parse ``args``; anything not understood is an error, with a suggestion."""
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(self._unrecognized(extras))
        return parsed, extras

    def _unrecognized(self, extras: list[str]) -> str:
        options = sorted(self._option_string_actions)
        for item in extras:
            name = item.partition("=")[0]
            if name.startswith("-") and name not in options:
                close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]}?" if close else f"; see {self.prog} --help"
                return f"unknown option {name}{hint}"
        return f"unexpected argument(s): {' '.join(extras)}"

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        choices = action.choices
        if choices is not None and value not in choices:
            names = [str(choice) for choice in choices]
            close = difflib.get_close_matches(str(value), names, n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise argparse.ArgumentError(
                action, f"unknown choice {value!r}{hint} (choose from {', '.join(names)})"
            )
        super()._check_value(action, value)


class VersionAction(argparse.Action):
    """``--version``: print ``capsim X.Y.Z`` (read from the installed metadata) and exit."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.setdefault("help", "print the version of capsim and exit")
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> NoReturn:
        from importlib.metadata import version

        print(f"capsim {version('capsim')}")
        parser.exit()


def bounded_int(low: int, high: int, what: str = "value") -> Callable[[str], int]:
    """An argparse ``type`` taking a whole number from ``low`` to ``high``, else one line.

    >>> replications = bounded_int(1, 1000, "replications")
    >>> replications("30")
    30
    >>> replications("0")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: replications must be at least 1 (got 0)
    """

    def parse(text: str) -> int:
        cleaned = text.strip().replace("_", "")
        if len(cleaned) > MAX_DIGITS:
            raise argparse.ArgumentTypeError(
                f"{what} has too many digits ({len(cleaned):,}); the most is {high:,}"
            )
        if not re.fullmatch(r"[+-]?\d+", cleaned):
            raise argparse.ArgumentTypeError(f"{what} must be a whole number (got {text!r})")
        value = int(cleaned)
        if value < low:
            raise argparse.ArgumentTypeError(f"{what} must be at least {low:,} (got {value:,})")
        if value > high:
            raise argparse.ArgumentTypeError(
                f"{what}: {value:,} is more than the limit of {high:,}"
            )
        return value

    parse.__name__ = what
    return parse


seed = bounded_int(0, MAX_SEED, "a seed")
replications = bounded_int(1, MAX_RUNS, "replications")
workers = bounded_int(1, MAX_WORKERS, "workers")


def add_replications(parser: argparse.ArgumentParser, default: int | None, help_text: str) -> None:
    """``--replications N``: a checked number of replications."""
    parser.add_argument(
        "--replications", type=replications, default=default, metavar="N", help=help_text
    )


def add_output_folder(parser: argparse.ArgumentParser, default: Path, kind: str) -> None:
    """``--out DIR`` and ``--force`` (replace an earlier capsim output of ``kind`` there)."""
    parser.add_argument(
        "--out", type=Path, default=default, help=f"output folder (default {default})"
    )
    parser.add_argument(
        "--force", action="store_true", help=f"replace an earlier capsim {kind} in --out"
    )


def add_allow_code(parser: argparse.ArgumentParser) -> None:
    """``--allow-code``: load the Python rules a scenario names (``module:function``)."""
    parser.add_argument(
        "--allow-code",
        action="store_true",
        help="load Python rules that the scenario names (module:function): it runs code",
    )


@contextmanager
def reading(path: Path | str) -> Iterator[None]:
    """Report an ``OSError`` raised inside as ``cannot read FILE: reason`` (exit status 4)."""
    try:
        yield
    except OSError as error:
        raise InputError(f"cannot read {error.filename or path}: {_reason(error)}") from None


@contextmanager
def writing(path: Path | str) -> Iterator[None]:
    """Report an ``OSError`` raised inside as ``cannot write FILE: reason`` (exit status 3)."""
    from capsim.output import OutputFolderError

    try:
        yield
    except OSError as error:
        where = error.filename or path
        raise OutputFolderError(f"cannot write {where}: {_reason(error)}") from None


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def terminal_width() -> int:
    """Columns of the terminal (``COLUMNS`` if set; 80 when output is not a terminal)."""
    return max(40, shutil.get_terminal_size().columns)


def fit_to_width(text: str, width: int) -> str:
    """``text`` with its tables split into blocks of columns, and its prose wrapped, to fit.

    A table is a run of two or more lines of equal length, as pandas ``to_string`` writes
    them, with right-justified cells; it is cut between columns (where every line has a
    character followed by a space) into blocks no wider than ``width``, each block
    repeating the leading name columns. Lines that fit are kept; long prose is wrapped.

    >>> table = "name  a  b\\n   x 10 20\\n   y 30 40"
    >>> print(fit_to_width(table, 8))
    name  a
       x 10
       y 30
    <BLANKLINE>
    name  b
       x 20
       y 40
    """
    lines = text.splitlines()
    out: list[str] = []
    index = 0
    while index < len(lines):
        end = index + 1
        while end < len(lines) and len(lines[end]) == len(lines[index]) and lines[end].strip():
            end += 1
        block = lines[index:end]
        if len(block) >= 2 and len(block[0]) > width:
            out.extend(_split_table(block, width))
        else:
            for line in block:
                wrapped = textwrap.wrap(line, width, subsequent_indent="  ") if line else []
                out.extend(wrapped if len(line) > width and wrapped else [line])
        index = end
    return "\n".join(out)


def _split_table(rows: list[str], width: int) -> list[str]:
    """Cut a fixed-width table into blocks of whole columns no wider than ``width``."""
    size = len(rows[0])
    # pandas right-justifies every cell, so a column ends where every row has a character
    # followed by a space; a space inside cells (such as "118 [117, 120]") rarely lines
    # up with a character ending every other row.
    columns: list[tuple[int, int]] = []
    start = 0
    for at in range(1, size):
        if all(row[at] == " " and row[at - 1] != " " for row in rows):
            columns.append((start, at))
            start = at
    columns.append((start, size))
    keys = _name_columns(rows, columns, width)
    key_width = sum(end - begin for begin, end in columns[:keys])
    blocks: list[list[tuple[int, int]]] = []
    for column in columns[keys:]:
        span = column[1] - column[0]
        if blocks and key_width + sum(e - b for b, e in blocks[-1]) + span <= width:
            blocks[-1].append(column)
        else:
            blocks.append([column])
    out: list[str] = []
    for number, block in enumerate(blocks):
        if number:
            out.append("")
        for row in rows:
            cells = [row[begin:end] for begin, end in (*columns[:keys], *block)]
            out.append("".join(cells).rstrip())
    return out


def _name_columns(rows: list[str], columns: list[tuple[int, int]], width: int) -> int:
    """How many leading columns hold names (not numbers) and are repeated in every block."""
    count, used = 0, 0
    for begin, end in columns[:2]:
        values = [row[begin:end].strip() for row in rows[1:]]
        if any(re.match(r"^[-+]?[\d,.]+", value) for value in values):
            break
        if used + end - begin > width // 2:
            break
        count, used = count + 1, used + end - begin
    return count


__all__ = [
    "MAX_RUNS",
    "MAX_SEED",
    "MAX_WORKERS",
    "InputError",
    "Parser",
    "VersionAction",
    "add_allow_code",
    "add_output_folder",
    "add_replications",
    "bounded_int",
    "fit_to_width",
    "reading",
    "replications",
    "seed",
    "terminal_width",
    "workers",
    "writing",
]
