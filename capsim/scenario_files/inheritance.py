"""Scenario inheritance: a file that ``extends`` another and says only what differs.

A variant names its parent with a path relative to its own folder, then gives overrides::

    extends: baseline.yaml
    lines:
      stinger_tucson:
        expansions:
          second_shift: {added_rate: 40, funded: 2023-01-01, lead_time_months: 12}
    demands:
      us_army_training: {$remove: true}

Rules, applied from the farthest ancestor down to the named file:

* **mappings merge deeply**: a key the child gives replaces or merges into the parent's,
  a key it leaves out is inherited. capsim's named collections (``lines``, ``contracts``,
  ``demands`` ...) are mappings keyed by id, so they merge *by id*;
* **lists are replaced whole** (a capacity schedule is one value: its points belong
  together, so a child that gives a schedule gives all of it);
* **an element is removed** with the mapping ``{$remove: true}`` as its value. ``$remove``
  cannot be a real key (ids and field names start with a letter), so the marker cannot be
  mistaken for data; ``null``/``~`` is *not* a removal, because ``null`` is a real value
  of optional fields such as ``objective``.

The **scenario tree** is where every parent must lie. Unless a ``root`` is given, it is the
nearest folder at or above the named file's folder that holds a ``capsim.toml`` file (any
content; ``capsim examples`` writes one) or a ``.git`` (a repository), and otherwise the
folder of the named file itself. So a variant may extend a parent in a sibling folder of
the same project (``extends: ../baselines/base.yaml``), but never a file outside it.
Absolute parent paths, ``../`` steps that leave the tree (also through symbolic links),
missing parents and cycles are refused, each located at the ``extends`` line that caused
it. Every merged value keeps the location of the file and line that set it, so errors
found later (by the schema) point into the right file.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from capsim.scenario.errors import DataPath, Problem, ScenarioError
from capsim.scenario_files.yaml_source import Location, SourceMap, read_yaml

EXTENDS = "extends"
"""Top-level key naming the parent file."""
REMOVE = "$remove"
"""Key of the removal marker: ``{$remove: true}`` deletes an inherited element."""
MAX_DEPTH = 32
"""Longest chain of ``extends`` followed."""
PROJECT_MARKER = "capsim.toml"
"""A file marking a project folder: the scenario tree of the files below it."""
TREE_MARKERS = (PROJECT_MARKER, ".git")
"""Files or folders whose presence makes a folder the scenario tree."""


@dataclass(frozen=True)
class Resolved:
    """A scenario file with its ancestors merged in.

    Attributes
    ----------
    data
        The merged scenario data, without ``extends`` keys or removal markers.
    source_map
        Where every merged value was set: each location names its own file.
    files
        The files read, the named file first, then its parent, grandparent ...
    """

    data: Any
    source_map: SourceMap
    files: tuple[Path, ...]


def resolve_file(
    path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None
) -> Resolved:
    """Read a scenario file and merge in the chain of files it ``extends``.

    Parameters
    ----------
    path
        The scenario file.
    root
        Folder every parent must lie in; default: :func:`scenario_tree` of ``path``.

    Raises
    ------
    ScenarioError
        For a cycle, a missing parent or one outside the tree, a malformed ``extends`` or
        removal marker, and any YAML problem, each located by file and line.
    OSError
        If the named file itself cannot be read.
    """
    named = Path(path)
    tree = Path(root) if root is not None else scenario_tree(named)
    tree_real = _resolved(tree)
    chain: list[tuple[Path, Any, SourceMap]] = []
    seen: dict[Path, int] = {}
    current = named
    while True:
        real = _resolved(current)
        seen[real] = len(chain)
        data, source = read_yaml(current)
        chain.append((current, data, source))
        parent = _parent_of(current, data, source, tree_real, seen, chain)
        if parent is None:
            break
        current = parent
    data, source = _without_extends(*chain[-1][1:])
    for _, child_data, child_source in reversed(chain[:-1]):
        child_data, child_source = _without_extends(child_data, child_source)
        data, source = merge(data, source, child_data, child_source)
    source.file = str(named)
    return Resolved(data, source, tuple(path for path, _, _ in chain))


def scenario_tree(path: str | os.PathLike[str]) -> Path:
    """The folder a scenario's parents must lie in (see the module docstring).

    The nearest folder at or above ``path``'s folder that holds ``capsim.toml`` or ``.git``,
    else ``path``'s folder.
    """
    folder = Path(path).parent
    for candidate in (folder.resolve(), *folder.resolve().parents):
        if candidate == Path(candidate.anchor):
            break  # never the root of the file system
        if any(os.path.lexists(candidate / marker) for marker in TREE_MARKERS):
            return candidate
    return folder


def merge(
    parent: Any, parent_source: SourceMap, child: Any, child_source: SourceMap
) -> tuple[Any, SourceMap]:
    """Merge ``child`` over ``parent`` by the rules of this module; locations follow values.

    >>> from capsim.scenario_files.yaml_source import read_yaml_text
    >>> base = read_yaml_text("a: {x: 1, y: [1, 2]}\\nb: {k: 1}\\n", "base.yaml")
    >>> child = read_yaml_text("a: {y: [3]}\\nb: {$remove: true}\\n", "child.yaml")
    >>> data, source = merge(*base, *child)
    >>> data
    {'a': {'x': 1, 'y': [3]}}
    >>> source.locate(("a", "x")).file, source.locate(("a", "y", 0)).file
    ('base.yaml', 'child.yaml')
    """
    data = _merge_values(text_keys(parent), text_keys(child), (), child_source)
    merged = SourceMap(child_source.file)
    for path in _node_paths(data):
        _copy_location(path, merged, child_source, parent_source)
    return data, merged


def _parent_of(
    current: Path,
    data: Any,
    source: SourceMap,
    tree: Path,
    seen: dict[Path, int],
    chain: list[tuple[Path, Any, SourceMap]],
) -> Path | None:
    """The file ``current`` extends, checked; None when it extends nothing."""
    if not isinstance(data, dict) or EXTENDS not in data:
        return None
    written = data[EXTENDS]

    def refuse(message: str) -> ScenarioError:
        where = source.locate((EXTENDS,))
        line, column = (where.line, where.column) if where else (None, None)
        return ScenarioError([Problem((EXTENDS,), message, str(current), line, column)])

    if not isinstance(written, str) or not written.strip():
        raise refuse("extends takes the path of one parent file, relative to this file")
    if any(ord(character) < 32 or ord(character) == 127 for character in written):
        raise refuse(
            f"parent path {written!r} has a control character; "
            "write a plain file path relative to this file"
        )
    if os.path.isabs(written) or Path(written).is_absolute() or written.startswith("~"):
        raise refuse(f"absolute parent path {written!r} refused; write it relative to this file")
    if len(chain) >= MAX_DEPTH:
        raise refuse(f"more than {MAX_DEPTH} levels of extends")
    candidate = current.parent / written
    try:
        real = candidate.resolve()
    except (OSError, RuntimeError) as error:  # RuntimeError: a symbolic link loop (3.11)
        raise refuse(f"cannot follow parent path {written!r}: {error}") from None
    if not real.is_relative_to(tree):
        raise refuse(
            f"parent {written!r} is outside the scenario tree {tree}, where parents must "
            f"lie; to allow it, put an empty {PROJECT_MARKER} file in a folder that holds "
            "both files (that folder becomes the tree), or move the parent inside the tree"
        )
    if real in seen:
        cycle = " -> ".join(str(path) for path, _, _ in chain[seen[real] :])
        raise refuse(f"inheritance cycle: {cycle} -> {candidate}")
    if not real.is_file():
        raise refuse(f"parent file {written!r} not found (looked for {candidate})")
    return candidate


def _resolved(path: Path) -> Path:
    """``path`` with symbolic links followed; a link loop is an ``OSError``, as in 3.13."""
    try:
        return path.resolve()
    except RuntimeError as error:  # Python 3.11 and 3.12 raise RuntimeError for a loop
        raise OSError(errno.ELOOP, str(error), str(path)) from None


def _without_extends(data: Any, source: SourceMap) -> tuple[Any, SourceMap]:
    if isinstance(data, dict) and EXTENDS in data:
        data = {key: value for key, value in data.items() if key != EXTENDS}
    return data, source


def _merge_values(parent: Any, child: Any, path: DataPath, child_source: SourceMap) -> Any:
    """``child`` over ``parent`` at ``path``: mappings deeply, everything else replaced."""
    if not (isinstance(parent, dict) and isinstance(child, dict)):
        _refuse_markers_inside(child, path, child_source)
        return child
    result = dict(parent)
    for key, value in child.items():
        here = (*path, key)
        if key == REMOVE:
            message = "write {$remove: true} as the value of the element to remove"
            raise _located(here, message, child_source)
        if isinstance(value, dict):
            _check_marker_alone(value, here, child_source)
        if _is_removal(value):
            if key not in result:
                raise _located(here, "$remove: nothing of this name to remove", child_source)
            del result[key]
        elif key in result:
            result[key] = _merge_values(result[key], value, here, child_source)
        else:
            _refuse_markers_inside(value, here, child_source)
            result[key] = value
    return result


def _is_removal(value: Any) -> bool:
    return isinstance(value, dict) and REMOVE in value


def _check_marker_alone(value: dict[str, Any], path: DataPath, source: SourceMap) -> None:
    """A removal marker is exactly ``{$remove: true}``."""
    if REMOVE not in value:
        return
    if value != {REMOVE: True}:
        message = "a removal is written {$remove: true}, with nothing else in the mapping"
        raise _located((*path, REMOVE), message, source)
    if not path:
        raise _located(path, "the whole scenario cannot be removed", source)


def _refuse_markers_inside(value: Any, path: DataPath, source: SourceMap) -> None:
    """Refuse ``$remove`` where nothing is inherited (new elements, lists)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == REMOVE:
                raise _located((*path, key), "$remove: nothing inherited here to remove", source)
            _refuse_markers_inside(item, (*path, key), source)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_markers_inside(item, (*path, index), source)


def _located(path: DataPath, message: str, source: SourceMap) -> ScenarioError:
    where = source.locate_key(path)
    if where is None:
        return ScenarioError([Problem(path, message, source.file)])
    return ScenarioError([Problem(path, message, where.file, where.line, where.column)])


def text_keys(data: Any) -> Any:
    """Copy of ``data`` with every mapping key as text (YAML may read ``2022`` as a number)."""
    if isinstance(data, dict):
        return {str(key): text_keys(value) for key, value in data.items()}
    if isinstance(data, list):
        return [text_keys(value) for value in data]
    return data


def _node_paths(data: Any, prefix: DataPath = ()) -> Iterator[DataPath]:
    """The path of every value in ``data``, containers included."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _node_paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _node_paths(value, (*prefix, index))


def _copy_location(path: DataPath, merged: SourceMap, child: SourceMap, parent: SourceMap) -> None:
    """A value the child wrote is located in the child; anything else in the parent."""
    value: Location | None = child.values.get(path) or parent.values.get(path)
    if value is not None:
        merged.values[path] = value
    key = child.keys.get(path) or parent.keys.get(path)
    if key is not None:
        merged.keys[path] = key


__all__ = [
    "EXTENDS",
    "PROJECT_MARKER",
    "REMOVE",
    "Resolved",
    "merge",
    "resolve_file",
    "scenario_tree",
    "text_keys",
]
