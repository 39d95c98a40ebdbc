"""Progress of long work: a tqdm bar with runs done, rate and time left; silent on request."""

from __future__ import annotations

import sys

import pytest

import capsim
from capsim.experiments import progress as progress_module
from tests.experiments.scenarios import scenario


def test_replications_show_a_bar_with_runs_rate_and_time_left(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("tqdm")
    capsim.replicate(scenario(), 12, seed=1, executor=capsim.SerialExecutor(), chunk=3)
    shown = capsys.readouterr().err
    assert "base_stock" in shown and "12/12" in shown
    assert "run/s" in shown and "<00:00" in shown  # rate, and the time left at the end


def test_progress_false_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    capsim.replicate(scenario(), 6, seed=1, executor=capsim.SerialExecutor(), progress=False)
    design = capsim.Sweep(scenario(), {"stockpiles.depot.initial": [10, 20]}, replications=2)
    capsim.run_experiment(design, executor=capsim.SerialExecutor(), progress=False)
    assert capsys.readouterr() == ("", "")


def test_without_tqdm_plain_lines_report_the_same(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # as if tqdm were not installed
    monkeypatch.setattr(progress_module, "PLAIN_INTERVAL_SECONDS", 0.0)
    capsim.replicate(scenario(), 6, seed=1, executor=capsim.SerialExecutor(), chunk=2)
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 4  # one per chunk, and the final line
    assert lines[-1].startswith("base_stock: 6/6 runs (100%), ")
    assert "runs/s" in lines[0] and lines[0].endswith("s left")
