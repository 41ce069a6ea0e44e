"""Time the KTAB-style spatial model on KTAB's own inputs and compare with the C++ original.

Run: ``python benchmarks/bench_ktab.py [--repeat 3] [--batch 64]``.

Prints, per case: actors x issues, states run, best wall time of ``--repeat``
runs, peak memory allocated during one run (tracemalloc, NumPy included),
the C++ ``smpc`` wall time and peak memory from
``data/ktab/README.md`` and the speed ratio, then the scaling exponent
``log(t80 / t40) / log(2)`` and the throughput of a batch of SOE rows.
"""

from __future__ import annotations

import argparse
import math
import resource
import time
import tracemalloc
from pathlib import Path

import numpy as np

from realpolitik.models.ktab import spatial_model
from realpolitik.scenario.ktab_csv import read_ktab_csv

# whole-process wall time (s) and peak memory (MB) of KTAB smpc 1.4, from data/ktab/README.md
CPP = {
    "dummyData_3Dim.csv": (0.29, None),
    "SOE-Pol-Comp.csv": (0.48, 18.9),
    "dummyData-a040.csv": (8.4, 30.0),
    "dummyData-a080.csv": (89.9, 95.0),
}
CPP_STATES = {
    "dummyData_3Dim.csv": 11,
    "SOE-Pol-Comp.csv": 28,
    "dummyData-a040.csv": 21,
    "dummyData-a080.csv": 18,
}


def data_folder() -> Path:
    return Path(__file__).resolve().parents[1] / "data" / "ktab"


def run(name: str, batch: int = 1):
    scenario = read_ktab_csv(data_folder() / name)
    x = np.repeat(scenario.positions[None], batch, axis=0)
    s = np.repeat(scenario.salience[None], batch, axis=0)
    c = np.repeat(scenario.capability[None], batch, axis=0)
    return spatial_model(x, s, c), scenario


def best_time(name: str, repeat: int, batch: int = 1) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run(name, batch)
        times.append(time.perf_counter() - start)
    return min(times)


def peak_megabytes(name: str) -> float:
    tracemalloc.start()
    run(name)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per case; the best is shown")
    parser.add_argument("--batch", type=int, default=64, help="rows in the SOE batch run")
    args = parser.parse_args()
    header = (
        f"{'case':22} {'N x K':>7} {'states':>10} {'time (s)':>9} {'peak MB':>8} "
        f"{'C++ (s)':>8} {'C++ MB':>7} {'speed-up':>9}"
    )
    print(header)
    print("-" * len(header))
    timings = {}
    for name in CPP:
        result, scenario = run(name)
        seconds = best_time(name, args.repeat)
        timings[name] = seconds
        memory = peak_megabytes(name)
        cpp_time, cpp_memory = CPP[name]
        n, k = scenario.positions.shape
        states = f"{int(result.states[0])} ({CPP_STATES[name]})"
        cpp_mb = f"{cpp_memory:.1f}" if cpp_memory else "-"
        print(
            f"{name:22} {n:>3} x {k:<2} {states:>10} {seconds:9.3f} {memory:8.1f} "
            f"{cpp_time:8.2f} {cpp_mb:>7} {cpp_time / seconds:8.0f}x"
        )
    t40, t80 = timings["dummyData-a040.csv"], timings["dummyData-a080.csv"]
    print(f"\nscaling exponent log(t80/t40)/log(2): {math.log(t80 / t40) / math.log(2):.2f}"
          f"  (C++: {math.log(89.9 / 8.4) / math.log(2):.2f})")
    print(f"80-actor case under 1 s: {'yes' if t80 < 1.0 else 'no'} ({t80:.3f} s)")
    batch_time = best_time("SOE-Pol-Comp.csv", 1, args.batch)
    print(f"SOE batch of {args.batch} rows: {batch_time:.3f} s "
          f"({batch_time / args.batch * 1000:.1f} ms per row)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak resident memory: {rss:.0f} MB (states in brackets: KTAB's count)")


if __name__ == "__main__":
    main()
