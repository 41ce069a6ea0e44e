"""How much the modelling choices move the answer: rupture threshold, engine, walk, pull.

The chance that an alliance holds rests on choices about how the model
works, not on what is known of the actors: the threshold below which its
cohesion counts as a rupture, the steps it must stay there, which
bargaining engine settles the issues, how far stances wander and how much
the last settlement pulls them.  An honest report says how far each one
moves the answer.  This module computes that, as data:

* **survival against the threshold**: for each watched alliance with a
  threshold, the share of futures in which it holds 1, 2 and 5 years on, at
  every threshold of a grid around its rule (the rule's low end minus
  :data:`MARGIN` to its high end plus :data:`MARGIN`), recomputed from the
  simulated cohesion paths
  (:meth:`~realpolitik.simulation.results.EnsembleResult.survival_by_threshold`);
* **spreads**: the answer at the two ends of each choice: the threshold's
  range (a fixed threshold +/- :data:`FIXED_HALF_WIDTH`), the steps' range
  (a fixed count +/- 1), recomputed the same way;
* **survival by engine**: in a mixture, the share of the draws that
  bargained with each engine in which the alliance holds
  (:meth:`~realpolitik.simulation.results.EnsembleResult.survival_by_engine`);
* **the sensitivity analysis's model choices**: the Sobol total index and
  the tornado swing of every model choice among its inputs (volatility,
  pull, rupture constants, engine), and the model choices held fixed.

:func:`model_choices` computes; the outputs layer renders it as a report
section, a terminal table and result files.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from realpolitik.analysis.outlook import HOLDING_YEARS, Outlook
from realpolitik.analysis.probability import Chance
from realpolitik.analysis.sensitivity import Sensitivity, Swing
from realpolitik.scenario.dynamics import (
    DEFAULT_RUPTURE_RULE,
    DEFAULT_RUPTURE_STEPS,
    parse_rupture_rule,
)
from realpolitik.scenario.names import MODEL_CHOICE, input_kind
from realpolitik.scenario.outcomes import Outcome
from realpolitik.scenario.schema import Alliance, Scenario
from realpolitik.simulation.parameters import simulated_quantities
from realpolitik.simulation.results import Band, EnsembleResult, wilson_band
from realpolitik.simulation.rupture import draw_values, rupture_paths

__all__ = [
    "FIXED_HALF_WIDTH",
    "GRID_STEP",
    "MARGIN",
    "ChoiceEffect",
    "EngineSurvival",
    "FixedChoice",
    "ModelChoices",
    "RuleRange",
    "Spread",
    "ThresholdSurvival",
    "model_choices",
    "rule_range",
    "survival_by_steps",
    "threshold_grid",
]

MARGIN = 0.1
"""How far the threshold grid reaches beyond the rule's range on either side."""

GRID_STEP = 0.01
"""Spacing of the threshold grid."""

FIXED_HALF_WIDTH = 0.05
"""A fixed threshold's spread is read between it minus and plus this much."""


# ---------------------------------------------------------------------------
# The data
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class RuleRange:
    """The constants of an alliance's rupture rule: each a fixed value or a range."""

    metric: str
    threshold_low: float | None
    threshold_high: float | None
    steps_low: int
    steps_high: int

    @property
    def has_threshold(self) -> bool:
        """False for a rule that watches game changers only."""
        return self.threshold_low is not None


@dataclass(frozen=True)
class ThresholdSurvival:
    """One alliance's chance of holding at each threshold of a grid, ``years`` on.

    ``holding[y]`` is a Wilson band whose arrays run over ``thresholds``.
    """

    alliance_id: str
    rule: RuleRange
    thresholds: np.ndarray
    holding: dict[float, Band]
    draws: int


@dataclass(frozen=True)
class Spread:
    """How far one choice moves one alliance's chance of holding ``years`` on.

    ``choice`` is ``"threshold"``, ``"steps"`` or ``"engine"``; the answer is
    ``at_low`` with the choice at ``low`` and ``at_high`` at ``high`` (for
    the engine: the engines with the lowest and the highest chance).
    """

    choice: str
    alliance_id: str
    years: float
    low: float | str
    high: float | str
    at_low: Chance
    at_high: Chance

    @property
    def width(self) -> float:
        """The difference between the two chances, in [0, 1]."""
        return abs(self.at_high.estimate - self.at_low.estimate)


@dataclass(frozen=True)
class EngineSurvival:
    """One alliance's chance of holding ``years`` on among the draws of each engine."""

    alliance_id: str
    years: float
    by_engine: dict[str, Chance]
    weights: dict[str, float]


@dataclass(frozen=True)
class ChoiceEffect:
    """A model choice among the inputs of the sensitivity analysis, and what it did there."""

    name: str
    total: float | None
    total_conf: float | None
    swing: Swing | None


@dataclass(frozen=True)
class FixedChoice:
    """A model choice the scenario fixes (no range), so no analysis varies it.

    ``stated``: the scenario writes the number (False: the default applies).
    """

    name: str
    value: float
    stated: bool


@dataclass(frozen=True)
class ModelChoices:
    """Everything :func:`model_choices` found, for one ensemble.

    Attributes
    ----------
    focus
        The alliance the scenario asks about (first in every list), if any.
    years
        The times, in years after as_of, within the horizon.
    thresholds
        Survival against the threshold, per alliance with a threshold.
    spreads
        The answer at both ends of each choice, per alliance, at the last of
        ``years``.
    engines
        Survival by engine, per alliance and year (empty unless the
        ensemble mixes two or more engines).
    sensitivity_outcome
        The outcome of the sensitivity analysis (None: none was run).
    effects
        The model choices among the sensitivity analysis's inputs.
    fixed
        The model choices the scenario fixes.
    single_engine
        The one engine every draw bargained with (None: a mixture).
    engine_weights
        Engine -> weight of the mixture, in the order of its slices of [0, 1).
    """

    focus: str | None
    years: tuple[float, ...]
    thresholds: list[ThresholdSurvival]
    spreads: list[Spread]
    engines: list[EngineSurvival]
    sensitivity_outcome: Outcome | None
    effects: list[ChoiceEffect]
    fixed: list[FixedChoice]
    single_engine: str | None
    engine_weights: dict[str, float]
    scenario_id: str
    seed: int
    draws: int
    model: str

    def threshold_curve(self, alliance_id: str) -> ThresholdSurvival | None:
        """The alliance's survival against the threshold, if its rule has one."""
        return next((c for c in self.thresholds if c.alliance_id == alliance_id), None)


# ---------------------------------------------------------------------------
# Rules and grids
# ---------------------------------------------------------------------------
def rule_range(alliance: Alliance) -> RuleRange:
    """The metric, threshold range and steps range of an alliance's rupture rule."""
    rule = alliance.rupture or DEFAULT_RUPTURE_RULE
    if isinstance(rule, str):
        parsed = parse_rupture_rule(rule)
        return RuleRange(parsed.metric, parsed.threshold, parsed.threshold, parsed.steps,
                         parsed.steps)
    low = None if rule.below is None else rule.below.low
    high = None if rule.below is None else rule.below.high
    steps = rule.for_steps
    if steps is None:
        return RuleRange(rule.metric, low, high, DEFAULT_RUPTURE_STEPS, DEFAULT_RUPTURE_STEPS)
    return RuleRange(rule.metric, low, high, max(1, round(steps.low)),
                     max(1, round(steps.high)))


def threshold_grid(rule: RuleRange, margin: float = MARGIN, step: float = GRID_STEP
                   ) -> np.ndarray:  # fmt: skip
    """Thresholds from the rule's low end minus ``margin`` to its high end plus ``margin``.

    On multiples of ``step``, inside the S-score's [-1, 1].
    """
    if rule.threshold_low is None or rule.threshold_high is None:
        return np.empty(0)
    start = max(-1.0, rule.threshold_low - margin)
    stop = min(1.0, rule.threshold_high + margin)
    count = int(round((stop - start) / step))
    return np.round(start + step * np.arange(count + 1), 10)


def survival_by_steps(result: EnsembleResult, alliance_id: str, steps: list[int],
                      years: float) -> Band:  # fmt: skip
    """Share of draws in which the alliance holds ``years`` on, per count of steps below.

    Recomputed from the stored paths with the alliance's rule (each draw's
    threshold, events) and each step count in turn instead of the rule's.
    """
    step = result.step_at(years)
    if step is None:
        raise ValueError(f"{years:g} years lies beyond the horizon ({result.dates[-1]})")
    record = result.rupture[alliance_id]
    table = result.cohesion if record.metric == "cohesion" else result.issue_cohesion
    metric = table[alliance_id][:, : step + 1]
    threshold, _ = draw_values(record, result.parameters, slice(None))
    events = None
    if record.events:
        events = np.any([result.shock_fired[e][:, : step + 1] for e in record.events], axis=0)
    holding = [int((~rupture_paths(metric, record.comparison, threshold, count, events)
                    [:, step]).sum()) for count in steps]  # fmt: skip
    return wilson_band(np.array(holding), result.draws)


# ---------------------------------------------------------------------------
# The analysis
# ---------------------------------------------------------------------------
def model_choices(scenario: Scenario, outlook: Outlook) -> ModelChoices:
    """Measure how far each modelling choice moves the outlook's answers.

    Every number is recomputed from the outlook's ensemble (no new
    simulation): survival against the threshold and the steps, by engine;
    the sensitivity analysis's model choices are read from
    ``outlook.sensitivity``.
    """
    result = outlook.ensemble
    years = tuple(y for y in HOLDING_YEARS if result.step_at(y) is not None)
    alliances = _ordered(scenario, outlook.focus)
    curves = [_threshold_survival(result, alliance, years) for alliance in alliances
              if alliance.id in result.rupture and rule_range(alliance).has_threshold]
    spreads: list[Spread] = []
    engines: list[EngineSurvival] = []
    if years:
        for alliance in alliances:
            spreads += _spreads(result, alliance, years[-1])
        engines = [_engine_survival(result, alliance.id, y) for alliance in alliances
                   for y in years if len(result.engine_weights) >= 2]
    sensitivity = outlook.sensitivity
    return ModelChoices(
        focus=outlook.focus, years=years, thresholds=curves, spreads=spreads, engines=engines,
        sensitivity_outcome=None if sensitivity is None else sensitivity.outcome,
        effects=_effects(sensitivity), fixed=_fixed(scenario), single_engine=_single_engine(result),
        engine_weights=dict(result.engine_weights),
        scenario_id=result.scenario_id, seed=result.seed, draws=result.draws,
        model=result.model)


def _ordered(scenario: Scenario, focus: str | None) -> list[Alliance]:
    """The scenario's alliances, the focus alliance first."""
    return sorted(scenario.alliances, key=lambda alliance: alliance.id != focus)


def _chance(band: Band, index: int | tuple[()], draws: int) -> Chance:
    return Chance(float(band.estimate[index]), float(band.low[index]), float(band.high[index]),
                  draws)


def _threshold_survival(result: EnsembleResult, alliance: Alliance,
                        years: tuple[float, ...]) -> ThresholdSurvival:  # fmt: skip
    rule = rule_range(alliance)
    grid = threshold_grid(rule)
    holding = {y: result.survival_by_threshold(alliance.id, grid, y) for y in years}
    return ThresholdSurvival(alliance.id, rule, grid, holding, result.draws)


def _spreads(result: EnsembleResult, alliance: Alliance, years: float) -> list[Spread]:
    """The answer at both ends of the threshold, the steps and the engine."""
    if alliance.id not in result.rupture:
        return []
    rule, found = rule_range(alliance), []
    if rule.threshold_low is not None and rule.threshold_high is not None:
        low, high = rule.threshold_low, rule.threshold_high
        if low == high:
            low, high = round(low - FIXED_HALF_WIDTH, 10), round(high + FIXED_HALF_WIDTH, 10)
        band = result.survival_by_threshold(alliance.id, [low, high], years)
        found.append(Spread("threshold", alliance.id, years, low, high,
                            _chance(band, 0, result.draws), _chance(band, 1, result.draws)))
        few, many = rule.steps_low, rule.steps_high
        if few == many:
            few, many = max(1, few - 1), many + 1
        band = survival_by_steps(result, alliance.id, [few, many], years)
        found.append(Spread("steps", alliance.id, years, few, many,
                            _chance(band, 0, result.draws), _chance(band, 1, result.draws)))
    if len(result.engine_weights) >= 2:
        by_engine = _engine_survival(result, alliance.id, years).by_engine
        ranked = sorted(by_engine, key=lambda name: by_engine[name].estimate)
        if len(ranked) >= 2:
            found.append(Spread("engine", alliance.id, years, ranked[0], ranked[-1],
                                by_engine[ranked[0]], by_engine[ranked[-1]]))
    return found


def _engine_survival(result: EnsembleResult, alliance_id: str, years: float) -> EngineSurvival:
    bands = result.survival_by_engine(alliance_id, years)
    engines = np.asarray(result.engine)
    chances = {name: _chance(band, (), int((engines == name).sum()))
               for name, band in bands.items()}
    return EngineSurvival(alliance_id, years, chances, dict(result.engine_weights))


def _effects(sensitivity: Sensitivity | None) -> list[ChoiceEffect]:
    """The model choices among the sensitivity analysis's inputs, in the order of its inputs."""
    if sensitivity is None:
        return []
    indices, tornado = sensitivity.sobol, sensitivity.tornado
    names = list(indices.names) if indices is not None else [
        swing.name for swing in (tornado.swings if tornado is not None else [])]
    swings = {} if tornado is None else {swing.name: swing for swing in tornado.swings}
    found = []
    for name in names:
        if input_kind(name) != MODEL_CHOICE:
            continue
        total = total_conf = None
        if indices is not None:
            j = indices.names.index(name)
            total, total_conf = float(indices.total[j]), float(indices.total_conf[j])
        found.append(ChoiceEffect(name, total, total_conf, swings.get(name)))
    return found


def _fixed(scenario: Scenario) -> list[FixedChoice]:
    """The model choices the simulation read as fixed numbers (the pull: 0 unless stated)."""
    quantities = simulated_quantities(scenario)
    stated = scenario.dynamics is not None and scenario.dynamics.volatility is not None
    found = [FixedChoice(name, quantity.point, stated or not name.startswith("dynamics.volat"))
             for name, quantity in quantities.items()
             if input_kind(name) == MODEL_CHOICE and not quantity.uncertain]
    if "dynamics.pull" not in quantities:
        found.append(FixedChoice("dynamics.pull", 0.0, False))
    return found


def _single_engine(result: EnsembleResult) -> str | None:
    """The one engine every draw bargained with; None for a mixture of two or more."""
    if len(result.engine_weights) >= 2:
        return None
    return next(iter(result.engine_weights)) if result.engine_weights else result.model
