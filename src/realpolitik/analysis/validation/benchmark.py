"""The DEU benchmark within one file: every engine and challenger scored against outcomes.

:func:`run_deu_validation` runs the bargaining engines on every scorable
issue of a DEU file (one batch row per issue), adds the status quo as a
naive forecast, fits the challengers of
:mod:`realpolitik.analysis.validation.challengers` by leave-one-proposal-out
cross-validation, and scores everything:

* mean absolute error (MAE) with a 95% proposal-level bootstrap interval,
* the paired difference of MAE against the compromise model on the issues
  both score (an interval below zero means the model beats compromise),
* CRPS and 50%/90% interval coverage of each model's out-of-sample residual
  ensemble (:mod:`realpolitik.analysis.validation.probabilistic`),
* MAE broken down by Council voting rule (``counvte``) and procedure (``proc``).

Fitted models are only ever scored on their held-out forecasts. The
*protocol*, though (which challengers exist, which predictive distribution
is used), was settled by looking at this same file, so these scores are
labelled "within-file cross-validation (settings chosen on the same
outcomes)" and are not out-of-sample figures for a new file: for those, fit
on one file and score on another with
:func:`realpolitik.analysis.validation.holdout.run_deu_holdout`.
"""

from __future__ import annotations

import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from realpolitik.analysis.validation.challengers import (
    CandidateGrid,
    blend_grid,
    capability_scheme_grid,
    grouped_blend_grid,
    institutional_weight_grid,
    mean_salience,
    split_at,
    status_quo_pull_grid,
)
from realpolitik.analysis.validation.conformal import position_spread
from realpolitik.analysis.validation.crossval import (
    leave_one_cluster_out,
    leave_two_clusters_out_forecasts,
)
from realpolitik.analysis.validation.deu import (
    DeuData,
    EngineArrays,
    capability_weights,
    engine_arrays,
)
from realpolitik.analysis.validation.probabilistic import (
    Ensemble,
    actor_mixture,
    crps,
    interval_coverage,
    residual_ensemble,
    weighted_quantile,
)
from realpolitik.analysis.validation.scoring import (
    IntervalEstimate,
    cluster_bootstrap_mean,
    cluster_index,
)
from realpolitik.analysis.validation.skill import inverse_mse_average_cv
from realpolitik.models.compromise import compromise
from realpolitik.models.eum import EUMOptions, eum_reading_options, expected_utility
from realpolitik.models.ktab import spatial_forecast
from realpolitik.models.median import weighted_median

__all__ = [
    "BREAKDOWNS",
    "COVERAGE_LEVELS",
    "DEFAULT_DRAWS",
    "PREDICTIVE_PROBABILITIES",
    "STEPPING_FORECASTS",
    "WITHIN_FILE",
    "DeuValidation",
    "GroupScore",
    "ModelScore",
    "ProbabilisticScore",
    "run_deu_validation",
]

COVERAGE_LEVELS: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
"""Nominal levels of the central intervals whose coverage is reported."""

PREDICTIVE_PROBABILITIES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)
"""Quantiles of each predictive distribution written per issue."""

DEFAULT_DRAWS = 2000
"""Bootstrap replicates for every interval."""

BREAKDOWNS: tuple[tuple[str, str], ...] = (
    ("counvte", "voting_rules"),
    ("proc", "procedures"),
)
"""(column name, DeuData attribute) of the groupings reported."""

COMPROMISE = "compromise"
STATUS_QUO = "status quo (rp)"
INVERSE_MSE = "inverse-MSE average"

STEPPING_FORECASTS: tuple[str, ...] = (
    COMPROMISE, "weighted median", "EUM (median)", "KTAB spatial"
)
"""Forecasts of the engines a simulation can step with, as blended by the challengers."""

WITHIN_FILE = "within-file cross-validation (settings chosen on the same outcomes)"
"""Protocol of :func:`run_deu_validation`, shown in every title."""


@dataclass(frozen=True)
class ProbabilisticScore:
    """Scores of a predictive distribution: mean CRPS and central-interval coverage.

    ``coverage_curve[i]`` is the share of outcomes inside the central interval
    of nominal level ``COVERAGE_LEVELS[i]`` (a calibrated forecast lies on the
    diagonal).
    """

    crps: IntervalEstimate
    coverage50: float
    coverage90: float
    coverage_curve: tuple[float, ...] = ()


@dataclass(frozen=True)
class ModelScore:
    """Point and probabilistic scores of one model over the issues it forecasts."""

    name: str
    kind: str  # "engine", "baseline", "fitted (LOPO CV)" or "fitted on FIT"
    mae: IntervalEstimate
    versus_compromise: IntervalEstimate
    probabilistic: ProbabilisticScore | None
    note: str = ""


@dataclass(frozen=True)
class GroupScore:
    """MAE of one model on the issues of one group (e.g. ``counvte == 'QMV'``)."""

    dimension: str
    group: str
    model: str
    mae: IntervalEstimate


@dataclass(frozen=True)
class DeuValidation:
    """Everything the DEU benchmark measured, ready for tables, plots and JSON.

    ``data`` holds the issues scored. ``forecasts[model]`` is the point
    forecast per issue (held-out forecasts for fitted models);
    ``predictive[model]`` has shape ``(B, 5)``: the quantiles
    :data:`PREDICTIVE_PROBABILITIES` of the model's out-of-sample predictive
    distribution per issue (NaN where the model gives no forecast).
    ``protocol`` says how settings were chosen (:data:`WITHIN_FILE`, or the
    file they were fitted on); ``fit_data`` is that file's data, if any, and
    ``scalings[model]`` the conformal scaling chosen on it for each model.
    """

    data: DeuData
    capability: str
    seed: int
    draws: int
    forecasts: dict[str, np.ndarray]
    scores: list[ModelScore]
    distributions: list[tuple[str, ProbabilisticScore]]
    breakdowns: list[GroupScore]
    fitted_choices: dict[str, list[tuple[str, int]]]
    engine_warnings: dict[str, list[str]]
    predictive: dict[str, np.ndarray] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    protocol: str = WITHIN_FILE
    fit_data: DeuData | None = None
    scalings: dict[str, str] = field(default_factory=dict)
    eum_reading: str = "published"


def _run_engine(
    name: str, engine: Callable[[EngineArrays], np.ndarray], arrays: EngineArrays,
    notes: dict[str, list[str]], timings: dict[str, float],
) -> np.ndarray:  # fmt: skip
    """Run one engine, time it and keep its warnings as counted messages."""
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")
        forecast = np.asarray(engine(arrays), dtype=float)
    timings[name] = time.perf_counter() - start
    counts = Counter(f"{w.category.__name__}: {w.message}" for w in caught)
    missing = int((~np.isfinite(forecast)).sum())
    if missing:  # shown with the table; such issues are not scored for this engine
        counts[f"{missing} forecast(s) not finite; those issues are not scored"] += 1
    if counts:
        notes[name] = [f"{message} (x{n})" for message, n in counts.items()]
    return forecast


def _engines(
    eum_options: EUMOptions | None = None,
) -> dict[str, Callable[[EngineArrays], np.ndarray]]:
    def args(a: EngineArrays) -> tuple[np.ndarray, ...]:
        return a.positions, a.salience, a.capability, a.active

    def eum(a: EngineArrays) -> np.ndarray:
        result = expected_utility(*args(a), options=eum_options)
        return np.stack([result.forecast[:, 0], result.mean_forecast[:, 0]])

    return {
        COMPROMISE: lambda a: compromise(*args(a))[:, 0],
        "weighted median": lambda a: weighted_median(*args(a))[:, 0],
        "EUM": eum,
        "KTAB spatial": lambda a: spatial_forecast(*args(a))[:, 0],
    }


def engine_forecasts(
    data: DeuData,
    capability: np.ndarray,
    timings: dict[str, float] | None = None,
    eum_options: EUMOptions | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, list[str]]]:
    """Forecasts of every engine (and the status quo) for every scorable issue.

    ``eum_options`` are the Expected Utility Model's (default: its published reading).

    Returns
    -------
    forecasts : dict of str to numpy.ndarray, shape (B,)
        ``compromise``, ``weighted median``, ``EUM (median)`` (the model's own
        forecast: median voter after bargaining), ``EUM (mean)``,
        ``KTAB spatial`` and ``status quo (rp)`` (NaN where ``rp`` is unknown).
    warnings : dict of str to list of str
        Warnings raised by each engine, with counts.
    """
    timings = {} if timings is None else timings
    arrays = engine_arrays(data, capability)
    notes: dict[str, list[str]] = {}
    forecasts: dict[str, np.ndarray] = {}
    for name, engine in _engines(eum_options).items():
        result = _run_engine(name, engine, arrays, notes, timings)
        if name == "EUM":
            forecasts["EUM (median)"], forecasts["EUM (mean)"] = result
        else:
            forecasts[name] = result
    forecasts[STATUS_QUO] = data.reference_point.copy()
    return forecasts, notes


def _probabilistic(ensemble: Ensemble, observed: np.ndarray, clusters: np.ndarray,
                   rng: np.random.Generator, draws: int) -> ProbabilisticScore:  # fmt: skip
    scores = crps(ensemble, observed)
    return ProbabilisticScore(
        crps=cluster_bootstrap_mean(scores, clusters, rng, draws=draws),
        coverage50=float(interval_coverage(ensemble, observed, 0.5).mean()),
        coverage90=float(interval_coverage(ensemble, observed, 0.9).mean()),
        coverage_curve=tuple(
            float(interval_coverage(ensemble, observed, level).mean()) for level in COVERAGE_LEVELS
        ),
    )


def _score_point_model(
    name: str, kind: str, forecast: np.ndarray, calibration: np.ndarray | None,
    context: _Context, note: str = "",
) -> tuple[ModelScore, np.ndarray]:  # fmt: skip
    """Scores of one model and the quantiles of its predictive distribution per issue."""
    y, clusters = context.observed, context.clusters
    errors = np.abs(forecast - y)
    known = np.isfinite(errors)
    mae = cluster_bootstrap_mean(errors, clusters, context.rng, draws=context.draws)
    difference = errors - context.compromise_errors
    versus = cluster_bootstrap_mean(difference, clusters, context.rng, draws=context.draws)
    probabilistic = None
    quantiles = np.full((y.size, len(PREDICTIVE_PROBABILITIES)), np.nan)
    if np.unique(clusters[known]).size >= 2:  # calibration needs another proposal
        sub = np.flatnonzero(known)
        sub_clusters = cluster_index(clusters[sub])
        sub_calibration = None
        if calibration is not None:
            sub_calibration = calibration[np.unique(clusters[sub])][:, sub]
        ensemble = residual_ensemble(forecast[sub], y[sub], sub_clusters, sub_calibration)
        probabilistic = _probabilistic(ensemble, y[sub], sub_clusters, context.rng, context.draws)
        for column, probability in enumerate(PREDICTIVE_PROBABILITIES):
            quantiles[sub, column] = weighted_quantile(ensemble, probability)
    return ModelScore(name, kind, mae, versus, probabilistic, note), quantiles


@dataclass(frozen=True)
class _Context:
    observed: np.ndarray
    clusters: np.ndarray
    compromise_errors: np.ndarray
    rng: np.random.Generator
    draws: int


GROUPINGS: tuple[tuple[str, str], ...] = (("blend by spread", "spread"),
                                          ("blend by salience", "salience"))  # fmt: skip
"""(challenger, issue feature) of the grouped blends."""


def issue_features(data: DeuData, capability: np.ndarray) -> dict[str, np.ndarray]:
    """Per-issue inputs that may tell which engine is right: spread of positions, mean salience."""
    return {"spread": position_spread(data, capability), "salience": mean_salience(data)}


def feature_thresholds(data: DeuData, capability: np.ndarray) -> dict[str, float]:
    """Median of each issue feature over ``data``: where grouped blends split the issues."""
    return {name: float(np.median(v)) for name, v in issue_features(data, capability).items()}


def _fit_grids(
    data: DeuData, capability: np.ndarray, scheme: str, forecasts: dict[str, np.ndarray],
    thresholds: dict[str, float],
) -> list[CandidateGrid]:  # fmt: skip
    """Every grid-fitted challenger on ``data``; grouped blends split at ``thresholds``."""
    blend_inputs = {name: forecasts[name] for name in (*STEPPING_FORECASTS, STATUS_QUO)}
    stepping = {name: forecasts[name] for name in STEPPING_FORECASTS}
    features = issue_features(data, capability)
    grouped = [
        grouped_blend_grid(
            name, stepping, split_at(features[feature], thresholds[feature]),
            (f"{feature} <= {thresholds[feature]:.3g}", f"{feature} > {thresholds[feature]:.3g}"),
        )
        for name, feature in GROUPINGS
    ]  # fmt: skip
    return [
        institutional_weight_grid(data, capability),
        capability_scheme_grid(data, scheme),
        status_quo_pull_grid(data, forecasts[COMPROMISE]),
        blend_grid(blend_inputs),
        *grouped,
    ]


def _cross_validate(
    grids: list[CandidateGrid], context: _Context, predictive: dict[str, np.ndarray]
) -> tuple[list[ModelScore], dict[str, np.ndarray], dict[str, list[tuple[str, int]]]]:
    """Score each grid-fitted family on its leave-one-proposal-out forecasts only."""
    scores: list[ModelScore] = []
    forecasts: dict[str, np.ndarray] = {}
    choices: dict[str, list[tuple[str, int]]] = {}
    y, clusters = context.observed, context.clusters
    for grid in grids:
        cv = leave_one_cluster_out(grid.forecasts, y, clusters)
        calibration = leave_two_clusters_out_forecasts(grid.forecasts, y, clusters)
        name = f"{grid.name} (CV)"
        forecasts[name] = cv.forecast
        choices[name] = _choice_summary(grid, cv.chosen)
        note = f"{grid.forecasts.shape[0]} candidates"
        score, predictive[name] = _score_point_model(
            name, "fitted (LOPO CV)", cv.forecast, calibration, context, note
        )
        scores.append(score)
    return scores, forecasts, choices


def weights_label(weights: np.ndarray, names: tuple[str, ...] = STEPPING_FORECASTS) -> str:
    """Weights of an average as ``0.35 compromise + 0.17 weighted median + ...``."""
    return " + ".join(f"{w:.2f} {name}" for w, name in zip(weights, names, strict=True))


def _cross_validate_average(
    forecasts: dict[str, np.ndarray], context: _Context, predictive: dict[str, np.ndarray]
) -> tuple[ModelScore, np.ndarray, list[tuple[str, int]]]:
    """The inverse-MSE average of the stepping engines, weights fitted without each proposal."""
    stack = np.array([forecasts[name] for name in STEPPING_FORECASTS])
    forecast, calibration, weights = inverse_mse_average_cv(
        stack, context.observed, context.clusters
    )
    name = f"{INVERSE_MSE} (CV)"
    score, predictive[name] = _score_point_model(
        name, "fitted (LOPO CV)", forecast, calibration, context, "weights 1/MSE"
    )
    return score, forecast, Counter(weights_label(w) for w in weights).most_common()


def _choice_summary(grid: CandidateGrid, chosen: np.ndarray) -> list[tuple[str, int]]:
    counts = Counter(grid.labels[g] for g in chosen)
    return counts.most_common()


def _breakdowns(data: DeuData, forecasts: dict[str, np.ndarray], context: _Context
                ) -> list[GroupScore]:  # fmt: skip
    rows: list[GroupScore] = []
    for column, attribute in BREAKDOWNS:
        labels = np.array(getattr(data, attribute))
        for group in sorted(set(labels)):
            inside = labels == group
            for model, forecast in forecasts.items():
                errors = np.where(inside, np.abs(forecast - context.observed), np.nan)
                estimate = cluster_bootstrap_mean(
                    errors, context.clusters, context.rng, draws=context.draws
                )
                rows.append(GroupScore(column, str(group), model, estimate))
    return rows


def run_deu_validation(
    data: DeuData,
    capability: str = "equal",
    *,
    seed: int | np.random.Generator | None = 0,
    draws: int = DEFAULT_DRAWS,
    eum_reading: str = "published",
) -> DeuValidation:
    """Score every engine, the status quo and the fitted challengers on DEU issues.

    Settings are chosen by leave-one-proposal-out cross-validation within
    ``data`` (:data:`WITHIN_FILE`); to fit on one file and score on another
    use :func:`realpolitik.analysis.validation.holdout.run_deu_holdout`.

    Parameters
    ----------
    data : DeuData
        Scorable issues from :func:`realpolitik.analysis.validation.deu.read_deu`.
    capability : str
        Capability scheme (see
        :func:`realpolitik.analysis.validation.deu.capability_weights`).
    seed : int, Generator or None
        Seed of the bootstrap (the only randomness); the same seed gives the
        same intervals.
    draws : int
        Bootstrap replicates per interval.
    eum_reading : str
        Reading of the Expected Utility Model, a key of
        :data:`realpolitik.models.eum.EUM_READINGS` (``published`` or ``program``).

    Returns
    -------
    DeuValidation
    """
    eum_options = eum_reading_options(eum_reading)
    if data.n_issues == 0:
        raise ValueError(f"{data.path}: no scorable issue; nothing to validate")
    if draws < 1:
        raise ValueError(f"draws must be a positive number of bootstrap replicates; got {draws}")
    rng = np.random.default_rng(seed)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    cap = capability_weights(data, capability)
    forecasts, notes = engine_forecasts(data, cap, timings, eum_options)
    clusters = cluster_index(data.proposal_ids)
    y = data.outcome
    context = _Context(y, clusters, np.abs(forecasts[COMPROMISE] - y), rng, draws)
    scores: list[ModelScore] = []
    predictive: dict[str, np.ndarray] = {}
    for name, forecast in forecasts.items():
        kind = "baseline" if name == STATUS_QUO else "engine"
        score, predictive[name] = _score_point_model(name, kind, forecast, None, context)
        scores.append(score)
    fit_start = time.perf_counter()
    grids = []
    if clusters.max() >= 1:
        grids = _fit_grids(data, cap, capability, forecasts, feature_thresholds(data, cap))
    fitted_scores, fitted, choices = _cross_validate(grids, context, predictive)
    scores.extend(fitted_scores)
    if clusters.max() >= 1:
        average, forecast, chosen = _cross_validate_average(forecasts, context, predictive)
        scores.append(average)
        fitted[average.name], choices[average.name] = forecast, chosen
    timings["fitting (LOPO CV)"] = time.perf_counter() - fit_start
    mixture = actor_mixture(data.positions, data.salience * cap[None, :] * data.coded)
    distributions = [("actor mixture (c*s)", _probabilistic(mixture, y, clusters, rng, draws))]
    all_forecasts = forecasts | fitted
    breakdowns = _breakdowns(data, all_forecasts, context)
    timings["total"] = time.perf_counter() - start
    return DeuValidation(
        data=data, capability=capability, seed=seed if isinstance(seed, int) else -1,
        draws=draws, forecasts=all_forecasts, scores=scores, distributions=distributions,
        breakdowns=breakdowns, fitted_choices=choices, engine_warnings=notes,
        predictive=predictive, timings=timings, eum_reading=eum_reading,
    )  # fmt: skip
