"""What honest futures cost: the flagship ensemble before and after, in the same run.

"Before" is the flagship as it stood at commit 92104ac (tests/data), with the
random walk off and one engine (compromise) bargaining every future: how the
ensembles were simulated then.  "After" is today's flagship with its defaults:
stances that wander, a pull toward the last settlement, growing hazards,
uncertain rupture rules and a mixture of engines.  Both are timed in CPU
seconds of this process (less sensitive to other work on the machine than
wall time), best of ``--repeat`` runs, and their ratio is printed.

With ``--run`` it also times the whole ``realpolitik run`` on the flagship
(a subprocess; wall and CPU seconds).

Usage: python benchmarks/bench_honest_cost.py [--quick] [--draws N] [--repeat N] [--run]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from realpolitik.scenario.loader import load_scenario, parse_scenario
from realpolitik.simulation import simulate_ensemble

OLD_FLAGSHIP = Path(__file__).resolve().parents[1] / "tests" / "data" / "syria-2019-at-92104ac.yaml"
STILL = "  volatility: {position: 0, salience: 0}\n"


def before_scenario():
    text = OLD_FLAGSHIP.read_text(encoding="utf-8")
    return parse_scenario(text.replace("\ndynamics:\n", "\ndynamics:\n" + STILL), path=OLD_FLAGSHIP)


def best_cpu_seconds(function, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        function()
        best = min(best, time.process_time() - start)
    return best


def time_run() -> tuple[float, float]:
    """Wall and CPU seconds (children included) of ``python -m realpolitik run``."""
    with tempfile.TemporaryDirectory() as folder:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "realpolitik", "run", "--out",
                        str(Path(folder) / "run")], check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 draws, one repeat")
    parser.add_argument("--draws", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--run", action="store_true", help="also time the flagship run")
    args = parser.parse_args()
    draws, repeat = (200, 1) if args.quick else (args.draws, args.repeat)
    old, new = before_scenario(), load_scenario()
    seconds_before = best_cpu_seconds(
        lambda: simulate_ensemble(old, draws=draws, seed=0, model="compromise"), repeat)
    seconds_after = best_cpu_seconds(lambda: simulate_ensemble(new, draws=draws, seed=0), repeat)
    print(f"flagship ensemble, {draws:,} draws, best of {repeat} (CPU seconds)")
    print(f"  before (92104ac flagship, no walk, compromise): {seconds_before:7.2f} s "
          f"= {draws / seconds_before:8,.0f} draws/s")
    print(f"  after  (today's flagship, walk, mixture):       {seconds_after:7.2f} s "
          f"= {draws / seconds_after:8,.0f} draws/s")
    print(f"  cost of honest futures: {seconds_after / seconds_before:.2f}x the time per draw")
    if args.run:
        wall, cpu = time_run()
        print(f"realpolitik run on the flagship: {wall:.1f} s wall, {cpu:.1f} s CPU")


if __name__ == "__main__":
    main()
