"""The wheel, installed in a fresh environment, runs the README's first commands.

The wheel is built from this checkout (``pip wheel . --no-deps``) and installed without
its dependencies into a new virtual environment; the dependencies are taken from the
environment running the tests (a ``.pth`` file lists its site-packages), so nothing is
downloaded. The README's first shell block then runs, line by line, in an empty folder.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-w", str(folder), "-q"],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (built,) = folder.glob("capsim-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new environment holding only the wheel, with this environment's dependencies."""
    folder = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "-q", str(wheel)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    # Plain paths, not site dirs: this environment's editable capsim is not activated.
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    return folder


def test_wheel_holds_every_package_and_the_examples(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = {
        str(init.parent.relative_to(ROOT)) for init in (ROOT / "capsim").rglob("__init__.py")
    }
    assert all(f"{package}/__init__.py" in names for package in packages)
    scenarios = {str(path.relative_to(ROOT)) for path in (ROOT / "scenarios").rglob("*.yaml")}
    notebooks = {str(path.relative_to(ROOT)) for path in (ROOT / "notebooks").glob("*.ipynb")}
    assert {f"capsim/examples/{name}" for name in scenarios | notebooks} <= names
    assert "capsim-0.1.0.dist-info/licenses/LICENSE" in names


def readme_commands() -> list[str]:
    """The README's first shell block, without the install line and comments."""
    block = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)[0]
    lines = [line.split("#")[0].strip() for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith("pip ")]


def test_readme_first_commands_run_from_an_empty_folder(venv: Path, tmp_path: Path) -> None:
    commands = readme_commands()
    assert any(command.startswith("capsim run") for command in commands)
    environment = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    environment.pop("PYTHONPATH", None)
    done = subprocess.run(
        ["bash", "-e", "-c", "\n".join(commands)],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "us_army" in done.stdout
    outputs = list(tmp_path.glob("*/out/stinger_2022_ukraine/manifest.json"))
    assert len(outputs) == 1
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import capsim; print(capsim.__file__)"],
        capture_output=True, text=True, env=environment, cwd=tmp_path,
    ).stdout  # fmt: skip
    assert str(venv) in where, "capsim was not imported from the wheel"
