"""Hostile input: each is refused, never expanded, executed, waited on or read whole."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from capsim.scenario.errors import ScenarioError
from capsim.scenario_files.loader import load_scenario
from capsim.scenario_files.yaml_source import MAX_DEPTH, MAX_FILE_BYTES
from tests.scenario.conftest import VALID

QUICK_SECONDS = 10


def refusal(path: Path) -> str:
    """The error message of loading ``path``, which must be refused quickly."""
    began = time.monotonic()
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert time.monotonic() - began < QUICK_SECONDS
    message = str(caught.value)
    assert str(path) in message
    return message


def write(tmp_path: Path, content: str | bytes, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:os.system ['touch {marker}']",
        "!!python/name:os.system",
        "!!python/object:builtins.dict {{}}",
    ],
)
def test_object_tags_refused_not_executed(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "executed"
    text = VALID.replace("name: tiny", f"name: {tag.format(marker=marker)}")
    message = refusal(write(tmp_path, text))
    assert "not allowed" in message and ":2:" in message
    assert not marker.exists()


def test_alias_bomb_refused(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    message = refusal(write(tmp_path, "\n".join(lines) + "\n"))
    assert "alias bomb" in message


def test_file_over_the_size_limit_refused(tmp_path: Path) -> None:
    path = write(tmp_path, b"#" * (MAX_FILE_BYTES + 1))
    assert "larger than the limit" in refusal(path)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5_000, 100_000])
def test_deep_nesting_refused_with_its_line(tmp_path: Path, depth: int) -> None:
    message = refusal(write(tmp_path, "a:\n  b: " + "[" * depth + "]" * depth + "\n"))
    assert f"{tmp_path / 's.yaml'}:2:" in message and "nested too deeply" in message


def test_deep_block_nesting_refused(tmp_path: Path) -> None:
    text = "".join("  " * level + f"k{level}:\n" for level in range(300)) + "  " * 300 + "1\n"
    assert "nested too deeply" in refusal(write(tmp_path, text))


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"scenario:\n  name: caf\xe9\n", b"\xff\xfe\x00"],
)
def test_binary_and_non_utf8_refused(tmp_path: Path, content: bytes) -> None:
    message = refusal(write(tmp_path, content))
    assert "UTF-8" in message or "not allowed in YAML" in message


def test_folder_refused(tmp_path: Path) -> None:
    assert "folder" in refusal(tmp_path)


def test_fifo_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert "not a regular file" in refusal(fifo)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_device_refused() -> None:
    with pytest.raises(ScenarioError, match="not a regular file"):
        load_scenario("/dev/zero")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_cli_validate_dev_zero_is_refused_at_once(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "capsim.cli", "validate", "/dev/zero"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "not a regular file" in done.stdout and "Traceback" not in done.stderr


@pytest.mark.parametrize("parent", ["../outside.yaml", "sub/../../outside.yaml", "/etc/hosts"])
def test_extends_escaping_the_tree_refused(tmp_path: Path, parent: str) -> None:
    (tmp_path / "outside.yaml").write_text(VALID, encoding="utf-8")
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    message = refusal(write(tree, f"extends: {parent}\n"))
    assert ":1:" in message and ("outside the scenario tree" in message or "absolute" in message)


def test_extends_through_a_symbolic_link_out_of_the_tree_refused(tmp_path: Path) -> None:
    (tmp_path / "outside.yaml").write_text(VALID, encoding="utf-8")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "inside.yaml").symlink_to(tmp_path / "outside.yaml")
    assert "outside the scenario tree" in refusal(write(tree, "extends: inside.yaml\n"))
