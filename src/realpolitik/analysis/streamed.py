"""The outlook's analyses computed from chunks of draws as they arrive, for ensembles of any size.

:func:`streamed_outlook` is :func:`~realpolitik.analysis.outlook.forecast_outlook`
for ensembles too large to hold: the futures stream
(:func:`~realpolitik.simulation.streaming.stream_ensemble`), and every
headline number comes from all the draws:

* survival, firing shares and settlement quantiles from the ensemble's
  :class:`~realpolitik.simulation.streaming.EnsembleSummary`;
* the game changers' rupture rates from its co-occurrence counts
  (:func:`drivers_from_summary`);
* each question's probability from its indicator evaluated on every chunk
  and summed (:class:`QuestionTally`);
* the levers' effects from :func:`evaluate_levers_streamed`: the baseline
  and every option are simulated on the same chunk (same seed, same draws:
  common random numbers) and only the draw-by-draw differences are
  accumulated (:class:`PairedTally`).

Scenario discovery (PRIM) and the figures read the first ``keep`` draws
(the ensemble's sample); the Sobol design is bounded by its own sample size.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from realpolitik.analysis.drivers import Driver, Rate
from realpolitik.analysis.indicators import evaluate
from realpolitik.analysis.levers import (
    DelayCost,
    Direction,
    Effect,
    Interval,
    IntervalMethod,
    LeverOptions,
    LeverReport,
    Option,
    RegretSummary,
    delayed,
    late_lever_overrides,
    least_regret,
    lever_options,
    lever_runs,
    lever_start,
    normal_interval,
    regret,
    resolve_lever_options,
    start_counts,
)
from realpolitik.analysis.outcomes import Outcome, value
from realpolitik.analysis.questions import QuestionForecast, forecast_questions
from realpolitik.scenario.levers import Lever
from realpolitik.scenario.schema import Scenario
from realpolitik.scenario.settings import DEFAULT_DIRECTION
from realpolitik.simulation.ensemble import ensemble_ids, plan_ensemble
from realpolitik.simulation.executors import Executor, LocalExecutor
from realpolitik.simulation.results import EnsembleResult, wilson_band
from realpolitik.simulation.stepping import ChunkJob, run_chunk
from realpolitik.simulation.streaming import (
    ChunkView,
    EnsembleSummary,
    InOrder,
    stream_ensemble,
)

__all__ = [
    "BOOTSTRAP_BLOCK",
    "REGRET_BINS",
    "PairedTally",
    "QuestionTally",
    "RegretTally",
    "drivers_from_summary",
    "evaluate_levers_streamed",
]

BOOTSTRAP_BLOCK = 1024
"""Draws per block of bootstrap weights: block ``b`` holds draws ``b * 1024`` on, from its own
seed, so a draw's weights depend on the seed and its index, never on the chunk size."""

REGRET_BINS = 10_000
"""Bins of the regret histogram over the objective's range (its 90th percentile)."""

_SPAN = {"settlement": 100.0, "cohesion": 2.0, "rupture": 1.0, "fired": 1.0}
"""The widest an outcome's regret can be: the range of its values."""

Z_95 = 1.959963984540054


# ---------------------------------------------------------------------------
# Tallies
# ---------------------------------------------------------------------------
class PairedTally:
    """Mean, spread, extremes and a Poisson bootstrap of C columns of per-draw numbers.

    Columns are added a chunk of draws at a time (:meth:`add`); the state
    is (C,) moments and, for the bootstrap, (R,) and (R, C) weighted sums,
    whatever the number of draws.  The mean is the running sum over the
    count (exact, as the whole-ensemble mean, for outcomes that are whole
    numbers, so ties between options rank alike); the sum of squared
    deviations merges by Chan, Golub and LeVeque's pairwise update.  The
    bootstrap is the Poisson bootstrap (Hanley and MacGibbon 2006; Chamandy
    et al. 2012): each draw enters resample ``r`` with a Poisson(1) weight,
    seeded by the draw's block of :data:`BOOTSTRAP_BLOCK` draws and
    ``seed``, so no resamples x draws array is ever built.
    """

    def __init__(self, columns: int, *, resamples: int = 0, seed: int = 0) -> None:
        self.count = 0
        self.total = np.zeros(columns)
        self.mean = np.zeros(columns)
        self.m2 = np.zeros(columns)
        self.low = np.full(columns, np.inf)
        self.high = np.full(columns, -np.inf)
        self.resamples, self.seed = resamples, seed
        self.weight = np.zeros(resamples)
        self.weighted = np.zeros((resamples, columns))

    def add(self, values: np.ndarray, first_draw: int) -> None:
        """Add draws ``first_draw`` on: ``values`` of shape (n, C)."""
        x = np.asarray(values, dtype=float)
        n = x.shape[0]
        if n == 0:
            return
        mean = x.mean(axis=0)
        m2 = ((x - mean) ** 2).sum(axis=0)
        count = self.count + n
        delta = mean - self.mean
        self.m2 = self.m2 + m2 + delta**2 * (self.count * n / count)
        self.total = self.total + x.sum(axis=0)
        self.count = count
        self.mean = self.total / count
        self.low = np.minimum(self.low, x.min(axis=0))
        self.high = np.maximum(self.high, x.max(axis=0))
        if self.resamples:
            self._bootstrap(x, first_draw)

    def _bootstrap(self, x: np.ndarray, first_draw: int) -> None:
        stop = first_draw + x.shape[0]
        for block in range(first_draw // BOOTSTRAP_BLOCK, (stop - 1) // BOOTSTRAP_BLOCK + 1):
            begin = block * BOOTSTRAP_BLOCK
            rng = np.random.default_rng([self.seed, block])
            weights = rng.poisson(1.0, size=(self.resamples, BOOTSTRAP_BLOCK)).astype(float)
            lo, hi = max(begin, first_draw), min(begin + BOOTSTRAP_BLOCK, stop)
            used = weights[:, lo - begin : hi - begin]
            self.weight += used.sum(axis=1)
            self.weighted += used @ x[lo - first_draw : hi - first_draw]

    def state_bytes(self) -> int:
        """Bytes of the tally's arrays (fixed by the columns and resamples)."""
        return int(sum(a.nbytes for a in (self.total, self.mean, self.m2, self.low, self.high,
                                          self.weight, self.weighted)))

    def interval(self, column: int, method: IntervalMethod = "normal",
                 level: float = 0.95) -> Interval:
        """The column's mean with its interval, as ``levers.paired_interval`` gives it.

        ``normal``: mean +- z * s / sqrt(D).  ``bootstrap``: percentile
        interval of the Poisson-weighted means.  Identical numbers in every
        draw give that number as mean and bounds.
        """
        if self.count == 0:
            raise ValueError("no draws were added")
        if self.low[column] == self.high[column]:
            only = float(self.low[column])
            return Interval(only, only, only)
        mean = float(self.mean[column])
        if method == "normal":
            spread = math.sqrt(float(self.m2[column]) / (self.count - 1))
            return normal_interval(mean, spread, self.count, level)
        if method == "bootstrap":
            if not self.resamples:
                raise ValueError("this tally was made without bootstrap resamples")
            kept = self.weight > 0
            means = self.weighted[kept, column] / self.weight[kept]
            low, high = np.quantile(means, [0.5 - level / 2, 0.5 + level / 2])
            return Interval(mean, float(low), float(high))
        raise ValueError(f"unknown interval method '{method}' (expected normal or bootstrap)")


class RegretTally:
    """Each option's regret over the draws: sum, maximum and a histogram for its 90th percentile.

    The histogram spans [0, ``span``] (the objective's range) in
    :data:`REGRET_BINS` bins; a regret counts in the bin of its nearest
    multiple of ``span / REGRET_BINS``, so the 90th percentile (inverted
    CDF, as :meth:`EnsembleSummary.quantiles`) is within half a bin of the
    exact one of the draws.
    """

    def __init__(self, options: int, span: float) -> None:
        self.width = span / REGRET_BINS
        self.count = 0
        self.total = np.zeros(options)
        self.max = np.zeros(options)
        self.histogram = np.zeros((options, REGRET_BINS + 1), dtype=np.int64)

    def add(self, objective: np.ndarray, direction: Direction) -> None:
        """Add draws' objective values, shape (n, options)."""
        r = regret(objective, direction)
        self.count += r.shape[0]
        self.total += r.sum(axis=0)
        self.max = np.maximum(self.max, r.max(axis=0))
        bins = np.clip(np.rint(r / self.width), 0, REGRET_BINS).astype(np.int64)
        for o in range(r.shape[1]):
            self.histogram[o] += np.bincount(bins[:, o], minlength=REGRET_BINS + 1)

    def p90(self, option: int) -> float:
        """The 90th percentile of the option's regret (inverted CDF, to half a bin)."""
        cumulative = np.cumsum(self.histogram[option])
        rank = min(max(math.ceil(round(0.9 * self.count, 9)), 1), self.count)
        return float(np.searchsorted(cumulative, rank) * self.width)

    def summaries(self, option_ids: Sequence[str]) -> list[RegretSummary]:
        """Mean, 90th percentile and maximum regret of each option."""
        return [RegretSummary(option, float(self.total[o] / self.count), self.p90(o),
                              float(self.max[o]))
                for o, option in enumerate(option_ids)]


class QuestionTally:
    """How many draws satisfy each question's indicator, summed over the chunks."""

    def __init__(self, scenario: Scenario) -> None:
        self.indicators = {q.id: q.indicator for q in scenario.questions}
        self.holds = dict.fromkeys(self.indicators, 0)
        self.draws = 0

    def __call__(self, view: ChunkView) -> None:
        """Count one chunk."""
        self.draws += view.draws
        for question, indicator in self.indicators.items():
            self.holds[question] += int(np.count_nonzero(evaluate(indicator, view)))

    def shares(self) -> dict[str, float]:
        """Each question's share of draws in which its indicator holds."""
        return {question: count / self.draws for question, count in self.holds.items()}


def drivers_from_summary(summary: EnsembleSummary, alliance_id: str) -> list[Driver]:
    """The alliance's rupture rate with and without each game changer, from streamed counts.

    The same numbers as :func:`~realpolitik.analysis.drivers.rupture_drivers`
    on every draw's state at the horizon, in the same order.
    """
    drivers = []
    for shock in summary.shocks:
        both, fired, ruptured = summary.cooccurrence(alliance_id, shock)
        drivers.append(Driver(shock, fired / summary.draws, _rate(both, fired),
                              _rate(ruptured - both, summary.draws - fired)))
    return sorted(drivers, key=lambda d: -(d.with_shock.estimate if d.with_shock else -1.0))


def _rate(cases: int, futures: int) -> Rate | None:
    if futures == 0:
        return None
    band = wilson_band(np.asarray(float(cases)), futures)
    return Rate(float(band.estimate), float(band.low), float(band.high), futures)


# ---------------------------------------------------------------------------
# Levers on chunks
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class LeverChunkJob:
    """One range of draws for every option and every late lever (picklable)."""

    options: tuple[ChunkJob, ...]
    late: tuple[tuple[int, Lever, Lever, ChunkJob], ...]  # (option index, on time, late, job)
    outcomes: tuple[Outcome, ...]
    objective: Outcome

    @property
    def start(self) -> int:
        """The first draw."""
        return self.options[0].start


@dataclass(frozen=True)
class LeverChunkValues:
    """The outcomes of one range of draws: (n, options, outcomes) and (n, late levers).

    ``starts`` maps (option index, lever id) of each lever with ``when`` to
    how many of the draws it started at each step.
    """

    start: int
    stop: int
    values: np.ndarray
    late: np.ndarray
    starts: dict[tuple[int, str], np.ndarray] = field(default_factory=dict)


def lever_chunk_values(job: LeverChunkJob) -> LeverChunkValues:
    """Simulate every option and every late lever on one range of draws; keep their outcomes."""
    first = job.options[0]
    scenario, size = first.scenario, first.stop - first.start
    values = np.empty((size, len(job.options), len(job.outcomes)))
    parameters: list[dict[str, np.ndarray]] = []
    starts: dict[tuple[int, str], np.ndarray] = {}
    for o, option_job in enumerate(job.options):
        chunk = run_chunk(option_job)
        view = ChunkView.of(chunk, option_job, ensemble_ids(scenario, option_job.levers))
        values[:, o] = np.column_stack([value(view, outcome) for outcome in job.outcomes])
        parameters.append(chunk.parameters)  # the paths go; the late levers need the numbers
        for lever_id, steps in view.tables.get("lever_start", {}).items():
            starts[(o, lever_id)] = start_counts(steps, len(view.dates))
    late = np.empty((size, len(job.late)))
    for column, (option, on_time, lever, late_job) in enumerate(job.late):
        overrides = late_lever_overrides(scenario, on_time, lever, parameters[option])
        late_job = replace(late_job, overrides={**late_job.overrides, **overrides})
        chunk = run_chunk(late_job)
        ids = ensemble_ids(scenario, late_job.levers)
        late[:, column] = value(ChunkView.of(chunk, late_job, ids), job.objective)
    return LeverChunkValues(first.start, first.stop, values, late, starts)


@dataclass(frozen=True)
class _Columns:
    """Where each quantity sits among the paired tally's columns."""

    options: list[Option]
    labels: list[str]
    late: list[Lever]
    pairs: list[tuple[int, int, int]]  # (pair option, lever a option, lever b option)

    def raw(self, o: int, k: int) -> int:
        """Option ``o``'s value of outcome ``k``."""
        return o * len(self.labels) + k

    def effect(self, o: int, k: int) -> int:
        """Option ``o``'s paired difference from the baseline on outcome ``k``."""
        return len(self.options) * len(self.labels) + self.raw(o, k)

    def synergy(self, p: int) -> int:
        return 2 * len(self.options) * len(self.labels) + p

    def delay(self, d: int, part: int) -> int:
        return 2 * len(self.options) * len(self.labels) + len(self.pairs) + 3 * d + part

    @property
    def count(self) -> int:
        return self.delay(len(self.late), 0)


def _pairs(options: list[Option]) -> list[tuple[int, int, int]]:
    index = {option.id: o for o, option in enumerate(options)}
    return [(o, index[a.id], index[b.id]) for o, option in enumerate(options)
            if len(option.levers) == 2
            for a, b in [option.levers] if a.id in index and b.id in index]


def _columns(found: LeverChunkValues, layout: _Columns, objective: int,
             direction: Direction) -> np.ndarray:
    """Every column of the paired tally for one range of draws, (n, C)."""
    v, late = found.values, found.late
    n, options, labels = v.shape
    raw = v.reshape(n, options * labels)
    effects = (v - v[:, :1]).reshape(n, options * labels)
    target = v[:, :, objective]
    synergy = [target[:, p] - target[:, a] - target[:, b] + target[:, 0]
               for p, a, b in layout.pairs]
    delays = []
    option_of = {option.levers[0].id: o for o, option in enumerate(layout.options)
                 if len(option.levers) == 1}
    for d, lever in enumerate(layout.late):
        now, later = target[:, option_of[lever.id]], late[:, d]
        loss = (now - later) if direction == "maximise" else (later - now)
        delays += [now - target[:, 0], later - target[:, 0], loss]
    return np.column_stack([raw, effects, *synergy, *delays])


def evaluate_levers_streamed(
    scenario: Scenario,
    options: LeverOptions | None = None,
    *,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    chunk_size: int | None = None,
    resamples: int = 2000,
) -> LeverReport:
    """:func:`~realpolitik.analysis.levers.evaluate_levers` in memory that does not grow with draws.

    Each range of draws (a chunk) is simulated for the baseline, every
    option and every late lever on the same seed and draws, and only the
    outcomes are kept, long enough to add them to a :class:`PairedTally`
    (means, normal intervals, Poisson-bootstrap intervals of ``resamples``
    resamples when ``options.interval`` is ``bootstrap``) and a
    :class:`RegretTally`.  Means and normal intervals equal those of
    :func:`evaluate_levers` up to rounding; the 90th percentile of regret is
    within half a bin of the inverted-CDF percentile (the whole-ensemble one
    interpolates); bootstrap intervals use Poisson weights, not resampled
    draws, so they agree with the whole-ensemble ones only in distribution.
    """
    chosen = resolve_lever_options(scenario, options)
    objective, levers = chosen.objective, list(chosen.levers or ())
    if objective is None:
        raise ValueError("the scenario watches no alliance: name an objective outcome")
    direction: Direction = chosen.direction or DEFAULT_DIRECTION
    run_options = lever_options(levers, pairs=chosen.pairs)
    outcomes = list(chosen.outcomes or ()) or [objective]
    labels = list(dict.fromkeys([o.label for o in outcomes] + [objective.label]))
    by_label = {o.label: o for o in [*outcomes, objective]}
    late = list(levers) if chosen.delay_years is not None else []
    layout = _Columns(run_options, labels, late, _pairs(run_options))
    jobs = _lever_jobs(scenario, chosen, run_options, late, [by_label[x] for x in labels],
                       objective, chunk_size)
    bootstrap = resamples if chosen.interval == "bootstrap" else 0
    tally = PairedTally(layout.count, resamples=bootstrap, seed=chosen.seed)
    regrets = RegretTally(len(run_options), _SPAN[objective.kind])
    aim = labels.index(objective.label)
    draws = int(chosen.draws or 0)
    total = lever_runs(levers, pairs=chosen.pairs, delays=bool(late)) * draws
    starts: dict[tuple[int, str], np.ndarray] = {}

    def add(_job: LeverChunkJob, found: LeverChunkValues) -> None:
        tally.add(_columns(found, layout, aim, direction), found.start)
        regrets.add(found.values[:, :, aim], direction)
        for key, counts in found.starts.items():
            starts[key] = starts[key] + counts if key in starts else counts.copy()
        if progress is not None:
            progress(found.stop * total // draws, total)

    (executor or LocalExecutor()).run(lever_chunk_values, jobs, InOrder(add).collect)
    report = _report(scenario, chosen, layout, tally, regrets, objective.label, direction)
    dates = list(jobs[0].options[0].dates) if jobs else []
    return replace(report, starts=[
        lever_start(option.id, lever, starts[(o, lever.id)], report.draws, dates)
        for o, option in enumerate(layout.options) for lever in option.levers
        if (o, lever.id) in starts])


def _lever_jobs(scenario: Scenario, chosen: LeverOptions, run_options: list[Option],
                late: list[Lever], outcomes: list[Outcome], objective: Outcome,
                chunk_size: int | None) -> list[LeverChunkJob]:
    """One job per range of draws, holding every option's chunk of it."""
    def jobs_of(levers: Sequence[Lever]) -> list[ChunkJob]:
        return plan_ensemble(scenario, draws=int(chosen.draws or 0), seed=chosen.seed,
                             model=chosen.model, levers=levers, chunk_size=chunk_size).jobs

    per_option = [jobs_of(option.levers) for option in run_options]
    index = {option.levers[0].id: o for o, option in enumerate(run_options)
             if len(option.levers) == 1}
    as_of = scenario.scenario.as_of
    late_plans = []
    for lever in late:
        moved = delayed(lever, float(chosen.delay_years or 0.0), as_of)
        late_plans.append((index[lever.id], lever, moved, jobs_of([moved])))
    return [LeverChunkJob(tuple(jobs[c] for jobs in per_option),
                          tuple((o, lever, moved, jobs[c]) for o, lever, moved, jobs in late_plans),
                          tuple(outcomes), objective)
            for c in range(len(per_option[0]))]


def _report(scenario: Scenario, chosen: LeverOptions, layout: _Columns, tally: PairedTally,
            regrets: RegretTally, objective: str, direction: Direction) -> LeverReport:
    """The lever report of the tallies, as ``levers.compare_options`` lays it out."""
    method: IntervalMethod = chosen.interval
    effects: dict[str, dict[str, Effect]] = {}
    for o, option in enumerate(layout.options):
        effects[option.id] = {
            label: Effect(option.id, label, float(tally.mean[layout.raw(0, k)]),
                          float(tally.mean[layout.raw(o, k)]),
                          tally.interval(layout.effect(o, k), method))
            for k, label in enumerate(layout.labels)}
    ids = [option.id for option in layout.options]
    sign = 1.0 if direction == "maximise" else -1.0
    ranking = sorted(ids, key=lambda o: (-sign * effects[o][objective].effect.mean,
                                         ids.index(o)))
    summaries = regrets.summaries(ids)
    synergy = {layout.options[p].id: tally.interval(layout.synergy(n), method)
               for n, (p, _, _) in enumerate(layout.pairs)}
    start = scenario.scenario.as_of
    delays = []
    for d, lever in enumerate(layout.late):
        moved = delayed(lever, float(chosen.delay_years or 0.0), start)
        delays.append(DelayCost(lever.id, float(chosen.delay_years or 0.0),
                                (moved.start or start).isoformat(),
                                *(tally.interval(layout.delay(d, part), method)
                                  for part in range(3))))
    from realpolitik._version import __version__

    return LeverReport(
        scenario_id=scenario.scenario.id, seed=int(chosen.seed), draws=int(tally.count),
        model=str(chosen.model), version=__version__, objective=objective,
        direction=direction, outcomes=layout.labels, options=layout.options, effects=effects,
        ranking=ranking, regret=summaries, minimax_regret=least_regret(summaries, "max"),
        least_mean_regret=least_regret(summaries, "mean"), synergy=synergy, interval=method,
        delays=delays if chosen.delay_years is not None else [])


# ---------------------------------------------------------------------------
# The streamed outlook's parts
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class StreamedFutures:
    """A streamed ensemble (its sample, with the summary of all draws) and its questions."""

    ensemble: EnsembleResult
    summary: EnsembleSummary
    questions: list[QuestionForecast]


def stream_futures(scenario: Scenario, *, draws: int, seed: int, model: str,
                   horizon_years: float | None, executor: Executor | None, keep: int,
                   folder: Path | None, progress: Callable[[int, int], None] | None,
                   chunk_size: int | None = None) -> StreamedFutures:
    """Stream the scenario's futures, tallying its questions on every chunk."""
    tally = QuestionTally(scenario)
    ensemble = stream_ensemble(scenario, draws=draws, seed=seed, model=model,
                               horizon_years=horizon_years, executor=executor, keep=keep,
                               folder=folder, progress=progress, chunk_size=chunk_size,
                               consumers=[tally] if scenario.questions else [])
    summary = ensemble.summary
    if not isinstance(summary, EnsembleSummary):  # pragma: no cover - stream_ensemble sets it
        raise TypeError("a streamed ensemble carries its summary")
    questions = []
    if scenario.questions:
        questions = forecast_questions(scenario, ensemble, shares=tally.shares(),
                                       draws=summary.draws)
    return StreamedFutures(ensemble, summary, questions)

