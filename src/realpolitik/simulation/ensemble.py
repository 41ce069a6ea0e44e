"""Monte Carlo ensembles: many draws of a scenario stepped through time, chunk by chunk."""

from __future__ import annotations

import datetime as dt
import hashlib
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from realpolitik._version import __version__
from realpolitik.models.registry import engine
from realpolitik.scenario.dynamics import Dynamics
from realpolitik.scenario.levers import Lever
from realpolitik.scenario.schema import Scenario
from realpolitik.simulation.clock import step_dates
from realpolitik.simulation.executors import Executor, LocalExecutor
from realpolitik.simulation.mechanisms import mechanism_shocks
from realpolitik.simulation.mixture import DEFAULT_ENGINE_WEIGHTS, MIXTURE, mixture_weights
from realpolitik.simulation.parameters import (
    ENGINE_PARAMETER,
    AppliedLever,
    check_overrides,
    resolve_levers,
    simulated_quantities,
)
from realpolitik.simulation.results import PATH_ORDER, EnsembleResult, keyed_arrays
from realpolitik.simulation.rupture import rupture_record
from realpolitik.simulation.stepping import MODELS, ChunkJob, ChunkResult, run_chunk

__all__ = ["DEFAULT_CHUNK_SIZE", "EnsemblePlan", "engine_weights_of", "ensemble_ids", "head",
           "plan_ensemble", "scenario_hash", "simulate_ensemble"]

DEFAULT_CHUNK_SIZE = 8192
"""Draws per chunk: large enough that NumPy's per-call overhead is small, small enough
that a chunk's arrays stay in the tens of megabytes."""


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON: two runs of the same scenario share it."""
    return hashlib.sha256(scenario.model_dump_json().encode("utf-8")).hexdigest()


def default_chunk_size(model: str, weights: Sequence[tuple[str, float]] = ()) -> int:
    """Draws per chunk for an engine: the registry's choice, else :data:`DEFAULT_CHUNK_SIZE`.

    For a mixture, the smallest choice among the engines it gives a weight
    (``weights`` as :func:`engine_weights_of` returns them).
    """
    names = [name for name, weight in weights if weight > 0] if model == MIXTURE else [model]
    return min((engine(name).chunk_size or DEFAULT_CHUNK_SIZE for name in names),
               default=DEFAULT_CHUNK_SIZE)


def _check_count(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, got {value!r}")
    return int(value)


def engine_weights_of(
    scenario: Scenario, weights: Mapping[str, float] | None = None
) -> tuple[tuple[str, float], ...]:
    """The normalised ``(engine, weight)`` pairs of a mixture, in the order of :data:`MODELS`.

    ``weights`` when given, else the scenario's ``analysis.engines``, else
    :data:`~realpolitik.simulation.mixture.DEFAULT_ENGINE_WEIGHTS`.

    Raises
    ------
    ValueError
        For an engine that cannot step, a negative weight or weights summing to 0.
    """
    if weights is not None:
        return mixture_weights(weights, MODELS)
    if scenario.analysis is not None and scenario.analysis.engines is not None:
        return mixture_weights(scenario.analysis.engines, MODELS, where="analysis.engines")
    return mixture_weights(DEFAULT_ENGINE_WEIGHTS, MODELS)


def simulate_ensemble(
    scenario: Scenario,
    *,
    draws: int = 1000,
    seed: int = 0,
    model: str = MIXTURE,
    horizon_years: float | None = None,
    levers: Sequence[Lever | str] = (),
    overrides: Mapping[str, object] | None = None,
    executor: Executor | None = None,
    chunk_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    engine_weights: Mapping[str, float] | None = None,
) -> EnsembleResult:
    """Simulate ``draws`` futures of a scenario, step by step over its horizon.

    Each draw samples every uncertain number of the scenario (uniformly over
    its range, or triangular), then steps from ``as_of`` over the horizon:
    shocks fire, trends, shocks and levers change the stated positions,
    which also wander at random (the scenario's ``dynamics.volatility``, on by
    default) and may lean toward the last settlement (``dynamics.pull``),
    the engine forecasts each issue's settlement, and each watched
    alliance's cohesion and rupture state are updated (see
    :mod:`realpolitik.simulation.stepping` and ``docs/model.md``).

    Parameters
    ----------
    scenario
        A validated scenario.
    draws
        Number of Monte Carlo draws D.
    seed
        Non-negative integer; the same seed gives bit-identical results
        whatever the chunk size and executor.
    model
        Bargaining engine per step: ``"mixture"`` (default): each draw
        bargains with one engine drawn by ``engine_weights`` (the scenario's
        ``analysis.engines``, else the weights from the engines' skill on
        DEU III; the draw's engine is in the result's ``engine``), so that
        which engine is right is part of the ensemble's uncertainty; or one
        engine of the registry that can step: ``"compromise"`` (the
        weighted mean), ``"median"``, ``"eum"`` (the Expected Utility Model:
        up to 100 rounds per issue and step, from a compiled engine that
        bargains again only the issues whose inputs changed; about a hundred
        times slower than the compromise) or ``"spatial"`` (far slower).
    horizon_years
        Years to simulate; default the scenario's ``dynamics.horizon_years``.
    levers
        Levers (objects or ids of the scenario's levers) applied on top of
        the scenario.  Their random numbers are separate from the
        scenario's, so a run with levers shares every parameter draw and
        every shock's random numbers with the baseline (common random
        numbers): differences are the levers' effects, draw by draw.
    overrides
        Name (dotted field path, e.g. ``stances.idlib.russia.position``) ->
        (D,) values used instead of sampling that number (Sobol designs);
        ``model.engine`` -> (D,) numbers in [0, 1] picking each draw's
        engine of a mixture (the engines take consecutive slices as wide as
        their weights), instead of the engine stream.  A mixture of two or
        more engines records each draw's number under ``model.engine`` in
        the result's ``parameters``.
    executor
        :class:`~realpolitik.simulation.executors.LocalExecutor` (default),
        ``ThreadExecutor`` or ``DaskExecutor``.
    chunk_size
        Draws per chunk (default: the engine's choice in the registry, else
        :data:`DEFAULT_CHUNK_SIZE`).
    progress
        Called as ``progress(done_draws, total_draws)`` after each chunk.
    engine_weights
        Engine -> weight of a mixture (normalised; only with
        ``model="mixture"``).  Default: the scenario's ``analysis.engines``,
        else :data:`~realpolitik.simulation.mixture.DEFAULT_ENGINE_WEIGHTS`.

    Returns
    -------
    EnsembleResult

    Raises
    ------
    ValueError
        For a bad count, seed, model, horizon, lever, override or engine weight.
    """
    plan = plan_ensemble(scenario, draws=draws, seed=seed, model=model,
                         horizon_years=horizon_years, levers=levers, overrides=overrides,
                         chunk_size=chunk_size, engine_weights=engine_weights)
    collector = _Collector(scenario, plan.applied, plan.dates, plan.draws, progress)
    (executor or LocalExecutor()).run(run_chunk, plan.jobs, collector.collect)
    return collector.result(plan.seed, model, plan.weights)


@dataclass(frozen=True)
class EnsemblePlan:
    """The checked settings of an ensemble and its chunks, ready to run."""

    jobs: list[ChunkJob]
    applied: list[AppliedLever]
    dates: tuple[dt.date, ...]
    weights: tuple[tuple[str, float], ...]
    draws: int
    seed: int


def plan_ensemble(
    scenario: Scenario,
    *,
    draws: int = 1000,
    seed: int = 0,
    model: str = MIXTURE,
    horizon_years: float | None = None,
    levers: Sequence[Lever | str] = (),
    overrides: Mapping[str, object] | None = None,
    chunk_size: int | None = None,
    engine_weights: Mapping[str, float] | None = None,
) -> EnsemblePlan:
    """Check an ensemble's settings (as :func:`simulate_ensemble` takes them) and cut its chunks.

    Raises
    ------
    ValueError
        For a bad count, seed, model, horizon, lever, override or engine weight.
    """
    draws = _check_count("draws", draws, 1)
    seed = _check_count("seed", seed, 0)
    if model not in (*MODELS, MIXTURE):
        raise ValueError(f"unknown model '{model}'; expected one of {', '.join(MODELS)} "
                         f"or {MIXTURE}")
    if engine_weights is not None and model != MIXTURE:
        raise ValueError(f"engine_weights are for model='{MIXTURE}', not '{model}'")
    weights = engine_weights_of(scenario, engine_weights) if model == MIXTURE else ()
    chunk = _check_count("chunk_size", chunk_size or default_chunk_size(model, weights), 1)
    applied = resolve_levers(scenario, levers)
    quantities = simulated_quantities(scenario, applied)
    checked = check_overrides(overrides, quantities, draws)
    if ENGINE_PARAMETER in checked and model != MIXTURE:
        raise ValueError(f"override '{ENGINE_PARAMETER}' picks engines of a mixture; "
                         f"model '{model}' bargains with one engine")
    dynamics = scenario.dynamics or Dynamics()
    horizon = dynamics.horizon_years if horizon_years is None else float(horizon_years)
    dates = tuple(step_dates(scenario.scenario.as_of, dynamics.step, horizon))
    jobs = [
        ChunkJob(
            scenario=scenario,
            levers=tuple(applied),
            model=model,
            seed=seed,
            start=start,
            stop=min(start + chunk, draws),
            dates=dates,
            overrides={name: values[start : start + chunk] for name, values in checked.items()},
            engine_weights=weights,
        )
        for start in range(0, draws, chunk)
    ]
    return EnsemblePlan(jobs, applied, dates, weights, draws, seed)


def ensemble_ids(scenario: Scenario, levers: Sequence[AppliedLever] = ()
                 ) -> dict[str, list[str]]:  # fmt: skip
    """The ids that label the last axis of a chunk's arrays (see ``results.keyed_arrays``).

    ``levers`` are the levers the chunks apply: those with ``when`` label the
    start steps of the levers that wait (``waiting_levers``).
    """
    shocks = [shock.id for shock in scenario.dynamics.shocks] if scenario.dynamics else []
    return {"issues": list(scenario.issue_ids),
            "alliances": [alliance.id for alliance in scenario.alliances],
            "shocks": shocks, "mechanisms": list(mechanism_shocks(scenario)),
            "waiting_levers": [a.lever.id for a in levers if a.lever.when is not None]}


def head(chunk: ChunkResult, count: int) -> ChunkResult:
    """The chunk's first ``count`` draws (all of them when it holds fewer)."""
    if chunk.stop - chunk.start <= count:
        return chunk
    cut = {item.name: getattr(chunk, item.name)[:count] for item in fields(chunk)
           if isinstance(getattr(chunk, item.name), np.ndarray)}
    cut["parameters"] = {name: values[:count] for name, values in chunk.parameters.items()}
    return replace(chunk, stop=chunk.start + count, **cut)


class _Collector:
    """Copies each finished chunk into the ensemble's arrays, then lets the chunk go.

    Its tables are whatever :func:`~realpolitik.simulation.results.keyed_arrays`
    finds in the chunks; those that are fields of :class:`EnsembleResult` go
    into the result.
    """

    def __init__(self, scenario: Scenario, applied: list[AppliedLever],
                 dates: Sequence[dt.date], draws: int,
                 progress: Callable[[int, int], None] | None) -> None:
        self.scenario, self.applied, self.dates, self.draws = scenario, applied, dates, draws
        self.progress = progress
        self.done = 0
        self.ids = ensemble_ids(scenario, applied)
        self.tables: dict[str, dict[str, np.ndarray]] = {}
        self.parameters: dict[str, np.ndarray] = {}
        self.engine = np.zeros(draws, dtype=np.int64)

    def collect(self, job: ChunkJob, chunk: ChunkResult) -> None:
        """Store one chunk's paths and parameters at its draws, and report progress."""
        rows = slice(chunk.start, chunk.stop)
        for name, table in keyed_arrays(chunk, self.ids).items():
            stored = self.tables.setdefault(name, {})
            for key, values in table.items():
                if key not in stored:
                    stored[key] = np.empty((self.draws, *values.shape[1:]), dtype=values.dtype)
                stored[key][rows] = values
        for name, values in chunk.parameters.items():
            if name not in self.parameters:
                self.parameters[name] = np.empty(self.draws)
            self.parameters[name][rows] = values
        if chunk.engine is not None:
            self.engine[rows] = chunk.engine
        self.done += chunk.stop - chunk.start
        if self.progress is not None:
            self.progress(self.done, self.draws)

    def result(self, seed: int, model: str, weights: tuple[tuple[str, float], ...]
               ) -> EnsembleResult:  # fmt: skip
        """The assembled ensemble."""
        order = [*simulated_quantities(self.scenario, self.applied), ENGINE_PARAMETER]
        names = [name for name, _ in weights] or [model]
        known = {item.name for item in fields(EnsembleResult)}
        tables: dict[str, Any] = {name: self.tables.get(name, {}) for name in PATH_ORDER}
        tables |= {name: table for name, table in self.tables.items()
                   if name in known and name not in PATH_ORDER}
        return EnsembleResult(
            dates=list(self.dates),
            parameters={name: self.parameters[name] for name in order if name in self.parameters},
            seed=seed,
            draws=self.draws,
            model=model,
            scenario_id=self.scenario.scenario.id,
            scenario_hash=scenario_hash(self.scenario),
            version=__version__,
            levers=tuple(a.lever.id for a in self.applied),
            engine=np.array(names)[self.engine],
            engine_weights=dict(weights),
            rupture={
                alliance.id: rupture_record(alliance, index, self.parameters)
                for index, alliance in enumerate(self.scenario.alliances)
            },
            **tables,
        )
