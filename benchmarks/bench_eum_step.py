"""The Expected Utility Model at every step of the flagship ensemble: reuse, cores, workers.

Prints, in one run (the machine's load moves every figure, so each is
compared with its reference measured alongside):

* draws per second of ``simulate_ensemble(load_scenario(), model="eum")``
  (5 years of quarterly steps) with the engine called afresh at every step
  (the registry's ``settle``, ``eum_forecast``) and through ``EUMStepper``
  (the same compiled engine, which also reuses the issues whose inputs did
  not change since the previous step or were bargained before), and their
  ratio; the largest difference between the two on the draws both ran (0:
  reuse changes no bit);
* the stepper on one core (by default, called from the main thread, the
  compiled engine shares each chunk's issues among Numba's threads, one per
  core), and on two threads of this process (the compiled loops release the
  interpreter lock; each thread's engine then keeps to one core);
* with ``--dask``: the stepper on a local dask cluster of 1 and 2 worker
  processes (speed-up against one worker, cluster start-up excluded), and
  the overhead per chunk (a cluster round trip for an empty job);
* with ``--cli``: the wall time of the flagship command
  ``realpolitik run --step-model eum --draws 1000`` (levers and sensitivity
  included), in this process and with ``--workers 2``.

CPU seconds are printed next to wall seconds: under load, CPU time is the
steadier measure of the work done.

Usage: python benchmarks/bench_eum_step.py [--quick] [--draws N] [--fresh-draws N]
                                          [--dask] [--cli] [--cli-draws N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

import numpy as np

import realpolitik.models.eum as eum
import realpolitik.simulation.stepping as stepping
from realpolitik.models.eum import clear_step_memo
from realpolitik.models.registry import engine
from realpolitik.scenario.loader import load_scenario
from realpolitik.simulation import DaskExecutor, ThreadExecutor, simulate_ensemble

SOURCE = Path(__file__).resolve().parents[1] / "src"


def timed(function):
    """``(value, wall seconds, CPU seconds of this process)`` of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = function()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def fresh_step_path():
    """The engine afresh at every step, without reuse: the registry's settle."""
    return mock.patch.object(stepping, "step_settle", lambda model: engine(model).settle)


def one_core():
    """The compiled engine on one core: its rows are not shared among Numba's threads."""
    return mock.patch.object(eum, "_share_cores", lambda rows: False)


def ensemble(draws: int, seed: int = 0, **options):
    """The flagship's EUM ensemble, starting with an empty memory of bargained issues."""
    clear_step_memo()
    return simulate_ensemble(load_scenario(), draws=draws, seed=seed, model="eum", **options)


def largest_difference(first, second, draws: int) -> float:
    return max(float(np.abs(first.settlement[k][:draws] - second.settlement[k][:draws]).max())
               for k in first.settlement)


def compare_paths(draws: int, fresh_draws: int) -> None:
    ensemble(2, seed=1)  # compile (or load the compiled engine from its cache) before timing
    new, wall, cpu = timed(lambda: ensemble(draws))
    with fresh_step_path():
        fresh, fresh_wall, fresh_cpu = timed(lambda: ensemble(fresh_draws))
    new_rate, fresh_rate = draws / wall, fresh_draws / fresh_wall
    print(f"afresh at every step (no reuse)            : {fresh_draws:>6,} draws in "
          f"{fresh_wall:7.1f} s wall ({fresh_cpu:7.1f} s CPU) = {fresh_rate:8.2f} draws/s")
    print(f"stepper (reuse)                            : {draws:>6,} draws in "
          f"{wall:7.1f} s wall ({cpu:7.1f} s CPU) = {new_rate:8.2f} draws/s")
    print(f"ratio stepper / afresh                     : {new_rate / fresh_rate:8.1f} x wall, "
          f"{(draws / cpu) / (fresh_draws / fresh_cpu):8.1f} x CPU")
    print(f"largest difference on the {fresh_draws} draws both ran: "
          f"{largest_difference(new, fresh, fresh_draws):.2e}")
    with one_core():
        _, wall1, cpu1 = timed(lambda: ensemble(draws))
    print(f"stepper, one core                          : {draws:>6,} draws in "
          f"{wall1:7.1f} s wall ({cpu1:7.1f} s CPU) = {draws / wall1:8.2f} draws/s "
          f"(all cores / one: {wall1 / wall:.2f} x wall)")
    threaded, wall2, _ = timed(lambda: ensemble(draws, executor=ThreadExecutor(2)))
    same = largest_difference(threaded, new, draws) == 0.0
    print(f"stepper, 2 threads                         : {draws:>6,} draws in "
          f"{wall2:7.1f} s wall = {draws / wall2:8.2f} draws/s (speed-up {wall / wall2:.2f}; "
          f"identical: {same})")


def _empty(job: object) -> None:
    """A job that does nothing: its round trip is the cluster's overhead per chunk."""


def compare_workers(draws: int) -> None:
    rates = {}
    for workers in (1, 2):
        with DaskExecutor(workers=workers) as executor:
            ensemble(2 * workers, seed=1, executor=executor, chunk_size=1)  # warm each worker
            _, wall, _ = timed(lambda executor=executor: ensemble(draws, executor=executor))
            rates[workers] = draws / wall
            print(f"dask, {workers} worker process(es)          : {draws:>6,} draws in "
                  f"{wall:7.1f} s wall = {rates[workers]:8.2f} draws/s")
            if workers == 2:
                jobs = list(range(200))
                _, overhead, _ = timed(lambda executor=executor, jobs=jobs: executor.run(
                    _empty, jobs, lambda job, result: None))
                print(f"overhead per chunk (empty job round trip): "
                      f"{1e3 * overhead / len(jobs):.1f} ms")
    print(f"speed-up of 2 workers over 1               : {rates[2] / rates[1]:.2f}")


def time_command(draws: int, workers: int) -> float:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SOURCE), os.environ.get(
        "PYTHONPATH", "")])}
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "realpolitik", "run", "--step-model", "eum",
                   "--draws", str(draws), "--workers", str(workers), "--out",
                   str(Path(folder) / "run")]
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small run (for the test suite)")
    parser.add_argument("--draws", type=int, default=None, help="draws through the stepper")
    parser.add_argument("--fresh-draws", type=int, default=None,
                        help="draws of the engine afresh at every step")
    parser.add_argument("--dask", action="store_true", help="also 1 and 2 dask workers")
    parser.add_argument("--cli", action="store_true", help="also the flagship command")
    parser.add_argument("--cli-draws", type=int, default=1000)
    args = parser.parse_args()
    draws = args.draws or (20 if args.quick else 1000)
    fresh_draws = args.fresh_draws or (2 if args.quick else 20)
    scenario = load_scenario()
    print(f"flagship: {len(scenario.actors)} actors, {len(scenario.issues)} issues, "
          f"{round(scenario.dynamics.horizon_years * 4)} quarterly steps, EUM at every step")
    compare_paths(draws, fresh_draws)
    if args.dask:
        compare_workers(draws)
    if args.cli:
        for workers in (1, 2):
            seconds = time_command(args.cli_draws, workers)
            print(f"realpolitik run --step-model eum --draws {args.cli_draws:,} "
                  f"--workers {workers}: {seconds:7.1f} s")


if __name__ == "__main__":
    main()
