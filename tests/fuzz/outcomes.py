"""Run one fuzzed file through the loader and the simulator, and name what happened."""

from __future__ import annotations

import signal
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import FrameType

from capsim.engine import simulate
from capsim.scenario.errors import ScenarioError
from capsim.scenario_files.loader import load_scenario
from tests.model.invariants import check_invariants

DEADLINE_SECONDS = 20
"""Longest one file may take to load and run; longer counts as a hang."""
SEED = 1


class Outcome(StrEnum):
    """What a fuzzed file gave."""

    LOCATED_ERROR = "located error"
    VALID_RUN = "valid run"
    TRACEBACK = "traceback"
    HANG = "hang"
    UNLOCATED_ERROR = "unlocated error"
    INVARIANT_BROKEN = "invariant broken"


GOOD = frozenset({Outcome.LOCATED_ERROR, Outcome.VALID_RUN})


@dataclass(frozen=True)
class Result:
    """The outcome of one file, and the message or traceback behind a bad one."""

    outcome: Outcome
    detail: str = ""


class Hang(Exception):
    """The deadline passed."""


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Raise :class:`Hang` in this (main) thread once ``seconds`` have passed."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise Hang

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def is_located(error: ScenarioError) -> bool:
    """Whether every problem names a file and a line."""
    problems = error.problems
    return bool(problems) and all(p.file is not None and p.line is not None for p in problems)


def run_file(path: Path, seconds: int = DEADLINE_SECONDS) -> Result:
    """Load ``path``; if valid, simulate it and check the invariants; all within a deadline."""
    try:
        with deadline(seconds):
            try:
                scenario = load_scenario(path)
            except ScenarioError as error:
                if is_located(error):
                    return Result(Outcome.LOCATED_ERROR, str(error))
                return Result(Outcome.UNLOCATED_ERROR, str(error))
            except OSError as error:
                return Result(Outcome.UNLOCATED_ERROR, f"OSError: {error}")
            results = simulate(scenario, seed=SEED)
            try:
                check_invariants(results)
            except AssertionError:
                return Result(Outcome.INVARIANT_BROKEN, traceback.format_exc())
            return Result(Outcome.VALID_RUN)
    except Hang:
        return Result(Outcome.HANG, f"did not finish in {seconds} s")
    except RecursionError:
        return Result(Outcome.TRACEBACK, "RecursionError")
    except Exception:
        return Result(Outcome.TRACEBACK, traceback.format_exc(limit=-6))
