"""How fast realpolitik starts: ``import realpolitik`` and ``realpolitik --help``.

Each command runs in a fresh interpreter several times; the median wall time
is printed next to that of ``python -c pass`` (the interpreter alone) and of
``import typer.rich_utils`` (what any typer command with rich help loads
before printing its help), measured in the same run because the machine's
load moves every figure.

Usage: python benchmarks/bench_start.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
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


def wall_time(command: list[str]) -> float:
    """Seconds one run of ``command`` takes, this checkout's package first on the path."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SOURCE), os.environ.get(
        "PYTHONPATH", "")])}
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per command (median shown)")
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.repeat):  # interleaved, so that load spikes hit every command alike
        for name, command in COMMANDS.items():
            times[name].append(wall_time(command))
    floor = statistics.median(times["python -c pass"])
    print(f"median of {args.repeat} runs each (wall seconds; minus python -c pass)")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:34s} {median:6.3f} s   {median - floor:+6.3f} s   "
              f"(min {min(values):.3f}, max {max(values):.3f})")


if __name__ == "__main__":
    main()
