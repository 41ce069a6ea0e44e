"""A real dask cluster on this machine: one scheduler and two workers, as on several machines.

The test starts ``dask scheduler`` and two ``dask worker`` processes bound to
127.0.0.1 (as the multi-machine recipe in docs/model.md does on each
machine), runs an ensemble on them with ``DaskExecutor(address)`` and checks
that every number equals the in-process run. Every wait is bounded and the
processes are stopped by the test, whatever happens.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import realpolitik

START_TIMEOUT = 90.0
"""Seconds to wait for the scheduler and both workers."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def with_source(*first: Path) -> dict[str, str]:
    """The environment with ``first`` and this checkout's package first on the path."""
    source = Path(realpolitik.__file__).resolve().parents[1]
    path = [str(p) for p in (*first, source)] + [os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path)}


def start(*arguments: str) -> subprocess.Popen:
    """Start ``python -m dask ...`` with this checkout's package first on the path."""
    env = with_source()
    return subprocess.Popen(
        [sys.executable, "-m", "dask", *arguments],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)


@pytest.fixture
def cluster_address():
    pytest.importorskip("distributed")
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    processes = [start("scheduler", "--host", "127.0.0.1", "--port", str(port),
                       "--no-dashboard")]  # fmt: skip
    try:
        processes += [
            start("worker", address, "--host", "127.0.0.1", "--nworkers", "1",
                  "--nthreads", "1", "--no-dashboard", "--name", f"worker-{n}")
            for n in range(2)
        ]  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT
        with Client(address, timeout=START_TIMEOUT) as client:
            client.wait_for_workers(2, timeout=max(1.0, deadline - time.monotonic()))
        yield address
    finally:
        for process in reversed(processes):
            stop(process)


def test_a_scheduler_and_two_workers_give_the_in_process_numbers(cluster_address):
    from realpolitik.scenario.loader import load_scenario
    from realpolitik.simulation import DaskExecutor, simulate_ensemble

    scenario = load_scenario()
    for model, draws, chunk in (("eum", 12, 3), ("compromise", 400, 100)):
        local = simulate_ensemble(scenario, draws=draws, seed=5, model=model, horizon_years=1.0)
        with DaskExecutor(cluster_address) as executor:
            remote = simulate_ensemble(scenario, draws=draws, seed=5, model=model,
                                       horizon_years=1.0, executor=executor, chunk_size=chunk)
        for table in ("settlement", "cohesion", "ruptured", "shock_fired"):
            mine, theirs = getattr(local, table), getattr(remote, table)
            assert mine.keys() == theirs.keys()
            for key in mine:
                np.testing.assert_array_equal(theirs[key], mine[key], err_msg=f"{model} {table}")
        for name, values in local.parameters.items():
            np.testing.assert_array_equal(remote.parameters[name], values)


@pytest.mark.parametrize("option", [["--workers", "2"], ["--scheduler", "tcp://127.0.0.1:9"]])
def test_dask_options_without_dask_say_how_to_install_it(tmp_path, option):
    # a site hook makes "import distributed" fail, as on an install without the extra
    (tmp_path / "sitecustomize.py").write_text('import sys\nsys.modules["distributed"] = None\n')
    done = subprocess.run(
        [sys.executable, "-m", "realpolitik", "run", *option, "--out", str(tmp_path / "run")],
        env=with_source(tmp_path), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert 'pip install "realpolitik[dask]"' in lines[0]
    assert not (tmp_path / "run").exists()
