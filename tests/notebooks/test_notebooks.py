"""Every teaching notebook in ``notebooks/`` executes, shows its figures and ends with exercises.

Notebooks are committed without outputs; this runs each one top to bottom with nbclient
(kernel ``python3``, working directory ``notebooks/``, 120 s per cell). Every cell that
draws (calls ``plot…(`` or ``.update(``) must produce an image, as a student would see it
in Jupyter; a cell tagged ``widgets`` must show a widget whose output holds an image.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

nbclient = pytest.importorskip(
    "nbclient", reason="nbclient is not installed: pip install -e '.[notebooks]'"
)
nbformat = pytest.importorskip(
    "nbformat", reason="nbformat is not installed: pip install -e '.[notebooks]'"
)

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
TIMEOUT_SECONDS = 120
DRAWS = re.compile(r"\bplot\w*\(|\.update\(")
IMAGES = ("image/png", "image/svg+xml")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _images(outputs: list[Any]) -> bool:
    return any(kind in output.get("data", {}) for output in outputs for kind in IMAGES)


def _widget_images(notebook: Any, cell: Any) -> bool:
    """Whether an Output widget shown by ``cell`` holds an image, in the saved widget state."""
    state = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    shown = [o["data"][WIDGET_VIEW]["model_id"] for o in cell.outputs if WIDGET_VIEW in o.get("data", {})]
    pending = list(shown)
    while pending:
        model = state.get(pending.pop(), {}).get("state", {})
        if _images(model.get("outputs", [])):
            return True
        pending.extend(child.removeprefix("IPY_MODEL_") for child in model.get("children", []))
    return False


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.name)
def test_notebook_executes_and_shows_its_figures(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    if any("widgets" in cell.metadata.get("tags", []) for cell in notebook.cells):
        pytest.importorskip("ipywidgets", reason="ipywidgets: pip install -e '.[notebooks]'")
    assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), (
        f"{path.name} is committed with outputs; clear them before committing"
    )
    client = nbclient.NotebookClient(
        notebook,
        timeout=TIMEOUT_SECONDS,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
        store_widget_state=True,
    )
    client.execute()
    for number, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        if "widgets" in cell.metadata.get("tags", []):
            assert _widget_images(notebook, cell), f"{path.name} cell {number}: no figure in widget"
        elif DRAWS.search(cell.source):
            assert _images(cell.outputs), f"{path.name} cell {number} draws but shows no image"


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.name)
def test_notebook_ends_with_exercises_and_answers(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    headings = [
        number
        for number, cell in enumerate(notebook.cells)
        if cell.cell_type == "markdown" and re.search(r"^## Exercises", cell.source, re.M)
    ]
    assert headings, f"{path.name} has no '## Exercises' section"
    after = notebook.cells[headings[-1] :]
    answers = sum(cell.source.count("<summary>Answer") for cell in after)
    assert answers >= 2, f"{path.name}: exercises need answers a student can reveal"
