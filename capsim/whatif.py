"""What if: sliders that change a scenario by parameter path, re-run it and redraw the figure.

The logic is plain Python (:meth:`WhatIf.update` takes slider values and returns the
figure), so it is tested without a browser; :meth:`WhatIf.widgets` only wires it to
ipywidgets sliders (``pip install 'capsim[notebooks]'``).
"""

from __future__ import annotations

import base64
import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from capsim.engine import simulate
from capsim.figure import CapsimFigure
from capsim.results import Results
from capsim.scenario.schema import Scenario
from capsim.scenario_files.paths import get_at, parse_path, scenario_data
from capsim.scenario_files.uncertainty import with_inputs


@dataclass(frozen=True)
class Lever:
    """One slider: the parameters it sets, by path, and its range.

    With ``relative=False`` every path is set to the slider's value times ``unit``
    (``unit=1e6`` for a slider in millions of USD); with ``relative=True`` the slider is a
    factor on each parameter's value in the scenario (1 leaves it unchanged).

    >>> Lever("line capacity", ("lines.stinger_tucson.capacity[2].rate",), 20, 200, 100)
    Lever(label='line capacity', paths=('lines.stinger_tucson.capacity[2].rate',), low=20, high=200, start=100, step=1.0, relative=False, unit=1.0)
    """  # noqa: E501

    label: str
    paths: tuple[str, ...]
    low: float
    high: float
    start: float
    step: float = 1.0
    relative: bool = False
    unit: float = 1.0


class WhatIf:
    """A scenario, levers over its parameters, and a run of it for any slider values.

    Parameters
    ----------
    scenario
        The scenario the levers change.
    levers
        Sliders by name; the names are the keyword arguments of :meth:`update`.
    seed
        Root seed of every run, so that only the levers change the result.
    """

    def __init__(self, scenario: Scenario, levers: Mapping[str, Lever], seed: int = 1) -> None:
        self.scenario = scenario
        self.levers = dict(levers)
        self.seed = seed
        data = scenario_data(scenario)
        self.base = {
            path: get_at(data, parse_path(path))
            for lever in self.levers.values()
            for path in lever.paths
        }
        """The scenario's own value of every path a lever sets."""
        self.last: Results | None = None
        """The most recent run."""

    def values(self, **slider: float) -> dict[str, Any]:
        """Parameter values by path for the given slider values (missing sliders: start)."""
        unknown = sorted(set(slider) - set(self.levers))
        if unknown:
            raise TypeError(f"unknown levers {unknown}; known: {', '.join(self.levers)}")
        out: dict[str, Any] = {}
        for name, lever in self.levers.items():
            value = float(slider.get(name, lever.start))
            for path in lever.paths:
                out[path] = self.base[path] * value if lever.relative else value * lever.unit
        return out

    def run(self, **slider: float) -> Results:
        """Run the scenario with the levers at ``slider``; keep the result in ``last``."""
        self.last = simulate(with_inputs(self.scenario, self.values(**slider)), seed=self.seed)
        return self.last

    def update(self, **slider: float) -> CapsimFigure:
        """Run with the levers at ``slider`` and return the central figure of the run."""
        return self.run(**slider).plot()

    def widgets(self, systems: Sequence[str] | None = None) -> Any:
        """Sliders and the figure below them, redrawn when a slider is released.

        Needs ipywidgets. Returns an ``ipywidgets.VBox``; the sliders are its first
        children, in the order of ``levers``, and the figure is in the last one.
        """
        widgets = importlib.import_module("ipywidgets")
        sliders = {
            name: widgets.FloatSlider(
                value=lever.start,
                min=lever.low,
                max=lever.high,
                step=lever.step,
                description=lever.label,
                continuous_update=False,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="520px"),
            )
            for name, lever in self.levers.items()
        }
        output = widgets.Output()

        def redraw(_change: object = None) -> None:
            values = {name: slider.value for name, slider in sliders.items()}
            figure = self.run(**values).plot(systems=systems)
            # Set the output's content directly: the same in a kernel and in a test.
            output.outputs = (_display_data(figure),)

        for slider in sliders.values():
            slider.observe(redraw, names="value")
        redraw()
        return widgets.VBox([*sliders.values(), output])


def _display_data(figure: CapsimFigure) -> dict[str, Any]:
    """A Jupyter ``display_data`` output holding the figure as a PNG."""
    png = base64.b64encode(figure._repr_png_()).decode("ascii")
    return {
        "output_type": "display_data",
        "data": {"image/png": png, "text/plain": repr(figure)},
        "metadata": {},
    }


__all__ = ["Lever", "WhatIf"]
