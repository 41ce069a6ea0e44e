"""Time ``realpolitik check`` on a large generated scenario, and on hostile files.

Usage::

    python benchmarks/bench_check.py            # a scenario of about 5 MB
    python benchmarks/bench_check.py --quick    # about 0.2 MB
    python benchmarks/bench_check.py --megabytes 9
    python benchmarks/bench_check.py --command  # also the whole command, and hostile files

The scenario is valid and made of what large real scenarios hold most of:
actors, issues and a stance of every actor on every issue (one in four a
range with an analyst's estimate, one in eight a value citing a source).
Its text is generated in memory, then read through :func:`load_scenario`
from a temporary file, as ``realpolitik check`` reads it.  The time of a
bare interpreter start (``python -c pass``) is measured in the same run, so
that the figure can be compared across machines: the ratio says how many
interpreter starts the check costs.  The CPU time of the check is printed
too: on a machine busy with other work it is the better guide to what an
idle machine would take.  The target is under 5 s for 5 MB.

With ``--command`` the whole command, ``python -m realpolitik check FILE``,
is timed as a user meets it (interpreter, imports, reading, validating,
printing) on the same file and on three hostile ones: an alias bomb ("a
billion laughs", nine levels of nine), a list nested 10,000 deep and a
``!!python/object`` tag.  Each must be refused in one line with exit code 2,
within a second (target); the command's CPU seconds are printed beside its
wall seconds, since other work on the machine stretches the latter.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from realpolitik.scenario.loader import load_scenario

STANCE_BYTES = 60
"""Rough size of one stance line, to size the scenario from a target in megabytes."""


def _shape(target_bytes: int) -> tuple[int, int]:
    """Actors and issues whose stances fill about ``target_bytes``."""
    stances = max(target_bytes // STANCE_BYTES, 4)
    actors = max(int(stances**0.5 * 0.6), 2)
    return actors, max(stances // actors, 2)


def _stance(a: int, k: int) -> str:
    position = (a * 37 + k * 11) % 101
    salience = ((a * 13 + k * 7) % 100) / 100
    if (a + k) % 4 == 0:
        low = min(position, 90)
        return (f"{{position: {{range: [{low}, {low + 10}], estimate: \"spread of views\"}}, "
                f"salience: {salience}}}")
    if (a + k) % 8 == 1:
        return f"{{position: {{value: {position}, source: notes}}, salience: {salience}}}"
    return f"{{position: {position}, salience: {salience}}}"


def large_scenario_text(target_bytes: int) -> str:
    """A valid scenario of about ``target_bytes`` bytes."""
    actors, issues = _shape(target_bytes)
    lines = ["scenario:", "  id: large", "  title: A large generated scenario",
             "  as_of: 2024-01-01", "sources:", "  - id: notes", "    title: Notes", "actors:"]
    for a in range(actors):
        lines += [f"  - id: actor_{a}", f"    name: Actor {a}", f"    capability: {a % 50 + 1}"]
    lines.append("issues:")
    for k in range(issues):
        lines += [f"  - id: issue_{k}", f"    name: Issue {k}", "    low: none", "    high: all",
                  "    horizon: medium"]
    lines.append("stances:")
    for k in range(issues):
        lines.append(f"  issue_{k}:")
        lines += [f"    actor_{a}: {_stance(a, k)}" for a in range(actors)]
    lines += ["alliances:", "  - id: first_pair", "    name: The first two",
              "    members: [actor_0, actor_1]"]
    return "\n".join(lines) + "\n"


def time_check(path: Path) -> tuple[float, float]:
    """Wall and CPU seconds to load and validate the file."""
    start, start_cpu = time.perf_counter(), time.process_time()
    load_scenario(path)
    return time.perf_counter() - start, time.process_time() - start_cpu


def time_bare_python() -> float:
    """Seconds for ``python -c pass`` (the best of three)."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - start)
    return min(times)


SOURCE = Path(__file__).resolve().parents[1] / "src"


def hostile_files() -> dict[str, tuple[str, str]]:
    """Files built to hurt a YAML reader: what each is -> file name, text."""
    bomb = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    names = "abcdefghi"
    for before, name in zip(names, names[1:], strict=False):
        bomb.append(f"{name}: &{name} [" + ", ".join([f"*{before}"] * 9) + "]")
    return {
        "alias bomb": ("bomb.yaml", "\n".join(bomb) + "\n"),
        "list 10,000 deep": ("deep.yaml", "scenario: " + "[" * 10_000 + "]" * 10_000 + "\n"),
        "!!python/object tag": ("tag.yaml",
                                "scenario: !!python/object/apply:os.system [\"echo hi\"]\n"),
    }


def time_command(path: Path) -> tuple[float, float, int, str]:
    """Wall and CPU seconds, exit code and stderr of ``python -m realpolitik check path``."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SOURCE), os.environ.get(
        "PYTHONPATH", "")])}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "realpolitik", "check", str(path)], env=env,
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode, done.stderr.strip()


def report_commands(large: Path, folder: Path) -> None:
    """Time the whole command on the large scenario and on each hostile file."""
    print("\nthe whole command, python -m realpolitik check FILE:")
    wall, cpu, code, _ = time_command(large)
    print(f"  {'large scenario':22s} {wall:5.2f} s wall {cpu:5.2f} s CPU  exit {code}")
    for name, (file_name, text) in hostile_files().items():
        path = folder / file_name
        path.write_text(text, encoding="utf-8")
        wall, cpu, code, said = time_command(path)
        lines = said.splitlines()
        print(f"  {name:22s} {wall:5.2f} s wall {cpu:5.2f} s CPU  exit {code}, "
              f"{len(lines)} line: {lines[0][:90] if lines else ''}")


def main() -> None:
    """Generate, check and report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=5.0)
    parser.add_argument("--quick", action="store_true", help="about 0.2 MB")
    parser.add_argument("--command", action="store_true",
                        help="also time the whole command, on this file and on hostile ones")
    args = parser.parse_args()
    megabytes = 0.2 if args.quick else args.megabytes
    text = large_scenario_text(int(megabytes * 1_000_000))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large.yaml"
        path.write_text(text, encoding="utf-8")
        size = path.stat().st_size
        seconds, cpu = time_check(path)
        if args.command:
            report_commands(path, Path(folder))
    bare = time_bare_python()
    actors, issues = _shape(int(megabytes * 1_000_000))
    print(f"scenario: {size / 1e6:.2f} MB, {actors} actors x {issues} issues")
    print(f"check: {seconds:.2f} s wall, {cpu:.2f} s CPU ({size / 1e6 / seconds:.2f} MB/s)")
    print(f"python -c pass: {bare:.3f} s")
    print(f"ratio check / bare interpreter: {seconds / bare:.0f}")


if __name__ == "__main__":
    main()
