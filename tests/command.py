"""Run the ``capsim`` command in a subprocess, as a user does, for the CLI tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def capsim(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``capsim ARGS...`` run in ``cwd`` with this Python; output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "capsim.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
