"""The same numbers whatever runs them: serial, processes, Dask; any workers and chunks."""

from __future__ import annotations

import socket
import time

import numpy as np
import pandas as pd
import pytest

import capsim
from capsim.experiments.executors import DaskExecutor
from capsim.experiments.tasks import Chunk, run_chunk
from tests.experiments.scenarios import scenario

UNCERTAIN = {
    "uncertain": {"lines.plant.capacity": {"distribution": "uniform", "low": 5, "high": 15}}
}


def assert_same(first: capsim.Ensemble, second: capsim.Ensemble) -> None:
    assert first.replications == second.replications
    assert first.keys == second.keys
    assert np.array_equal(first.values, second.values)
    pd.testing.assert_frame_equal(first.kpis, second.kpis)
    pd.testing.assert_frame_equal(first.inputs, second.inputs)


def test_serial_and_process_pools_of_any_size_and_chunking_agree() -> None:
    model = scenario(UNCERTAIN)
    serial = capsim.replicate(model, 12, seed=4, executor=capsim.SerialExecutor(), progress=False)
    for executor, chunk in (
        (capsim.ProcessExecutor(workers=2), 1),
        (capsim.ProcessExecutor(workers=1), 5),
        (capsim.SerialExecutor(), 7),
    ):
        other = capsim.replicate(model, 12, seed=4, executor=executor, progress=False, chunk=chunk)
        assert_same(serial, other)


def test_one_replication_alone_equals_it_in_an_ensemble() -> None:
    model = scenario()
    ensemble = capsim.replicate(model, 5, seed=9, executor=capsim.SerialExecutor(), progress=False)
    alone = run_chunk(Chunk(model, 9, (3,)))
    assert alone.series is not None
    assert np.array_equal(alone.series[0], ensemble.values[3])


def test_dask_local_cluster_agrees_with_serial() -> None:
    pytest.importorskip("distributed", reason="dask.distributed not installed (capsim[dask])")
    model = scenario(UNCERTAIN)
    serial = capsim.replicate(model, 8, seed=2, executor=capsim.SerialExecutor(), progress=False)
    with DaskExecutor(local_cluster=True, workers=2) as executor:
        dask = capsim.replicate(model, 8, seed=2, executor=executor, progress=False, chunk=3)
        sweep = capsim.Sweep(model, {"stockpiles.depot.initial": [10, 40]}, replications=3)
        on_dask = capsim.run_experiment(sweep, executor=executor, progress=False)
    assert_same(serial, dask)
    here = capsim.run_experiment(sweep, executor=capsim.SerialExecutor(), progress=False)
    pd.testing.assert_frame_equal(here.kpis, on_dask.kpis)


def test_unanswered_scheduler_is_a_clear_error_within_a_timeout() -> None:
    pytest.importorskip("distributed", reason="dask.distributed not installed (capsim[dask])")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(ConnectionError, match="no Dask scheduler answered"):
        capsim.replicate(
            scenario(),
            2,
            executor=DaskExecutor(f"tcp://127.0.0.1:{port}", timeout=2),
            progress=False,
        )
    assert time.monotonic() - started < 30
