"""Command line: ``capsim validate``, ``schema``, ``run``, ``resolve`` and ``compare``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from capsim.experiments.executors import WorkerLostError
from capsim.output import OutputFolderError
from capsim.scenario.errors import ScenarioError
from capsim.scenario.loader import load_scenario
from capsim.scenario.schema import Scenario

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2
EXIT_OUTPUT = 3
EXIT_INTERRUPTED = 130
EXIT_CODES = """exit status:
  0    done
  1    a run failed (a worker process died)
  2    an invalid scenario file or command line
  3    the output folder was refused or could not be written
  130  interrupted (Ctrl-C)"""
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``capsim`` command; return the process exit status."""
    arguments = _parser().parse_args(argv)
    try:
        status: int = arguments.command(arguments)
    except ScenarioError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    except OSError as error:
        print(f"capsim: {_os_message(error)}", file=sys.stderr)
        return EXIT_INVALID
    except OutputFolderError as error:
        print(f"capsim: {error}", file=sys.stderr)
        return EXIT_OUTPUT
    except WorkerLostError as error:
        print(f"capsim: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("capsim: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="capsim",
        description="Simulate defense-industrial capacity.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check scenario files and report problems")
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE")
    validate.set_defaults(command=_validate)

    schema = commands.add_parser("schema", help="print the scenario JSON Schema")
    schema.set_defaults(command=_schema)

    run = commands.add_parser("run", help="simulate a scenario and write its results")
    run.add_argument("file", type=Path, metavar="FILE")
    run.add_argument("--seed", type=int, default=None, help="root seed (default: the scenario's)")
    run.add_argument("--out", type=Path, default=Path("out"), help="output root (default: out)")
    run.add_argument("--quiet", action="store_true", help="print only the output folder")
    run.add_argument(
        "--force", action="store_true", help="replace an earlier capsim output of this run"
    )
    run.set_defaults(command=_run)
    from capsim.experiments.cli import add_run_options, add_sweep_command

    add_run_options(run)
    add_sweep_command(commands)

    from capsim.comparison.cli import add_commands

    add_commands(commands)
    return parser


def _validate(arguments: argparse.Namespace) -> int:
    """Check each file; print ``FILE: ok`` or its problems."""
    status = EXIT_OK
    for path in arguments.files:
        try:
            load_scenario(path)
        except ScenarioError as error:
            print(error)
            status = EXIT_INVALID
        except OSError as error:
            print(f"{path}: {_os_message(error)}")
            status = EXIT_INVALID
        else:
            print(f"{path}: ok")
    return status


def _schema(arguments: argparse.Namespace) -> int:
    """Print the JSON Schema of scenario files, for editors and YAML language servers."""
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

    path: Path = arguments.file
    if arguments.replications is not None:
        from capsim.experiments.cli import run_replications

        return run_replications(arguments)
    scenario = load_scenario(path)
    target = arguments.out / folder_name(scenario.scenario.name)
    check_target(target, "run", (path,), force=arguments.force)
    results = simulate(scenario, seed=arguments.seed)
    folder = write_run(results, scenario_path=path, out_root=arguments.out, force=arguments.force)
    if not arguments.quiet:
        print(results.summary())
    print(folder)
    return EXIT_OK


def _os_message(error: OSError) -> str:
    """One line for a file that cannot be read."""
    reason = error.strerror or str(error)
    return f"cannot read {error.filename}: {reason}" if error.filename else reason


if __name__ == "__main__":
    raise SystemExit(main())
