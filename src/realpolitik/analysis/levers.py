"""Lever evaluation: what each policy lever, and each pair of levers, changes, and how robustly.

Every option (the baseline, each lever, each pair of levers) is simulated on
the same seed, so draw ``d`` of every run shares its sampled parameters and
its game-changer random numbers: *common random numbers* (Law 2015, section
11.2; Glasserman 2004, section 4.2).  The effect of an option on an outcome
is then measured draw by draw, ``option[d] - baseline[d]``, which removes
most of the sampling noise two independent ensembles would carry.

* **Effect and interval.**  The mean paired difference with a 95% interval:
  normal approximation (mean +- z * sd / sqrt(D)) or a seeded percentile
  bootstrap over draws (Efron and Tibshirani 1993, ch. 13).
* **Ranking.**  Options ordered by their mean effect on one objective
  outcome, in the chosen direction (maximise or minimise).
* **Regret.**  Savage's regret (Savage 1951), per draw: the best value of the
  objective any option reaches in that draw minus the option's own value
  (reversed when minimising).  Reported as mean, 90th percentile and
  maximum over draws; the option with the smallest maximum regret is the
  minimax-regret choice, the one with the smallest mean regret the
  robust-on-average choice (Lempert et al. 2006 use regret this way).
* **Acting later.**  The same lever with its start moved ``N`` years later,
  on the same random numbers (its effect amounts included), against the
  lever on time: the loss is how much worse the objective gets, draw by draw.

:func:`evaluate_levers` runs it all; :class:`LeverOptions` says what to
evaluate, and a field left at None takes the scenario's ``analysis``
settings, exactly as ``realpolitik run`` and ``realpolitik levers`` do.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import numpy as np

from realpolitik.analysis.outcomes import EnsembleLike, Outcome, check_outcome, value
from realpolitik.scenario.levers import Lever
from realpolitik.scenario.schema import Scenario, dotted
from realpolitik.scenario.settings import DEFAULT_DIRECTION, analysis_defaults
from realpolitik.simulation.mixture import MIXTURE

if TYPE_CHECKING:
    from realpolitik.simulation.executors import Executor

__all__ = [
    "BASELINE",
    "DIRECTIONS",
    "DelayCost",
    "Direction",
    "Effect",
    "Interval",
    "IntervalMethod",
    "LeverOptions",
    "LeverStart",
    "LeverReport",
    "Option",
    "RegretSummary",
    "compare_options",
    "delay_cost",
    "delayed",
    "evaluate_levers",
    "late_lever_overrides",
    "least_regret",
    "normal_interval",
    "lever_options",
    "lever_start",
    "lever_runs",
    "paired_interval",
    "regret",
    "resolve_lever_options",
    "start_counts",
    "summarise_regret",
]

Direction = Literal["maximise", "minimise"]
DIRECTIONS: tuple[Direction, ...] = ("maximise", "minimise")
IntervalMethod = Literal["normal", "bootstrap"]
DrawProgress = Callable[[int, int], None]
"""``progress(done, total)``: draws simulated so far over all runs."""
Simulate = Callable[..., EnsembleLike]
"""The ensemble function's shape: ``simulate(scenario, *, draws, seed, model, levers, ...)``."""
BASELINE = "baseline"
Z_95 = 1.959963984540054
T = TypeVar("T")


# ---------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Option:
    """One course of action: the baseline, a lever, or a pair of levers taken together."""

    id: str
    name: str
    levers: tuple[Lever, ...] = ()


def lever_options(levers: Sequence[Lever], *, pairs: bool = True) -> list[Option]:
    """Return the baseline, one option per lever and (if ``pairs``) one per pair of levers."""
    options = [Option(BASELINE, "No lever (baseline)")]
    options += [Option(lever.id, lever.name, (lever,)) for lever in levers]
    if pairs:
        options += [Option(f"{a.id}+{b.id}", f"{a.name} + {b.name}", (a, b))
                    for a, b in itertools.combinations(levers, 2)]
    return options


def delayed(lever: Lever, years: float, as_of: dt.date) -> Lever:
    """Return a copy of the lever whose start is ``years`` later (rounded to whole months).

    A lever without a start begins at the scenario's ``as_of``; the copy
    keeps the lever's id, so that it draws the same effect amounts.
    """
    from realpolitik.simulation.clock import add_months

    if years < 0:
        raise ValueError(f"a delay must not be negative, got {years} years")
    start = lever.start or as_of
    return lever.model_copy(update={"start": add_months(start, round(12 * years))})


# ---------------------------------------------------------------------------
# Paired differences
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Interval:
    """A mean with the bounds of its confidence interval."""

    mean: float
    low: float
    high: float

    def excludes_zero(self) -> bool:
        """True when the whole interval lies on one side of zero."""
        return self.low > 0 or self.high < 0


def normal_interval(mean: float, sd: float, count: int, level: float = 0.95) -> Interval:
    """``mean +- z * sd / sqrt(count)``, z the normal quantile for ``level``."""
    from scipy import stats

    half = float(stats.norm.ppf(0.5 + level / 2)) * sd / math.sqrt(count)
    return Interval(mean, mean - half, mean + half)


def paired_interval(
    difference: np.ndarray,
    *,
    method: IntervalMethod = "normal",
    level: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> Interval:
    """Mean of draw-by-draw differences with a confidence interval.

    ``normal``: mean +- z * s / sqrt(D), z the normal quantile for ``level``.
    ``bootstrap``: percentile interval of the mean over ``resamples``
    resamples of the draws, from a generator seeded with ``seed``.
    With identical differences (one draw, or a lever that changes nothing) the
    interval is that difference itself.
    """
    d = np.asarray(difference, dtype=float)
    if d.ndim != 1 or d.size == 0:
        raise ValueError(f"differences must be a non-empty (D,) array, got shape {d.shape}")
    if np.ptp(d) == 0:
        return Interval(float(d[0]), float(d[0]), float(d[0]))
    mean = float(d.mean())
    if method == "normal":
        return normal_interval(mean, float(d.std(ddof=1)), d.size, level)
    if method == "bootstrap":
        rng = np.random.default_rng(seed)
        means = d[rng.integers(0, d.size, size=(resamples, d.size))].mean(axis=1)
        low, high = np.quantile(means, [0.5 - level / 2, 0.5 + level / 2])
        return Interval(mean, float(low), float(high))
    raise ValueError(f"unknown interval method '{method}' (expected normal or bootstrap)")


# ---------------------------------------------------------------------------
# Regret
# ---------------------------------------------------------------------------
def _check_direction(direction: str) -> None:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, got '{direction}'")


def regret(values: np.ndarray, direction: Direction = "maximise") -> np.ndarray:
    """Per-draw regret of each option, shape (D, O), from objective values of shape (D, O).

    Maximising: ``max_o values[d, o] - values[d, o]``; minimising:
    ``values[d, o] - min_o values[d, o]``.  Regret is zero for the best
    option of each draw and never negative.
    """
    _check_direction(direction)
    v = np.asarray(values, dtype=float)
    if v.ndim != 2 or v.shape[1] == 0:
        raise ValueError(f"values must have shape (draws, options), got {v.shape}")
    if direction == "maximise":
        return v.max(axis=1, keepdims=True) - v
    return v - v.min(axis=1, keepdims=True)


@dataclass(frozen=True)
class RegretSummary:
    """An option's regret over the ensemble: mean, 90th percentile and maximum."""

    option: str
    mean: float
    p90: float
    max: float


def summarise_regret(
    values: np.ndarray, option_ids: Sequence[str], direction: Direction = "maximise"
) -> list[RegretSummary]:
    """Summarise each option's regret, in the order of ``option_ids``."""
    r = regret(values, direction)
    if r.shape[1] != len(option_ids):
        raise ValueError(f"{r.shape[1]} columns of values but {len(option_ids)} option ids")
    return [RegretSummary(option, float(r[:, o].mean()), float(np.quantile(r[:, o], 0.9)),
                          float(r[:, o].max()))
            for o, option in enumerate(option_ids)]


def least_regret(summaries: Sequence[RegretSummary], by: Literal["max", "mean", "p90"]) -> str:
    """Option with the smallest regret of that kind (ties: the earlier option)."""
    return min(summaries, key=lambda s: getattr(s, by)).option


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Effect:
    """One option's effect on one outcome: both means and the paired difference."""

    option: str
    outcome: str
    baseline_mean: float
    option_mean: float
    effect: Interval


@dataclass(frozen=True)
class DelayCost:
    """What acting ``years`` later costs on the objective (positive loss: later is worse)."""

    lever: str
    years: float
    start: str
    on_time: Interval
    late: Interval
    loss: Interval


@dataclass(frozen=True)
class LeverStart:
    """When a lever that waits for its condition (``when``) started, over one option's futures.

    ``started`` of the ``futures`` saw it start by the horizon (``share``,
    with its 95% Wilson interval ``low``-``high``); ``counts[t]`` is how
    many started at step ``t``.  ``median_step`` and ``median_start`` (ISO
    date) are the median start among the futures in which it started (the
    smallest step by which half of them had started), None when it never
    started.
    """

    option: str
    lever: str
    condition: str
    futures: int
    started: int
    share: float
    low: float
    high: float
    median_step: int | None
    median_start: str | None
    counts: tuple[int, ...]


def start_counts(steps: np.ndarray, length: int) -> np.ndarray:
    """How many draws started at each of ``length`` steps, from per-draw start steps (-1 never)."""
    steps = np.asarray(steps, dtype=np.int64)
    return np.bincount(steps[steps >= 0], minlength=length)[:length].astype(np.int64)


def lever_start(option: str, lever: Lever, counts: np.ndarray, futures: int,
                dates: Sequence[dt.date]) -> LeverStart:  # fmt: skip
    """Summarise one waiting lever's start steps, given as counts per step over ``futures``."""
    from realpolitik.simulation.results import wilson_band

    counts = np.asarray(counts, dtype=np.int64)
    started = int(counts.sum())
    band = wilson_band(np.asarray(started), futures)
    median = None
    if started:
        median = int(np.argmax(2 * np.cumsum(counts) >= started))
    return LeverStart(option, lever.id, lever.when or "", futures, started,
                      float(band.estimate), float(band.low), float(band.high), median,
                      None if median is None else dates[median].isoformat(),
                      tuple(int(count) for count in counts))


def _lever_starts(results: Mapping[str, EnsembleLike],
                  options: Sequence[Option]) -> list[LeverStart]:  # fmt: skip
    """The start of every lever with ``when`` in every option, from the options' results."""
    found = []
    for option in options:
        result = results[option.id]
        table = getattr(result, "lever_start", {}) or {}
        for lever in option.levers:
            if lever.when is not None and lever.id in table:
                dates = list(result.dates)
                found.append(lever_start(option.id, lever,
                                         start_counts(table[lever.id], len(dates)),
                                         int(result.draws), dates))
    return found


@dataclass(frozen=True)
class LeverReport:
    """Effects, ranking, regret and the cost of delay for a set of options."""

    scenario_id: str
    seed: int
    draws: int
    model: str
    version: str
    objective: str
    direction: Direction
    outcomes: list[str]
    options: list[Option]
    effects: dict[str, dict[str, Effect]]
    ranking: list[str]
    regret: list[RegretSummary]
    minimax_regret: str
    least_mean_regret: str
    synergy: dict[str, Interval] = field(default_factory=dict)
    delays: list[DelayCost] = field(default_factory=list)
    interval: str = "normal"
    starts: list[LeverStart] = field(default_factory=list)

    def option_name(self, option_id: str) -> str:
        """The readable name of an option."""
        return next(option.name for option in self.options if option.id == option_id)

    def objective_effect(self, option_id: str) -> Effect:
        """The option's effect on the objective."""
        return self.effects[option_id][self.objective]

    def start_of(self, option_id: str, lever_id: str) -> LeverStart | None:
        """When the lever with ``when`` started in the option's futures (None: not recorded)."""
        return next((start for start in self.starts
                     if start.option == option_id and start.lever == lever_id), None)

    def to_frame(self):
        """Every option's effect on every outcome as a pandas DataFrame, in ranking order.

        One row per option and outcome: ``option`` (id), ``option_name``,
        ``outcome`` (its ``kind:id`` label), ``objective`` (whether the
        outcome is the objective), ``rank`` (on the objective),
        ``baseline_mean``, ``option_mean``, ``effect``, ``low``, ``high``
        (95% interval of the paired effect) and the option's regret on the
        objective (``regret_mean``, ``regret_p90``, ``regret_max``).
        """
        import pandas as pd

        regret = {summary.option: summary for summary in self.regret}
        rows = [
            {"option": option, "option_name": self.option_name(option), "outcome": label,
             "objective": label == self.objective, "rank": rank,
             "baseline_mean": effect.baseline_mean, "option_mean": effect.option_mean,
             "effect": effect.effect.mean, "low": effect.effect.low, "high": effect.effect.high,
             "regret_mean": regret[option].mean, "regret_p90": regret[option].p90,
             "regret_max": regret[option].max}
            for rank, option in enumerate(self.ranking, start=1)
            for label, effect in self.effects[option].items()
        ]
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the whole report."""
        return {
            "scenario_id": self.scenario_id, "seed": self.seed, "draws": self.draws,
            "model": self.model, "version": self.version, "objective": self.objective,
            "direction": self.direction, "outcomes": self.outcomes, "interval": self.interval,
            "options": [{"id": o.id, "name": o.name, "levers": [lever.id for lever in o.levers]}
                        for o in self.options],
            "effects": {option: {label: asdict(effect) for label, effect in by_outcome.items()}
                        for option, by_outcome in self.effects.items()},
            "ranking": self.ranking,
            "regret": [asdict(summary) for summary in self.regret],
            "minimax_regret": self.minimax_regret,
            "least_mean_regret": self.least_mean_regret,
            "synergy": {option: asdict(interval) for option, interval in self.synergy.items()},
            "delays": [asdict(delay) for delay in self.delays],
            **({"starts": [asdict(start) for start in self.starts]} if self.starts else {}),
        }


def _check_common_draws(results: Sequence[EnsembleLike]) -> None:
    first = results[0]
    for other in results[1:]:
        if (other.seed, other.draws) != (first.seed, first.draws):
            raise ValueError("lever comparisons need every run on the same seed and draws "
                             f"(common random numbers); got seed {other.seed} / draws "
                             f"{other.draws} against seed {first.seed} / draws {first.draws}")


def _signed(effect: float, direction: Direction) -> float:
    """Effect oriented so that larger is better."""
    return effect if direction == "maximise" else -effect


def compare_options(
    results: dict[str, EnsembleLike],
    options: Sequence[Option],
    outcomes: Sequence[Outcome],
    objective: Outcome,
    direction: Direction = "maximise",
    *,
    interval: IntervalMethod = "normal",
    seed: int = 0,
) -> LeverReport:
    """Compare options simulated on common random numbers (a pure function of their results).

    Parameters
    ----------
    results
        Option id -> ensemble result; must hold :data:`BASELINE`.
    options
        The options, baseline included, in display order.
    outcomes
        Outcomes whose effects are reported; the objective is added if missing.
    objective, direction
        What the ranking and the regret judge, and whether more is better.
    interval, seed
        Interval method (normal or bootstrap) and the bootstrap's seed.
    """
    _check_direction(direction)
    if BASELINE not in results:
        raise ValueError("the results must include the baseline run")
    ordered = [results[option.id] for option in options]
    _check_common_draws(ordered)
    labels = list(dict.fromkeys([o.label for o in outcomes] + [objective.label]))
    by_label = {o.label: o for o in [*outcomes, objective]}
    base = {label: value(results[BASELINE], by_label[label]) for label in labels}
    effects: dict[str, dict[str, Effect]] = {}
    objective_values = []
    for option in options:
        own = {label: value(results[option.id], by_label[label]) for label in labels}
        effects[option.id] = {
            label: Effect(option.id, label, float(base[label].mean()), float(own[label].mean()),
                          paired_interval(own[label] - base[label], method=interval, seed=seed))
            for label in labels
        }
        objective_values.append(own[objective.label])
    matrix = np.column_stack(objective_values)
    ids = [option.id for option in options]
    ranking = sorted(ids, key=lambda o: (-_signed(effects[o][objective.label].effect.mean,
                                                  direction), ids.index(o)))
    summaries = summarise_regret(matrix, ids, direction)
    synergy = _synergies(options, matrix, ids, interval, seed)
    return LeverReport(
        scenario_id=ordered[0].scenario_id, seed=int(ordered[0].seed),
        draws=int(ordered[0].draws), model=str(ordered[0].model),
        version=str(getattr(ordered[0], "version", "")), objective=objective.label,
        direction=direction, outcomes=labels, options=list(options), effects=effects,
        ranking=ranking, regret=summaries, minimax_regret=least_regret(summaries, "max"),
        least_mean_regret=least_regret(summaries, "mean"), synergy=synergy, interval=interval,
        starts=_lever_starts(results, options),
    )


def _synergies(
    options: Sequence[Option], matrix: np.ndarray, ids: list[str], interval: IntervalMethod,
    seed: int,
) -> dict[str, Interval]:
    """For each pair: pair - lever a - lever b + baseline on the objective, draw by draw.

    Zero when the two levers' effects simply add up; positive when together
    they raise the objective more than the sum of their separate effects.
    """
    column = {option_id: matrix[:, o] for o, option_id in enumerate(ids)}
    found = {}
    for option in options:
        if len(option.levers) != 2:
            continue
        a, b = (lever.id for lever in option.levers)
        if a in column and b in column:
            extra = column[option.id] - column[a] - column[b] + column[BASELINE]
            found[option.id] = paired_interval(extra, method=interval, seed=seed)
    return found


def delay_cost(
    on_time: EnsembleLike,
    late: EnsembleLike,
    baseline: EnsembleLike,
    objective: Outcome,
    direction: Direction,
    *,
    lever_id: str,
    years: float,
    start: dt.date,
    interval: IntervalMethod = "normal",
    seed: int = 0,
) -> DelayCost:
    """Effect of the lever on time and started later, and the loss from waiting, draw by draw."""
    _check_direction(direction)
    _check_common_draws([baseline, on_time, late])
    base, now, later = (value(r, objective) for r in (baseline, on_time, late))
    loss = (now - later) if direction == "maximise" else (later - now)
    return DelayCost(
        lever_id, years, start.isoformat(),
        paired_interval(now - base, method=interval, seed=seed),
        paired_interval(later - base, method=interval, seed=seed),
        paired_interval(loss, method=interval, seed=seed),
    )


# ---------------------------------------------------------------------------
# Orchestration
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class LeverOptions:
    """What :func:`evaluate_levers` simulates and compares.

    A field left at None takes the scenario's ``analysis`` settings (see
    :func:`realpolitik.scenario.settings.analysis_defaults`).

    Attributes
    ----------
    levers
        Levers to evaluate (None: all the scenario's levers).
    outcomes
        Outcomes every option is reported on (None: ``analysis.outcomes``;
        empty: the objective alone).
    objective
        Outcome that ranks the options and defines regret (None:
        ``analysis.objective``, else the cohesion of the alliance the report
        centres on, at the horizon).
    direction
        ``maximise`` or ``minimise`` the objective (None: ``analysis.direction``,
        default ``minimise``: with the default objective, levers are judged by
        how far they pull the partners apart).
    draws
        Draws of every ensemble (None: ``analysis.draws``, default 1000).
    seed, model
        Seed and bargaining engine of every run.
    pairs
        Also evaluate every pair of levers.
    delay_years
        Also evaluate each lever started this many years later (None: skip).
    interval
        ``normal`` or ``bootstrap`` 95% intervals.
    """

    levers: tuple[Lever, ...] | None = None
    outcomes: tuple[Outcome, ...] | None = None
    objective: Outcome | None = None
    direction: Direction | None = None
    draws: int | None = None
    seed: int = 0
    model: str = MIXTURE
    pairs: bool = True
    delay_years: float | None = 2.0
    interval: IntervalMethod = "normal"


def resolve_lever_options(scenario: Scenario, options: LeverOptions | None = None) -> LeverOptions:
    """Fill every field left at None from the scenario, and check each outcome against it.

    The objective stays None only when the scenario gives none and watches no
    alliance.

    Raises
    ------
    OutcomeError
        When an outcome names nothing in the scenario or a date before its ``as_of``.
    ValueError
        For an unknown direction.
    """
    chosen = options or LeverOptions()
    defaults = analysis_defaults(scenario)
    outcomes = tuple(_given(chosen.outcomes, defaults.outcomes))
    objective = _given(chosen.objective, defaults.objective)
    direction = _given(chosen.direction, defaults.direction)
    resolved = replace(
        chosen,
        levers=tuple(_given(chosen.levers, scenario.levers)),
        outcomes=outcomes,
        objective=objective,
        direction=direction,
        draws=_given(chosen.draws, defaults.draws),
    )
    _check_direction(direction)
    for outcome in [*outcomes, *filter(None, [objective])]:
        check_outcome(scenario, outcome)
    return resolved


def _given(value: T | None, fallback: T) -> T:
    """The value when given (not None), else the fallback."""
    return fallback if value is None else value


def lever_runs(levers: Sequence[Lever], *, pairs: bool = True, delays: bool = True) -> int:
    """Ensembles an evaluation simulates: each option, and each lever started late."""
    return len(lever_options(levers, pairs=pairs)) + (len(levers) if delays else 0)


def evaluate_levers(
    scenario: Scenario,
    options: LeverOptions | None = None,
    *,
    executor: Executor | None = None,
    progress: DrawProgress | None = None,
    simulate: Simulate | None = None,
) -> LeverReport:
    """Simulate the baseline, every lever and every pair on common random numbers, and compare.

    Parameters
    ----------
    scenario
        A validated scenario.
    options
        What to evaluate (default: every lever on the scenario's analysis
        settings; see :class:`LeverOptions`).
    executor
        Where the ensembles' chunks run (default: in this process).
    progress
        ``progress(done, total)`` counts draws over all runs.
    simulate
        The ensemble function (default :func:`realpolitik.simulation.simulate_ensemble`).

    Raises
    ------
    OutcomeError
        When an outcome names nothing in the scenario.
    ValueError
        When no objective is given and the scenario watches no alliance.
    """
    chosen = resolve_lever_options(scenario, options)
    objective, levers = chosen.objective, list(chosen.levers or ())
    if objective is None:
        raise ValueError("the scenario watches no alliance: name an objective outcome")
    direction = chosen.direction or DEFAULT_DIRECTION
    options_run = lever_options(levers, pairs=chosen.pairs)
    runs = lever_runs(levers, pairs=chosen.pairs, delays=chosen.delay_years is not None)
    run = _Runner(scenario, chosen, executor, simulate,
                  _RunCounter(progress, runs, chosen.draws or 0))
    results = {option.id: run(option.levers) for option in options_run}
    report = compare_options(results, options_run, list(chosen.outcomes or ()) or [objective],
                             objective, direction, interval=chosen.interval, seed=chosen.seed)
    if chosen.delay_years is None:
        return report
    delays = []
    as_of = scenario.scenario.as_of
    for lever in levers:
        late = delayed(lever, chosen.delay_years, as_of)
        overrides = late_lever_overrides(scenario, lever, late,
                                             results[lever.id].parameters)
        delays.append(delay_cost(
            results[lever.id], run([late], overrides), results[BASELINE], objective, direction,
            lever_id=lever.id, years=chosen.delay_years, start=late.start or as_of,
            interval=chosen.interval, seed=chosen.seed))
    return replace(report, delays=delays)


def late_lever_overrides(
    scenario: Scenario, on_time: Lever, late: Lever, parameters: Mapping[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Give the late lever's numbers the values its on-time twin drew (same random numbers).

    ``parameters`` are the on-time run's sampled numbers (of a whole
    ensemble, or of one chunk of it).

    The simulation names a lever's numbers by where the lever sits (a
    scenario lever by its index, another by its id), so a copy with a new
    start would otherwise draw fresh effect amounts.
    """
    from realpolitik.simulation.parameters import resolve_levers

    old = dotted(resolve_levers(scenario, [on_time])[0].path) + "."
    new = dotted(resolve_levers(scenario, [late])[0].path) + "."
    return {new + name[len(old):]: values for name, values in parameters.items()
            if name.startswith(old)}


class _Runner:
    """Simulate one option on the evaluation's seed, draws, engine and executor."""

    def __init__(self, scenario: Scenario, options: LeverOptions, executor: Executor | None,
                 simulate: Simulate | None, counter: _RunCounter) -> None:
        if simulate is None:
            from realpolitik.simulation import simulate_ensemble

            simulate = simulate_ensemble
        self.scenario, self.options, self.executor = scenario, options, executor
        self.simulate: Simulate = simulate
        self.counter = counter

    def __call__(self, levers: Sequence[Lever],
                 overrides: dict[str, np.ndarray] | None = None) -> EnsembleLike:
        result = self.simulate(self.scenario, draws=self.options.draws, seed=self.options.seed,
                               model=self.options.model, levers=levers,
                               overrides=overrides or None, executor=self.executor,
                               progress=self.counter.callback())
        self.counter.finish_run()
        return result


class _RunCounter:
    """Turn per-run progress (done, total) into progress over all runs."""

    def __init__(self, progress: DrawProgress | None, runs: int, draws: int):
        self.progress, self.total, self.draws, self.finished = progress, runs * draws, draws, 0

    def callback(self) -> DrawProgress | None:
        progress = self.progress
        if progress is None:
            return None
        offset = self.finished * self.draws
        return lambda done, _total: progress(offset + done, self.total)

    def finish_run(self) -> None:
        self.finished += 1
