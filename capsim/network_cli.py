"""Command line: ``capsim network``, the supply network's bottlenecks and weak points."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from capsim import cli_support as options

EXIT_OK = 0
EXIT_INVALID = 2
DEFAULT_REPLICATIONS = 10
MAX_OUTAGE_MONTHS = 600


def add_network_command(commands: Any) -> None:
    """Register ``network`` on the ``capsim`` sub-command parser."""
    network = commands.add_parser(
        "network",
        help="which supplier bound output, and which one is a single point of failure",
    )
    network.add_argument("file", type=Path, metavar="FILE")
    network.add_argument(
        "--outage-months",
        type=_outage_months,
        default=6.0,
        metavar="N",
        help="months each supplier loses in the single-point-of-failure runs (default 6)",
    )
    network.add_argument(
        "--outage-start",
        type=_date,
        default=None,
        metavar="DATE",
        help="first day of those outages, YYYY-MM-DD (default: the scenario's start)",
    )
    network.add_argument(
        "--replications",
        type=options.bounded_int(0, 10_000, "replications"),
        default=DEFAULT_REPLICATIONS,
        metavar="N",
        help=f"paired runs per supplier (default {DEFAULT_REPLICATIONS}; 0 skips the table)",
    )
    network.add_argument(
        "--workers",
        type=options.workers,
        default=1,
        metavar="W",
        help="worker processes for the paired runs (default 1: serial; the numbers are the "
        "same with any number)",
    )
    network.add_argument(
        "--seed", type=options.seed, default=None, help="root seed (default: the scenario's)"
    )
    options.add_output_folder(network, Path("out/network"), "network output")
    network.add_argument("--no-plot", action="store_true", help="write the tables but no figure")
    options.add_allow_code(network)
    network.set_defaults(command=_network)


def _network(arguments: argparse.Namespace) -> int:
    """Run once for the bottlenecks, then paired runs per supplier; print and write both."""
    from capsim.engine import simulate
    from capsim.network import bottlenecks, single_points_of_failure
    from capsim.output import check_target, manifest, staged_folder
    from capsim.scenario_files.loader import load_scenario

    path: Path = arguments.file
    with options.reading(path):
        scenario = load_scenario(path, allow_code=arguments.allow_code)
    if (problem := _outside_horizon(arguments.outage_start, scenario)) is not None:
        print(f"capsim network: error: {problem}", file=sys.stderr)
        return EXIT_INVALID
    with options.writing(arguments.out):
        check_target(arguments.out, "network", (path,), force=arguments.force)
    results = simulate(scenario, seed=arguments.seed)
    bound = bottlenecks(results)
    width = options.terminal_width()
    print("What bound the lines (line-months, traced down the supply tiers):")
    print(options.fit_to_width(_table(bound, ["node", "kind", "reason", "line_months", "lines"]),
                               width))  # fmt: skip
    weak = None
    if arguments.replications and scenario.suppliers:
        weak = single_points_of_failure(
            scenario,
            months=arguments.outage_months,
            start=arguments.outage_start,
            replications=arguments.replications,
            seed=arguments.seed,
            executor=_executor(arguments.workers),
        )
        start = weak.attrs["outage"]["start"]
        print(
            f"\nIf one supplier stops for {arguments.outage_months:g} months from {start} "
            f"({arguments.replications} paired runs each): median recovery and delay"
        )
        print(options.fit_to_width(_table(weak, list(weak.columns)), width))
    contents = {**manifest(results, path), "outage": vars_of(arguments)}
    with staged_folder(
        arguments.out, kind="network", contents=contents, inputs=(path,), force=arguments.force
    ) as staging:
        bound.to_csv(staging / "bottlenecks.csv", index=False)
        results.constraints.to_csv(staging / "constraints.csv", index=False)
        results.supplier_constraints.to_csv(staging / "supplier_constraints.csv", index=False)
        if weak is not None:
            weak.to_csv(staging / "single_points_of_failure.csv", index=False)
        if not arguments.no_plot:
            results.plot_network().savefig(staging / "network.png", dpi=110)
    print(arguments.out)
    return EXIT_OK


def _outside_horizon(start: dt.date | None, scenario: Any) -> str | None:
    from capsim.scenario.references import horizon_end

    first, end = scenario.scenario.start, horizon_end(scenario)
    if start is None or first <= start < end:
        return None
    last = end - dt.timedelta(days=1)
    return f"--outage-start {start} is outside the horizon: allowed {first} to {last}"


def vars_of(arguments: argparse.Namespace) -> dict[str, object]:
    """The outage settings of the single-point-of-failure runs, for the manifest."""
    start = arguments.outage_start
    return {
        "months": arguments.outage_months,
        "start": None if start is None else start.isoformat(),
        "replications": arguments.replications,
    }


def _executor(workers: int) -> Any:
    from capsim.experiments.executors import ProcessExecutor, SerialExecutor

    return SerialExecutor() if workers == 1 else ProcessExecutor(workers)


def _table(frame: Any, columns: list[str]) -> str:
    if frame.empty:
        return "(none: every line built all its orders allowed)"
    shown = frame[columns].copy()
    for column in shown.columns:
        if shown[column].dtype.kind == "f":
            shown[column] = shown[column].map(lambda value: f"{value:.3g}")
    return str(shown.to_string(index=False))


def _outage_months(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"outage months must be a number (got {text!r})") from None
    if not 0 < value <= MAX_OUTAGE_MONTHS:
        raise argparse.ArgumentTypeError(
            f"outage months must be above 0 and at most {MAX_OUTAGE_MONTHS} (got {text})"
        )
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"a date must be YYYY-MM-DD (got {text!r})") from None


__all__ = ["add_network_command"]
