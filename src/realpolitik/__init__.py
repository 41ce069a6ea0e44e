"""realpolitik: explicit, checkable models of international politics.

The public API, in the order an analyst meets it:

* scenarios: :func:`load_scenario`, :func:`parse_scenario`, :class:`Scenario`,
  :class:`ScenarioError`;
* engines over ``(draws, actors, issues)`` arrays: :func:`compromise`,
  :func:`weighted_median`, :func:`expected_utility`, :func:`spatial_model`,
  and :func:`alliance_cohesion` for the S-score;
* analyses: :func:`forecast_static`, :func:`simulate_ensemble`,
  :func:`evaluate_levers`, :func:`forecast_outlook`, :func:`analyse_hypotheses`;
* the whole job: :func:`run_analysis` (what ``realpolitik run`` does).

``import realpolitik`` loads only the version: each public name is imported
from its module the first time it is used (PEP 562), so a script that needs
one engine does not pay for the command line, the report or the plotting.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from realpolitik._version import __version__

if TYPE_CHECKING:
    from realpolitik.analysis.ach import analyse_hypotheses
    from realpolitik.analysis.levers import evaluate_levers
    from realpolitik.analysis.outlook import forecast_outlook
    from realpolitik.analysis.static import forecast_static
    from realpolitik.interfaces.pipeline import run_analysis
    from realpolitik.models.cohesion import alliance_cohesion
    from realpolitik.models.compromise import compromise
    from realpolitik.models.eum import expected_utility
    from realpolitik.models.ktab import spatial_model
    from realpolitik.models.median import weighted_median
    from realpolitik.scenario.errors import ScenarioError
    from realpolitik.scenario.loader import load_scenario, parse_scenario
    from realpolitik.scenario.schema import Scenario
    from realpolitik.simulation import simulate_ensemble

_HOMES = {
    "Scenario": "realpolitik.scenario.schema",
    "ScenarioError": "realpolitik.scenario.errors",
    "alliance_cohesion": "realpolitik.models.cohesion",
    "analyse_hypotheses": "realpolitik.analysis.ach",
    "compromise": "realpolitik.models.compromise",
    "evaluate_levers": "realpolitik.analysis.levers",
    "expected_utility": "realpolitik.models.eum",
    "forecast_outlook": "realpolitik.analysis.outlook",
    "forecast_static": "realpolitik.analysis.static",
    "load_scenario": "realpolitik.scenario.loader",
    "parse_scenario": "realpolitik.scenario.loader",
    "run_analysis": "realpolitik.interfaces.pipeline",
    "simulate_ensemble": "realpolitik.simulation",
    "spatial_model": "realpolitik.models.ktab",
    "weighted_median": "realpolitik.models.median",
}
"""The module each public name lives in."""

__all__ = [
    "Scenario",
    "ScenarioError",
    "__version__",
    "alliance_cohesion",
    "analyse_hypotheses",
    "compromise",
    "evaluate_levers",
    "expected_utility",
    "forecast_outlook",
    "forecast_static",
    "load_scenario",
    "parse_scenario",
    "run_analysis",
    "simulate_ensemble",
    "spatial_model",
    "weighted_median",
]


def __getattr__(name: str) -> object:
    """Import a public name from its module on first use and keep it in the namespace."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'realpolitik' has no attribute '{name}'")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's own names and every public name, imported or not."""
    return sorted(set(globals()) | set(__all__))
