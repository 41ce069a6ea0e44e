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
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("realpolitik")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

from realpolitik.analysis.ach import analyse_hypotheses  # noqa: E402
from realpolitik.analysis.levers import evaluate_levers  # noqa: E402
from realpolitik.analysis.outlook import forecast_outlook  # noqa: E402
from realpolitik.analysis.static import forecast_static  # noqa: E402
from realpolitik.interfaces.pipeline import run_analysis  # noqa: E402
from realpolitik.models.cohesion import alliance_cohesion  # noqa: E402
from realpolitik.models.compromise import compromise  # noqa: E402
from realpolitik.models.eum import expected_utility  # noqa: E402
from realpolitik.models.ktab import spatial_model  # noqa: E402
from realpolitik.models.median import weighted_median  # noqa: E402
from realpolitik.scenario.errors import ScenarioError  # noqa: E402
from realpolitik.scenario.loader import load_scenario, parse_scenario  # noqa: E402
from realpolitik.scenario.schema import Scenario  # noqa: E402
from realpolitik.simulation import simulate_ensemble  # noqa: E402

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
