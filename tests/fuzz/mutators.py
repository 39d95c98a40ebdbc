"""Mutated scenario files, each made from a bundled scenario by one seeded mutation.

A :class:`Case` is a small folder of files (the mutated file and the files it may
``extend``), built deterministically from a seed and an index, so any case can be made
again from its name alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"

EDGE_VALUES: tuple[str, ...] = (
    "text", "-1", "0", ".nan", ".inf", "-.inf", "1e308", "-1e308", "5e-324", "[]", "{}",
    "''", "null", "true", "ünïcødé ☃", "1" * 5000, "2.5", "999999999999",
    "2023-02-30", "2022-13-01", "0000-01-01", "2022-01-01T25:00:00", "fy0000",
)  # fmt: skip
"""YAML text written in place of a value (unquoted: the loader reads it as YAML would)."""

IMPOSSIBLE_DATES: tuple[str, ...] = (
    "2023-02-30", "2022-13-01", "2022-00-10", "2021-02-29", "0000-01-01", "99999-01-01",
    "2022-01-01T25:00:00", "2022-01-01 10:61:00", "2022-04-31",
)  # fmt: skip

_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@dataclass(frozen=True)
class Case:
    """One fuzzed input: files by relative path, the one to load, and how it was made."""

    name: str
    files: dict[str, bytes]
    main: str
    mutation: str

    def write(self, folder: Path) -> Path:
        """Write the files under ``folder``; return the path of the main file."""
        for relative, content in self.files.items():
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        return folder / self.main


def bundled_scenarios() -> list[Path]:
    """Every scenario file shipped in ``scenarios/``."""
    return sorted(SCENARIOS.rglob("*.yaml"))


def make_case(seed: int, index: int) -> Case:
    """The ``index``-th case of the fuzz run with root ``seed``."""
    rng = np.random.default_rng([seed, index])
    sources = bundled_scenarios()
    source = sources[int(rng.integers(len(sources)))]
    relative = source.relative_to(SCENARIOS)
    siblings = {
        str(path.relative_to(source.parent)): path.read_bytes()
        for path in sorted(source.parent.glob("*.yaml"))
        if path != source
    }
    text = source.read_text(encoding="utf-8")
    name, mutate = MUTATIONS[int(rng.integers(len(MUTATIONS)))]
    content, extra = mutate(text, rng)
    main = f"extends: {source.name}".encode()
    extra = {key: value.replace(b"extends: MAIN", main) for key, value in extra.items()}
    files = {**siblings, **extra, source.name: content.replace(b"extends: MAIN", main)}
    return Case(f"{seed}-{index}-{relative.as_posix().replace('/', '_')}", files, source.name, name)


# --- mutations: (text, rng) -> (new main file, extra files) -----------------------------

Mutated = tuple[bytes, dict[str, bytes]]


def _leaf_paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            paths.extend(_leaf_paths(value, (*prefix, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            paths.extend(_leaf_paths(value, (*prefix, index)))
    return paths


def _pick(rng: np.random.Generator, items: list[Any]) -> Any:
    return items[int(rng.integers(len(items)))]


def _parent_and_key(data: Any, path: tuple[Any, ...]) -> tuple[Any, Any]:
    container = data
    for step in path[:-1]:
        container = container[step]
    return container, path[-1]


_RAW = "@@raw@@"


def _dump_with_raw(data: Any, raw: str) -> bytes:
    """Dump ``data``; the placeholder string is replaced by ``raw`` YAML text, unquoted."""
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)
    text = text.replace(f"'{_RAW}'", raw).replace(_RAW, raw)
    return text.encode("utf-8")


def _structured(
    change: Callable[[Any, tuple[Any, ...], np.random.Generator], str | None],
) -> Callable[[str, np.random.Generator], Mutated]:
    """A mutation of one randomly chosen value of the parsed file."""

    def mutate(text: str, rng: np.random.Generator) -> Mutated:
        data = yaml.safe_load(text)
        paths = [path for path in _leaf_paths(data) if path]
        path = _pick(rng, paths)
        raw = change(data, path, rng)
        return _dump_with_raw(data, raw or "null"), {}

    return mutate


def _replace_value(data: Any, path: tuple[Any, ...], rng: np.random.Generator) -> str:
    container, key = _parent_and_key(data, path)
    container[key] = _RAW
    return str(_pick(rng, list(EDGE_VALUES)))


def _delete_key(data: Any, path: tuple[Any, ...], rng: np.random.Generator) -> None:
    container, key = _parent_and_key(data, path)
    del container[key]


def _duplicate_key(data: Any, path: tuple[Any, ...], rng: np.random.Generator) -> None:
    container, key = _parent_and_key(data, path)
    if isinstance(container, list):
        container.insert(key, container[key])
    else:
        container[f"{key}__dup"] = container[key]


def _retype(data: Any, path: tuple[Any, ...], rng: np.random.Generator) -> None:
    container, key = _parent_and_key(data, path)
    value = container[key]
    choices: list[Any] = [[value], {"value": value}, str(value), 7]
    container[key] = _pick(rng, choices)


def _nest(data: Any, path: tuple[Any, ...], rng: np.random.Generator) -> str:
    container, key = _parent_and_key(data, path)
    container[key] = _RAW
    depth = int(rng.integers(50, 5000))
    return "[" * depth + "1" + "]" * depth


def _impossible_date(text: str, rng: np.random.Generator) -> Mutated:
    dates = list(_DATE.finditer(text))
    if not dates:
        return _replace_value_text(text, rng)
    match = _pick(rng, dates)
    new = _pick(rng, list(IMPOSSIBLE_DATES))
    return (text[: match.start()] + new + text[match.end() :]).encode("utf-8"), {}


def _replace_value_text(text: str, rng: np.random.Generator) -> Mutated:
    return _structured(_replace_value)(text, rng)


def _truncate(text: str, rng: np.random.Generator) -> Mutated:
    data = text.encode("utf-8")
    return data[: int(rng.integers(len(data)))], {}


def _break_indentation(text: str, rng: np.random.Generator) -> Mutated:
    lines = text.splitlines(keepends=True)
    index = int(rng.integers(len(lines)))
    shift = int(rng.integers(1, 4))
    if rng.random() < 0.5:
        lines[index] = " " * shift + lines[index]
    else:
        lines[index] = lines[index][min(shift, len(lines[index]) - len(lines[index].lstrip())) :]
    return "".join(lines).encode("utf-8"), {}


def _tabs(text: str, rng: np.random.Generator) -> Mutated:
    lines = text.splitlines(keepends=True)
    index = int(rng.integers(len(lines)))
    lines[index] = lines[index].replace("  ", "\t", 1)
    return "".join(lines).encode("utf-8"), {}


def _bytes(text: str, rng: np.random.Generator) -> Mutated:
    data = bytearray(text.encode("utf-8"))
    for _ in range(int(rng.integers(1, 4))):
        data[int(rng.integers(len(data)))] = int(rng.integers(256))
    return bytes(data), {}


def _extends(text: str, rng: np.random.Generator) -> Mutated:
    """A cyclic, missing, escaping or hostile ``extends``."""
    body = re.sub(r"(?m)^extends:.*\n", "", text)
    kind = int(rng.integers(6))
    if kind == 0:  # cycle through a second file
        parent = b"extends: MAIN\nscenario: {name: cycle}\n"
        return f"extends: cyclic_parent.yaml\n{body}".encode(), {"cyclic_parent.yaml": parent}
    written = ["missing.yaml", "../outside.yaml", "/etc/passwd", "bad\x00name.yaml",
               "bad\x07name.yaml", ".", "sub/../../x.yaml"][int(rng.integers(7))]  # fmt: skip
    if kind == 1:
        return f"extends: {written!r}\n{body}".encode(), {}
    if kind == 2:  # extends itself
        return f"extends: MAIN\n{body}".encode(), {}
    if kind == 3:
        return f'extends: "{written.encode("unicode_escape").decode()}"\n{body}'.encode(), {}
    if kind == 4:
        return f"extends: [a.yaml]\n{body}".encode(), {}
    return f"extends: ''\n{body}".encode(), {}


MUTATIONS: list[tuple[str, Callable[[str, np.random.Generator], Mutated]]] = [
    ("replace_value", _replace_value_text),
    ("replace_value", _replace_value_text),
    ("replace_value", _replace_value_text),
    ("delete_key", _structured(_delete_key)),
    ("duplicate_key", _structured(_duplicate_key)),
    ("retype", _structured(_retype)),
    ("deep_nesting", _structured(_nest)),
    ("impossible_date", _impossible_date),
    ("impossible_date", _impossible_date),
    ("truncate", _truncate),
    ("indentation", _break_indentation),
    ("tabs", _tabs),
    ("bytes", _bytes),
    ("extends", _extends),
]
"""Every mutation, by name; ``replace_value`` and dates weighted up (most real mistakes)."""
