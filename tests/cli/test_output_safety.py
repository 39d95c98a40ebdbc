"""``--out`` never deletes what capsim did not make (each case as a user met it)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from capsim.output import OutputFolderError, check_target, staged_folder
from tests.command import capsim

ROOT = Path(__file__).resolve().parents[2]
STINGER = ROOT / "scenarios" / "stinger"
EXIT_OUTPUT = 3


def _user_folder(tmp_path: Path) -> dict[Path, bytes]:
    """A user's working folder: the compared scenarios, notes, a thesis. Returns its files."""
    shutil.copytree(STINGER, tmp_path / "scen")
    for name in ("baseline.yaml", "second_shift.yaml"):
        shutil.copy(STINGER / name, tmp_path / name)
    (tmp_path / "mywork").mkdir()
    (tmp_path / "mywork" / "notes.txt").write_text("my notes\n")
    (tmp_path / "thesis.docx").write_bytes(b"PK\x03\x04 a thesis")
    return _files(tmp_path)


def _files(folder: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def _assert_survived(files: dict[Path, bytes]) -> None:
    for path, content in files.items():
        assert path.is_file(), f"{path} was deleted"
        assert path.read_bytes() == content, f"{path} was changed"


@pytest.mark.parametrize(
    ("out", "says"),
    [
        (".", "current folder"),
        ("mywork", "not written by capsim"),
        ("scen", "holds the input"),
    ],
)
def test_compare_refuses_a_folder_it_did_not_make(tmp_path: Path, out: str, says: str) -> None:
    files = _user_folder(tmp_path)
    inputs = ("scen/baseline.yaml", "scen/second_shift.yaml")
    if out != "scen":
        inputs = ("baseline.yaml", "second_shift.yaml")
    done = capsim("compare", *inputs, "--out", out, "--force", cwd=tmp_path)
    assert done.returncode == EXIT_OUTPUT, done.stderr
    assert says in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    _assert_survived(files)


def test_out_that_holds_the_current_folder_is_refused(tmp_path: Path) -> None:
    files = _user_folder(tmp_path)
    done = capsim("compare", "baseline.yaml", "second_shift.yaml", "--out", "..", cwd=tmp_path)
    assert done.returncode == EXIT_OUTPUT
    _assert_survived(files)


def test_run_keeps_a_user_file_put_in_an_earlier_output(tmp_path: Path) -> None:
    files = _user_folder(tmp_path)
    first = capsim("run", "baseline.yaml", "--out", "results", "--quiet", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    folder = Path(first.stdout.strip().splitlines()[-1])
    thesis = tmp_path / folder / "thesis.docx"
    thesis.write_bytes(b"the only copy")
    for extra in ((), ("--force",)):
        again = capsim("run", "baseline.yaml", "--out", "results", *extra, cwd=tmp_path)
        assert again.returncode == EXIT_OUTPUT
        assert "thesis.docx" in again.stderr and "Traceback" not in again.stderr
        assert thesis.read_bytes() == b"the only copy"
    _assert_survived(files)


def test_replacing_an_earlier_output_needs_force(tmp_path: Path) -> None:
    _user_folder(tmp_path)
    first = capsim("run", "baseline.yaml", "--out", "results", "--quiet", cwd=tmp_path)
    folder = tmp_path / first.stdout.strip().splitlines()[-1]
    written = json.loads((folder / "manifest.json").read_text())
    assert written["capsim_output"] == "run"
    assert set(written["files"]) >= {"timeseries.csv", "kpis.csv", "output_vs_demand.png"}
    again = capsim("run", "baseline.yaml", "--out", "results", "--quiet", cwd=tmp_path)
    assert again.returncode == EXIT_OUTPUT and "--force" in again.stderr
    forced = capsim("run", "baseline.yaml", "--out", "results", "--force", "--quiet", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert (folder / "kpis.csv").is_file()
    assert [p.name for p in (tmp_path / "results").iterdir()] == [folder.name]


def test_an_output_of_another_kind_is_not_replaced(tmp_path: Path) -> None:
    _user_folder(tmp_path)
    first = capsim("run", "baseline.yaml", "--out", "results", "--quiet", cwd=tmp_path)
    folder = first.stdout.strip().splitlines()[-1]
    done = capsim(
        "compare", "baseline.yaml", "second_shift.yaml", "--out", folder, "--force", cwd=tmp_path
    )
    assert done.returncode == EXIT_OUTPUT and "run output, not a compare output" in done.stderr
    assert (tmp_path / folder / "kpis.csv").is_file()


def test_sweep_store_must_be_a_new_folder(tmp_path: Path) -> None:
    files = _user_folder(tmp_path)
    done = capsim(
        "sweep",
        "baseline.yaml",
        "--set",
        "lines.stinger_tucson.capacity[2].rate=60,100",
        "--out",
        "mywork",
        "--no-progress",
        cwd=tmp_path,
    )
    assert done.returncode == EXIT_OUTPUT and "Traceback" not in done.stderr
    assert not (tmp_path / "mywork" / "results.sqlite").exists()
    _assert_survived(files)


def test_output_folder_respects_the_umask(tmp_path: Path) -> None:
    script = (
        "import os, sys; from pathlib import Path; os.umask(0o022);"
        "from capsim.output import staged_folder\n"
        "with staged_folder(Path(sys.argv[1]), kind='run', contents={}) as s:\n"
        "    (s / 'a.csv').write_text('x')\n"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "o")], check=True)
    assert (tmp_path / "o").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "o" / "manifest.json").stat().st_mode & 0o777 == 0o644


def test_failed_write_leaves_the_target_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "o"
    with staged_folder(target, kind="run", contents={}) as staging:
        (staging / "a.csv").write_text("first")
    with (
        pytest.raises(RuntimeError),
        staged_folder(target, kind="run", contents={}, force=True) as staging,
    ):
        (staging / "a.csv").write_text("second")
        raise RuntimeError("disk full")
    assert (target / "a.csv").read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]


def test_staging_left_by_a_killed_run_is_removed_by_the_next(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    leftover = tmp_path / f".capsim-staging-{dead.stdout.strip()}-o-abc123"
    leftover.mkdir()
    (leftover / "half.csv").write_text("half")
    alive = tmp_path / f".capsim-staging-{os.getpid()}-p-def456"
    alive.mkdir()
    with staged_folder(tmp_path / "o", kind="run", contents={}) as staging:
        (staging / "a.csv").write_text("x")
    assert not leftover.exists()
    assert alive.exists(), "a staging folder of a live process is not touched"


def test_a_file_or_symlink_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("mine")
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "x").write_text("mine")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    for name in ("file", "link"):
        with pytest.raises(OutputFolderError, match="not a folder"):
            check_target(tmp_path / name, "run", force=True)
    assert (tmp_path / "real" / "x").read_text() == "mine"


def test_an_empty_folder_is_used(tmp_path: Path) -> None:
    (tmp_path / "o").mkdir()
    with staged_folder(tmp_path / "o", kind="compare", contents={"seed": 1}) as staging:
        (staging / "report.html").write_text("<html></html>")
    assert json.loads((tmp_path / "o" / "manifest.json").read_text())["seed"] == 1


def test_a_full_disk_while_writing_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "o"
    with (
        pytest.raises(OutputFolderError, match=r"cannot write .*No space left") as raised,
        staged_folder(target, kind="run", contents={}) as staging,
    ):
        (staging / "a.csv").write_text("half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert "\n" not in str(raised.value)
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_out_is_one_line_with_exit_3(tmp_path: Path) -> None:
    _user_folder(tmp_path)
    (tmp_path / "a_file").write_text("not a folder")
    done = capsim("run", "baseline.yaml", "--out", "a_file/out", "--no-plot", cwd=tmp_path)
    assert done.returncode == EXIT_OUTPUT
    assert "cannot write" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
