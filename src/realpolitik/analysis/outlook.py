"""The outlook over time: ensembles, game changers, levers, discovery and sensitivity.

One function, :func:`forecast_outlook`, runs every analysis of a scenario
that has dynamics, with the defaults its ``analysis`` section names, and
returns the results together.  It computes only: printing and writing are
for the outputs layer.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from realpolitik.analysis.discovery import Discovery, discover
from realpolitik.analysis.drivers import Driver, rupture_drivers
from realpolitik.analysis.levers import LeverReport, evaluate_levers
from realpolitik.analysis.outcomes import Outcome, check_outcome, parse_outcome
from realpolitik.analysis.questions import QuestionForecast, forecast_questions
from realpolitik.analysis.sensitivity import Sensitivity, analyse_sensitivity, uncertain_parameters
from realpolitik.scenario.schema import Scenario
from realpolitik.scenario.settings import AnalysisSettings
from realpolitik.simulation import EnsembleResult, simulate_ensemble

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: how far each stage has come."""

HOLDING_YEARS = (1.0, 2.0, 5.0)
"""The dates, in years after ``as_of``, at which survival is reported."""


@dataclass(frozen=True)
class OutlookOptions:
    """How much to compute: ensemble size, seed, engine, executor and which stages."""

    draws: int | None = None
    seed: int = 0
    model: str = "compromise"
    horizon_years: float | None = None
    executor: Any = None
    levers: bool = True
    discovery: bool = True
    sensitivity: bool = True
    sobol_samples: int = 64
    delay_years: float = 2.0


@dataclass(frozen=True)
class Outlook:
    """Everything the time-dependent analyses found."""

    ensemble: EnsembleResult
    focus: str | None
    drivers: list[Driver]
    questions: list[QuestionForecast]
    levers: LeverReport | None
    discovery: Discovery | None
    sensitivity: Sensitivity | None

    def holding(self, alliance_id: str) -> dict[float, float]:
        """Share of futures in which the alliance holds 1, 2 and 5 years on (NaN beyond)."""
        return {years: self.ensemble.holding_at(alliance_id, years) for years in HOLDING_YEARS}


def settings_of(scenario: Scenario) -> AnalysisSettings:
    """The scenario's analysis settings, or the defaults."""
    return scenario.analysis or AnalysisSettings()


def focus_alliance(scenario: Scenario) -> str | None:
    """The alliance the report centres on: the objective's, else the first watched."""
    settings = settings_of(scenario)
    for text in (settings.objective, settings.discovery):
        if text and text.split(":")[0] in ("cohesion", "rupture"):
            return text.split(":")[1].split("@")[0]
    return scenario.alliances[0].id if scenario.alliances else None


def _outcome(scenario: Scenario, text: str | None, fallback: str | None) -> Outcome | None:
    chosen = text or fallback
    return None if chosen is None else check_outcome(scenario, parse_outcome(chosen))


def forecast_outlook(scenario: Scenario, options: OutlookOptions,
                     progress: Progress | None = None) -> Outlook:
    """Simulate the scenario's futures and run every analysis its sections allow."""
    settings = settings_of(scenario)
    draws = options.draws or settings.draws
    report = progress or (lambda stage, done, total: None)
    focus = focus_alliance(scenario)
    ensemble = simulate_ensemble(
        scenario, draws=draws, seed=options.seed, model=options.model,
        horizon_years=options.horizon_years, executor=options.executor,
        progress=lambda done, total: report("Simulating futures", done, total))
    drivers = ([] if focus is None else rupture_drivers(
        ensemble.ruptured[focus][:, -1],
        {shock: fired[:, -1] for shock, fired in ensemble.shock_fired.items()}))
    questions = forecast_questions(scenario, ensemble) if scenario.questions else []
    fallback = f"cohesion:{focus}" if focus else None
    objective = _outcome(scenario, settings.objective, fallback)
    levers = None
    if options.levers and scenario.levers and objective is not None:
        outcomes = [check_outcome(scenario, parse_outcome(text)) for text in settings.outcomes]
        levers = evaluate_levers(
            scenario, None, outcomes, objective, draws, options.seed, options.model,
            executor=options.executor, direction=settings.direction,
            delay_years=options.delay_years or None,
            progress=lambda done, total: report("Testing levers", done, total))
    discovery = None
    target = _outcome(scenario, settings.discovery, f"rupture:{focus}" if focus else None)
    if options.discovery and target is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a constant outcome is reported
            discovery = discover(ensemble, target)
    sensitivity = None
    sensitivity_outcome = _outcome(scenario, settings.sensitivity, None) or objective
    if options.sensitivity and sensitivity_outcome is not None and uncertain_parameters(
            scenario):
        report("Sobol sensitivity", 0, 1)
        sensitivity = analyse_sensitivity(
            scenario, sensitivity_outcome, base_samples=options.sobol_samples,
            seed=options.seed, model=options.model)
        report("Sobol sensitivity", 1, 1)
    return Outlook(ensemble, focus, drivers, questions, levers, discovery, sensitivity)
