"""Time ``capsim --help`` from a cold interpreter, and list the heavy modules it loads.

Run from the checkout (with capsim installed, e.g. ``pip install -e .``)::

    python benchmarks/cli_startup.py            # 20 repeats
    python benchmarks/cli_startup.py --repeats 5

Each repeat starts a new Python process, as a user's shell does, so the figure includes
the interpreter's own start (``python -c pass``, printed for comparison). The first run
is a warm-up that fills the operating system's file cache and is not counted.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

HEAVY = ("pandas", "scipy", "matplotlib", "simpy", "numpy", "pydantic", "yaml")
HELP = "import sys; from capsim.cli import main; sys.argv = ['capsim', '--help']; main()"
LOADED = (
    "import sys, contextlib, io\n"
    "from capsim.cli import main\n"
    "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
    "    main(['--help'])\n"
    f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))\n"
)


def seconds(code: str, repeats: int) -> list[float]:
    """Wall times of ``python -c code`` in fresh processes, after one warm-up."""
    times = []
    for index in range(repeats + 1):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        if index:
            times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("--repeats", type=int, default=20)
    repeats = parser.parse_args().repeats
    bare = seconds("pass", repeats)
    help_times = seconds(HELP, repeats)
    loaded = subprocess.run(
        [sys.executable, "-c", LOADED], check=True, capture_output=True, text=True
    ).stdout.strip()
    print(f"python -c pass : median {statistics.median(bare):.3f} s, min {min(bare):.3f} s")
    print(
        f"capsim --help  : median {statistics.median(help_times):.3f} s, "
        f"min {min(help_times):.3f} s ({repeats} repeats)"
    )
    print(f"heavy modules loaded by --help: {loaded or 'none'}")


if __name__ == "__main__":
    main()
