"""Time the Expected Utility Model, every round kept, against the scalar reference.

Usage::

    python benchmarks/bench_eum.py            # batch sizes 1, 1,000 and 100,000
    python benchmarks/bench_eum.py --quick    # batch sizes 1 and 100, one reference draw

The problem has 13 actors and 11 issues (the size of the flagship scenario),
drawn at random with a fixed seed: positions uniform on 0-100, salience and
capability uniform on 0.1-1. Default model settings (Q = 1, T = 1, at most 100
rounds, tolerance 1e-6, "dyad" vote share).

The scalar reference (tests/reference_eum.py) is timed on a few draws in the
same run and extrapolated per draw; the engine's trajectories are
checked against it on those draws. The speed ratio compares CPU time (robust
to other load on the machine); wall time is printed too. Large batches are run in chunks of
``--chunk`` draws so that memory stays bounded; only forecasts are kept.
Peak memory is the largest traced allocation during each batch (tracemalloc)
and the process's peak resident size.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from realpolitik.models.eum import expected_utility  # noqa: E402
from reference_eum import reference_eum  # noqa: E402

ACTORS = 13
ISSUES = 11


def random_problem(rng: np.random.Generator, draws: int) -> tuple[np.ndarray, ...]:
    """Random positions, salience and capability of shape (draws, 13, 11)."""
    shape = (draws, ACTORS, ISSUES)
    return (
        rng.uniform(0.0, 100.0, shape),
        rng.uniform(0.1, 1.0, shape),
        rng.uniform(0.1, 1.0, shape),
    )


def time_reference(x: np.ndarray, s: np.ndarray, c: np.ndarray) -> tuple[float, float, float]:
    """Wall and CPU seconds per draw of the scalar reference, and its largest gap to the engine."""
    start, start_cpu = time.perf_counter(), time.process_time()
    paths = [
        [reference_eum(list(x[b, :, k]), list(s[b, :, k]), list(c[b, :, k])) for k in range(ISSUES)]
        for b in range(x.shape[0])
    ]
    per_draw = (time.perf_counter() - start) / x.shape[0]
    per_draw_cpu = (time.process_time() - start_cpu) / x.shape[0]
    result = expected_utility(x, s, c)
    gap = 0.0
    for b, draw in enumerate(paths):
        for k, path in enumerate(draw):
            used = np.asarray(path)
            mine = result.trajectory[b, : len(path), :, k]
            gap = max(gap, float(np.abs(mine - used).max()))
    return per_draw, per_draw_cpu, gap


def time_engine(
    rng: np.random.Generator, draws: int, chunk: int
) -> tuple[float, float, float, float, float]:
    """Wall and CPU seconds, traced peak MB, mean rounds and share converged."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    elapsed = 0.0
    cpu = 0.0
    rounds = 0.0
    converged = 0.0
    done = 0
    while done < draws:
        size = min(chunk, draws - done)
        x, s, c = random_problem(rng, size)
        start, start_cpu = time.perf_counter(), time.process_time()
        result = expected_utility(x, s, c)
        elapsed += time.perf_counter() - start
        cpu += time.process_time() - start_cpu
        rounds += float(result.rounds.sum())
        converged += float(result.converged.sum())
        done += size
        del result
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    cells = draws * ISSUES
    return elapsed, cpu, peak, rounds / cells, converged / cells


def peak_rss_mb() -> float:
    """Peak resident set size of this process (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small run: sizes 1 and 100")
    parser.add_argument("--sizes", type=int, nargs="+", help="batch sizes to time")
    parser.add_argument("--reference-draws", type=int, help="draws timed with the reference")
    parser.add_argument("--chunk", type=int, default=1000, help="draws per engine call")
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args(argv)

    sizes = args.sizes or ([1, 100] if args.quick else [1, 1_000, 100_000])
    reference_draws = args.reference_draws or (1 if args.quick else 3)
    rng = np.random.default_rng(args.seed)

    print(f"EUM benchmark: {ACTORS} actors x {ISSUES} issues, seed {args.seed}")
    per_draw, per_draw_cpu, gap = time_reference(*random_problem(rng, reference_draws))
    print(
        f"scalar reference: {per_draw:.3f} s wall, {per_draw_cpu:.3f} s cpu per draw "
        f"({reference_draws} draws timed); largest gap to the engine on those draws: {gap:.2e}"
    )
    header = f"{'draws':>9} {'wall s':>10} {'cpu s':>10} {'draws/s':>10} {'vs scalar':>10} {'peak MB':>9} {'RSS MB':>8} {'rounds':>7} {'settled':>8}"  # noqa: E501
    print(header)
    for draws in sizes:
        elapsed, cpu, peak, rounds, converged = time_engine(rng, draws, args.chunk)
        speed = draws / elapsed
        ratio = per_draw_cpu * draws / cpu
        print(
            f"{draws:>9,} {elapsed:>10.3f} {cpu:>10.3f} {speed:>10.1f} {ratio:>9.0f}x {peak:>9.1f} "
            f"{peak_rss_mb():>8.0f} {rounds:>7.1f} {converged:>7.1%}",
            flush=True,
        )


if __name__ == "__main__":
    main()
