"""Time scenario discovery (PRIM and the importance ranking) against its first implementation.

Usage::

    python benchmarks/bench_prim.py              # the flagship at 100,000 draws
    python benchmarks/bench_prim.py --quick      # 2,000 draws
    python benchmarks/bench_prim.py --draws 20000 --repeat 3

The flagship's ensemble is simulated once (seed 0, default engine) and both
implementations search it for the flagship's discovery outcome (the rupture
of Russia and Iran by the horizon), with the default settings: up to three
boxes by covering, then the mutual-information ranking of every input.

The first implementation (``tests/reference_prim.py``, kept outside the
package) sorts and masks every case of the box again for each candidate peel
and checks every input against every other one when pasting; the package
sorts each input once and tracks the box by running tallies over those
orders (``realpolitik.analysis._case_order``).  Both are timed on the same
ensemble in the same run (the machine's load varies): wall and CPU time,
the best of ``--repeat`` runs for the package, one run for the reference.
The boxes (every bound and statistic of every box on every trajectory, the
quasi-p-values) and the ranking are compared number for number.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import realpolitik  # noqa: E402
import reference_prim  # noqa: E402
from realpolitik.analysis.discovery import (  # noqa: E402
    discover,
    discovery_inputs,
    outcome_of_interest,
)
from realpolitik.analysis.outcomes import step_index  # noqa: E402
from realpolitik.scenario.settings import analysis_defaults  # noqa: E402


def timed(function):
    """Run ``function()``; return its result, wall seconds and CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def reference_discovery(ensemble, outcome):
    """The first implementation's steps of ``discover``: inputs, covering, ranking."""
    y = outcome_of_interest(ensemble, outcome)
    inputs = discovery_inputs(ensemble, step_index(ensemble.dates, outcome.at))
    boxes = reference_prim.prim_covering(inputs.x, y, inputs.names, max_boxes=3)
    return boxes, reference_prim.feature_importance(inputs.x, y, inputs.names)


def numbers(found) -> tuple:
    """Every number of a PRIM result, for an exact comparison."""
    boxes = [*found.trajectory, found.box]
    return (found.chosen_index, found.base_rate,
            [(b.count, b.coverage, b.density, b.support, tuple(b.lows), tuple(b.highs))
             for b in boxes],
            [(r.name, r.low, r.high, r.p_value) for r in found.restrictions])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, help="ensemble size (default 100,000)")
    parser.add_argument("--quick", action="store_true", help="2,000 draws")
    parser.add_argument("--repeat", type=int, default=1, help="runs of the package's PRIM")
    args = parser.parse_args()
    draws = args.draws or (2_000 if args.quick else 100_000)

    scenario = realpolitik.load_scenario()
    outcome = analysis_defaults(scenario).discovery
    ensemble, wall, _ = timed(lambda: realpolitik.simulate_ensemble(scenario, draws=draws,
                                                                    seed=0))
    inputs = discovery_inputs(ensemble)
    print(f"flagship ensemble: {draws:,} draws x {inputs.x.shape[1]} inputs, simulated in "
          f"{wall:.1f} s; outcome: {outcome.describe()}")

    runs = [timed(lambda: discover(ensemble, outcome)) for _ in range(max(1, args.repeat))]
    found, new_wall, new_cpu = min(runs, key=lambda run: run[1])
    (old_boxes, old_ranking), old_wall, old_cpu = timed(
        lambda: reference_discovery(ensemble, outcome))

    same = ([numbers(box) for box in found.boxes] == [numbers(box) for box in old_boxes]
            and found.importance == old_ranking)
    print(f"{'implementation':<34} {'wall':>9} {'CPU':>9}")
    print(f"{'first (tests/reference_prim.py)':<34} {old_wall:>8.2f}s {old_cpu:>8.2f}s")
    print(f"{'package (realpolitik.analysis)':<34} {new_wall:>8.2f}s {new_cpu:>8.2f}s")
    print(f"faster: {old_wall / new_wall:.1f}x wall, {old_cpu / max(new_cpu, 1e-9):.1f}x CPU")
    print(f"boxes found: {len(found.boxes)}; same boxes: {same}")
    for number, box in enumerate(found.boxes, start=1):
        restricted = ", ".join(r.describe() for r in box.restrictions)
        print(f"  box {number}: coverage {box.box.coverage:.3f}, density "
              f"{box.box.density:.3f}, {box.box.count:,} draws: {restricted}")
    if not same:
        raise SystemExit("the two implementations disagree")


if __name__ == "__main__":
    main()
