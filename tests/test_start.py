"""The command line starts without the heavy libraries: they load where they are used.

No timings here (the machine's load moves them; ``benchmarks/bench_start.py``
measures them): the tests check which modules a fresh interpreter holds after
``import realpolitik``, after ``import realpolitik.interfaces.cli`` and after
``realpolitik --help`` has printed its help, and that the names the command
line writes down to start fast are those of the modules it avoids loading.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import realpolitik
from realpolitik.interfaces import cli_common, cli_validate
from realpolitik.models.eum import EUM_READINGS
from realpolitik.models.registry import engine_names
from realpolitik.scenario import limits
from realpolitik.scenario.dynamics import Dynamics
from realpolitik.simulation.mixture import MIXTURE

HEAVY = ("pandas", "scipy", "matplotlib", "numba", "distributed", "SALib", "pyarrow",
         "scoringrules")
"""Libraries no start may load."""

MODELS = ("numpy", "pydantic", "fastapi", "uvicorn", "yaml")
"""What ``--help`` must not load either: the arrays, the scenario's models, the app, YAML."""

HELP = """
import runpy, sys
sys.argv = ["realpolitik", "--help"]
try:
    runpy.run_module("realpolitik", run_name="__main__")
except SystemExit as done:
    assert done.code in (0, None), done.code
"""
"""Run ``python -m realpolitik --help`` inside the interpreter whose modules are listed."""


def modules_after(statement: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``statement``."""
    source = str(Path(realpolitik.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    code = (f"{statement}\nimport json, sys\n"
            "print('\\nMODULES ' + json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("MODULES "), done.stdout[-500:]
    return set(json.loads(last.removeprefix("MODULES ")))


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """Which of ``names`` (packages) are among ``modules``."""
    return sorted(name for name in names if name in modules)


def test_the_command_line_imports_no_heavy_library():
    modules = modules_after("import realpolitik.interfaces.cli")
    assert loaded(modules, (*HEAVY, *MODELS)) == []


def test_help_imports_neither_numpy_nor_the_scenario_models_nor_the_app():
    modules = modules_after(HELP)
    assert "realpolitik.interfaces.cli" in modules  # the help did run
    assert loaded(modules, (*HEAVY, *MODELS)) == []
    assert sorted(name for name in modules if name.startswith(
        ("realpolitik.models", "realpolitik.simulation", "realpolitik.analysis",
         "realpolitik.outputs", "realpolitik.scenario.schema"))) == []


def test_the_root_package_imports_no_heavy_library():
    modules = modules_after("import realpolitik")
    assert loaded(modules, (*HEAVY, *MODELS)) == []


def test_names_written_for_a_fast_start_are_those_of_the_models():
    assert cli_common.ENGINE_NAMES == engine_names()
    assert cli_common.STEPPING_ENGINE_NAMES == engine_names(stepping=True)
    assert cli_common.MIXTURE == MIXTURE
    assert cli_validate.EUM_READING_CHOICE.names == tuple(EUM_READINGS)


def test_the_horizon_bound_is_the_scenario_field_bound():
    bounds = {type(item).__name__: item for item in
              Dynamics.model_fields["horizon_years"].metadata}
    assert bounds["Le"].le == limits.MAX_HORIZON_YEARS


def test_a_refused_scenario_is_reported_without_importing_the_analyses(tmp_path):
    bad = tmp_path / "tag.yaml"
    bad.write_text("scenario: !!python/object/apply:os.system [echo]\n", encoding="utf-8")
    modules = modules_after(HELP.replace('"--help"', f'"check", {str(bad)!r}').replace(
        "assert done.code in (0, None), done.code", "assert done.code == 2, done.code"))
    assert "realpolitik.scenario.loader" in modules  # the file was read and refused
    assert sorted(name for name in modules if name.startswith(
        ("realpolitik.analysis", "realpolitik.outputs", "realpolitik.simulation"))) == []
    assert loaded(modules, HEAVY) == []
