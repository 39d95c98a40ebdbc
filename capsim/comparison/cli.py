"""Command line: ``capsim compare`` and ``capsim resolve``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from capsim.output import check_target, staged_folder

EXIT_OK = 0


def add_commands(commands: Any) -> None:
    """Register ``compare`` and ``resolve`` on the ``capsim`` sub-command parser."""
    compare = commands.add_parser(
        "compare", help="run a baseline and its variants; write a report, figures and CSVs"
    )
    compare.add_argument("baseline", type=Path, metavar="BASE")
    compare.add_argument("variants", type=Path, nargs="+", metavar="VARIANT")
    compare.add_argument(
        "--replications", type=_positive, default=1, metavar="N", help="per scenario (default 1)"
    )
    compare.add_argument(
        "--seed", type=int, default=None, help="root seed for all (default: the baseline's)"
    )
    compare.add_argument(
        "--out", type=Path, default=Path("out/compare"), help="output folder (default out/compare)"
    )
    compare.add_argument(
        "--force", action="store_true", help="replace an earlier capsim comparison in --out"
    )
    compare.set_defaults(command=_compare)

    resolve = commands.add_parser(
        "resolve", help="print a scenario with the files it extends merged in, as YAML"
    )
    resolve.add_argument("file", type=Path, metavar="FILE")
    resolve.set_defaults(command=_resolve)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


def _compare(arguments: argparse.Namespace) -> int:
    """Run the comparison, print its KPI table, write the output folder."""
    from capsim.comparison import compare

    files = [arguments.baseline, *arguments.variants]
    check_target(arguments.out, "compare", files, force=arguments.force)
    comparison = compare(files, replications=arguments.replications, seed=arguments.seed)
    print(comparison.summary())
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

    from capsim.scenario.inheritance import resolve_file
    from capsim.scenario.loader import parse_scenario

    resolved = resolve_file(arguments.file)
    parse_scenario(resolved.data, resolved.source_map)
    chain = " <- ".join(str(path) for path in reversed(resolved.files))
    sys.stdout.write(f"# resolved from {chain}\n")
    sys.stdout.write(yaml.safe_dump(resolved.data, sort_keys=False, allow_unicode=True))
    return EXIT_OK


__all__ = ["add_commands", "write_comparison"]
