"""Every teaching notebook in ``notebooks/`` executes without error.

Notebooks are committed without outputs; this runs each one top to bottom with nbclient
(kernel ``python3``, working directory ``notebooks/``, 120 s per notebook).
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbclient = pytest.importorskip(
    "nbclient", reason="nbclient is not installed: pip install -e '.[notebooks]'"
)
nbformat = pytest.importorskip(
    "nbformat", reason="nbformat is not installed: pip install -e '.[notebooks]'"
)

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
TIMEOUT_SECONDS = 120


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda path: path.name)
def test_notebook_executes(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), (
        f"{path.name} is committed with outputs; clear them before committing"
    )
    client = nbclient.NotebookClient(
        notebook,
        timeout=TIMEOUT_SECONDS,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()
