"""Command line of experiments: ``capsim run --replications N`` and ``capsim sweep``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from capsim.output import check_new_folder, check_target, folder_name, staged_folder
from capsim.scenario.errors import Problem, ScenarioError

EXIT_OK = 0
EXIT_INVALID = 2
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130
SHOWN_KPIS = (
    "lowest_stock", "unmet_total", "months_below_objective", "recovery_date", "objective_date",
)  # fmt: skip


def add_run_options(run: argparse.ArgumentParser) -> None:
    """Options of ``capsim run`` that turn one run into an ensemble of replications."""
    run.add_argument(
        "--replications", type=int, default=None, metavar="N", help="run N replications"
    )
    run.add_argument(
        "--workers", type=int, default=None, metavar="W", help="worker processes (1: serial)"
    )


def add_sweep_command(commands: Any) -> None:
    """Register ``capsim sweep``."""
    sweep = commands.add_parser("sweep", help="run a grid of parameter values × replications")
    sweep.add_argument("file", type=Path, metavar="FILE")
    sweep.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PATH=V1,V2,...",
        dest="settings",
        help="values of one parameter path (repeat for a grid)",
    )
    sweep.add_argument("--replications", type=int, default=1, metavar="N")
    sweep.add_argument("--seed", type=int, default=None, help="root seed (default: the scenario's)")
    sweep.add_argument("--workers", type=int, default=None, metavar="W")
    sweep.add_argument("--scheduler", default=None, metavar="ADDRESS", help="a Dask scheduler")
    sweep.add_argument("--out", type=Path, default=None, metavar="DIR", help="a new store folder")
    sweep.add_argument("--resume", type=Path, default=None, metavar="DIR", help="continue a sweep")
    sweep.add_argument("--no-progress", action="store_true", help="no progress bar")
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
    if arguments.workers < 1:
        raise ValueError(f"--workers must be at least 1 (got {arguments.workers})")
    return SerialExecutor() if arguments.workers == 1 else ProcessExecutor(arguments.workers)


def run_replications(arguments: argparse.Namespace) -> int:
    """``capsim run FILE --replications N``: KPI medians and 5–95 % intervals, CSVs, fan chart."""
    from capsim.experiments.replication import replicate
    from capsim.scenario.loader import load_scenario

    path: Path = arguments.file
    scenario = load_scenario(path)
    target = arguments.out / folder_name(scenario.scenario.name)
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
    folder = _write_ensemble(ensemble, path, target, force=arguments.force)
    if not arguments.quiet:
        header = scenario.scenario
        print(_kpi_table(ensemble.kpis, header.name, ensemble.seed, len(ensemble), header.start))
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


def _write_ensemble(ensemble: Any, scenario_path: Path, target: Path, *, force: bool) -> Path:
    """Write ``target``: kpis, inputs and bands CSVs, fan chart, manifest."""
    from capsim.experiments.store import scenario_sha256, versions

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
        ensemble.plot().savefig(staging / "fan_chart.png", dpi=110)
    return target


def parse_setting(text: str) -> tuple[str, list[Any]]:
    """``PATH=v1,v2`` as a path and its values (numbers, words or dates, as YAML reads them).

    >>> parse_setting("budgets.army.fy2023=300e6,6e8")
    ('budgets.army.fy2023', [300000000.0, 600000000.0])
    """
    path, equals, values = text.partition("=")
    if not equals or not path.strip() or not values.strip():
        raise ScenarioError(
            [
                Problem(
                    (), f"--set {text!r}: write it as PATH=V1,V2,... such as lines.l.capacity=40,60"
                )
            ]
        )
    return path.strip(), [_scalar(item.strip()) for item in values.split(",")]


def _scalar(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return yaml.safe_load(text)


def sweep_command(arguments: argparse.Namespace) -> int:
    """``capsim sweep``: run (or resume) a grid, store it, print KPI quantiles per point."""
    from capsim.experiments.design import Sweep
    from capsim.experiments.executors import WorkerLostError
    from capsim.experiments.experiment import run_experiment
    from capsim.experiments.store import MANIFEST, design_sha256
    from capsim.scenario.loader import load_scenario

    scenario = load_scenario(arguments.file)
    if not arguments.settings:
        raise ScenarioError([Problem((), "sweep: give at least one --set PATH=V1,V2,...")])
    grid = dict(parse_setting(text) for text in arguments.settings)
    design = Sweep(scenario, grid, replications=arguments.replications, seed=arguments.seed)
    if arguments.resume is not None and arguments.out is not None:
        print("capsim: give --out or --resume, not both", file=sys.stderr)
        return EXIT_INVALID
    if arguments.resume is not None:
        folder: Path = arguments.resume
        if not (folder / MANIFEST).exists():
            print(f"capsim: {folder} holds no sweep to resume", file=sys.stderr)
            return EXIT_INVALID
    else:
        name = f"sweep-{scenario.scenario.name}-{design_sha256(design)[:8]}"
        folder = arguments.out if arguments.out is not None else Path("out") / name
        if folder.exists() and not (folder / MANIFEST).exists():
            check_new_folder(folder)
        if (folder / MANIFEST).exists():
            print(f"capsim: {folder} already holds a sweep: continue it with --resume {folder}",
                  file=sys.stderr)  # fmt: skip
            return EXIT_INVALID
    kept = f"the runs finished so far are kept in {folder}: continue with --resume {folder}"
    try:
        executor = _executor(arguments)
        result = run_experiment(
            design, executor=executor, store=folder, progress=not arguments.no_progress
        )
    except (ValueError, ConnectionError, ImportError) as error:
        if isinstance(error, ScenarioError):
            raise
        print(f"capsim: {error}", file=sys.stderr)
        return EXIT_INVALID
    except WorkerLostError as error:
        print(f"capsim: {error}; {kept}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"capsim: interrupted; {kept}", file=sys.stderr)
        return EXIT_INTERRUPTED
    result.kpis.to_csv(folder / "kpis.csv", index=False)
    if len(result.inputs.columns) > 2:
        result.inputs.to_csv(folder / "inputs.csv", index=False)
    for column in ("lowest_stock", "unmet_total"):
        print(f"{column}: median [5 %, 95 %] per point")
        print(result.summary(column).to_string(index=False, float_format=lambda v: f"{v:,.0f}"))
    print(folder)
    return EXIT_OK


__all__ = ["add_run_options", "add_sweep_command", "parse_setting", "run_replications"]
