"""The supply network as a layered picture: sub-tiers → suppliers → lines → stockpiles.

Columns are tiers, the deepest sub-tier on the left, then the suppliers that feed the
lines, the final-assembly lines, and the stockpiles the lines deliver to. Within a column
nodes are ordered by barycenter sweeps (Sugiyama, Tagawa and Toda, 1981) so that edges
cross little. Edges are coloured by the component they carry. Each supplier and line is
coloured by the data of one run: how many line-months it bound some line's output
(``results.constraints``, column ``bound_by``), or its utilisation (production over
capacity, summed over the horizon).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Colormap, Normalize, to_rgba
from matplotlib.lines import Line2D

from capsim.figure import CapsimFigure, new_figure
from capsim.network import bottlenecks
from capsim.scenario.supply_graph import buyers_of

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from capsim.results import Results
    from capsim.scenario.schema import Scenario

SWEEPS = 8
"""Down-and-up barycenter sweeps that order the nodes within each column."""

COMPONENT_PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#7f7f7f",
)  # fmt: skip
DELIVERY_COLOUR = "#555555"
NO_DATA_COLOUR = "#e8e8e8"


class NetworkColour(StrEnum):
    """What colours the suppliers and lines of the network picture."""

    BOUND = "bound"
    """Line-months in which the node held some line's output back
    (:func:`capsim.network.bottlenecks`)."""
    UTILISATION = "utilisation"
    """Production over capacity, summed over the horizon (0 to 1)."""


Edge = tuple[str, str, str]
"""An edge: from node, to node, and what it carries (a component, or ``deliveries``)."""


def network_edges(scenario: Scenario) -> list[Edge]:
    """Supplier → buyer edges by component, then line → stockpile delivery edges.

    A line delivers to every stockpile of its system whose holder buys from it (a
    contract or a replenishment policy names the line, or the system's only line).
    """
    edges: list[Edge] = [
        (supplier_id, buyer, scenario.suppliers[supplier_id].component)
        for supplier_id, buyers in buyers_of(scenario).items()
        for buyer in buyers
    ]
    lines_of: dict[str, list[str]] = {}
    for line_id, line in sorted(scenario.lines.items()):
        lines_of.setdefault(line.system, []).append(line_id)
    orders = [
        *((c.line, c.system, c.buyer) for c in scenario.contracts.values()),
        *((p.line, p.system, p.holder) for p in scenario.policies.values()),
    ]
    buyers = {
        (line_id, system, holder)
        for line, system, holder in orders
        for line_id in ([line] if line else lines_of.get(system, []))
    }
    for stockpile_id, stockpile in sorted(scenario.stockpiles.items()):
        for line_id in lines_of.get(stockpile.system, []):
            if (line_id, stockpile.system, stockpile.holder) in buyers:
                edges.append((line_id, stockpile_id, "deliveries"))
    return edges


def node_values(results: Results, colour_by: NetworkColour) -> dict[str, float]:
    """The value that colours each supplier and line, by node id."""
    if colour_by is NetworkColour.BOUND:
        counts = bottlenecks(results).groupby("node")["line_months"].sum()
        nodes = [*results.scenario.suppliers, *results.scenario.lines]
        return {node: float(counts.get(node, 0)) for node in nodes}
    values: dict[str, float] = {}
    for kind in ("supplier", "line"):
        production = results.series("production", kind).sum()
        capacity = results.series("capacity", kind).sum()
        for node in production.index:
            made, could = float(production[node]), float(capacity.get(node, 0.0))
            values[str(node)] = made / could if could > 0 else 0.0
    return values


def layered_positions(edges: list[Edge], nodes: Sequence[str] = ()) -> dict[str, tuple[int, float]]:
    """Column and row of each node: sinks right, each node one left of its leftmost buyer.

    ``nodes`` adds nodes that no edge touches (a line with no suppliers and no buyer yet),
    in the rightmost column. Rows within a column are set by alternating barycenter
    sweeps, then centred.
    """
    successors: dict[str, list[str]] = {node: [] for node in nodes}
    predecessors: dict[str, list[str]] = {node: [] for node in nodes}
    for source, target, _ in edges:
        successors.setdefault(source, []).append(target)
        predecessors.setdefault(target, []).append(source)
        successors.setdefault(target, [])
        predecessors.setdefault(source, [])
    height: dict[str, int] = {}

    def depth(node: str) -> int:
        if node not in height:
            height[node] = 1 + max((depth(t) for t in successors[node]), default=-1)
        return height[node]

    deepest = max((depth(node) for node in successors), default=0)
    columns: dict[int, list[str]] = {}
    for node in sorted(successors):
        columns.setdefault(deepest - depth(node), []).append(node)
    row = {node: float(i) for members in columns.values() for i, node in enumerate(members)}

    def sweep(order: range, neighbours: Mapping[str, list[str]]) -> None:
        for column in order:
            members = columns[column]
            centre = {
                node: float(np.mean([row[n] for n in neighbours[node]]))
                if neighbours[node]
                else row[node]
                for node in members
            }
            members.sort(key=lambda node: (centre[node], node))
            for i, node in enumerate(members):
                row[node] = float(i)

    for _ in range(SWEEPS):
        sweep(range(1, deepest + 1), predecessors)
        sweep(range(deepest - 1, -1, -1), successors)
    tallest = max((len(column) for column in columns.values()), default=0)
    return {
        node: (column, i + (tallest - len(members)) / 2)
        for column, members in columns.items()
        for i, node in enumerate(members)
    }


def plot_network(results: Results, colour_by: str = "bound") -> CapsimFigure:
    """The supply network of a run, as layered columns from sub-tiers to stockpiles.

    Parameters
    ----------
    results
        One run's results.
    colour_by
        ``"bound"``: each supplier and line coloured by the line-months it bound some
        line's output; ``"utilisation"``: by production over capacity over the horizon.

    >>> import capsim
    >>> run = capsim.simulate(capsim.load_scenario("benchmarks/stinger_ref.yaml"), seed=1)
    >>> figure = plot_network(run)
    >>> "node:army" in {text.get_gid() for text in figure.axes[0].texts}
    True
    """
    colour = NetworkColour(colour_by)
    scenario = results.scenario
    edges = network_edges(scenario)
    positions = layered_positions(
        edges, [*scenario.suppliers, *scenario.lines, *scenario.stockpiles]
    )
    values = node_values(results, colour)
    columns = 1 + max((column for column, _ in positions.values()), default=0)
    rows = max((row for _, row in positions.values()), default=0.0) + 1
    figure = new_figure(max(7.0, 2.3 * columns + 1.5), max(4.0, 0.62 * rows + 1.6))
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.set_xlim(-0.6, columns - 0.4)
    axes.set_ylim(rows - 0.4, -1.0)

    top = max(values.values(), default=0.0)
    norm = Normalize(0.0, 1.0 if colour is NetworkColour.UTILISATION else max(top, 1.0))
    cmap = figure_cmap()
    components = sorted({what for _, _, what in edges if what != "deliveries"})
    palette = {c: COMPONENT_PALETTE[i % len(COMPONENT_PALETTE)] for i, c in enumerate(components)}
    palette["deliveries"] = DELIVERY_COLOUR

    for source, target, what in edges:
        (x0, y0), (x1, y1) = positions[source], positions[target]
        _edge(axes, (x0, y0), (x1, y1), palette[what], f"edge:{source}->{target}:{what}")
    for node, (x, y) in positions.items():
        value = values.get(node)
        face = cmap(norm(value)) if value is not None else to_rgba(NO_DATA_COLOUR)
        _node(axes, (x, y), node, face, _label(node, value, colour))

    mappable = ScalarMappable(norm=norm, cmap=cmap)
    bar = figure.colorbar(mappable, ax=axes, shrink=0.6, pad=0.01, location="right")
    bar.set_label(
        "line-months bound some line's output"
        if colour is NetworkColour.BOUND
        else "utilisation (production / capacity)"
    )
    handles = [Line2D([], [], color=palette[c], linewidth=2.2, label=c) for c in components]
    handles.append(Line2D([], [], color=DELIVERY_COLOUR, linewidth=1.2, linestyle="--",
                          label="deliveries to stock"))  # fmt: skip
    figure.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 4),
                  fontsize="small", title="edges: component carried")  # fmt: skip
    titles = ["sub-tier"] * max(columns - 3, 0) + ["suppliers", "lines", "stockpiles"]
    for column, title in enumerate(titles[-columns:]):
        axes.text(column, -0.75, title, ha="center", va="center", fontsize="small",
                  color="#555555", style="italic")  # fmt: skip
    how = "months bound" if colour is NetworkColour.BOUND else "utilisation"
    axes.set_title(f"{scenario.scenario.name}: supply network, nodes coloured by {how}")
    return figure


def figure_cmap() -> Colormap:
    """The colour map of node values: pale for little, dark red for much."""
    return colormaps["YlOrRd"]


def _label(node: str, value: float | None, colour: NetworkColour) -> str:
    if value is None:
        return node
    if colour is NetworkColour.BOUND:
        return f"{node}\n{value:.0f} months"
    return f"{node}\n{value:.0%}"


def _node(
    axes: Axes, at: tuple[float, float], node: str, face: tuple[float, ...], label: str
) -> None:
    red, green, blue = face[:3]
    dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
    text = axes.text(
        *at, label, ha="center", va="center", fontsize=7.5, zorder=3,
        color="white" if dark else "black",
        bbox={"boxstyle": "round,pad=0.35", "facecolor": face, "edgecolor": "#444444",
              "linewidth": 0.6},
    )  # fmt: skip
    text.set_gid(f"node:{node}")


def _edge(
    axes: Axes, start: tuple[float, float], end: tuple[float, float], colour: str, gid: str
) -> None:
    """A smooth S-curve from the right of ``start`` to the left of ``end``."""
    (x0, y0), (x1, y1) = start, end
    t = np.linspace(0.0, 1.0, 40)
    ease = t * t * (3 - 2 * t)
    xs = x0 + 0.35 + (x1 - x0 - 0.7) * t
    ys = y0 + (y1 - y0) * ease
    deliveries = colour == DELIVERY_COLOUR
    (drawn,) = axes.plot(
        xs, ys, color=colour, linewidth=1.2 if deliveries else 2.0, alpha=0.85, zorder=1,
        linestyle="--" if deliveries else "-",
    )  # fmt: skip
    drawn.set_gid(gid)


__all__ = ["NetworkColour", "layered_positions", "network_edges", "node_values", "plot_network"]
