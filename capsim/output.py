"""Write an output folder (tables, figures, a manifest) all or nothing, never deleting user files.

An output folder is capsim's only when its ``manifest.json`` says so: it names the kind of
output (``run``, ``replications``, ``compare``) and every file capsim wrote. capsim writes
into a hidden staging folder beside the target and moves it into place at the end. It
replaces an existing folder only when that folder is a capsim output of the same kind,
holds nothing but the files its manifest lists, and the caller passed ``force``. It never
replaces the current folder, a folder that holds an input, or one of their ancestors.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from capsim.results import Results

MANIFEST = "manifest.json"
STAGING_PREFIX = ".capsim-staging-"
RETIRED_PREFIX = ".capsim-retired-"


class OutputFolderError(Exception):
    """An output folder that capsim refuses to write or cannot write; one line for the user."""


def manifest(results: Results, scenario_path: Path | None) -> dict[str, Any]:
    """What is needed to reproduce a run: the file's sha256, the seed and versions."""
    digest = None
    if scenario_path is not None:
        digest = hashlib.sha256(scenario_path.read_bytes()).hexdigest()
    return {
        "scenario": results.scenario.scenario.name,
        "scenario_file": None if scenario_path is None else str(scenario_path),
        "scenario_sha256": digest,
        "seed": results.seed,
        "replication": results.replication,
        "versions": versions(),
    }


def versions() -> dict[str, str]:
    """Versions of capsim, its main dependencies and Python."""
    return {
        "capsim": version("capsim"),
        "simpy": version("simpy"),
        "numpy": version("numpy"),
        "pandas": version("pandas"),
        "python": platform.python_version(),
    }


def check_target(
    target: Path, kind: str, inputs: Iterable[Path] = (), *, force: bool = False
) -> None:
    """Refuse, before any work, an output folder whose replacement could lose a user's files.

    Raises :class:`OutputFolderError` unless ``target`` is absent, an empty folder, or
    (with ``force``) an earlier capsim output of the same ``kind`` holding only its own files.
    """
    resolved = target.resolve()
    here = Path.cwd().resolve()
    if resolved == here or resolved in here.parents:
        raise OutputFolderError(
            f"--out {target} is the current folder or holds it; capsim writes its output "
            "into a folder of its own: give a new one, such as out/NAME"
        )
    for path in inputs:
        if resolved in path.resolve().parents:
            raise OutputFolderError(
                f"--out {target} holds the input {path}; give a folder that holds no input"
            )
    if not os.path.lexists(target):
        return
    if not target.is_dir() or target.is_symlink():
        raise OutputFolderError(f"--out {target} exists and is not a folder: give a new folder")
    present = {entry.name for entry in target.iterdir()}
    if not present:
        return
    written = _written_by_capsim(target)
    if written is None:
        raise OutputFolderError(
            f"{target} exists and was not written by capsim (it has no capsim {MANIFEST}); "
            "capsim never replaces a folder it did not make: give a new folder, or empty it"
        )
    earlier_kind, files = written
    if earlier_kind != kind:
        raise OutputFolderError(
            f"{target} holds a capsim {earlier_kind} output, not a {kind} output: give a new folder"
        )
    foreign = sorted(present - files - {MANIFEST})
    if foreign:
        shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise OutputFolderError(
            f"{target} holds files capsim did not write ({shown}); capsim will not replace "
            "it: move them, or give a new folder"
        )
    if not force:
        raise OutputFolderError(
            f"{target} holds an earlier capsim {kind} output: add --force to replace it, "
            "or give a new folder"
        )


def check_new_folder(folder: Path) -> None:
    """Refuse a folder that exists and holds anything: capsim fills only a new or empty one."""
    if not os.path.lexists(folder):
        return
    if not folder.is_dir() or folder.is_symlink():
        raise OutputFolderError(f"--out {folder} exists and is not a folder: give a new folder")
    if any(folder.iterdir()):
        raise OutputFolderError(
            f"--out {folder} exists and holds files capsim did not write: give a new folder"
        )


@contextmanager
def staged_folder(
    target: Path,
    *,
    kind: str,
    contents: dict[str, Any],
    inputs: Iterable[Path] = (),
    force: bool = False,
) -> Iterator[Path]:
    """Yield a staging folder; on success it becomes ``target`` with a manifest.

    ``contents`` is what the manifest says about the output (scenario, seed, versions); the
    manifest adds the output ``kind`` and the list of files written. A failure (or Ctrl-C)
    while writing leaves no half-written folder, and the target as it was. Staging folders
    left by a killed run are removed by the next run into the same parent folder.
    """
    inputs = tuple(inputs)
    check_target(target, kind, inputs, force=force)
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(parent)
        staging = Path(tempfile.mkdtemp(prefix=_private_name(STAGING_PREFIX, target), dir=parent))
    except OSError as error:
        raise OutputFolderError(f"cannot write {parent}: {_reason(error)}") from None
    try:
        yield staging
        files = sorted(entry.name for entry in staging.iterdir())
        document = {"capsim_output": kind, "files": files, **contents}
        (staging / MANIFEST).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        staging.chmod(0o777 & ~_umask())
        check_target(target, kind, inputs, force=force)
        _move_into_place(staging, target)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputFolderError(f"cannot write {target}: {_reason(error)}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_run(
    results: Results,
    scenario_path: Path | None,
    out_root: Path,
    *,
    force: bool = False,
    plot: bool = True,
) -> Path:
    """Write ``out_root/<scenario name>/`` (tables, figure, manifest) and return it.

    ``plot=False`` skips the figure, which for a very large scenario takes longer to
    draw than the run takes to simulate.
    """
    target = out_root / folder_name(results.scenario.scenario.name)
    inputs = () if scenario_path is None else (scenario_path,)
    contents = manifest(results, scenario_path)
    with staged_folder(
        target, kind="run", contents=contents, inputs=inputs, force=force
    ) as staging:
        results.timeseries.to_csv(staging / "timeseries.csv", index=False)
        results.kpis.to_csv(staging / "kpis.csv", index=False)
        results.money.to_csv(staging / "money.csv", index=False)
        results.constraints.to_csv(staging / "constraints.csv", index=False)
        results.supplier_constraints.to_csv(staging / "supplier_constraints.csv", index=False)
        if plot:
            figure = results.plot()
            figure.savefig(staging / "output_vs_demand.png", dpi=110)
    return target


def folder_name(name: str) -> str:
    """A scenario name made safe as a folder name."""
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in name.strip())
    return cleaned.strip("._") or "scenario"


def _written_by_capsim(folder: Path) -> tuple[str, set[str]] | None:
    """The kind and files of the capsim output in ``folder``, or None if it is not one."""
    try:
        document = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict):
        return None
    kind, files = document.get("capsim_output"), document.get("files")
    if not isinstance(kind, str) or not isinstance(files, list):
        return None
    return kind, {name for name in files if isinstance(name, str)}


def _move_into_place(staging: Path, target: Path) -> None:
    """Rename ``staging`` to ``target``; an existing target is set aside, then removed.

    Only a target that :func:`check_target` accepted reaches here: empty, or a capsim output
    holding only its own files.
    """
    if not os.path.lexists(target):
        staging.rename(target)
        return
    retired = target.parent / (_private_name(RETIRED_PREFIX, target) + secrets.token_hex(4))
    target.rename(retired)
    try:
        staging.rename(target)
    except BaseException:
        retired.rename(target)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def _private_name(prefix: str, target: Path) -> str:
    """A hidden name beside ``target`` that records this process, so leftovers can be told."""
    return f"{prefix}{os.getpid()}-{target.name}-"


def _remove_leftovers(parent: Path) -> None:
    """Remove staging and retired folders in ``parent`` left by capsim processes now dead."""
    for prefix in (STAGING_PREFIX, RETIRED_PREFIX):
        for folder in parent.glob(f"{prefix}*"):
            pid_text = folder.name[len(prefix) :].partition("-")[0]
            if pid_text.isdigit() and not _alive(int(pid_text)) and folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


__all__ = [
    "OutputFolderError",
    "check_new_folder",
    "check_target",
    "folder_name",
    "manifest",
    "staged_folder",
    "versions",
    "write_run",
]
