"""What the flagship's mechanisms cost the analysis: the flagship against itself without them.

``realpolitik run`` spends most of its time in two places: the sensitivity
analysis, which simulates ``3 d + 3`` small ensembles of 64 draws for ``d``
uncertain numbers (Sobol design and one-at-a-time swings), and the lever
analysis, which simulates one ensemble of 1,000 draws per option (baseline,
each lever, each pair) and per delayed lever.  This script times one small
and one large ensemble of the flagship and of a reference scenario in the
same process (CPU seconds, best of ``--repeat``, interleaved), and prints
the work each implies and the ratios.

The reference is the flagship with its mechanisms taken out (the recurring
strike waves, the showdown's hazard factor, the lever that waits, the named
parameters), or any scenario file given with ``--reference`` (for instance
an earlier flagship: ``git show main:src/realpolitik/scenario/builtin/syria-2019.yaml``).

Usage: python benchmarks/bench_flagship_cost.py [--repeat N] [--reference FILE]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from realpolitik.analysis.sensitivity import uncertain_parameters
from realpolitik.scenario.loader import load_scenario
from realpolitik.scenario.schema import Scenario
from realpolitik.simulation import simulate_ensemble

SMALL, LARGE = 64, 1000
"""Draws of a sensitivity ensemble and of a lever ensemble, as ``realpolitik run`` uses them."""


def without_mechanisms(scenario: Scenario) -> Scenario:
    """The scenario with no mechanism: no recurring or state-read shock, no lever that waits."""
    assert scenario.dynamics is not None
    shocks = [shock.model_copy(update={"hazard_factor": None})
              for shock in scenario.dynamics.shocks if not shock.recurring]
    dynamics = scenario.dynamics.model_copy(update={"shocks": shocks, "parameters": None})
    levers = [lever for lever in scenario.levers if lever.when is None]
    return scenario.model_copy(update={"dynamics": dynamics, "levers": levers})


def best_cpu(function: Callable[[int], object], repeat: int) -> float:
    best = float("inf")
    for attempt in range(repeat):
        start = time.process_time()
        function(attempt)
        best = min(best, time.process_time() - start)
    return best


def work(scenario: Scenario, small: float, large: float) -> tuple[float, float]:
    """CPU seconds the sensitivity and the lever analyses imply for a scenario."""
    d, n = len(uncertain_parameters(scenario)), len(scenario.levers)
    lever_runs = 1 + n + n * (n - 1) // 2 + n  # baseline, levers, pairs, delayed levers
    return (3 * d + 3) * small, lever_runs * large


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reference", type=Path, default=None)
    args = parser.parse_args()
    flagship = load_scenario()
    reference = (load_scenario(args.reference) if args.reference is not None
                 else without_mechanisms(flagship))
    cases = {"reference": reference, "flagship": flagship}
    timed: dict[str, list[float]] = {name: [float("inf")] * 2 for name in cases}
    for _ in range(args.repeat):
        for name, scenario in cases.items():
            small = best_cpu(lambda seed, s=scenario: simulate_ensemble(s, draws=SMALL, seed=seed),
                             3)
            large = best_cpu(lambda seed, s=scenario: simulate_ensemble(s, draws=LARGE, seed=seed),
                             1)
            timed[name] = [min(timed[name][0], small), min(timed[name][1], large)]
    totals = {}
    for name, scenario in cases.items():
        small, large = timed[name]
        sensitivity, levers = work(scenario, small, large)
        totals[name] = (small, large, sensitivity, levers)
        print(f"{name:9s}: {len(uncertain_parameters(scenario))} uncertain numbers, "
              f"{len(scenario.levers)} levers; {SMALL} draws {small:.4f} s, {LARGE} draws "
              f"{large:.3f} s; sensitivity ~{sensitivity:.1f} s, levers ~{levers:.1f} s CPU")
    ratios = [after / before for before, after in zip(totals["reference"], totals["flagship"],
                                                      strict=True)]
    print(f"flagship / reference: {SMALL} draws x{ratios[0]:.2f}, {LARGE} draws x{ratios[1]:.2f}, "
          f"sensitivity x{ratios[2]:.2f}, levers x{ratios[3]:.2f}")


if __name__ == "__main__":
    main()
