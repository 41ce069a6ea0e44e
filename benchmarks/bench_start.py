"""How fast realpolitik starts: ``import realpolitik`` and ``realpolitik --help``.

Each command runs in a fresh interpreter several times; the median wall time
is printed next to that of ``python -c pass`` (the interpreter alone) and of
``import typer.rich_utils`` (what any typer command with rich help loads
before printing its help), measured in the same run because the machine's
load moves every figure.

CPU seconds (user + system of the child) are printed too: on a machine
shared with other work they move far less than wall seconds.

Usage: python benchmarks/bench_start.py [--repeat N] [--source SRC]
(``--source`` times another checkout's ``src`` folder, e.g. an older version.)
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src"

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "import typer.rich_utils": [sys.executable, "-c", "import typer.rich_utils"],
    "import realpolitik": [sys.executable, "-c", "import realpolitik"],
    "import realpolitik.interfaces.cli": [
        sys.executable, "-c", "import realpolitik.interfaces.cli"],
    "realpolitik --help": [sys.executable, "-m", "realpolitik", "--help"],
}


def run_time(command: list[str], source: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``command``, ``source`` first on the path."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(source), os.environ.get(
        "PYTHONPATH", "")])}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per command (median shown)")
    parser.add_argument("--source", type=Path, default=SOURCE, help="the src folder to time")
    args = parser.parse_args()
    walls: dict[str, list[float]] = {name: [] for name in COMMANDS}
    cpus: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.repeat):  # interleaved, so that load spikes hit every command alike
        for name, command in COMMANDS.items():
            wall, cpu = run_time(command, args.source)
            walls[name].append(wall)
            cpus[name].append(cpu)
    floor = statistics.median(walls["python -c pass"])
    cpu_floor = statistics.median(cpus["python -c pass"])
    print(f"{args.source}: medians of {args.repeat} runs each")
    print(f"{'':34s} {'wall':>7s} {'- pass':>7s} {'CPU':>7s} {'- pass':>7s}")
    for name in COMMANDS:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        print(f"{name:34s} {wall:6.3f}s {wall - floor:+6.3f}s {cpu:6.3f}s {cpu - cpu_floor:+6.3f}s")


if __name__ == "__main__":
    main()
