"""Every figure shows itself in Jupyter, and capsim never touches the matplotlib backend."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import capsim
from capsim.figure import CapsimFigure

PNG = b"\x89PNG\r\n\x1a\n"


def _shows_itself(figure: object) -> None:
    assert isinstance(figure, CapsimFigure)
    assert figure._repr_png_().startswith(PNG)


def test_results_plot_is_a_png_in_jupyter(tiny: capsim.Results) -> None:
    _shows_itself(tiny.plot())


def test_ensemble_and_comparison_plots_are_pngs(tiny_file: Path) -> None:
    scenario = capsim.load_scenario(tiny_file)
    ensemble = capsim.replicate(scenario, 3, seed=1, progress=False)
    _shows_itself(ensemble.plot())
    variant = tiny_file.with_name("variant.yaml")
    variant.write_text("extends: base.yaml\nscenario: {name: variant}\n")
    comparison = capsim.compare([tiny_file, variant], replications=3)
    _shows_itself(comparison.plot())
    _shows_itself(comparison.plot_differences())


def test_sensitivity_plot_is_a_png() -> None:
    pytest.importorskip("SALib")
    import pandas as pd

    from capsim.experiments.plot import plot_indices

    indices = pd.DataFrame(
        {
            "output": ["lowest_stock"] * 2,
            "input": ["a", "b"],
            "S1": [0.6, 0.1],
            "S1_conf": [0.1, 0.05],
            "ST": [0.7, 0.2],
            "ST_conf": [0.1, 0.05],
        }
    )
    _shows_itself(plot_indices(indices, "sobol"))


def test_plotting_keeps_the_users_backend(tiny_file: Path) -> None:
    """Importing capsim and drawing every figure leaves the backend and pyplot alone."""
    script = textwrap.dedent(
        f"""
        import sys
        import matplotlib
        matplotlib.use("svg")
        import capsim
        scenario = capsim.load_scenario({str(tiny_file)!r})
        results = capsim.simulate(scenario, seed=1)
        results.plot().savefig({str(tiny_file.with_suffix(".png"))!r})
        capsim.replicate(scenario, 2, seed=1, progress=False).plot()._repr_png_()
        assert matplotlib.get_backend() == "svg", matplotlib.get_backend()
        assert "matplotlib.pyplot" not in sys.modules
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=300)
    assert tiny_file.with_suffix(".png").read_bytes().startswith(PNG)
