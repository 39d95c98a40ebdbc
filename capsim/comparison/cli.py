"""Command line: ``capsim compare`` and ``capsim resolve``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from capsim import cli_support as options

EXIT_OK = 0
DEFAULT_REPLICATIONS = 30
"""Replications per scenario by default: enough for paired 95 % intervals to mean something."""


def add_commands(commands: Any) -> None:
    """Register ``compare`` and ``resolve`` on the ``capsim`` sub-command parser."""
    compare = commands.add_parser(
        "compare", help="run a baseline and its variants; write a report, figures and CSVs"
    )
    compare.add_argument("baseline", type=Path, metavar="BASE")
    compare.add_argument("variants", type=Path, nargs="+", metavar="VARIANT")
    options.add_replications(
        compare,
        DEFAULT_REPLICATIONS,
        f"per scenario (default {DEFAULT_REPLICATIONS}; intervals need at least 2)",
    )
    compare.add_argument(
        "--seed",
        type=options.seed,
        default=None,
        help="root seed for all (default: the baseline's)",
    )
    options.add_output_folder(compare, Path("out/compare"), "comparison")
    options.add_allow_code(compare)
    compare.set_defaults(command=_compare)

    resolve = commands.add_parser(
        "resolve", help="print a scenario with the files it extends merged in, as YAML"
    )
    resolve.add_argument("file", type=Path, metavar="FILE")
    options.add_allow_code(resolve)
    resolve.set_defaults(command=_resolve)


def _compare(arguments: argparse.Namespace) -> int:
    """Run the comparison, print its KPI table, write the output folder."""
    from capsim.comparison import compare
    from capsim.output import check_target

    files = [arguments.baseline, *arguments.variants]
    with options.writing(arguments.out):
        check_target(arguments.out, "compare", files, force=arguments.force)
    with options.reading(arguments.baseline):
        comparison = compare(
            files,
            replications=arguments.replications,
            seed=arguments.seed,
            allow_code=arguments.allow_code,
        )
    width = options.terminal_width()
    print(options.fit_to_width(comparison.summary(), width))
    if arguments.replications < 2:
        note = (
            "note: with 1 replication there are no intervals and no spread: the table "
            f"compares single runs; give --replications {DEFAULT_REPLICATIONS} (the default) "
            "for medians, 5-95 % ranges and paired 95 % intervals"
        )
        print(options.fit_to_width(note, width))
    folder = write_comparison(comparison, arguments.out, inputs=files, force=arguments.force)
    print(folder)
    return EXIT_OK


def write_comparison(
    comparison: Any, folder: Path, inputs: Sequence[Path] = (), *, force: bool = False
) -> Path:
    """Write report.html, figures, CSVs and manifest.json into ``folder``, all or nothing.

    Files are written into a temporary folder beside ``folder``, which replaces it only
    when everything is written; see :func:`capsim.output.staged_folder` for what may be
    replaced.
    """
    from capsim.comparison.report import csv_tables, write_report
    from capsim.output import staged_folder

    with staged_folder(
        folder, kind="compare", contents=comparison.manifest(), inputs=inputs, force=force
    ) as staging:
        write_report(comparison, staging / "report.html")
        for name, table in csv_tables(comparison).items():
            table.to_csv(staging / name, index=False)
        for name, figure in (
            ("output_vs_demand.png", comparison.plot()),
            ("differences.png", comparison.plot_differences()),
        ):
            figure.savefig(staging / name, dpi=110)
    return folder


def _resolve(arguments: argparse.Namespace) -> int:
    """Print the scenario with its parents merged in; it is validated first."""
    import yaml

    from capsim.scenario_files.inheritance import resolve_file
    from capsim.scenario_files.loader import parse_scenario

    with options.reading(arguments.file):
        resolved = resolve_file(arguments.file)
    parse_scenario(resolved.data, resolved.source_map, allow_code=arguments.allow_code)
    chain = " <- ".join(str(path) for path in reversed(resolved.files))
    sys.stdout.write(f"# resolved from {chain}\n")
    sys.stdout.write(yaml.safe_dump(resolved.data, sort_keys=False, allow_unicode=True))
    return EXIT_OK


__all__ = ["add_commands", "write_comparison"]
