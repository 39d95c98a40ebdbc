"""Command line of experiments: ``capsim run --replications N`` and ``capsim sweep``."""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from capsim import cli_support as options

if TYPE_CHECKING:
    import pandas as pd

    from capsim.scenario.errors import ScenarioError

if TYPE_CHECKING:
    from capsim.experiments.design import Sweep
    from capsim.experiments.store import ResultStore

EXIT_OK = 0
EXIT_INVALID = 2
EXIT_FAILED = 1
EXIT_STORE = 3
EXIT_BUSY = 4
EXIT_INTERRUPTED = 130
SWEEP_EXIT_STATUS = """\
exit status: 0 done; 1 a worker process died; 2 an invalid scenario, design or option;
3 the store cannot be written or read (a full disk, no permission, a damaged store);
4 the store is in use by another sweep; 130 interrupted. After 1, 3 (once fixed) or 130,
the runs finished so far are kept: continue with --resume DIR."""
MAX_SETTING_CHARS = 100
"""Longest single value of ``--set``, in characters."""
SHOWN_KPIS = (
    "lowest_stock", "unmet_total", "months_below_objective", "recovery_date", "objective_date",
)  # fmt: skip


def add_run_options(run: argparse.ArgumentParser) -> None:
    """Options of ``capsim run`` that turn one run into an ensemble of replications."""
    _add_replications_and_workers(run, "run N replications")


def _add_replications_and_workers(parser: argparse.ArgumentParser, replications: str) -> None:
    """``--replications N`` and ``--workers W``, checked, defaulting to none given."""
    options.add_replications(parser, None, replications)
    parser.add_argument(
        "--workers",
        type=options.workers,
        default=None,
        metavar="W",
        help=f"worker processes (1: serial; at most {options.MAX_WORKERS})",
    )


def add_sweep_command(commands: Any) -> None:
    """Register ``capsim sweep``."""
    sweep = commands.add_parser(
        "sweep",
        help="run a grid of parameter values × replications",
        description="Run a grid of parameter values × replications into a store folder; "
        "capsim sweep --resume DIR alone continues it with the design the store holds.",
        epilog=SWEEP_EXIT_STATUS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sweep.add_argument("file", type=Path, metavar="FILE", nargs="?")
    sweep.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PATH=V1,V2,...",
        dest="settings",
        help="values of one parameter path (repeat for a grid)",
    )
    _add_replications_and_workers(sweep, "per point (default: 1)")
    sweep.add_argument(
        "--seed", type=options.seed, default=None, help="root seed (default: the scenario's)"
    )
    sweep.add_argument("--scheduler", default=None, metavar="ADDRESS", help="a Dask scheduler")
    sweep.add_argument("--out", type=Path, default=None, metavar="DIR", help="a new store folder")
    sweep.add_argument(
        "--resume", type=Path, default=None, metavar="DIR", help="continue the sweep stored in DIR"
    )
    sweep.add_argument("--no-progress", action="store_true", help="no progress bar")
    options.add_allow_code(sweep)
    sweep.set_defaults(command=sweep_command)


def _executor(arguments: argparse.Namespace) -> Any:
    from capsim.experiments.executors import DaskExecutor, ProcessExecutor, SerialExecutor

    if getattr(arguments, "scheduler", None):
        # Connect now, so that a scheduler that does not answer stops us before anything
        # (such as a sweep's store) is written.
        executor = DaskExecutor(arguments.scheduler)
        executor.client()
        return executor
    if arguments.workers is None:
        return None
    return SerialExecutor() if arguments.workers == 1 else ProcessExecutor(arguments.workers)


def run_replications(arguments: argparse.Namespace) -> int:
    """``capsim run FILE --replications N``: KPI medians and 5–95 % intervals, CSVs, fan chart."""
    from capsim.experiments.replication import replicate
    from capsim.output import check_target, folder_name
    from capsim.scenario_files.loader import load_scenario

    path: Path = arguments.file
    with options.reading(path):
        scenario = load_scenario(path, allow_code=arguments.allow_code)
    target = arguments.out / folder_name(scenario.scenario.name)
    with options.writing(target):
        check_target(target, "replications", (path,), force=arguments.force)
    try:
        ensemble = replicate(
            scenario,
            arguments.replications,
            seed=arguments.seed,
            executor=_executor(arguments),
            progress=not arguments.quiet,
        )
    except (ValueError, ConnectionError, ImportError) as error:
        print(f"capsim: {error}", file=sys.stderr)
        return EXIT_INVALID
    folder = _write_ensemble(
        ensemble, path, target, force=arguments.force, plot=not arguments.no_plot
    )
    if not arguments.quiet:
        header = scenario.scenario
        table = _kpi_table(ensemble.kpis, header.name, ensemble.seed, len(ensemble), header.start)
        print(options.fit_to_width(table, options.terminal_width()))
    print(folder)
    return EXIT_OK


def _kpi_table(
    kpis: pd.DataFrame, name: str, seed: int, count: int, start: dt.date | None = None
) -> str:
    """Median [5 %, 95 %] per stockpile of the shown KPIs; dates with their chance by the end.

    Every number comes from :func:`capsim.outcomes.summarise`, the summary ``Ensemble``
    and ``compare`` use, so a date quantile among the censored runs reads "not within
    the horizon".
    """
    from capsim.kpis import added, outcome
    from capsim.outcomes import Kind, format_value, summarise

    lines = [f"{name} (seed {seed}, {count} replications): median [5 %, 95 %]"]
    for stockpile, group in kpis.groupby("stockpile", sort=False):
        lines.append(f"  {stockpile}")
        for column in [*SHOWN_KPIS, *(declared.name for declared in added())]:
            declared = outcome(column)
            if not declared.applies(group).any():
                continue
            summary = summarise(declared, group)
            low, mid, high = (
                format_value(declared, summary[q], start) for q in ("p5", "p50", "p95")
            )
            shown = (
                mid
                if low == mid == high and declared.kind is Kind.DATE
                else f"{mid} [{low}, {high}]"
            )
            text = f"    {column:<24} {shown}"
            if declared.censorable:
                reached = 1 - float(summary["censored_share"])  # type: ignore[arg-type]
                text += f" (reached within the horizon in {reached:.0%})"
            lines.append(text)
    return "\n".join(lines)


def _write_ensemble(
    ensemble: Any, scenario_path: Path, target: Path, *, force: bool, plot: bool = True
) -> Path:
    """Write ``target``: kpis, inputs and bands CSVs, fan chart (unless not ``plot``), manifest."""
    import pandas as pd

    from capsim.experiments.store import scenario_sha256, versions
    from capsim.output import staged_folder

    contents = {
        "scenario": ensemble.scenario.scenario.name,
        "scenario_file": str(scenario_path),
        "scenario_sha256": scenario_sha256(ensemble.scenario),
        "seed": ensemble.seed,
        "replications": len(ensemble),
        "versions": versions(),
    }
    with staged_folder(
        target, kind="replications", contents=contents, inputs=(scenario_path,), force=force
    ) as staging:
        ensemble.kpis.to_csv(staging / "kpis.csv", index=False)
        if len(ensemble.inputs.columns):
            ensemble.inputs.to_csv(staging / "inputs.csv")
        bands = []
        for kind, metric in sorted({(key.entity_kind, key.metric) for key in ensemble.keys}):
            table = ensemble.bands(metric, entity_kind=kind)
            bands.append(table.assign(entity_kind=kind, metric=metric))
        pd.concat(bands, ignore_index=True).to_csv(staging / "bands.csv", index=False)
        if plot:
            ensemble.plot().savefig(staging / "fan_chart.png", dpi=110)
    return target


def parse_setting(text: str) -> tuple[str, list[Any]]:
    """``PATH=v1,v2`` as a path and its values (numbers, words or dates, as YAML reads them).

    A value that cannot be read (an impossible date, broken YAML, a YAML tag, a number too
    long or not finite) is a :class:`ScenarioError` of one line.

    >>> parse_setting("budgets.army.fy2023=300e6,6e8")
    ('budgets.army.fy2023', [300000000.0, 600000000.0])
    >>> parse_setting("c=2023-02-30")
    Traceback (most recent call last):
    capsim.scenario.errors.ScenarioError: --set 'c=2023-02-30': 2023-02-30 is not a date (...)
    """
    path, equals, values = text.partition("=")
    if not equals or not path.strip() or not values.strip():
        raise _setting_error(text, "write it as PATH=V1,V2,... such as lines.l.capacity=40,60")
    return path.strip(), [_scalar(item.strip(), text) for item in values.split(",")]


def _scalar(item: str, text: str) -> Any:
    """One value of ``--set``: a whole number, a finite number, a date, a word or a boolean."""
    import yaml

    if len(item) > MAX_SETTING_CHARS:
        raise _setting_error(
            text, f"a value of {len(item):,} characters; the most is {MAX_SETTING_CHARS}"
        )
    for kind in (int, float):
        try:
            value = kind(item)
        except ValueError:
            continue
        if isinstance(value, float) and not math.isfinite(value):
            raise _setting_error(text, f"{item} is not a finite number")
        return value
    if item.startswith("!"):
        raise _setting_error(text, f"{item!r}: YAML tags are not accepted")
    try:
        value = yaml.safe_load(item)
    except ValueError as error:  # an impossible date, such as 2023-02-30
        raise _setting_error(text, f"{item} is not a date ({error})") from None
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or "not a value"
        raise _setting_error(text, f"{item!r} cannot be read: {problem}") from None
    if not isinstance(value, str | bool | int | float | dt.date) and value is not None:
        raise _setting_error(text, f"{item!r} is not a single number, date or word")
    return value


def _setting_error(text: str, message: str) -> ScenarioError:
    from capsim.scenario.errors import Problem, ScenarioError

    shown = text if len(text) <= 60 else f"{text[:40]}...({len(text):,} characters)"
    return ScenarioError([Problem((), f"--set {shown!r}: {message}")])


def sweep_command(arguments: argparse.Namespace) -> int:
    """``capsim sweep``: run (or resume) a grid, store it, print KPI quantiles per point."""
    from capsim.experiments.executors import WorkerLostError
    from capsim.experiments.experiment import run_experiment
    from capsim.experiments.store import MANIFEST, StoreBusyError, StoreError
    from capsim.scenario.errors import ScenarioError

    if arguments.resume is not None and arguments.out is not None:
        print("capsim: give --out or --resume, not both", file=sys.stderr)
        return EXIT_INVALID
    if arguments.file is None:
        if arguments.resume is None:
            print("capsim: sweep needs FILE --set PATH=V1,V2,..., or --resume DIR",
                  file=sys.stderr)  # fmt: skip
            return EXIT_INVALID
        if arguments.settings or arguments.replications is not None or arguments.seed is not None:
            print("capsim: --set, --replications and --seed come from the store with "
                  "--resume DIR alone; give FILE too to check them against it",
                  file=sys.stderr)  # fmt: skip
            return EXIT_INVALID
    folder: Path | None = arguments.resume if arguments.resume is not None else arguments.out
    kept = f"the runs finished so far are kept in {folder}: continue with --resume {folder}"
    try:
        design = _sweep_design(arguments)
        executor = _executor(arguments)  # a scheduler must answer before a store is written
        saved = _open_store(arguments, design)
        folder = saved.folder
        kept = f"the runs finished so far are kept in {folder}: continue with --resume {folder}"
        with saved:
            progress = not arguments.no_progress
            result = run_experiment(saved.design, executor, store=saved, progress=progress)
            _write_tables(result, folder)
    except StoreBusyError as error:
        print(f"capsim: {error}", file=sys.stderr)
        return EXIT_BUSY
    except StoreError as error:
        written = folder is not None and (folder / MANIFEST).exists()
        print(f"capsim: {error}" + (f"; {kept}" if written else ""), file=sys.stderr)
        return EXIT_STORE
    except (ValueError, ImportError, ConnectionError, FileExistsError, FileNotFoundError) as error:
        # capsim.cli words located problems, and files that cannot be read (named ones)
        if isinstance(error, ScenarioError) or getattr(error, "filename", None) is not None:
            raise
        print(f"capsim: {getattr(error, 'strerror', None) or error}", file=sys.stderr)
        return EXIT_INVALID
    except WorkerLostError as error:
        print(f"capsim: {error}; {kept}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"capsim: interrupted; {kept}", file=sys.stderr)
        return EXIT_INTERRUPTED
    width = options.terminal_width()
    for column in _varying_kpis(result.kpis):
        print(f"{column}: median [5 %, 95 %] per point")
        table = result.summary(column).to_string(index=False, float_format=lambda v: f"{v:,.0f}")
        print(options.fit_to_width(table, width))
    print(folder)
    return EXIT_OK


def _varying_kpis(kpis: pd.DataFrame) -> list[str]:
    """Numeric KPIs whose median differs between the sweep's points (else lowest_stock)."""
    from capsim.kpis import outcomes
    from capsim.outcomes import Kind

    varying = [
        declared.name
        for declared in outcomes()
        if declared.kind is not Kind.DATE
        and declared.name in kpis
        and kpis.groupby(["point", "stockpile"])[declared.name]
        .median()
        .groupby("stockpile")
        .nunique()
        .gt(1)
        .any()
    ]
    return varying or ["lowest_stock"]


def _sweep_design(arguments: argparse.Namespace) -> Sweep | None:
    """The design given on the command line; ``None`` for ``--resume DIR`` alone."""
    from capsim.experiments.design import Sweep
    from capsim.scenario.errors import Problem, ScenarioError
    from capsim.scenario_files.loader import load_scenario

    if arguments.file is None:
        return None
    with options.reading(arguments.file):
        scenario = load_scenario(arguments.file, allow_code=arguments.allow_code)
    if not arguments.settings:
        raise ScenarioError([Problem((), "sweep: give at least one --set PATH=V1,V2,...")])
    grid = dict(parse_setting(text) for text in arguments.settings)
    replications = 1 if arguments.replications is None else arguments.replications
    return Sweep(scenario, grid, replications=replications, seed=arguments.seed)


def _open_store(arguments: argparse.Namespace, design: Sweep | None) -> ResultStore:
    """The store to write: the one to resume, or a new one (``--out``, or a default folder)."""
    from capsim.experiments.store import MANIFEST, ResultStore, design_sha256
    from capsim.experiments.store_files import LOCK
    from capsim.output import check_new_folder

    if arguments.resume is not None:
        return ResultStore.resume(arguments.resume, design)
    assert design is not None  # FILE is given unless --resume is
    name = f"sweep-{design.scenario.scenario.name}-{design_sha256(design)[:8]}"
    folder = arguments.out if arguments.out is not None else Path("out") / name
    creating = (folder / LOCK).exists()  # a store another sweep is making: the lock says so
    if folder.exists() and not (folder / MANIFEST).exists() and not creating:
        check_new_folder(folder)  # never fill a folder of the user's
    return ResultStore.create(folder, design, scenario_file=arguments.file)


def _write_tables(result: Any, folder: Path) -> None:
    """``kpis.csv`` and ``inputs.csv`` beside the store, each written whole or not at all."""
    from capsim.experiments.store import write_whole

    write_whole(folder / "kpis.csv", lambda path: result.kpis.to_csv(path, index=False))
    if len(result.inputs.columns) > 2:
        write_whole(folder / "inputs.csv", lambda path: result.inputs.to_csv(path, index=False))


__all__ = ["add_run_options", "add_sweep_command", "parse_setting", "run_replications"]
