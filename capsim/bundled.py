"""The scenarios and notebooks that come with capsim, copied out by ``capsim examples DIR``.

In a wheel they are package data under ``capsim/examples/``, built from the top-level
``scenarios/`` and ``notebooks/`` folders of the source tree (the only copy kept in the
repository); in a checkout they are read from those folders directly.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from capsim.scenario_files.inheritance import PROJECT_MARKER

FOLDERS = {"scenarios": ".yaml", "notebooks": ".ipynb"}
"""The example folders and the kind of file each holds."""
MARKER = PROJECT_MARKER
"""A file that marks a project folder: scenarios below it may ``extends:`` one another."""
MARKER_TEXT = (
    "# capsim project folder. Scenario files anywhere below this folder may name a parent\n"
    '# with `extends:` anywhere below it too (see the README, "Comparing scenarios").\n'
)


def examples_root() -> Traversable:
    """The folder that holds ``scenarios/`` and ``notebooks/``.

    >>> sorted(entry.name for entry in examples_root().iterdir() if entry.name in FOLDERS)
    ['notebooks', 'scenarios']
    """
    packaged = files("capsim") / "examples"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[1]
    if all((checkout / folder).is_dir() for folder in FOLDERS):
        return checkout
    raise FileNotFoundError(f"capsim's examples are missing from {packaged}: reinstall capsim")


def example_files() -> list[tuple[str, Traversable]]:
    """Every bundled example as (path relative to the examples folder, file), sorted."""
    found: list[tuple[str, Traversable]] = []

    def visit(folder: Traversable, prefix: str, suffix: str) -> None:
        for entry in folder.iterdir():
            if entry.is_dir() and not entry.name.startswith((".", "_")):
                visit(entry, f"{prefix}{entry.name}/", suffix)
            elif entry.is_file() and entry.name.endswith(suffix):
                found.append((f"{prefix}{entry.name}", entry))

    root = examples_root()
    for folder, suffix in FOLDERS.items():
        visit(root / folder, f"{folder}/", suffix)
    return sorted(found, key=lambda item: item[0])


def copy_examples(destination: Path) -> list[Path]:
    """Copy the bundled scenarios and notebooks into ``destination``; return what was written.

    Nothing is overwritten: if any file to be written already exists, nothing is written
    and :class:`capsim.output.OutputFolderError` says which. ``destination`` may be new or
    a folder that holds other files. A ``capsim.toml`` marker is written at its top, so the
    scenarios in it may extend one another across its sub-folders.
    """
    from capsim.output import OutputFolderError

    if destination.exists() and not destination.is_dir():
        raise OutputFolderError(f"{destination} exists and is not a folder: give a new folder")
    contents = [(relative, entry.read_bytes()) for relative, entry in example_files()]
    contents.append((MARKER, MARKER_TEXT.encode()))
    clashes = [relative for relative, _ in contents if (destination / relative).exists()]
    if clashes:
        shown = ", ".join(clashes[:3]) + (", ..." if len(clashes) > 3 else "")
        raise OutputFolderError(
            f"{destination} already holds {shown}; capsim never overwrites files: give a new folder"
        )
    written = []
    for relative, data in contents:
        path = destination / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("xb") as stream:  # "x": fail rather than overwrite a file made meanwhile
            stream.write(data)
        written.append(path)
    return written


__all__ = ["FOLDERS", "MARKER", "copy_examples", "example_files", "examples_root"]
