"""The command line starts without the heavy libraries: they load where they are used.

No timings here (the machine's load moves them; ``benchmarks/bench_start.py``
measures them): the test checks which modules a fresh interpreter holds after
``import realpolitik.interfaces.cli``, the import behind ``realpolitik --help``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import realpolitik

HEAVY = ("pandas", "scipy", "matplotlib", "numba", "distributed", "SALib", "pyarrow",
         "scoringrules")


def modules_after(statement: str) -> set[str]:
    source = str(Path(realpolitik.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    code = f"{statement}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_command_line_imports_no_heavy_library():
    loaded = modules_after("import realpolitik.interfaces.cli")
    assert sorted(name for name in HEAVY if name in loaded) == []


def test_the_root_package_imports_no_heavy_library():
    loaded = modules_after("import realpolitik")
    assert sorted(name for name in (*HEAVY, "numpy", "pydantic") if name in loaded) == []
