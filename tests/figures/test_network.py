"""The supply-network picture: every node and edge drawn, colours taken from the run."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.colors import to_rgba

import capsim
from capsim.network_figure import figure_cmap, layered_positions, network_edges

ROOT = Path(__file__).resolve().parents[2]
PORTFOLIO = ROOT / "scenarios" / "munitions_portfolio" / "baseline.yaml"


@pytest.fixture(scope="module")
def run() -> capsim.Results:
    return capsim.simulate(capsim.load_scenario(PORTFOLIO), seed=1)


def _gids(figure: object, prefix: str) -> dict[str, object]:
    axes = figure.axes[0]  # type: ignore[attr-defined]
    artists = [*axes.texts, *axes.lines]
    return {
        a.get_gid().removeprefix(prefix): a
        for a in artists
        if (a.get_gid() or "").startswith(prefix)
    }


def test_every_supplier_line_and_delivered_stockpile_is_a_node(run: capsim.Results) -> None:
    nodes = _gids(run.plot_network(), "node:")
    scenario = run.scenario
    assert set(scenario.suppliers) | set(scenario.lines) <= set(nodes)
    assert {"us_army_stinger", "us_army_javelin", "us_army_gmlrs"} <= set(nodes)


def test_every_edge_is_drawn_with_its_component(run: capsim.Results) -> None:
    edges = _gids(run.plot_network(), "edge:")
    assert "camden_motors->stinger_tucson:rocket_motor" in edges
    assert "ampac_perchlorate->camden_motors:ammonium_perchlorate" in edges
    assert "gmlrs_camden->us_army_gmlrs:deliveries" in edges
    assert len(edges) == len(network_edges(run.scenario))


def test_columns_run_from_sub_tier_to_stockpiles(run: capsim.Results) -> None:
    columns = {
        node: column for node, (column, _) in layered_positions(network_edges(run.scenario)).items()
    }
    assert columns["ampac_perchlorate"] < columns["camden_motors"] < columns["javelin_jv"]
    assert columns["javelin_jv"] < columns["us_army_javelin"]


def test_node_colours_follow_the_months_each_node_bound(run: capsim.Results) -> None:
    counts = run.constraints["bound_by"].value_counts()
    most = str(counts.index[0])
    nodes = _gids(run.plot_network(), "node:")
    cmap = figure_cmap()
    darkest = nodes[most].get_bbox_patch().get_facecolor()  # type: ignore[attr-defined]
    idle = nodes["ampac_perchlorate"].get_bbox_patch().get_facecolor()  # type: ignore[attr-defined]
    assert counts.get("ampac_perchlorate", 0) == 0
    assert darkest == pytest.approx(cmap(1.0))
    assert idle == pytest.approx(cmap(0.0))


def test_utilisation_colours_differ_from_bound_colours(run: capsim.Results) -> None:
    cmap = figure_cmap()
    nodes = _gids(run.plot_network("utilisation"), "node:")
    production = run.series("production", "supplier").sum()["ampac_perchlorate"]
    capacity = run.series("capacity", "supplier").sum()["ampac_perchlorate"]
    face = nodes["ampac_perchlorate"].get_bbox_patch().get_facecolor()  # type: ignore[attr-defined]
    assert face == pytest.approx(cmap(production / capacity))
    assert face != pytest.approx(to_rgba("#e8e8e8"))


def test_an_unknown_colouring_is_refused(run: capsim.Results) -> None:
    with pytest.raises(ValueError, match="sideways"):
        run.plot_network("sideways")
