"""What the app shows for a scenario: forecasts, cohesion and survival, baseline beside what-if.

:func:`evaluate` runs the public analyses on one scenario: the static
forecast of every engine (:func:`realpolitik.analysis.static.forecast_static`)
and an ensemble over time (:func:`realpolitik.simulation.simulate_ensemble`)
with the levers switched on.  :func:`comparison` lays the baseline's and the
what-if's results side by side as JSON-ready data for the page.

The baseline and the what-if are simulated with the same seed, and the
simulation draws each number from its own named random stream, so draw
``d`` of both shares its random numbers (common random numbers): what moves
between the two columns is the analyst's change, not sampling noise.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from realpolitik.analysis.static import StaticForecast, forecast_static
from realpolitik.interfaces.app.headline import HOLDING_YEARS, build_headline
from realpolitik.interfaces.app.settings import DEFAULT_DRAWS, AppSettings
from realpolitik.interfaces.app.svg import survival_chart
from realpolitik.models.registry import engine_label
from realpolitik.scenario.schema import Scenario
from realpolitik.simulation import EnsembleResult, simulate_ensemble

__all__ = [
    "DEFAULT_DRAWS",
    "AppSettings",
    "Evaluation",
    "comparison",
    "evaluate",
    "share",
]

@dataclass(frozen=True)
class Evaluation:
    """One scenario's results: static forecast, ensemble, and how long they took."""

    scenario: Scenario
    static: StaticForecast
    ensemble: EnsembleResult
    seconds: float


def evaluate(scenario: Scenario, settings: AppSettings, levers: Sequence[str] = ()) -> Evaluation:
    """Run the static forecast and the ensemble (with ``levers`` switched on) of a scenario."""
    start = time.perf_counter()
    static = forecast_static(scenario)
    ensemble = simulate_ensemble(scenario, draws=settings.draws, seed=settings.seed,
                                 model=settings.model, levers=list(levers))
    return Evaluation(scenario, static, ensemble, time.perf_counter() - start)


def share(value: float | None) -> float | None:
    """A finite float for JSON, rounded (None for None and NaN)."""
    return None if value is None or not math.isfinite(value) else round(float(value), 6)


def _pair(base: float | None, what_if: float | None) -> dict[str, float | None]:
    return {"baseline": share(base), "whatif": share(what_if)}


def comparison(base: Evaluation, what_if: Evaluation) -> dict[str, Any]:
    """Baseline and what-if side by side: headline, forecasts, cohesion, survival."""
    scenario = what_if.scenario
    return {
        "headline": build_headline(scenario, base.ensemble, what_if.ensemble).to_dict(),
        "forecasts": _forecasts(scenario, base, what_if),
        "engines": [{"id": name, "label": engine_label(name)}
                    for name in what_if.static.forecasts],
        "cohesion": _cohesion(scenario, base, what_if),
        "survival": _survival(scenario, base.ensemble, what_if.ensemble),
        "seconds": round(what_if.seconds, 4),
    }


def _forecasts(scenario: Scenario, base: Evaluation, what_if: Evaluation) -> list[dict]:
    """Per issue: each engine's static forecast and the ensemble's median at the horizon."""
    rows = []
    for k, issue in enumerate(scenario.issues):
        engines = {name: _pair(base.static.forecasts[name][k], values[k])
                   for name, values in what_if.static.forecasts.items()}
        simulated = _pair(float(np.median(base.ensemble.settlement[issue.id][:, -1])),
                          float(np.median(what_if.ensemble.settlement[issue.id][:, -1])))
        rows.append({"issue": issue.id, "name": issue.name, "low": issue.low,
                     "high": issue.high, "engines": engines, "simulated": simulated})
    return rows


def _cohesion(scenario: Scenario, base: Evaluation, what_if: Evaluation) -> list[dict]:
    """Per watched alliance: S-score on stated positions, after bargaining, and simulated."""
    rows = []
    for before, after in zip(base.static.alliances, what_if.static.alliances, strict=True):
        alliance = after.alliance
        rows.append({
            "alliance": alliance.id, "name": alliance.name,
            "stated": _pair(float(before.stated.score[0]), float(after.stated.score[0])),
            "bargained": _pair(_score(before.bargained), _score(after.bargained)),
            "simulated": _pair(
                float(np.median(base.ensemble.cohesion[alliance.id][:, -1])),
                float(np.median(what_if.ensemble.cohesion[alliance.id][:, -1]))),
        })
    return rows


def _score(cohesion: Any) -> float | None:
    return None if cohesion is None else float(cohesion.score[0])


def _survival(scenario: Scenario, base: EnsembleResult, what_if: EnsembleResult) -> list[dict]:
    """Per watched alliance: survival curves with bands, holding shares, and the chart."""
    rows = []
    for alliance in scenario.alliances:
        curves = {name: result.survival(alliance.id) for name, result in
                  (("baseline", base), ("whatif", what_if))}
        holding = [
            {"years": years, **_pair(base.holding_at(alliance.id, years),
                                     what_if.holding_at(alliance.id, years))}
            for years in HOLDING_YEARS
        ]
        rows.append({
            "alliance": alliance.id, "name": alliance.name,
            "dates": [date.isoformat() for date in what_if.dates],
            "curves": {name: {"estimate": band.estimate.round(6).tolist(),
                              "low": band.low.round(6).tolist(),
                              "high": band.high.round(6).tolist()}
                       for name, band in curves.items()},
            "holding": holding,
            "svg": survival_chart(alliance.name, what_if.dates, curves["baseline"],
                                  curves["whatif"]),
        })
    return rows
