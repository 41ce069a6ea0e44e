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
from pathlib import Path

from realpolitik.analysis.discovery import (
    Discovery,
    discover,
    discovery_inputs,
    outcome_of_interest,
)
from realpolitik.analysis.drivers import Driver, rupture_drivers
from realpolitik.analysis.levers import LeverOptions, LeverReport, evaluate_levers
from realpolitik.analysis.outcomes import Outcome, check_outcome
from realpolitik.analysis.questions import QuestionForecast, forecast_questions
from realpolitik.analysis.sensitivity import (
    Sensitivity,
    SensitivityOptions,
    analyse_sensitivity,
    uncertain_parameters,
)
from realpolitik.scenario.outcomes import OutcomeError
from realpolitik.scenario.schema import Scenario
from realpolitik.scenario.settings import AnalysisDefaults, analysis_defaults
from realpolitik.simulation import EnsembleResult, simulate_ensemble
from realpolitik.simulation.executors import Executor
from realpolitik.simulation.mixture import MIXTURE
from realpolitik.simulation.streaming import DEFAULT_KEEP, STREAM_ABOVE

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: how far each stage has come."""

HOLDING_YEARS = (1.0, 2.0, 5.0)
"""The dates, in years after ``as_of``, at which survival is reported."""


@dataclass(frozen=True)
class OutlookOptions:
    """How much to compute: ensemble size, seed, engine, executor and which stages.

    ``stream``: True streams the ensembles (memory bounded whatever the
    draws; see :mod:`realpolitik.analysis.streamed`), False holds them whole,
    None (default) streams above :data:`~realpolitik.simulation.streaming.STREAM_ABOVE`
    draws.  A streamed outlook keeps its first ``keep`` draws for the
    analyses that need raw draws (scenario discovery, figures).
    """

    draws: int | None = None
    seed: int = 0
    model: str = MIXTURE
    horizon_years: float | None = None
    executor: Executor | None = None
    levers: bool = True
    discovery: bool = True
    sensitivity: bool = True
    sobol_samples: int = 64
    delay_years: float = 2.0
    stream: bool | None = None
    keep: int = DEFAULT_KEEP

    def streams(self, draws: int) -> bool:
        """Whether an outlook of ``draws`` draws streams its ensembles."""
        return draws > STREAM_ABOVE if self.stream is None else self.stream


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

    @property
    def futures(self) -> int:
        """How many simulated futures the headline numbers count (all of a streamed ensemble)."""
        return self.ensemble.futures

    @property
    def streamed(self) -> bool:
        """True when the ensemble streamed: it holds a sample, its summary every draw."""
        return self.ensemble.summary is not None

    def holding(self, alliance_id: str) -> dict[float, float]:
        """Share of futures in which the alliance holds 1, 2 and 5 years on (NaN beyond)."""
        return {years: self.ensemble.holding_at(alliance_id, years) for years in HOLDING_YEARS}


def forecast_outlook(scenario: Scenario, options: OutlookOptions,
                     progress: Progress | None = None, *,
                     folder: Path | None = None) -> Outlook:
    """Simulate the scenario's futures and run every analysis its sections allow.

    Objective, direction, outcomes, discovery target, sensitivity outcome and
    draws come from :func:`~realpolitik.scenario.settings.analysis_defaults`;
    ``options.executor`` runs every ensemble: the futures, the levers and the
    Sobol design.  A streamed outlook (:meth:`OutlookOptions.streams`)
    writes its ensemble's files into ``folder`` as the chunks arrive (none
    when None); one held whole leaves writing to the caller.
    """
    defaults = analysis_defaults(scenario)
    report = progress or _silent
    draws = options.draws or defaults.draws
    if options.streams(draws):
        return _streamed_outlook(scenario, options, draws, defaults, report, folder)
    ensemble = simulate_ensemble(
        scenario, draws=draws, seed=options.seed, model=options.model,
        horizon_years=options.horizon_years, executor=options.executor,
        progress=lambda done, total: report("Simulating futures", done, total))
    focus = defaults.focus
    drivers = ([] if focus is None else rupture_drivers(
        ensemble.ruptured[focus][:, -1],
        {shock: fired[:, -1] for shock, fired in ensemble.shock_fired.items()}))
    questions = forecast_questions(scenario, ensemble) if scenario.questions else []
    return Outlook(ensemble, focus, drivers, questions,
                   _levers(scenario, options, draws, defaults, report),
                   _discovery(scenario, ensemble, options, defaults, report),
                   _sensitivity(scenario, options, defaults, report))


def _streamed_outlook(scenario: Scenario, options: OutlookOptions, draws: int,
                      defaults: AnalysisDefaults, report: Progress,
                      folder: Path | None) -> Outlook:
    """The outlook from streamed ensembles: headline numbers over every draw."""
    from realpolitik.analysis.streamed import (
        drivers_from_summary,
        evaluate_levers_streamed,
        stream_futures,
    )

    futures = stream_futures(
        scenario, draws=draws, seed=options.seed, model=options.model,
        horizon_years=options.horizon_years, executor=options.executor, keep=options.keep,
        folder=folder, progress=lambda done, total: report("Simulating futures", done, total))
    focus = defaults.focus
    drivers = [] if focus is None else drivers_from_summary(futures.summary, focus)
    levers = None
    if options.levers and scenario.levers and defaults.objective is not None:
        chosen = LeverOptions(draws=draws, seed=options.seed, model=options.model,
                              delay_years=options.delay_years or None)
        levers = evaluate_levers_streamed(
            scenario, chosen, executor=options.executor,
            progress=lambda done, total: report("Testing levers", done, total))
    return Outlook(futures.ensemble, focus, drivers, futures.questions, levers,
                   _discovery(scenario, futures.ensemble, options, defaults, report),
                   _sensitivity(scenario, options, defaults, report))


def _silent(stage: str, done: int, total: int) -> None:
    """A progress callback that reports nothing."""


def _checked(scenario: Scenario, outcome: Outcome | None) -> Outcome | None:
    return None if outcome is None else check_outcome(scenario, outcome)


def _levers(scenario: Scenario, options: OutlookOptions, draws: int,
            defaults: AnalysisDefaults, report: Progress) -> LeverReport | None:
    """Evaluate the scenario's levers on its analysis settings, if asked and possible."""
    if not (options.levers and scenario.levers and defaults.objective is not None):
        return None
    chosen = LeverOptions(draws=draws, seed=options.seed, model=options.model,
                          delay_years=options.delay_years or None)
    return evaluate_levers(
        scenario, chosen, executor=options.executor,
        progress=lambda done, total: report("Testing levers", done, total))


def _discovery(scenario: Scenario, ensemble: EnsembleResult, options: OutlookOptions,
               defaults: AnalysisDefaults, report: Progress) -> Discovery | None:
    """Seek the inputs that lead to the discovery target, if asked and there is one.

    When nothing differs between the draws (no ranges, no game changers),
    there are no inputs to search: the result is the target's base rate with
    no boxes, which the report shows as nothing to discover.
    """
    target = _checked(scenario, defaults.discovery)
    if not options.discovery or target is None:
        return None
    try:
        discovery_inputs(ensemble)
    except OutcomeError:  # no uncertain input and no game changer
        return _nothing_to_discover(ensemble, target)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a constant outcome is reported
        return discover(ensemble, target,
                        progress=lambda done, total: report("Scenario discovery", done, total))


def _nothing_to_discover(ensemble: EnsembleResult, target: Outcome) -> Discovery:
    """The discovery of an ensemble whose draws differ in no input: a base rate, no boxes."""
    cases = outcome_of_interest(ensemble, target)
    return Discovery(target, None, float(cases.mean()), [], [], (), ensemble.scenario_id,
                     int(ensemble.seed), int(ensemble.draws), str(ensemble.model))


def _sensitivity(scenario: Scenario, options: OutlookOptions, defaults: AnalysisDefaults,
                 report: Progress) -> Sensitivity | None:
    """Sobol indices and swings of the sensitivity outcome, if asked and anything is uncertain."""
    outcome = _checked(scenario, defaults.sensitivity)
    inputs = uncertain_parameters(scenario, options.model)
    if not options.sensitivity or outcome is None or not inputs:
        return None
    chosen = SensitivityOptions(base_samples=options.sobol_samples, seed=options.seed,
                                model=options.model)
    return analyse_sensitivity(
        scenario, outcome, chosen, executor=options.executor,
        progress=lambda done, total: report("Sobol sensitivity", done, total))
