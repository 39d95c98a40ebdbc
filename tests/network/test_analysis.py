"""The network views: which node bound the most line-months, and the single-point-of-failure
table from paired runs; and ``capsim network`` on the command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from capsim.network import bottlenecks, single_points_of_failure, with_outage
from tests.command import capsim
from tests.model.model_builders import build, run
from tests.network.builders import ALPHA, BETA, ENERGETICS, MOTORS, network_scenario


def drawn_down() -> dict[str, Any]:
    """The network with energetics the bottleneck and a stock of alpha drawn down."""
    data = network_scenario()
    data["suppliers"][ENERGETICS]["capacity"] = 40
    data["stockpiles"]["army_alpha"]["initial"] = 100
    data["stockpiles"]["ally_alpha"] = {"holder": "ally", "system": "alpha", "initial": 0}
    data["demands"] = {
        "aid": {"kind": "transfer", "from": "army", "to": "ally", "system": "alpha",
                "quantity": 100, "date": "2024-02-01"}
    }  # fmt: skip
    return data


def test_bottlenecks_count_line_months_by_the_node_at_the_end_of_the_trace() -> None:
    data = drawn_down()
    data["suppliers"][MOTORS]["outages"] = {"fire": {"start": "2024-06-01", "months": 4}}
    results = run(data)
    table = bottlenecks(results)
    assert table["line_months"].sum() == len(
        results.constraints.query("root_constraint not in ['none', 'backlog']")
    )
    first = table.iloc[0]
    assert (first["node"], first["reason"]) == (ENERGETICS, "capacity")
    outage = table.query("node == @MOTORS and reason == 'outage'")
    assert outage["line_months"].item() == 2 * 4  # both lines, June to September
    assert outage["lines"].item() == f"{ALPHA}, {BETA}"
    assert table["share"].sum() == pytest.approx(1.0)


def test_with_outage_adds_an_outage_without_touching_the_rest() -> None:
    scenario = build(drawn_down())
    changed = with_outage(scenario, MOTORS, dt.date(2024, 3, 1), 6)
    assert changed.suppliers[MOTORS].outages["single_point_of_failure"].months == 6
    assert changed.suppliers[ENERGETICS] == scenario.suppliers[ENERGETICS]
    assert not scenario.suppliers[MOTORS].outages


def test_the_single_point_of_failure_table_measures_paired_delays() -> None:
    scenario = build(drawn_down())
    table = single_points_of_failure(
        scenario, months=6, start=dt.date(2024, 3, 1), replications=2, seed=3
    )
    delays = table.set_index("supplier")["median_delay_months"]
    # Energetics bound every month: six months lost are six months later. The motor
    # plant had slack to catch up on the propellant stocked meanwhile: less.
    assert delays[ENERGETICS] == 6
    assert 0 < delays[MOTORS] < 6
    assert list(table["stockpile"].unique()) == ["army_alpha"]
    assert table.iloc[0]["supplier"] == ENERGETICS


def test_capsim_network_prints_and_writes_both_tables(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    path.write_text(yaml.safe_dump(drawn_down(), sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    done = capsim(
        "network", str(path), "--replications", "2", "--outage-start", "2024-03-01",
        "--out", str(out), cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "energetics supplier capacity" in " ".join(done.stdout.split())
    assert sorted(p.name for p in out.iterdir()) == [
        "bottlenecks.csv", "constraints.csv", "manifest.json", "network.png",
        "single_points_of_failure.csv", "supplier_constraints.csv",
    ]  # fmt: skip
    weak = pd.read_csv(out / "single_points_of_failure.csv")
    assert set(weak["supplier"]) == {ENERGETICS, MOTORS}
    # Two workers give the same table, to the digit.
    pooled = tmp_path / "pooled"
    done = capsim(
        "network", str(path), "--replications", "2", "--outage-start", "2024-03-01",
        "--out", str(pooled), "--workers", "2", "--no-plot", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    pd.testing.assert_frame_equal(pd.read_csv(pooled / "single_points_of_failure.csv"), weak)
    assert json.loads((out / "manifest.json").read_text())["outage"]["months"] == 6


def test_capsim_network_refuses_an_outage_outside_the_horizon(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    path.write_text(yaml.safe_dump(drawn_down(), sort_keys=False), encoding="utf-8")
    done = capsim("network", str(path), "--outage-start", "2040-01-01", cwd=tmp_path)
    assert done.returncode == 2
    assert "outside the horizon" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_capsim_network_draws_a_scenario_without_suppliers_or_lines(tmp_path: Path) -> None:
    """Transfers between stockpiles only: nothing bound, nothing to stop, still a picture."""
    scenario = Path(__file__).resolve().parents[2] / "scenarios" / "f16_ukraine.yaml"
    out = tmp_path / "out"
    done = capsim("network", str(scenario), "--replications", "1", "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "(none: every line built all its orders allowed)" in done.stdout
    assert (out / "network.png").stat().st_size > 0
