"""Command line: ``capsim run | validate | compare | sweep | resolve | schema | examples``.

Building the parser imports nothing heavy (no pandas, SciPy, matplotlib or SimPy): each
command imports what it needs when it runs, so ``capsim --help`` answers at once.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from capsim import cli_support as options

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2
EXIT_OUTPUT = 3
EXIT_READ = 4
EXIT_INTERRUPTED = 130
EXIT_CODES = """exit status:
  0    done
  1    a run failed (a worker process died)
  2    an invalid scenario file or command line
  3    the output was refused, or "cannot write ...": an output could not be written
  4    "cannot read ...": an input file could not be read
  130  interrupted (Ctrl-C)"""
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``capsim`` command; return the process exit status."""
    arguments = _parser().parse_args(argv)
    try:
        status: int = arguments.command(arguments)
    except KeyboardInterrupt:
        print("capsim: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:
        handled = _exit_status(error)
        if handled is None:
            raise
        return handled
    return status


def _exit_status(error: Exception) -> int | None:
    """Print a known error in one line (or one line per problem); None for a bug."""
    from capsim.output import OutputFolderError
    from capsim.scenario.errors import ScenarioError

    if isinstance(error, ScenarioError):
        print(error, file=sys.stderr)
        return EXIT_INVALID
    if isinstance(error, options.InputError):
        print(f"capsim: {error}", file=sys.stderr)
        return EXIT_READ
    if isinstance(error, OutputFolderError):
        print(f"capsim: {error}", file=sys.stderr)
        return EXIT_OUTPUT
    if isinstance(error, OSError):
        # Reading inputs is wrapped by options.reading(), so what reaches here was writing.
        where = f"{error.filename}: " if error.filename else ""
        print(f"capsim: cannot write {where}{error.strerror or error}", file=sys.stderr)
        return EXIT_OUTPUT
    # A worker can only have been lost if the executors were loaded.
    executors = sys.modules.get("capsim.experiments.executors")
    if executors is not None and isinstance(error, executors.WorkerLostError):
        print(f"capsim: {error}", file=sys.stderr)
        return EXIT_FAILED
    return None


def _parser() -> options.Parser:
    parser = options.Parser(
        prog="capsim",
        description="Simulate defense-industrial capacity.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=options.VersionAction)
    commands = parser.add_subparsers(
        required=True, metavar="COMMAND", parser_class=options.Parser, dest="command_name"
    )

    validate = commands.add_parser("validate", help="check scenario files and report problems")
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE")
    options.add_allow_code(validate)
    validate.set_defaults(command=_validate)

    schema = commands.add_parser("schema", help="print the scenario JSON Schema")
    schema.set_defaults(command=_schema)

    run = commands.add_parser("run", help="simulate a scenario and write its results")
    run.add_argument("file", type=Path, metavar="FILE")
    run.add_argument(
        "--seed", type=options.seed, default=None, help="root seed (default: the scenario's)"
    )
    run.add_argument("--out", type=Path, default=Path("out"), help="output root (default: out)")
    run.add_argument("--quiet", action="store_true", help="print only the output folder")
    options.add_allow_code(run)
    run.add_argument("--no-plot", action="store_true", help="write the tables but no figure")
    run.add_argument(
        "--force", action="store_true", help="replace an earlier capsim output of this run"
    )
    run.set_defaults(command=_run)
    from capsim.experiments.cli import add_run_options, add_sweep_command

    add_run_options(run)
    add_sweep_command(commands)

    from capsim.comparison.cli import add_commands

    add_commands(commands)

    from capsim.network_cli import add_network_command

    add_network_command(commands)

    examples = commands.add_parser(
        "examples", help="copy the bundled scenarios and notebooks into a new folder"
    )
    examples.add_argument("folder", type=Path, metavar="DIR")
    examples.set_defaults(command=_examples)
    return parser


def _validate(arguments: argparse.Namespace) -> int:
    """Check each file; print ``FILE: ok`` or its problems.

    Exits 4 if a file could not be read, else 2 if one is invalid.
    """
    from capsim.scenario.errors import ScenarioError
    from capsim.scenario_files.loader import load_scenario

    invalid = unreadable = False
    for path in arguments.files:
        try:
            with options.reading(path):
                load_scenario(path, allow_code=arguments.allow_code)
        except ScenarioError as error:
            print(error)
            invalid = True
        except options.InputError as error:
            print(error)
            unreadable = True
        else:
            print(f"{path}: ok")
    return EXIT_READ if unreadable else EXIT_INVALID if invalid else EXIT_OK


def _schema(arguments: argparse.Namespace) -> int:
    """Print the JSON Schema of scenario files, for editors and YAML language servers."""
    from capsim.scenario.schema import Scenario

    schema = {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": "capsim scenario",
        **{k: v for k, v in Scenario.model_json_schema(by_alias=True).items() if k != "title"},
    }
    print(json.dumps(schema, indent=2))
    return EXIT_OK


def _run(arguments: argparse.Namespace) -> int:
    """Simulate one scenario, write its results, print the summary and the output folder."""
    from capsim.engine import simulate
    from capsim.output import check_target, folder_name, write_run
    from capsim.scenario_files.loader import load_scenario

    path: Path = arguments.file
    if arguments.replications is not None:
        from capsim.experiments.cli import run_replications

        return run_replications(arguments)
    with options.reading(path):
        scenario = load_scenario(path, allow_code=arguments.allow_code)
    target = arguments.out / folder_name(scenario.scenario.name)
    with options.writing(target):
        check_target(target, "run", (path,), force=arguments.force)
    results = simulate(scenario, seed=arguments.seed)
    folder = write_run(
        results,
        scenario_path=path,
        out_root=arguments.out,
        force=arguments.force,
        plot=not arguments.no_plot,
    )
    if not arguments.quiet:
        print(options.fit_to_width(results.summary(), options.terminal_width()))
    print(folder)
    return EXIT_OK


def _examples(arguments: argparse.Namespace) -> int:
    """Copy the bundled scenarios and notebooks into a folder; say how to run one."""
    from capsim.bundled import copy_examples

    folder: Path = arguments.folder
    with options.writing(folder):
        written = copy_examples(folder)
    print(f"{len(written)} files written into {folder}; try:")
    print(f"  cd {shlex.quote(str(folder))} && capsim run scenarios/stinger_2022_ukraine.yaml")
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
