"""The command line: quick help, version, suggestions, checked numbers, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from capsim import cli_support
from capsim.cli import main
from tests.command import capsim

ROOT = Path(__file__).resolve().parents[2]
STINGER = str(ROOT / "scenarios" / "stinger_2022_ukraine.yaml")
HEAVY = ("pandas", "scipy", "matplotlib", "simpy")


def test_help_and_import_load_nothing_heavy() -> None:
    code = (
        "import sys, contextlib, io\n"
        "import capsim\n"
        "from capsim.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['--help'])\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr


def test_public_names_still_load_on_use() -> None:
    import capsim

    assert capsim.simulate.__name__ == "simulate"
    assert "simulate" in dir(capsim)
    with pytest.raises(AttributeError, match="no attribute 'simulat'"):
        _ = capsim.simulat  # type: ignore[attr-defined]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out == f"capsim {version('capsim')}\n"


def test_help_documents_every_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for code, words in (("2", "invalid"), ("3", "cannot write"), ("4", "cannot read")):
        assert any(line.split()[:1] == [code] and words in line for line in out.splitlines())


def test_every_parser_refuses_abbreviations() -> None:
    parser = __import__("capsim.cli", fromlist=["_parser"])._parser()
    commands = next(a for a in parser._actions if a.choices and "run" in a.choices)
    assert parser.allow_abbrev is False
    assert all(sub.allow_abbrev is False for sub in commands.choices.values())


TYPOS = [
    (["rn", STINGER], "did you mean 'run'?"),
    (["compar", "a", "b"], "did you mean 'compare'?"),
    (["run", STINGER, "--replication", "5"], "unknown option --replication; did you "
     "mean --replications?"),
    (["run", STINGER, "--sed=3"], "did you mean --seed?"),
    (["sweep", STINGER, "--replicatoins", "2"], "did you mean --replications?"),
    (["compare", "a", "b", "--rep", "5"], "unknown option --rep"),
    (["run", STINGER, "--no-plt"], "did you mean --no-plot?"),
]  # fmt: skip
"""Misspelt commands and options, and the suggestion each gets."""

NUMBERS = [
    (["run", STINGER, "--seed", "-1"], "a seed must be at least 0 (got -1)"),
    (["run", STINGER, "--seed", str(2**63)], "more than the limit"),
    (["run", STINGER, "--seed", "1" * 5000], "too many digits"),
    (["run", STINGER, "--seed", "abc"], "must be a whole number"),
    (["run", STINGER, "--replications", "0"], "at least 1"),
    (["run", STINGER, "--replications", "1.5"], "must be a whole number"),
    (["run", STINGER, "--replications", "2", "--workers", "0"], "at least 1"),
    (["run", STINGER, "--replications", "2", "--workers", "100000"], "more than the limit"),
    (["sweep", STINGER, "--seed", "-5"], "at least 0"),
    (["sweep", STINGER, "--replications", "-2"], "at least 1"),
    (["sweep", STINGER, "--workers", "0"], "at least 1"),
    (["compare", "a", "b", "--replications", "0"], "at least 1"),
    (["compare", "a", "b", "--seed", "-1"], "at least 0"),
]
"""Numbers out of range or not numbers, and what the refusal says."""


@pytest.mark.parametrize(("argv", "says"), [*TYPOS, *NUMBERS])
def test_bad_arguments_are_refused_in_one_line(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
    assert len(err.splitlines()[-1]) < 200


def test_the_run_limit_is_the_experiments_limit() -> None:
    from capsim.experiments.design import MAX_RUNS

    assert cli_support.MAX_RUNS == MAX_RUNS


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("2023-02-30", "2023-02-30 is not a date (day is out of range for month)"),
        ("2022-13-01", "is not a date"),
        ("[1", "cannot be read"),
        ("!!python/object/apply:os.system ['echo hi']", "YAML tags are not accepted"),
        ("1" * 5000, "characters; the most is 100"),
        ("1e999", "not a finite number"),
        ("nan", "not a finite number"),
        ("{a: 1}", "not a single number, date or word"),
    ],
)
def test_sweep_set_values_are_one_line_errors(tmp_path: Path, value: str, says: str) -> None:
    done = capsim("sweep", STINGER, "--set", f"contracts.x.award={value}", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert says in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert len(done.stderr) < 300
    assert not list(tmp_path.iterdir())


def test_read_and_write_errors_say_what_they_are(tmp_path: Path) -> None:
    done = capsim("run", "missing.yaml", cwd=tmp_path)
    assert (done.returncode, done.stderr.strip()) == (
        4, "capsim: cannot read missing.yaml: No such file or directory"
    )  # fmt: skip
    done = capsim("validate", "missing.yaml", STINGER, cwd=tmp_path)
    assert done.returncode == 4 and f"{STINGER}: ok" in done.stdout
    (tmp_path / "file").write_text("not a folder")
    done = capsim("run", STINGER, "--out", "file/sub", "--no-plot", cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert done.stderr.startswith("capsim: cannot write file") and "Traceback" not in done.stderr


def test_no_plot_skips_the_figure(tmp_path: Path) -> None:
    done = capsim("run", STINGER, "--no-plot", "--quiet", "--out", "o", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    names = {path.name for path in (tmp_path / "o" / "stinger_2022_ukraine").iterdir()}
    assert "timeseries.csv" in names and "output_vs_demand.png" not in names


def test_compare_defaults_to_replications_for_intervals() -> None:
    from capsim.cli import _parser

    arguments = _parser().parse_args(["compare", "a.yaml", "b.yaml"])
    assert arguments.replications == 30


def test_run_table_fits_the_terminal(tmp_path: Path) -> None:
    import os

    done = subprocess.run(
        [sys.executable, "-m", "capsim.cli", "run", STINGER, "--no-plot", "--out", "o"],
        cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "COLUMNS": "80"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert max(len(line) for line in done.stdout.splitlines()) <= 80
    for word in ("us_army", "lowest_stock", "recovery_date", "cost_per_delivered_unit_usd"):
        assert word in done.stdout


def test_fit_to_width_keeps_every_cell_and_repeats_the_names() -> None:
    rows = [
        "    holder  system  initial_stock  lowest_stock recovery_date",
        "   us_army stinger           5600         3,540       2031-11",
        "other_dons stinger            700             0             -",
    ]
    text = cli_support.fit_to_width("title\n" + "\n".join(rows), 40)
    assert max(len(line) for line in text.splitlines()) <= 40
    blocks = text.count("holder")
    assert blocks >= 2 and text.count("us_army") == blocks and text.count("stinger") == 2 * blocks
    for cell in ("5600", "3,540", "2031-11", "initial_stock", "recovery_date"):
        assert cell in text
    assert cli_support.fit_to_width("\n".join(rows), 200) == "\n".join(rows)


def test_examples_copies_and_never_overwrites(tmp_path: Path) -> None:
    done = capsim("examples", "ex", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    scenarios = sorted(p.relative_to(ROOT) for p in (ROOT / "scenarios").rglob("*.yaml"))
    copied = sorted(p.relative_to(tmp_path / "ex") for p in (tmp_path / "ex").rglob("*.yaml"))
    assert copied == scenarios
    assert (tmp_path / "ex" / "notebooks" / "01_quickstart.ipynb").exists()
    assert (tmp_path / "ex" / "capsim.toml").exists()
    mine = tmp_path / "ex" / "scenarios" / "javelin.yaml"
    mine.write_text("my edits")
    again = capsim("examples", "ex", cwd=tmp_path)
    assert again.returncode == 3 and "never overwrites" in again.stderr
    assert mine.read_text() == "my edits"
    run = capsim("run", "scenarios/stinger/second_shift.yaml", "--no-plot", cwd=tmp_path / "ex")
    assert run.returncode == 0, run.stderr
