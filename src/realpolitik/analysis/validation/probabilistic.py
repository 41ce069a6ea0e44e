"""Predictive distributions for DEU outcomes and their scores (CRPS, interval coverage).

A point forecast says where an issue will settle; an analyst also needs to
know how far off it may be. Two predictive distributions are built here,
both as weighted ensembles on the 0-100 scale:

* **Residual ensemble** (calibrated out of sample): the point forecast plus
  every observed error of the same model on *other* proposals, clipped to
  0-100. Errors of the held-out proposal never enter its own distribution
  (leave-one-proposal-out), and for fitted models the errors come from
  forecasts that were themselves fitted without the held-out proposal (see
  :func:`realpolitik.analysis.validation.crossval.leave_two_clusters_out_forecasts`).
  Clipping puts the probability of landing beyond a scale end on that end,
  which matters in DEU data where many outcomes sit at 0 or 100.
* **Actor mixture**: the outcome lands on an active actor's position with
  probability proportional to that actor's ``c * s``. No fitting; it reads
  the compromise model's weights as a lottery over the actors' proposals.

Scores: the continuous ranked probability score (CRPS; Gneiting and
Raftery 2007, *JASA* 102(477):359-378; computed with
``scoringrules.crps_ensemble`` with member weights), in the units of the
scale (0-100) and equal to the absolute error for a point forecast; and the
empirical coverage of the central 50% and 90% intervals (a calibrated
forecast covers about 50% and 90% of outcomes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "Ensemble",
    "actor_mixture",
    "central_interval",
    "crps",
    "interval_coverage",
    "residual_ensemble",
    "weighted_quantile",
]

SCALE_LOW, SCALE_HIGH = 0.0, 100.0


@dataclass(frozen=True)
class Ensemble:
    """A weighted ensemble per issue: ``members`` and ``weights`` of shape (B, M).

    Weights are non-negative with a positive sum on every row; a zero weight
    removes a member.
    """

    members: np.ndarray
    weights: np.ndarray


def residual_ensemble(
    point: np.ndarray,
    observed: np.ndarray,
    clusters: np.ndarray,
    calibration: np.ndarray | None = None,
) -> Ensemble:
    """Point forecast plus the model's errors on other proposals, clipped to 0-100.

    Parameters
    ----------
    point : numpy.ndarray, shape (B,)
        Point forecast per issue (out of sample for fitted models).
    observed : numpy.ndarray, shape (B,)
        Observed outcomes.
    clusters : numpy.ndarray of int, shape (B,)
        Proposal code 0..P-1 of each issue.
    calibration : numpy.ndarray, shape (P, B), optional
        ``calibration[p, b]``: the forecast for issue ``b`` to use when
        proposal ``p`` is held out. Default: ``point`` for every ``p``
        (right for models without fitted parameters).

    Returns
    -------
    Ensemble
        Members ``clip(point[i] + observed[j] - calibration[p(i), j])`` for
        every issue ``j``; weight 1 when ``j`` lies in another proposal than
        ``i``, else 0.
    """
    point = np.asarray(point, dtype=float)
    observed = np.asarray(observed, dtype=float)
    clusters = np.asarray(clusters, dtype=int)
    if calibration is None:
        residuals = np.broadcast_to(observed - point, (point.size, point.size))
    else:
        residuals = observed[None, :] - np.asarray(calibration, dtype=float)[clusters]
    members = np.clip(point[:, None] + residuals, SCALE_LOW, SCALE_HIGH)
    weights = (clusters[:, None] != clusters[None, :]).astype(float)
    if np.any(weights.sum(axis=1) == 0.0):
        raise ValueError("a residual ensemble needs at least two proposals")
    return Ensemble(members=members, weights=weights)


def actor_mixture(positions: np.ndarray, weights: np.ndarray) -> Ensemble:
    """Outcome distribution that lands on each actor's position with probability ~ ``c * s``.

    Parameters
    ----------
    positions : numpy.ndarray, shape (B, N)
        Actor positions.
    weights : numpy.ndarray, shape (B, N)
        Non-negative ``c * s`` (zero for inactive actors); rows with no
        weight fall back to equal weight on the actors with a finite position.

    Returns
    -------
    Ensemble
    """
    positions = np.asarray(positions, dtype=float)
    weights = np.where(np.isfinite(positions), np.asarray(weights, dtype=float), 0.0)
    empty = weights.sum(axis=1, keepdims=True) <= 0.0
    weights = np.where(empty, np.isfinite(positions).astype(float), weights)
    return Ensemble(members=np.nan_to_num(positions, nan=50.0), weights=weights)


def weighted_quantile(ensemble: Ensemble, probability: float) -> np.ndarray:
    """Lower ``probability``-quantile of each row's weighted ensemble, shape (B,).

    The smallest member ``x`` with ``F(x) >= probability`` where ``F`` is the
    ensemble's weighted distribution function (the usual inverse of a step
    CDF).
    """
    order = np.argsort(ensemble.members, axis=1, kind="stable")
    members = np.take_along_axis(ensemble.members, order, axis=1)
    weights = np.take_along_axis(ensemble.weights, order, axis=1)
    cdf = np.cumsum(weights, axis=1) / weights.sum(axis=1, keepdims=True)
    index = np.argmax(cdf >= probability - 1e-12, axis=1)
    return members[np.arange(members.shape[0]), index]


def central_interval(ensemble: Ensemble, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Central interval holding ``level`` of the probability (quantiles at the two tails)."""
    tail = 0.5 * (1.0 - level)
    return weighted_quantile(ensemble, tail), weighted_quantile(ensemble, 1.0 - tail)


def interval_coverage(ensemble: Ensemble, observed: np.ndarray, level: float) -> np.ndarray:
    """Whether each outcome lies inside the central ``level`` interval (ends included)."""
    low, high = central_interval(ensemble, level)
    observed = np.asarray(observed, dtype=float)
    return (observed >= low) & (observed <= high)


def crps(ensemble: Ensemble, observed: np.ndarray) -> np.ndarray:
    """CRPS of each issue's weighted ensemble against its outcome, shape (B,).

    Uses ``scoringrules.crps_ensemble`` with ``ens_w`` (the weights are
    normalised per row there), NumPy backend.
    """
    import scoringrules

    return np.asarray(
        scoringrules.crps_ensemble(
            np.asarray(observed, dtype=float),
            ensemble.members,
            ens_w=ensemble.weights,
            backend="numpy",
        ),
        dtype=float,
    )
