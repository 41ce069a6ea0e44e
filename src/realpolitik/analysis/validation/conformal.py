"""Split-conformal predictive distributions: calibrated on one set of outcomes, used on another.

A point forecast ``f`` becomes a predictive distribution from the errors the
same model made on a *calibration* set of issues whose outcomes were not
used to score it (split conformal prediction: Vovk, Gammerman and Shafer
2005, *Algorithmic Learning in a Random World*, Springer; Lei, G'Sell,
Rinaldo, Tibshirani and Wasserman 2018, *JASA* 113(523):1094-1111).

Conformity scores are absolute errors, optionally divided by a per-issue
scale (normalised scores; Lei et al. 2018, section 5.2):
``e_i = |y_i - f_i| / sigma_i`` on the calibration issues. With ``n`` scores
sorted as ``e_(1) <= ... <= e_(n)``, the central interval of level ``L``
for a new issue is

    [f - sigma e_(k), f + sigma e_(k)] clipped to 0-100,  k = ceil(L (n + 1)),

and the whole interval (0-100) when ``k > n``. If calibration and new issues
are exchangeable, it holds the outcome with probability at least ``L``.

The predictive distribution whose central intervals are exactly these is
the symmetrised score distribution: members ``f + sigma e_i`` and
``f - sigma e_i`` (weight ``1 / (2 (n + 1))`` each) plus one member at each
end of the scale (the same weight; the conformal ``n + 1``-th score, which
may be arbitrarily large), all clipped to 0-100. Its CRPS is the
probabilistic score reported (:func:`conformal_ensemble`).

Two scales are offered, :data:`SCALINGS`:

``absolute``
    ``sigma = 1``: one width for every issue.
``spread``
    ``sigma`` = the spread of the actors' positions on the issue (the
    ``c * s``-weighted standard deviation of the coded positions, at least
    :data:`SPREAD_FLOOR`): where actors stand far apart, outcomes land
    farther from any single forecast. On the DEU development file the rank
    correlation between this spread and the compromise model's absolute
    error is about 0.3.

Which scale a model uses is chosen on the calibration set alone, by
leave-one-proposal-out cross-validation of the mean CRPS
(:func:`choose_scaling`), never on the issues scored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from realpolitik.analysis.validation.deu import DeuData
from realpolitik.analysis.validation.probabilistic import (
    SCALE_HIGH,
    SCALE_LOW,
    Ensemble,
    crps,
)

__all__ = [
    "SCALINGS",
    "SPREAD_FLOOR",
    "ConformalCalibration",
    "calibrate",
    "choose_scaling",
    "conformal_ensemble",
    "conformal_interval",
    "position_spread",
]

SCALINGS: tuple[str, ...] = ("absolute", "spread")
"""Scales of the conformity scores; the first wins ties in :func:`choose_scaling`."""

SPREAD_FLOOR = 1.0
"""Smallest spread (scale points) dividing a score, so that a consensual issue has one."""


@dataclass(frozen=True)
class ConformalCalibration:
    """Sorted conformity scores of a calibration set and the scale they were divided by."""

    scaling: str
    scores: np.ndarray

    @property
    def n(self) -> int:
        """Number of calibration scores."""
        return int(self.scores.size)


def position_spread(data: DeuData, capability: np.ndarray) -> np.ndarray:
    """``c * s``-weighted standard deviation of the coded positions of each issue, shape (B,).

    At least :data:`SPREAD_FLOOR`; issues whose coded actors all have zero
    weight use equal weights.
    """
    weight = data.salience * np.asarray(capability, dtype=float)[None, :] * data.coded
    weight = np.where(weight.sum(axis=1, keepdims=True) > 0.0, weight, data.coded.astype(float))
    x = np.where(data.coded, data.positions, 0.0)
    total = weight.sum(axis=1)
    mean = (weight * x).sum(axis=1) / total
    variance = (weight * (x - mean[:, None]) ** 2).sum(axis=1) / total
    return np.maximum(np.sqrt(variance), SPREAD_FLOOR)


def _scale(scaling: str, spread: np.ndarray) -> np.ndarray:
    if scaling == "absolute":
        return np.ones_like(spread, dtype=float)
    if scaling == "spread":
        return np.asarray(spread, dtype=float)
    raise ValueError(f"unknown conformal scaling {scaling!r}; choose one of {', '.join(SCALINGS)}")


def calibrate(
    forecast: np.ndarray, observed: np.ndarray, spread: np.ndarray, scaling: str
) -> ConformalCalibration:
    """Conformity scores ``|observed - forecast| / sigma`` of the finite entries, sorted."""
    errors = np.abs(np.asarray(observed, dtype=float) - np.asarray(forecast, dtype=float))
    scores = errors / _scale(scaling, np.asarray(spread, dtype=float))
    return ConformalCalibration(scaling, np.sort(scores[np.isfinite(scores)]))


def conformal_interval(
    forecast: np.ndarray, spread: np.ndarray, calibration: ConformalCalibration, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Split-conformal central interval of ``level`` for each issue, clipped to 0-100.

    ``k = ceil(level (n + 1))``; when ``k > n`` the interval is the whole scale.
    """
    n = calibration.n
    k = int(np.ceil(level * (n + 1) - 1e-12))
    radius = np.inf if k > n or n == 0 else float(calibration.scores[max(k, 1) - 1])
    width = radius * _scale(calibration.scaling, np.asarray(spread, dtype=float))
    forecast = np.asarray(forecast, dtype=float)
    return (np.clip(forecast - width, SCALE_LOW, SCALE_HIGH),
            np.clip(forecast + width, SCALE_LOW, SCALE_HIGH))  # fmt: skip


def conformal_ensemble(
    forecast: np.ndarray, spread: np.ndarray, calibration: ConformalCalibration
) -> Ensemble:
    """The symmetrised conformal predictive distribution of each issue, as a weighted ensemble.

    Members ``f -+ sigma e_i`` for every score and the two ends of the scale,
    each with weight ``1 / (2 (n + 1))``, clipped to 0-100.
    """
    forecast = np.asarray(forecast, dtype=float)
    width = _scale(calibration.scaling, np.asarray(spread, dtype=float))[:, None]
    offsets = width * calibration.scores[None, :]
    ends = np.broadcast_to(np.array([SCALE_LOW, SCALE_HIGH]), (forecast.size, 2))
    members = np.concatenate(
        [forecast[:, None] - offsets, forecast[:, None] + offsets, ends], axis=1
    )
    members = np.clip(members, SCALE_LOW, SCALE_HIGH)
    return Ensemble(members=members, weights=np.ones_like(members))


def choose_scaling(
    forecast: np.ndarray, observed: np.ndarray, spread: np.ndarray, clusters: np.ndarray
) -> str:
    """The scaling of :data:`SCALINGS` with the lowest leave-one-proposal-out mean CRPS.

    Every proposal of the calibration set is held out in turn, calibrated on
    the others and scored by CRPS; the scaling with the lower mean over all
    issues wins (the first on ties). Only entries with a finite forecast
    count; with fewer than two proposals the first scaling is returned.
    """
    known = np.isfinite(np.asarray(forecast, dtype=float))
    clusters = np.asarray(clusters)[known]
    if np.unique(clusters).size < 2:
        return SCALINGS[0]
    f, y, sigma = (np.asarray(a, dtype=float)[known] for a in (forecast, observed, spread))
    losses = []
    for scaling in SCALINGS:
        scores = np.empty(f.size)
        for cluster in np.unique(clusters):
            out = clusters == cluster
            fitted = calibrate(f[~out], y[~out], sigma[~out], scaling)
            scores[out] = crps(conformal_ensemble(f[out], sigma[out], fitted), y[out])
        losses.append(scores.mean())
    return SCALINGS[int(np.argmin(losses))]
