"""Fit on one DEU file, score on another: the out-of-sample protocol.

:func:`run_deu_holdout` takes two files of different proposals, FIT and
TEST (e.g. the two halves written by ``realpolitik validate split``).
Everything that is chosen is chosen on FIT alone:

* each challenger of :mod:`realpolitik.analysis.validation.challengers`
  (capability scheme, Parliament and Commission weights, status-quo pull,
  blends, blends by spread or salience) takes the candidate with the lowest
  mean absolute error on FIT; the inverse-MSE average takes the engine
  weights ``w_m`` proportional to ``1 / MSE_m`` on FIT; the thresholds of the
  grouped blends are medians over FIT's issues;
* each model's predictive distribution is split-conformal
  (:mod:`realpolitik.analysis.validation.conformal`): calibrated on FIT's
  out-of-sample errors of that model (for a fitted challenger, the errors
  of its leave-one-proposal-out forecasts within FIT, so that they are as
  honest as the errors it will make on TEST), with the scaling of the
  scores chosen by cross-validation within FIT.

TEST's outcomes are used once, to score: mean absolute error with a 95%
bootstrap interval over TEST's proposals, the paired difference to the
compromise model, CRPS, and the coverage of the 50% and 90% intervals.
Swapping the files gives the other direction; both are reported.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from realpolitik.analysis.validation.benchmark import (
    COMPROMISE,
    COVERAGE_LEVELS,
    DEFAULT_DRAWS,
    INVERSE_MSE,
    PREDICTIVE_PROBABILITIES,
    STATUS_QUO,
    STEPPING_FORECASTS,
    DeuValidation,
    ModelScore,
    ProbabilisticScore,
    _breakdowns,
    _Context,
    _fit_grids,
    _probabilistic,
    engine_forecasts,
    feature_thresholds,
    weights_label,
)
from realpolitik.analysis.validation.challengers import CandidateGrid
from realpolitik.analysis.validation.conformal import (
    calibrate,
    choose_scaling,
    conformal_ensemble,
    conformal_interval,
    position_spread,
)
from realpolitik.analysis.validation.crossval import leave_one_cluster_out
from realpolitik.analysis.validation.deu import DeuData, capability_weights
from realpolitik.analysis.validation.probabilistic import SCALE_HIGH, SCALE_LOW, actor_mixture, crps
from realpolitik.analysis.validation.scoring import cluster_bootstrap_mean, cluster_index
from realpolitik.analysis.validation.skill import inverse_mse_average, inverse_mse_average_cv
from realpolitik.models.eum import eum_reading_options

__all__ = [
    "FITTED_KIND",
    "holdout_protocol",
    "run_deu_both_ways",
    "run_deu_holdout",
    "shared_proposals",
]

FITTED_KIND = "fitted on FIT"
"""``ModelScore.kind`` of a challenger fitted on FIT and scored on TEST."""


def shared_proposals(fit: DeuData, test: DeuData) -> tuple[str, ...]:
    """Proposal ids scored in both files (none may be, for TEST to be out of sample)."""
    return tuple(sorted(set(fit.proposal_ids) & set(test.proposal_ids)))


def _check_disjoint(fit: DeuData, test: DeuData) -> None:
    shared = shared_proposals(fit, test)
    if shared:
        raise ValueError(
            f"{fit.path} and {test.path} share {len(shared)} proposal(s) (e.g. {shared[0]}); "
            "fit and test files must hold different proposals"
        )


def holdout_protocol(fit: DeuData, test: DeuData) -> str:
    """The protocol line shown in every title: which file fitted, which was scored."""
    return f"fitted on {fit.path.name}, scored on {test.path.name}"


@dataclass(frozen=True)
class _Half:
    """One file's side of the protocol: its data, outcomes, proposals and spreads."""

    data: DeuData
    capability: np.ndarray
    forecasts: dict[str, np.ndarray]
    spread: np.ndarray
    clusters: np.ndarray
    timings: dict[str, float]
    notes: dict[str, list[str]]

    @property
    def observed(self) -> np.ndarray:
        """Observed outcomes of the file's scorable issues."""
        return self.data.outcome


def _half(data: DeuData, scheme: str, eum_reading: str) -> _Half:
    """Run the engines on one file (once, whichever role it plays)."""
    if data.n_issues == 0:
        raise ValueError(f"{data.path}: no scorable issue; nothing to fit or score")
    capability = capability_weights(data, scheme)
    timings: dict[str, float] = {}
    forecasts, notes = engine_forecasts(data, capability, timings, eum_reading_options(eum_reading))
    spread = position_spread(data, capability)
    clusters = cluster_index(data.proposal_ids)
    return _Half(data, capability, forecasts, spread, clusters, timings, notes)


def _conformal_score(
    forecast: np.ndarray, calibration_forecast: np.ndarray, fit: _Half, test: _Half,
    context: _Context,
) -> tuple[ProbabilisticScore | None, np.ndarray, str]:  # fmt: skip
    """Conformal predictive scores on TEST from FIT's errors, per-issue quantiles, scaling."""
    quantiles = np.full((forecast.size, len(PREDICTIVE_PROBABILITIES)), np.nan)
    scaling = choose_scaling(calibration_forecast, fit.observed, fit.spread, fit.clusters)
    calibration = calibrate(calibration_forecast, fit.observed, fit.spread, scaling)
    sub = np.flatnonzero(np.isfinite(forecast))
    if calibration.n == 0 or sub.size == 0:
        return None, quantiles, scaling
    f, y, spread = forecast[sub], context.observed[sub], test.spread[sub]
    clusters = context.clusters[sub]

    def coverage(level: float) -> float:
        low, high = conformal_interval(f, spread, calibration, level)
        return float(((y >= low) & (y <= high)).mean())

    scores = crps(conformal_ensemble(f, spread, calibration), y)
    probabilistic = ProbabilisticScore(
        crps=cluster_bootstrap_mean(scores, clusters, context.rng, draws=context.draws),
        coverage50=coverage(0.5),
        coverage90=coverage(0.9),
        coverage_curve=tuple(coverage(level) for level in COVERAGE_LEVELS),
    )
    (q05, q95), (q25, q75) = (conformal_interval(f, spread, calibration, level)
                              for level in (0.9, 0.5))  # fmt: skip
    middle = np.clip(f, SCALE_LOW, SCALE_HIGH)
    quantiles[sub] = np.column_stack([q05, q25, middle, q75, q95])
    return probabilistic, quantiles, scaling


def _score(
    name: str, kind: str, forecast: np.ndarray, calibration_forecast: np.ndarray,
    fit: _Half, test: _Half, context: _Context, note: str = "",
) -> tuple[ModelScore, np.ndarray, str]:  # fmt: skip
    """Point and conformal scores of one model on TEST, calibrated on FIT."""
    errors = np.abs(forecast - context.observed)
    mae = cluster_bootstrap_mean(errors, context.clusters, context.rng, draws=context.draws)
    versus = cluster_bootstrap_mean(
        errors - context.compromise_errors, context.clusters, context.rng, draws=context.draws
    )
    probabilistic, quantiles, scaling = _conformal_score(
        forecast, calibration_forecast, fit, test, context
    )
    return ModelScore(name, kind, mae, versus, probabilistic, note), quantiles, scaling


def _matched(fit_grid: CandidateGrid, test_grid: CandidateGrid) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the candidates both files offer (by label), in FIT's order."""
    test_rows = {label: row for row, label in enumerate(test_grid.labels)}
    rows = [(row, test_rows[label]) for row, label in enumerate(fit_grid.labels)
            if label in test_rows]  # fmt: skip
    fit_rows, matched_test = zip(*rows, strict=True)
    return np.array(fit_rows), np.array(matched_test)


def _fit_challengers(
    fit: _Half, test: _Half, scheme: str
) -> Iterator[tuple[str, np.ndarray, np.ndarray, str, int]]:
    """Yield ``(name, test forecast, FIT calibration forecast, label, candidates)`` per challenger.

    Each grid's candidate is chosen by mean absolute error on FIT (first on
    ties); its calibration forecast on FIT is the leave-one-proposal-out
    forecast within FIT. Then the inverse-MSE average of the stepping engines.
    """
    thresholds = feature_thresholds(fit.data, fit.capability)
    grids = zip(
        _fit_grids(fit.data, fit.capability, scheme, fit.forecasts, thresholds),
        _fit_grids(test.data, test.capability, scheme, test.forecasts, thresholds),
        strict=True,
    )
    for fit_grid, test_grid in grids:
        fit_rows, test_rows = _matched(fit_grid, test_grid)
        candidates = fit_grid.forecasts[fit_rows]
        loss = np.abs(candidates - fit.observed).mean(axis=1)
        best = int(np.argmin(loss))
        calibration = candidates[best]  # in sample, only when FIT holds a single proposal
        if np.unique(fit.clusters).size >= 2:
            calibration = leave_one_cluster_out(candidates, fit.observed, fit.clusters).forecast
        yield (fit_grid.name, test_grid.forecasts[test_rows[best]], calibration,
               fit_grid.labels[fit_rows[best]], len(fit_rows))  # fmt: skip
    fit_stack = np.array([fit.forecasts[name] for name in STEPPING_FORECASTS])
    test_stack = np.array([test.forecasts[name] for name in STEPPING_FORECASTS])
    forecast, weights = inverse_mse_average(fit_stack, fit.observed, test_stack)
    calibration = weights @ fit_stack  # in sample, only when FIT holds a single proposal
    if np.unique(fit.clusters).size >= 2:
        calibration = inverse_mse_average_cv(fit_stack, fit.observed, fit.clusters)[0]
    yield INVERSE_MSE, forecast, calibration, weights_label(weights), 0


def run_deu_holdout(
    fit: DeuData,
    test: DeuData,
    capability: str = "equal",
    *,
    seed: int | np.random.Generator | None = 0,
    draws: int = DEFAULT_DRAWS,
    eum_reading: str = "published",
) -> DeuValidation:
    """Fit every challenger and predictive distribution on FIT; score them on TEST.

    Parameters
    ----------
    fit, test : DeuData
        Scorable issues of two files (different proposals), from
        :func:`realpolitik.analysis.validation.deu.read_deu`.
    capability : str
        Capability scheme of the engines on both files.
    seed : int, Generator or None
        Seed of the bootstrap intervals (the only randomness).
    draws : int
        Bootstrap replicates per interval.
    eum_reading : str
        Reading of the Expected Utility Model (``published`` or ``program``).

    Returns
    -------
    DeuValidation
        Scores on TEST; ``data`` is TEST, ``fit_data`` is FIT, ``protocol``
        names both files, ``fitted_choices`` gives each challenger's choice
        on FIT and ``scalings`` each model's conformal scaling.

    Raises
    ------
    ValueError
        If either file has no scorable issue, the files share a proposal, or
        ``draws`` is below 1.
    """
    _check_draws(draws)
    _check_disjoint(fit, test)
    halves = _half(fit, capability, eum_reading), _half(test, capability, eum_reading)
    return _holdout(*halves, capability, seed, draws, eum_reading)


def run_deu_both_ways(
    first: DeuData,
    second: DeuData,
    capability: str = "equal",
    *,
    seed: int = 0,
    draws: int = DEFAULT_DRAWS,
    eum_reading: str = "published",
) -> tuple[DeuValidation, DeuValidation]:
    """Fit on ``first`` and score on ``second``, then the other way round.

    The same as two calls of :func:`run_deu_holdout` (each direction with its
    own generator seeded with ``seed``), with the engines run once per file.
    """
    _check_draws(draws)
    _check_disjoint(first, second)
    a, b = _half(first, capability, eum_reading), _half(second, capability, eum_reading)
    return (_holdout(a, b, capability, seed, draws, eum_reading),
            _holdout(b, a, capability, seed, draws, eum_reading))  # fmt: skip


def _check_draws(draws: int) -> None:
    if draws < 1:
        raise ValueError(f"draws must be a positive number of bootstrap replicates; got {draws}")


def _holdout(
    fit: _Half, test: _Half, capability: str, seed: int | np.random.Generator | None,
    draws: int, eum_reading: str,
) -> DeuValidation:  # fmt: skip
    """Score every model on ``test`` with everything fitted on ``fit``."""
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    timings = dict(test.timings)
    y = test.observed
    context = _Context(y, test.clusters, np.abs(test.forecasts[COMPROMISE] - y), rng, draws)
    scores: list[ModelScore] = []
    predictive: dict[str, np.ndarray] = {}
    scalings: dict[str, str] = {}
    for name, forecast in test.forecasts.items():
        kind = "baseline" if name == STATUS_QUO else "engine"
        score, predictive[name], scalings[name] = _score(
            name, kind, forecast, fit.forecasts[name], fit, test, context
        )
        scores.append(score)
    forecasts = dict(test.forecasts)
    choices: dict[str, list[tuple[str, int]]] = {}
    for family, forecast, calibration, label, candidates in _fit_challengers(fit, test, capability):
        name = f"{family} (fitted)"
        note = f"{candidates} candidates" if candidates else "weights 1/MSE"
        score, predictive[name], scalings[name] = _score(
            name, FITTED_KIND, forecast, calibration, fit, test, context, note
        )
        scores.append(score)
        forecasts[name], choices[name] = forecast, [(label, 1)]
    timings["fitting on FIT and scoring"] = time.perf_counter() - start
    weight = test.data.salience * test.capability[None, :] * test.data.coded
    mixture = actor_mixture(test.data.positions, weight)
    distributions = [("actor mixture (c*s)",
                      _probabilistic(mixture, y, test.clusters, rng, draws))]  # fmt: skip
    breakdowns = _breakdowns(test.data, forecasts, context)
    timings["total"] = sum(test.timings.values()) + time.perf_counter() - start
    return DeuValidation(
        data=test.data, capability=capability, seed=seed if isinstance(seed, int) else -1,
        draws=draws, forecasts=forecasts, scores=scores, distributions=distributions,
        breakdowns=breakdowns, fitted_choices=choices, engine_warnings=dict(test.notes),
        predictive=predictive, timings=timings, protocol=holdout_protocol(fit.data, test.data),
        fit_data=fit.data, scalings=scalings, eum_reading=eum_reading,
    )  # fmt: skip
