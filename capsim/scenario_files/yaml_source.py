"""Safe YAML reading that remembers where every value came from.

Only plain data is read: standard tags, bounded size, bounded alias expansion, no
duplicate keys. Every value gets a :class:`Location`, so errors can name the file,
line and column that set it. Locations carry their own file name so that data merged
from several files (scenario inheritance) can still point at the file that set a value.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from capsim.scenario.errors import DataPath, Problem, ScenarioError

MAX_FILE_BYTES = 5 * 1024 * 1024
"""Largest scenario file read, in bytes (5 MB)."""
MAX_NODES = 100_000
"""Most YAML nodes that aliases may add to a file once followed (nodes written out in the
file itself do not count: the size limit bounds those)."""
MAX_DEPTH = 100
"""Deepest nesting of lists and mappings accepted."""

_YAML = "tag:yaml.org,2002:"
_MAP = _YAML + "map"
_SEQ = _YAML + "seq"
_MERGE = _YAML + "merge"
_SCALAR_TAGS = frozenset(
    _YAML + name for name in ("null", "bool", "int", "float", "str", "timestamp")
)

# YAML 1.2 floats that YAML 1.1 reads as text: no dot or an unsigned exponent (300e6, 1e-3).
_FLOAT_12 = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$")

_Resolvers = dict[Any, list[tuple[str, re.Pattern[str]]]]


def _with_float_resolver(resolvers: _Resolvers) -> _Resolvers:
    """Copy of ``resolvers`` that also resolves YAML 1.2 exponent floats."""
    extended = {first: list(entries) for first, entries in resolvers.items()}
    for first in "-+0123456789.":
        extended.setdefault(first, []).append((_YAML + "float", _FLOAT_12))
    return extended


class _ScenarioLoader(yaml.SafeLoader):
    """SafeLoader that also reads YAML 1.2 floats such as ``624.6e6``, and refuses nesting
    deeper than :data:`MAX_DEPTH` while composing (before Python's recursion limit)."""

    yaml_implicit_resolvers = _with_float_resolver(yaml.SafeLoader.yaml_implicit_resolvers)
    _depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                message = f"nested too deeply (the limit is {MAX_DEPTH} levels)"
                problem = Problem((), message, self.name, mark.line + 1, mark.column + 1)
                raise ScenarioError([problem])
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


@dataclass(frozen=True)
class Location:
    """Where a value was written: file name, 1-based line and 1-based column."""

    file: str | None
    line: int
    column: int


@dataclass
class SourceMap:
    """Location of every value (and of every mapping key) of a parsed file, by path.

    ``values`` maps a path to where its value starts; ``keys`` maps the path of a
    mapping entry to where its key is written.

    Examples
    --------
    >>> data, source = read_yaml_text("a:\\n  b: [1, 2]\\n", "s.yaml")
    >>> source.locate(("a", "b", 1))
    Location(file='s.yaml', line=2, column=10)
    >>> source.locate(("a", "missing")).line
    2
    """

    file: str | None
    values: dict[DataPath, Location] = field(default_factory=dict)
    keys: dict[DataPath, Location] = field(default_factory=dict)

    def locate(self, path: DataPath) -> Location | None:
        """Location of ``path``, or of its longest prefix that exists."""
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found is not None:
                return found
        return None

    def locate_key(self, path: DataPath) -> Location | None:
        """Location of the key of mapping entry ``path``, else as :meth:`locate`."""
        return self.keys.get(path) or self.locate(path)


def read_yaml(path: str | os.PathLike[str]) -> tuple[Any, SourceMap]:
    """Read a YAML file safely; return its data and the location of every value.

    At most :data:`MAX_FILE_BYTES` + 1 bytes are read, whatever the file system says of
    its size; only regular files are read (a folder, pipe or device is refused, and
    opening never waits on a pipe).

    Raises
    ------
    ScenarioError
        If the file is not a regular file, too large, not UTF-8, not valid YAML, or uses
        refused features.
    OSError
        If the file cannot be read.
    """
    name = str(path)
    raw = _read_bounded(path, name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ScenarioError(
            [Problem((), f"not UTF-8 text (byte {error.start})", name, line)]
        ) from None
    return read_yaml_text(text, name)


def _read_bounded(path: str | os.PathLike[str], name: str) -> bytes:
    """The bytes of a regular file, refusing anything else or more than the size limit."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise ScenarioError([Problem((), "is a folder, not a scenario file", name)])
        if not stat.S_ISREG(mode):
            message = "is not a regular file (a pipe, device or socket); give a scenario file"
            raise ScenarioError([Problem((), message, name)])
        chunks: list[bytes] = []
        left = MAX_FILE_BYTES + 1
        while left > 0:
            chunk = os.read(descriptor, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(descriptor)
    raw = b"".join(chunks)
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError([_too_large(len(raw), name)])
    return raw


def read_yaml_text(text: str, source_name: str | None = None) -> tuple[Any, SourceMap]:
    """Read YAML from a string; ``source_name`` names it in error messages.

    Examples
    --------
    >>> read_yaml_text("price: 624.6e6\\nstart: 2023-01-01\\n")[0]
    {'price': 624600000.0, 'start': datetime.date(2023, 1, 1)}
    """
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise ScenarioError([_too_large(size, source_name)])
    try:
        loader = _ScenarioLoader(text)
        loader.name = source_name or "<text>"
    except yaml.reader.ReaderError as error:
        raise ScenarioError([_reader_problem(error, text, source_name)]) from None
    try:
        root = _compose(loader, text, source_name)
        source = SourceMap(source_name)
        if root is None:
            return None, source
        _audit(root, source_name)
        return _build(root, (), loader, source), source
    except yaml.MarkedYAMLError as error:
        raise ScenarioError([_syntax_problem(error, source_name)]) from None
    finally:
        loader.dispose()


def _too_large(size: int, file: str | None) -> Problem:
    """The file is over the size limit (``size``: bytes read, at most the limit plus one)."""
    message = f"file is larger than the limit of {MAX_FILE_BYTES:,} bytes (5 MB)"
    return Problem((), message, file)


def _compose(loader: _ScenarioLoader, text: str, file: str | None) -> Node | None:
    """Parse ``text`` into a node tree, turning YAML errors into located problems."""
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        raise ScenarioError([_syntax_problem(error, file)]) from None
    except yaml.reader.ReaderError as error:
        raise ScenarioError([_reader_problem(error, text, file)]) from None
    except RecursionError:
        message = f"nested too deeply (the limit is {MAX_DEPTH} levels)"
        raise ScenarioError([Problem((), message, file)]) from None


def _reader_problem(error: yaml.reader.ReaderError, text: str, file: str | None) -> Problem:
    line = text[: error.position].count("\n") + 1
    column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
    message = f"character #x{error.character:04x} is not allowed in YAML ({error.reason})"
    return Problem((), message, file, line, column)


def _syntax_problem(error: yaml.MarkedYAMLError, file: str | None) -> Problem:
    mark = error.problem_mark or error.context_mark
    message = f"YAML syntax error: {error.problem or error.context}"
    if error.context and error.problem and error.context_mark is not None:
        message += f" ({error.context} at line {error.context_mark.line + 1})"
    if mark is None:
        return Problem((), message, file)
    return Problem((), message, file, mark.line + 1, mark.column + 1)


def _located(path: DataPath, message: str, node: Node, file: str | None) -> Problem:
    mark = node.start_mark
    return Problem(path, message, file, mark.line + 1, mark.column + 1)


def _children(node: Node) -> Iterator[tuple[str | int, Node]]:
    """Child nodes with the path element that reaches each (keys for mapping values)."""
    if isinstance(node, SequenceNode):
        yield from enumerate(node.value)
    elif isinstance(node, MappingNode):
        for key, value in node.value:
            yield key.value if isinstance(key, ScalarNode) else "?", key
            yield key.value if isinstance(key, ScalarNode) else "?", value


def _audit(root: Node, file: str | None) -> None:
    """Refuse unsafe tags, duplicate keys, deep nesting, recursive aliases and alias bombs.

    Counts the nodes the tree expands to without expanding it, memoised by node identity.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()
    problems: list[Problem] = []

    def expanded_size(node: Node, path: DataPath) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if id(node) in active:
            raise ScenarioError([_located(path, "recursive alias (refers to itself)", node, file)])
        if len(path) > MAX_DEPTH:
            message = f"nested too deeply (the limit is {MAX_DEPTH} levels)"
            raise ScenarioError([_located(path, message, node, file)])
        problems.extend(_node_problems(node, path, file))
        active.add(id(node))
        total = 1 + sum(expanded_size(child, (*path, step)) for step, child in _children(node))
        active.discard(id(node))
        # The subtree has at most len(sizes) + 1 distinct nodes: the rest are repeats that
        # aliases add. Only those count against the limit, so a large file without aliases
        # is never taken for a bomb.
        if total - (len(sizes) + 1) > MAX_NODES:
            message = (
                f"aliases expand this by more than the limit of {MAX_NODES:,} nodes "
                "(an alias bomb?)"
            )
            raise ScenarioError([_located(path, message, node, file)])
        sizes[id(node)] = total
        return total

    try:
        expanded_size(root, ())
    except RecursionError:
        message = f"nested too deeply (the limit is {MAX_DEPTH} levels)"
        raise ScenarioError([Problem((), message, file)]) from None
    if problems:
        raise ScenarioError(problems)


def _node_problems(node: Node, path: DataPath, file: str | None) -> list[Problem]:
    """Problems of one node on its own: its tag, and for a mapping its keys."""
    problems = []
    tag_problem = _tag_problem(node)
    if tag_problem is not None:
        problems.append(_located(path, tag_problem, node, file))
    if isinstance(node, MappingNode):
        problems.extend(_key_problems(node, path, file))
    return problems


def _tag_problem(node: Node) -> str | None:
    """Why the tag of ``node`` is refused, or None when it is plain data."""
    allowed = {ScalarNode: _SCALAR_TAGS | {_MERGE}, SequenceNode: {_SEQ}, MappingNode: {_MAP}}
    if node.tag in allowed.get(type(node), set()):
        return None
    shown = node.tag.replace(_YAML, "!!", 1)
    if "python/" in node.tag:
        return f"Python object tags are not allowed (found {shown}); a scenario is plain data"
    return f"tag {shown} is not allowed here; use plain numbers, text, dates, lists and mappings"


def _key_problems(node: MappingNode, path: DataPath, file: str | None) -> list[Problem]:
    """Refuse keys that are not plain scalars, and keys written twice in one mapping."""
    problems = []
    first_line: dict[str, int] = {}
    for key, _ in node.value:
        if key.tag == _MERGE:
            continue
        if not isinstance(key, ScalarNode):
            problems.append(_located(path, "a mapping key must be plain text", key, file))
            continue
        if key.value in first_line:
            message = f"duplicate key '{key.value}' (first set at line {first_line[key.value]})"
            problems.append(_located((*path, key.value), message, key, file))
        else:
            first_line[key.value] = key.start_mark.line + 1
    return problems


def _build(node: Node, path: DataPath, loader: _ScenarioLoader, source: SourceMap) -> Any:
    """Construct the Python value of ``node``, recording locations; keys are kept as text."""
    mark = node.start_mark
    source.values[path] = Location(source.file, mark.line + 1, mark.column + 1)
    if isinstance(node, SequenceNode):
        children = enumerate(node.value)
        return [_build(child, (*path, index), loader, source) for index, child in children]
    if isinstance(node, MappingNode):
        return _build_mapping(node, path, loader, source)
    try:
        return loader.construct_object(node)
    except (ValueError, OverflowError) as error:
        message = _scalar_message(node, error)
        problem = Problem(path, message, source.file, mark.line + 1, mark.column + 1)
        raise ScenarioError([problem]) from None


def _scalar_message(node: Node, error: Exception) -> str:
    """Why a scalar that looks like a date or a number is not one."""
    shown = node.value if len(node.value) <= 40 else node.value[:40] + "..."
    if node.tag == _YAML + "timestamp":
        return (
            f"{shown!r} is not a calendar date ({error}); write YYYY-MM-DD with a real day "
            "of a real month (times, if given, from 00:00:00 to 23:59:59)"
        )
    if node.tag == _YAML + "int":
        return f"the whole number {shown!r} has too many digits (at most 4,300)"
    return f"{shown!r} is not a valid {node.tag.replace(_YAML, '', 1)} ({error})"


def _build_mapping(
    node: MappingNode, path: DataPath, loader: _ScenarioLoader, source: SourceMap
) -> dict[str, Any]:
    """Construct a mapping after applying ``<<`` merge keys; later entries win."""
    entries = MappingNode(node.tag, list(node.value), node.start_mark, node.end_mark)
    loader.flatten_mapping(entries)
    winners: dict[str, tuple[Node, Node]] = {
        key.value: (key, value) for key, value in entries.value
    }
    result: dict[str, Any] = {}
    for text, (key, value) in winners.items():
        mark = key.start_mark
        source.keys[(*path, text)] = Location(source.file, mark.line + 1, mark.column + 1)
        result[text] = _build(value, (*path, text), loader, source)
    return result


__all__ = ["MAX_FILE_BYTES", "MAX_NODES", "Location", "SourceMap", "read_yaml", "read_yaml_text"]
