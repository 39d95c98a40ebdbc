"""Parallel replications inside a Jupyter kernel: no pickled lambdas, no hang, same numbers.

A notebook is built here and run by nbclient in a real ``python3`` kernel, as a student
would run it. A hang fails the test at the cell timeout instead of stalling the suite.
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient", reason="pip install -e '.[test]'")
nbformat = pytest.importorskip("nbformat", reason="pip install -e '.[test]'")

ROOT = Path(__file__).resolve().parents[2]

CELLS = [
    """\
import numpy as np
import capsim
from tests.experiments.scenarios import scenario

model = scenario()
serial = capsim.replicate(model, 40, seed=3, executor=capsim.SerialExecutor(), progress=False)""",
    # Defined in the notebook's __main__, which a spawned worker could not import: the
    # executor must send only capsim's own top-level function and plain data.
    """\
pool = capsim.replicate(model, 40, seed=3, executor=capsim.ProcessExecutor(workers=2))
assert np.array_equal(pool.values, serial.values)
assert pool.kpis.equals(serial.kpis)""",
    """\
design = capsim.Sweep(model, {"stockpiles.depot.initial": [10, 40]}, replications=20, seed=3)
swept = capsim.run_experiment(design, executor=capsim.ProcessExecutor(workers=2))
alone = capsim.run_experiment(design, executor=capsim.SerialExecutor(), progress=False)
assert swept.kpis.equals(alone.kpis)""",
    """\
from capsim.experiments.executors import DaskExecutor

with DaskExecutor(local_cluster=True, workers=2) as executor:
    clustered = capsim.replicate(model, 40, seed=3, executor=executor, progress=False)
assert np.array_equal(clustered.values, serial.values)
print("same numbers on every executor")""",
]


@pytest.mark.slow
def test_parallel_replications_run_in_a_jupyter_kernel() -> None:
    pytest.importorskip("distributed", reason="pip install -e '.[test]'")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    client = nbclient.NotebookClient(
        notebook,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT)}},
    )
    client.execute()
    printed = "".join(output.get("text", "") for output in notebook.cells[-1].outputs)
    assert "same numbers on every executor" in printed
