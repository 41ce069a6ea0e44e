"""Time and peak memory of ``realpolitik run --static`` on a large scenario, engine by engine.

Usage::

    python benchmarks/bench_static_scale.py             # 200 actors, 40 issues
    python benchmarks/bench_static_scale.py --quick     # 20 actors, 5 issues; two runs
    python benchmarks/bench_static_scale.py --actors 120 --issues 25
    python benchmarks/bench_static_scale.py --reference OLD/src   # also an older version

``--reference`` runs the four engines together once more with another
checkout's ``src`` folder first on the path (e.g. the version before a
change), in the same run, and prints this version's figures as ratios of it.

The scenario is valid and generated in memory: every actor takes a stance on
every issue, with varied positions, saliences and capabilities, and four
alliances are watched.  Each engine runs the whole static analysis (the
bargaining, then the tables, figures and report of the run folder) in its
own fresh process, so that each peak of memory (the process's maximum
resident set) is its own; the four engines together, as ``run --static``
runs them by default, get a process too.  Bargaining and writing are timed
apart, through the pipeline's progress reports, and every figure is also
given as a multiple of the compromise model's in the same run (the cheapest
engine, the yardstick across machines), with the load average before and
after (on a shared machine the CPU seconds are the steadier figure).  The
target is all four engines under 30 s and 1 GB.  ``--quick`` (a smoke test) measures only the
compromise model and the four together.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ALL = "all four"
TARGET_SECONDS = 30.0
TARGET_MEGABYTES = 1024.0
SOURCE = Path(__file__).resolve().parents[1] / "src"


def scenario_text(actors: int, issues: int) -> str:
    """A valid scenario with ``actors`` actors taking a stance on each of ``issues`` issues."""
    lines = ["scenario:", "  id: scale", f"  title: {actors} actors and {issues} issues",
             "  as_of: 2024-01-01", "actors:"]
    for a in range(actors):
        lines += [f"  - id: actor_{a}", f"    name: Actor {a}",
                  f"    capability: {(a * 7919) % 97 + 3}"]
    lines.append("issues:")
    horizons = ("short", "medium", "long")
    for k in range(issues):
        lines += [f"  - id: issue_{k}", f"    name: Issue {k}", "    low: none",
                  "    high: all", f"    horizon: {horizons[k % 3]}"]
    lines.append("stances:")
    for k in range(issues):
        lines.append(f"  issue_{k}:")
        for a in range(actors):
            position = (a * 37 + k * 11 + (a * k) % 13) % 101
            salience = ((a * 13 + k * 7) % 90 + 10) / 100
            lines.append(f"    actor_{a}: {{position: {position}, salience: {salience}}}")
    lines.append("alliances:")
    for pair in range(min(4, actors // 2)):
        lines += [f"  - id: pair_{pair}", f"    name: Pair {pair}",
                  f"    members: [actor_{2 * pair}, actor_{2 * pair + 1}]"]
    return "\n".join(lines) + "\n"


def resident_megabytes() -> float:
    """The process's peak resident memory so far, in MB (Linux reports kB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 2**20


def measure(path: Path, models: tuple[str, ...]) -> dict[str, float]:
    """Run the static analysis of ``path`` with ``models``; its times and peak memory."""
    from realpolitik.interfaces.pipeline import RunOptions, run_analysis

    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        marks[f"{stage}:{'end' if done >= total else 'start'}"] = time.perf_counter()

    before = resident_megabytes()
    start, start_cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as folder:
        run_analysis(path, out=Path(folder) / "run",
                     options=RunOptions(models=models, dynamics=False), progress=progress)
    total = time.perf_counter() - start
    return {
        "seconds": total,
        "cpu_seconds": time.process_time() - start_cpu,
        "bargaining": marks["Bargaining:end"] - marks["Bargaining:start"],
        "writing": marks["Writing the report:end"] - marks["Writing the report:start"],
        "peak_mb": resident_megabytes(),
        "before_mb": before,
    }


def child(path: Path, models: str) -> None:
    """In a fresh process: measure one choice of engines and print the figures as JSON."""
    from realpolitik.models.registry import engine_names

    chosen = tuple(engine_names()) if models == ALL else (models,)
    print(json.dumps(measure(path, chosen)))


def in_fresh_process(path: Path, models: str, source: Path = SOURCE) -> dict[str, float]:
    """Measure in a new interpreter, so that the peak of memory is this choice's alone.

    ``source`` (a ``src`` folder) comes first on the interpreter's path.
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(source), os.environ.get(
        "PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, __file__, "--child", str(path), "--models", models],
                          capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{models} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(figures: dict[str, dict[str, float]], actors: int, issues: int) -> None:
    """Print one row per engine, with ratios to the compromise model."""
    base = figures["compromise"]
    print(f"static analysis of {actors} actors x {issues} issues, each in a fresh process")
    print(f"{'engines':<12}{'total s':>9}{'bargain s':>11}{'write s':>9}{'cpu s':>8}"
          f"{'peak MB':>9}{'x time':>8}{'x memory':>10}")
    for name, row in figures.items():
        print(f"{name:<12}{row['seconds']:>9.1f}{row['bargaining']:>11.1f}{row['writing']:>9.1f}"
              f"{row['cpu_seconds']:>8.1f}{row['peak_mb']:>9.0f}"
              f"{row['seconds'] / base['seconds']:>8.1f}{row['peak_mb'] / base['peak_mb']:>10.1f}")
    every = figures[ALL]
    within = every["seconds"] < TARGET_SECONDS and every["peak_mb"] < TARGET_MEGABYTES
    print(f"ratio all four / compromise: {every['seconds'] / base['seconds']:.1f}x time, "
          f"{every['peak_mb'] / base['peak_mb']:.1f}x memory; target all four under "
          f"{TARGET_SECONDS:.0f} s and {TARGET_MEGABYTES:.0f} MB: "
          f"{'met' if within else 'not met'}")
    print(f"(memory after the imports, before the work: {base['before_mb']:.0f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=200)
    parser.add_argument("--issues", type=int, default=40)
    parser.add_argument("--quick", action="store_true",
                        help="20 actors and 5 issues; compromise and all four only")
    parser.add_argument("--reference", type=Path, default=None,
                        help="another checkout's src folder, measured alongside (all four)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--models", default=ALL, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.models)
        return
    actors, issues = (20, 5) if args.quick else (args.actors, args.issues)
    from realpolitik.models.registry import engine_names

    choices = ("compromise", ALL) if args.quick else (*engine_names(), ALL)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scale.yaml"
        path.write_text(scenario_text(actors, issues), encoding="utf-8")
        figures = {name: in_fresh_process(path, name) for name in choices}
        reference = None if args.reference is None else in_fresh_process(
            path, ALL, args.reference)
    report(figures, actors, issues)
    if reference is not None:
        compare(figures[ALL], reference, args.reference)
    print(f"load average (1 min) before and after: {load_before[0]:.1f}, "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def compare(now: dict[str, float], before: dict[str, float], source: Path) -> None:
    """Print the four engines' figures of this version and of ``source``, and their ratios."""
    print(f"all four with {source}: {before['seconds']:.1f} s ({before['bargaining']:.1f} s "
          f"bargaining, {before['cpu_seconds']:.1f} s CPU), {before['peak_mb']:.0f} MB peak")
    print(f"this version / that one: {now['seconds'] / before['seconds']:.2f}x time, "
          f"{now['cpu_seconds'] / before['cpu_seconds']:.2f}x CPU, "
          f"{now['bargaining'] / before['bargaining']:.2f}x bargaining time, "
          f"{now['peak_mb'] / before['peak_mb']:.2f}x peak memory")


if __name__ == "__main__":
    main()
