"""Step one chunk of draws through time: trends, shocks, levers, bargaining, cohesion, rupture.

Each step ``t = 0 .. T`` (``t = 0`` is the scenario's ``as_of``):

1. **Shocks fire.**  A shock not yet fired (or a ``recurring`` one, fired
   or not), whose ``requires`` all fired at earlier steps, fires at step
   ``t >= 1`` when the draw's uniform number for ``(shock, t)`` is below its
   hazard (the sampled hazard times ``(1 + hazard_trend) ** years`` when the
   shock has a trend, then the hazard effects of the shocks and levers in
   force, then times its ``hazard_factor``, kept within [0, 1]; a factor
   that is negative or NaN gives 0); a fixed-date shock fires at the first
   step dated on or after its date (step 0 included) once its requirements
   hold.  Hazard factors read the firings before step ``t``.
1b. **Mechanisms of the firing step**: each effect ``factor`` of a shock
   that fired at ``t`` is read and kept for that firing (NaN as 0, and
   within +-``MAX_MAGNITUDE``: an infinite factor gives the largest); each
   lever with a ``when`` not yet started (and past its ``start``) starts
   at ``t`` where its condition holds (a comparison with NaN does not).
   Both read the firings up to and including ``t``.
2. **Stated positions are rebuilt** from the base: trends, then the effects
   of the shocks in force (fired at or before ``t``, within their duration;
   the effects of several firings of a recurring shock add up: see
   :func:`_apply_stacked`), then those of the levers in force (started on or
   before the step's date, or at or before the step where their condition
   first held).
3. **Random walk**: each active stance's position and salience add their
   walk so far (:mod:`realpolitik.simulation.walk`).
4. **Pull**: at ``t >= 1`` each stated position leans toward the previous
   step's settlement by ``pull * (1 - salience)`` (nothing when ``pull`` is
   0, the default).
5. **Bargaining**: the engine (or, in a mixture, each draw's engine)
   forecasts each issue's settlement from the stated positions of this step.
6. **Cohesion** of each watched alliance: the salience-weighted S-score of
   its members' stated positions, counting shared stakes.

**Rupture** is then read from the paths: an alliance ruptures at the step
where its rule's metric has been below the threshold for the rule's number
of consecutive steps (step 0 counts), or where a shock its rule lists has
fired; it stays ruptured (:mod:`realpolitik.simulation.rupture`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from realpolitik.models.cohesion import Cohesion, alliance_cohesion
from realpolitik.models.registry import engine, engine_names
from realpolitik.scenario.dynamics import (
    DEFAULT_RUPTURE_RULE,
    STEPS_PER_YEAR,
    Dynamics,
    RuptureRule,
    RuptureSpec,
    Trend,
    parse_rupture_rule,
    parse_target,
)
from realpolitik.scenario.quantity import MAX_MAGNITUDE
from realpolitik.scenario.schema import Scenario, dotted
from realpolitik.simulation.clock import first_step_on_or_after
from realpolitik.simulation.mechanisms import Mechanism, Reading
from realpolitik.simulation.mixture import MIXTURE, draw_engines
from realpolitik.simulation.parameters import (
    ENGINE_PARAMETER,
    AppliedLever,
    engine_choice,
    sample_values,
    shock_uniforms,
    simulated_quantities,
)
from realpolitik.simulation.rupture import rupture_paths, spec_values
from realpolitik.simulation.state import (
    Layout,
    StepEffect,
    apply_effect,
    base_state,
    clip_state,
    compile_effects,
    copy_state,
)
from realpolitik.simulation.walk import StanceWalk, apply_pull, stance_walks

__all__ = ["MODELS", "ChunkJob", "ChunkResult", "bargain", "run_chunk", "step_settle"]

MODELS: tuple[str, ...] = engine_names(stepping=True)
"""Bargaining engines a simulation can use at each step (the registry's stepping engines)."""

NEVER = np.iinfo(np.int64).max
"""Firing step of a shock that has not fired."""


@dataclass(frozen=True)
class ChunkJob:
    """Everything needed to simulate draws ``start`` to ``stop - 1`` (picklable).

    ``model`` is an engine of :data:`MODELS`, or ``"mixture"`` with
    ``engine_weights`` the normalised ``(engine, weight)`` pairs.
    """

    scenario: Scenario
    levers: tuple[AppliedLever, ...]
    model: str
    seed: int
    start: int
    stop: int
    dates: tuple[dt.date, ...]
    overrides: Mapping[str, np.ndarray] = field(default_factory=dict)
    engine_weights: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class ChunkResult:
    """The simulated paths of one chunk; time on axis 1, shape (n, T + 1, ...)."""

    start: int
    stop: int
    settlement: np.ndarray  # (n, T+1, K)
    cohesion: np.ndarray  # (n, T+1, A)
    issue_cohesion: np.ndarray  # (n, T+1, A)
    ruptured: np.ndarray  # (n, T+1, A) bool
    shock_fired: np.ndarray  # (n, T+1, S) bool
    parameters: dict[str, np.ndarray]  # name -> (n,)
    shock_count: np.ndarray  # (n, T+1, S) int64: firings so far
    shock_hazard: np.ndarray  # (n, T+1, M) hazard of each mechanism shock; NaN at step 0
    engine: np.ndarray | None = None  # (n,) index into the job's engine_weights (mixtures)
    lever_start: np.ndarray | None = None  # (n, W) start step of each lever with `when`; -1 never


def bargain(
    model: str,
    positions: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    active: np.ndarray,
) -> np.ndarray:
    """Forecast each issue's settlement, (n, K), with the named stepping engine."""
    if model not in MODELS:
        raise ValueError(f"unknown model '{model}'; expected one of {', '.join(MODELS)}")
    return engine(model).settle(positions, salience, capability, active)


def step_settle(model: str) -> Callable[..., np.ndarray]:
    """The forecast function for one chunk's successive steps with the named engine.

    The engine's stepper where it has one (it may reuse the previous step's
    work, see :class:`~realpolitik.models.registry.Engine`), else its settle.
    """
    if model not in MODELS:
        raise ValueError(f"unknown model '{model}'; expected one of {', '.join(MODELS)}")
    chosen = engine(model)
    return chosen.stepper() if chosen.stepper is not None else chosen.settle


@dataclass(frozen=True)
class _DrawRule:
    """An alliance's rupture rule for a chunk: constants or per-draw values (n,)."""

    metric: str
    comparison: str
    threshold: np.ndarray | float | None
    steps: np.ndarray | int
    events: list[int]


def rupture_rules(scenario: Scenario) -> list[RuptureRule | None]:
    """Each alliance's rule string, parsed (the default where none is given); None for a mapping."""
    return [
        None if a.rupture is not None and not isinstance(a.rupture, str)
        else parse_rupture_rule(a.rupture or DEFAULT_RUPTURE_RULE)
        for a in scenario.alliances
    ]


def _draw_rules(scenario: Scenario, layout: Layout, values: dict[str, np.ndarray]
                ) -> list[_DrawRule]:  # fmt: skip
    rules = []
    for index, (alliance, parsed) in enumerate(
        zip(scenario.alliances, rupture_rules(scenario), strict=True)
    ):
        if parsed is not None:
            rules.append(_DrawRule(parsed.metric, parsed.comparison, parsed.threshold,
                                   parsed.steps, []))
            continue
        spec = alliance.rupture
        if not isinstance(spec, RuptureSpec):
            raise TypeError(f"alliance '{alliance.id}': a rule that is not text must be a "
                            "RuptureSpec")
        threshold, steps = spec_values(spec, index, values)
        events = [layout.shocks.index(event) for event in spec.events]
        rules.append(_DrawRule(spec.metric, "<", threshold, steps, events))
    return rules


def trend_steps(trend: Trend, dates: tuple[dt.date, ...]) -> np.ndarray:
    """How many steps a trend has run by each step, shape (T + 1,).

    Step ``s >= 1`` adds one drift when its date lies within the trend's
    start and end (start defaults to ``as_of``, end to never).
    """
    start = trend.start or dates[0]
    runs = [0] + [
        int(start <= date and (trend.end is None or date <= trend.end)) for date in dates[1:]
    ]
    return np.cumsum(runs)


@dataclass
class _Plan:
    """A chunk's compiled scenario."""

    layout: Layout
    base: dict[str, np.ndarray]
    active: np.ndarray  # (n, N, K)
    trends: list[tuple[StepEffect, np.ndarray]]
    shock_effects: list[list[StepEffect]]
    fixed_step: np.ndarray  # (S,), NEVER for random shocks
    requires: list[list[int]]
    durations: list[int | None]
    lever_effects: list[list[StepEffect]]
    lever_start: list[int]
    rules: list[_DrawRule]
    hazard_growth: list[tuple[int, np.ndarray]]  # (shock, (n,) yearly growth)
    step_years: float
    walks: list[StanceWalk]
    pull: np.ndarray | None  # (n,), None when 0 in every draw
    recurring: list[bool]
    stacking: list[bool]  # effects kept firing by firing (recurring, or an effect factor)
    hazard_factors: list[tuple[int, Mechanism]]
    effect_factors: list[list[Mechanism | None]]
    lever_when: list[Mechanism | None]
    mechanism_shocks: list[int]  # shocks whose hazard is recorded
    values: dict[str, np.ndarray]

    @property
    def reads_state(self) -> bool:
        """True when some mechanism expression is read during the steps."""
        return bool(self.hazard_factors or any(m is not None for m in self.lever_when)
                    or any(m is not None for ms in self.effect_factors for m in ms))


@dataclass
class _Run:
    """What a chunk's steps accumulate about firings and condition-started levers."""

    fired_step: np.ndarray  # (n, S) step of the first firing, NEVER if none
    counts: np.ndarray  # (n, S) firings so far
    hits: dict[int, np.ndarray]  # stacking shock -> (n, T+1) 1 at each firing step
    weights: dict[tuple[int, int], np.ndarray]  # (shock, effect) -> (n, T+1) factor at firing
    lever_started: list[np.ndarray | None]  # (n,) start step of a lever with `when`
    reading: Reading | None = None  # the previous step's state, for mechanisms


def _new_run(plan: _Plan, size: int, steps: int) -> _Run:
    n_shocks = len(plan.layout.shocks)
    return _Run(
        fired_step=np.full((size, n_shocks), NEVER, dtype=np.int64),
        counts=np.zeros((size, n_shocks), dtype=np.int64),
        hits={s: np.zeros((size, steps)) for s, on in enumerate(plan.stacking) if on},
        weights={(s, e): np.zeros((size, steps))
                 for s, factors in enumerate(plan.effect_factors)
                 for e, factor in enumerate(factors) if factor is not None},
        lever_started=[None if when is None else np.full(size, NEVER, dtype=np.int64)
                       for when in plan.lever_when],
    )


def _plan(job: ChunkJob, values: dict[str, np.ndarray]) -> _Plan:
    scenario, dates, size = job.scenario, list(job.dates), job.stop - job.start
    layout = Layout.of(scenario)
    base, active = base_state(scenario, layout, values, size)
    step_years = 1.0 / STEPS_PER_YEAR[(scenario.dynamics or Dynamics()).step]
    trends, shock_effects, fixed, requires, durations, growth = [], [], [], [], [], []
    recurring, hazard_factors, effect_factors, mechanism_shocks = [], [], [], []
    pull = None
    if scenario.dynamics is not None:
        for index, trend in enumerate(scenario.dynamics.trends):
            array, where = layout.locate(parse_target(trend.target))
            drift = values[dotted(("dynamics", "trends", index, "drift"))]
            trends.append((StepEffect(array, where, "shift", drift), trend_steps(trend, job.dates)))
        for index, shock in enumerate(scenario.dynamics.shocks):
            prefix = ("dynamics", "shocks", index)
            shock_effects.append(compile_effects(shock.effects, prefix, layout, values))
            fixed.append(NEVER if shock.date is None else first_step_on_or_after(dates, shock.date))
            requires.append([layout.shocks.index(other) for other in shock.requires])
            durations.append(shock.duration)
            if shock.hazard_trend is not None:
                growth.append((index, values[dotted((*prefix, "hazard_trend"))]))
            recurring.append(bool(shock.recurring))
            if shock.hazard_factor is not None:
                hazard_factors.append((index, Mechanism(shock.hazard_factor, layout)))
            if shock.is_mechanism:
                mechanism_shocks.append(index)
            effect_factors.append([None if e.factor is None else Mechanism(e.factor, layout)
                                   for e in shock.effects])
        if scenario.dynamics.pull is not None:
            pull = values[dotted(("dynamics", "pull"))]
            pull = pull if np.any(pull != 0) else None
    return _Plan(
        layout=layout,
        base=base,
        active=np.broadcast_to(active, base["positions"].shape).copy(),
        trends=trends,
        shock_effects=shock_effects,
        fixed_step=np.array(fixed, dtype=np.int64),
        requires=requires,
        durations=durations,
        lever_effects=[
            compile_effects(a.lever.effects, a.path, layout, values) for a in job.levers
        ],
        lever_start=[first_step_on_or_after(dates, a.lever.start) for a in job.levers],
        rules=_draw_rules(scenario, layout, values),
        hazard_growth=growth,
        step_years=step_years,
        walks=stance_walks(scenario, layout, values, (job.seed, job.start, job.stop), step_years),
        pull=pull,
        recurring=recurring,
        stacking=[again or any(f is not None for f in factors)
                  for again, factors in zip(recurring, effect_factors, strict=True)],
        hazard_factors=hazard_factors,
        effect_factors=effect_factors,
        lever_when=[None if a.lever.when is None else Mechanism(a.lever.when, layout)
                    for a in job.levers],
        mechanism_shocks=mechanism_shocks,
        values=values,
    )


def _in_force(plan: _Plan, fired_step: np.ndarray, s: int, t: int, *, before: bool) -> np.ndarray:
    """Draws where shock ``s`` is in force at step ``t`` (fired before ``t`` if ``before``)."""
    fired = fired_step[:, s] < t if before else fired_step[:, s] <= t
    duration = plan.durations[s]
    if duration is not None:
        fired &= t < fired_step[:, s] + duration
    return fired


def _hazard_now(plan: _Plan, run: _Run, t: int) -> np.ndarray:
    """Hazards at step ``t``: trend, hazard effects in force, then hazard factors; in [0, 1].

    The hazard effects are those of the shocks and levers in force before
    ``t``; the hazard factors read the firings before ``t``.
    """
    state = {"hazard": plan.base["hazard"].copy()}
    years = t * plan.step_years
    for s, growth in plan.hazard_growth:
        state["hazard"][:, s] = np.clip(state["hazard"][:, s] * (1.0 + growth) ** years, 0.0, 1.0)
    for s, effects in enumerate(plan.shock_effects):
        hazard_effects = [e for e in effects if e.array == "hazard"]
        if hazard_effects and plan.stacking[s]:
            _apply_stacked(plan, run, state, s, t, before=True)
        elif hazard_effects:
            mask = _in_force(plan, run.fired_step, s, t, before=True)
            for effect in hazard_effects:
                apply_effect(state, effect, mask)
    for lever, effects in enumerate(plan.lever_effects):
        hazard_effects = [effect for effect in effects if effect.array == "hazard"]
        if hazard_effects:
            _apply_where(state, hazard_effects, _lever_in_force(plan, run, lever, t, before=True))
    hazard = np.clip(state["hazard"], 0.0, 1.0)
    if plan.hazard_factors and run.reading is not None:
        reading = _with_counts(run.reading, run.counts, years)
        for s, factor in plan.hazard_factors:
            hazard[:, s] = _factored(hazard[:, s], factor(reading))
    return hazard


def _lever_in_force(plan: _Plan, run: _Run, lever: int, t: int, *,
                    before: bool) -> bool | np.ndarray:  # fmt: skip
    """Whether lever ``lever`` is in force at step ``t``: one answer, or one per draw.

    A lever with a date is in force from the step its date falls on; a
    lever with ``when`` in the draws where it started at or before ``t``
    (before ``t`` if ``before``: its hazard effects, read in the firing
    phase, count from the step after the one it started).
    """
    started = run.lever_started[lever]
    if started is None:
        return plan.lever_start[lever] <= t
    return started < t if before else started <= t


def _apply_where(state: dict[str, np.ndarray], effects: list[StepEffect],
                 where: bool | np.ndarray) -> None:  # fmt: skip
    """Apply ``effects`` everywhere (True), nowhere (False) or in the draws of a mask."""
    if isinstance(where, np.ndarray):
        if where.any():
            for effect in effects:
                apply_effect(state, effect, where)
    elif where:
        for effect in effects:
            apply_effect(state, effect)


def _factored(hazard: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """``hazard x factor`` kept within [0, 1]; a negative or NaN product gives 0."""
    with np.errstate(invalid="ignore", over="ignore"):
        product = hazard * factor.astype(float)
    return np.clip(np.nan_to_num(product, nan=0.0, posinf=1.0, neginf=0.0), 0.0, 1.0)


def _with_counts(reading: Reading, counts: np.ndarray, years: float) -> Reading:
    return Reading(counts, reading.settlement, reading.cohesion, reading.positions,
                   reading.salience, years, reading.parameters)


def _fire(plan: _Plan, run: _Run, uniforms: np.ndarray, t: int) -> np.ndarray | None:
    """Fire the shocks due at step ``t``, in place in ``run``; return the hazards (n, S) used.

    None at step 0, where only fixed-date shocks fire.
    """
    fired_step = run.fired_step
    if fired_step.shape[1] == 0:
        return None
    hazard = _hazard_now(plan, run, t) if t >= 1 else None
    fired_before = fired_step < t
    for s, needs in enumerate(plan.requires):
        ready = fired_before[:, needs].all(axis=1)
        if not plan.recurring[s]:
            ready &= fired_step[:, s] == NEVER
        if plan.fixed_step[s] != NEVER:
            due = ready & (plan.fixed_step[s] <= t)
        elif hazard is not None:
            due = ready & (uniforms[:, s, t - 1] < hazard[:, s])
        else:
            continue
        fired_step[due & (fired_step[:, s] == NEVER), s] = t
        run.counts[due, s] += 1
        if plan.stacking[s]:
            run.hits[s][due, t] = 1.0
    return hazard


def _after_firing(plan: _Plan, run: _Run, t: int) -> None:
    """Read the effect factors of the shocks fired at ``t``; start the levers whose condition holds.

    Both read the firings up to and including ``t``.
    """
    if run.reading is None:
        return
    reading = _with_counts(run.reading, run.counts, t * plan.step_years)
    for (s, e), weights in run.weights.items():
        now = run.hits[s][:, t] > 0
        if now.any():
            factor = plan.effect_factors[s][e]
            if factor is None:
                raise TypeError("an effect weight without a factor")  # pragma: no cover
            weights[now, t] = _effect_weight(factor(reading), plan.shock_effects[s][e])[now]
    for lever, when in enumerate(plan.lever_when):
        started = run.lever_started[lever]
        if when is not None and started is not None and plan.lever_start[lever] <= t:
            started[(started == NEVER) & when(reading).astype(bool)] = t


def _effect_weight(factor: np.ndarray, effect: StepEffect) -> np.ndarray:
    """One firing's weight: the factor, NaN as 0, within +-MAX_MAGNITUDE (at least 0 for a scale).

    Bounding the weight keeps the sum over firings finite (an infinite factor,
    1 / 0, would make ``0 x inf`` or ``inf - inf``, NaN, in the state).
    """
    value = np.nan_to_num(factor.astype(float), nan=0.0, posinf=MAX_MAGNITUDE,
                          neginf=-MAX_MAGNITUDE)
    low = 0.0 if effect.operation == "scale" else -MAX_MAGNITUDE
    return np.clip(value, low, MAX_MAGNITUDE)


def _apply_stacked(plan: _Plan, run: _Run, state: dict[str, np.ndarray], s: int, t: int,
                   *, before: bool = False) -> None:  # fmt: skip
    """Apply shock ``s``'s effects of every firing in force at step ``t``.

    The firings at steps ``u <= t`` (``u < t`` if ``before``: then only the
    hazard effects are applied, as the firing phase of step ``t`` needs them)
    with ``t < u + duration`` (all of them without a duration) are in
    force.  Summing each firing's factor
    ``w`` (1 without a factor) over them gives ``W``: a ``shift`` adds
    ``amount x W``, a ``scale`` multiplies by ``amount ** W`` (at most
    ``MAX_MAGNITUDE``, so that a large ``W`` cannot make an infinite
    capability), a ``set`` applies where at least one firing is in force.
    """
    duration = plan.durations[s]
    first = 0 if duration is None else max(0, t - duration + 1)
    last = t - 1 if before else t
    if last < first:
        return
    hits = run.hits[s][:, first : last + 1].sum(axis=1)
    mask = hits > 0
    if not mask.any():
        return
    for e, effect in enumerate(plan.shock_effects[s]):
        if before and effect.array != "hazard":
            continue
        weights = run.weights.get((s, e))
        total = hits if weights is None else weights[:, first : last + 1].sum(axis=1)
        if effect.operation == "shift":
            amount = effect.amount * total
        elif effect.operation == "scale":
            with np.errstate(over="ignore"):
                amount = np.minimum(effect.amount ** total, MAX_MAGNITUDE)
        else:
            amount = effect.amount
        apply_effect(state, StepEffect(effect.array, effect.index, effect.operation, amount), mask)


def _stated_state(plan: _Plan, run: _Run, t: int) -> dict[str, np.ndarray]:
    """The state of step ``t``: base, then trends, shocks in force, levers in force; clipped."""
    state = copy_state(plan.base)
    for effect, runs in plan.trends:
        if runs[t]:
            scaled = StepEffect(effect.array, effect.index, "shift", effect.amount * runs[t])
            apply_effect(state, scaled)
    for s, effects in enumerate(plan.shock_effects):
        if plan.stacking[s]:
            _apply_stacked(plan, run, state, s, t)
            continue
        mask = _in_force(plan, run.fired_step, s, t, before=False)
        if mask.any():
            for effect in effects:
                apply_effect(state, effect, mask)
    for lever, effects in enumerate(plan.lever_effects):
        _apply_where(state, effects, _lever_in_force(plan, run, lever, t, before=False))
    clip_state(state)
    return state


def _cohesion(plan: _Plan, state: dict[str, np.ndarray], alliance: str) -> Cohesion:
    a, b = plan.layout.members[alliance]
    return alliance_cohesion(
        state["positions"][:, a],
        state["positions"][:, b],
        state["salience"][:, a],
        state["salience"][:, b],
        active_a=plan.active[:, a],
        active_b=plan.active[:, b],
        stake_weights=state[f"stakes.{alliance}"],
    )


def _step_settles(job: ChunkJob) -> dict[str, Callable[..., np.ndarray]]:
    """A step forecast function (:func:`step_settle`) per engine the chunk bargains with.

    Each is called with the same draws at every step (a draw keeps its
    engine), so an engine's stepper may reuse its previous step's work.
    """
    if job.model != MIXTURE:
        return {job.model: step_settle(job.model)}
    return {name: step_settle(name) for name, _ in job.engine_weights}


def _bargain_draws(settles: Mapping[str, Callable[..., np.ndarray]], job: ChunkJob,
                   engine: np.ndarray | None, state: dict[str, np.ndarray],
                   active: np.ndarray) -> np.ndarray:  # fmt: skip
    """Settlements (n, K): one engine for every draw, or each draw's engine in a mixture."""
    arrays = (state["positions"], state["salience"], state["capability"], active)
    if engine is None:
        return settles[job.model](*arrays)
    n, _, issues = arrays[0].shape
    settlement = np.empty((n, issues))
    for code, (name, _) in enumerate(job.engine_weights):
        rows = engine == code
        if rows.all():
            return settles[name](*arrays)
        if rows.any():
            settlement[rows] = settles[name](*(array[rows] for array in arrays))
    return settlement


def _ruptures(plan: _Plan, cohesion: np.ndarray, issue_cohesion: np.ndarray,
              fired: np.ndarray) -> np.ndarray:  # fmt: skip
    """Ruptured flags (n, T + 1, A) from the cohesion paths and the shocks' firing paths."""
    ruptured = np.zeros(cohesion.shape, dtype=bool)
    for a, rule in enumerate(plan.rules):
        metric = cohesion[:, :, a] if rule.metric == "cohesion" else issue_cohesion[:, :, a]
        events = np.asarray(fired[:, :, rule.events].any(axis=2)) if rule.events else None
        ruptured[:, :, a] = rupture_paths(
            metric, rule.comparison, rule.threshold, rule.steps, events
        )
    return ruptured


def _stance_state(plan: _Plan, run: _Run, t: int,
                  previous: np.ndarray | None) -> dict[str, np.ndarray]:  # fmt: skip
    """The stated state of step ``t``: rebuilt, then the random walk, then the pull."""
    state = _stated_state(plan, run, t)
    if t >= 1:
        for walk in plan.walks:
            walk.step(state)
        if plan.pull is not None and previous is not None:
            apply_pull(state, plan.active, plan.pull, previous)
    return state


def _reading(plan: _Plan, state: dict[str, np.ndarray], settlement: np.ndarray,
             cohesion: np.ndarray, run: _Run) -> Reading:  # fmt: skip
    """What mechanisms read at the next step: this step's settlement, cohesion and stances."""
    return Reading(run.counts, settlement, cohesion, state["positions"], state["salience"],
                   0.0, plan.values)


def _baseline(plan: _Plan, job: ChunkJob, engines: np.ndarray | None, run: _Run) -> Reading:
    """The state mechanisms read at step 0: the stated state at ``as_of``.

    The sampled positions and saliences before any trend, shock, lever or
    random walk, each draw's engine's settlement of them (its plain settle,
    so that a stepper's memory of the steps is left alone) and the cohesion
    they imply.
    """
    state = copy_state(plan.base)
    clip_state(state)
    names = [name for name, _ in job.engine_weights] if engines is not None else [job.model]
    settles = {name: engine(name).settle for name in names}
    settlement = _bargain_draws(settles, job, engines, state, plan.active)
    cohesion = np.empty((settlement.shape[0], len(plan.layout.alliances)))
    for a, alliance in enumerate(plan.layout.alliances):
        cohesion[:, a] = _cohesion(plan, state, alliance).score
    return _reading(plan, state, settlement, cohesion, run)


def run_chunk(job: ChunkJob) -> ChunkResult:
    """Simulate draws ``job.start`` to ``job.stop - 1`` over every step of ``job.dates``."""
    quantities = simulated_quantities(job.scenario, job.levers)
    values = sample_values(quantities, job.seed, job.start, job.stop, job.overrides)
    plan = _plan(job, values)
    size, steps = job.stop - job.start, len(job.dates)
    n_shocks, alliances = len(plan.layout.shocks), plan.layout.alliances
    uniforms = np.stack(
        [shock_uniforms(job.seed, shock, job.start, job.stop, steps - 1)
         for shock in plan.layout.shocks] or [np.zeros((size, steps - 1))],
        axis=1,
    )
    engine, choice = None, None
    if job.model == MIXTURE:
        choice = engine_choice(job.seed, job.start, job.stop, job.overrides)
        engine = draw_engines(job.engine_weights, choice)
    run = _new_run(plan, size, steps)
    settlement = np.empty((size, steps, len(plan.layout.issues)))
    cohesion = np.empty((size, steps, len(alliances)))
    issue_cohesion = np.empty_like(cohesion)
    fired = np.zeros((size, steps, n_shocks), dtype=bool)
    counts = np.zeros((size, steps, n_shocks), dtype=np.int64)
    hazards = np.full((size, steps, len(plan.mechanism_shocks)), np.nan)
    settles = _step_settles(job)
    if plan.reads_state:
        run.reading = _baseline(plan, job, engine, run)
    for t in range(steps):
        hazard = _fire(plan, run, uniforms, t)
        if hazard is not None:
            hazards[:, t] = hazard[:, plan.mechanism_shocks]
        _after_firing(plan, run, t)
        fired[:, t] = run.fired_step <= t
        counts[:, t] = run.counts
        state = _stance_state(plan, run, t, settlement[:, t - 1] if t else None)
        settlement[:, t] = _bargain_draws(settles, job, engine, state, plan.active)
        for a, alliance in enumerate(alliances):
            result = _cohesion(plan, state, alliance)
            cohesion[:, t, a], issue_cohesion[:, t, a] = result.score, result.s_issues
        if plan.reads_state:
            run.reading = _reading(plan, state, settlement[:, t], cohesion[:, t, :], run)
    ruptured = _ruptures(plan, cohesion, issue_cohesion, fired)
    reported = {
        name: values[name]
        for name, quantity in quantities.items()
        if quantity.uncertain or name in job.overrides
    }
    if choice is not None and len(job.engine_weights) >= 2:
        reported[ENGINE_PARAMETER] = choice
    return ChunkResult(
        start=job.start, stop=job.stop, settlement=settlement, cohesion=cohesion,
        issue_cohesion=issue_cohesion, ruptured=ruptured, shock_fired=fired,
        parameters=reported, shock_count=counts, shock_hazard=hazards, engine=engine,
        lever_start=_lever_starts(run, size),
    )


def _lever_starts(run: _Run, size: int) -> np.ndarray:
    """(n, W) step at which each lever with ``when`` started, in the job's order; -1 never."""
    started = [steps for steps in run.lever_started if steps is not None]
    if not started:
        return np.zeros((size, 0), dtype=np.int64)
    stacked = np.column_stack(started)
    return np.where(stacked == NEVER, -1, stacked)
