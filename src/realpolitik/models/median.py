"""Median voter model: the position that beats every other in weighted votes.

On one dimension with single-peaked (distance-based) preferences, a position
wins every pairwise vote weighted by ``c * s`` exactly when it is a weighted
median of the actors' positions (Black 1948, *J. Political Economy* 56(1):23-34).
Bueno de Mesquita (1994) takes this median voter as the forecast of the
Expected Utility Model; Scholz et al. (2011) report it round by round.

Tie rule
--------
Sort the positions and accumulate their weights ``W_1 <= ... <= W_N`` with
total ``W``. The lower median is the first sorted position with
``W_m >= W / 2``; the upper median is the first with ``W_m > W / 2``. They
differ only when the weight splits exactly in half at a gap between two
positions; every point of that gap then ties every other in pairwise votes
and the forecast is their midpoint. Exactness is judged with a relative
tolerance of ``1e-12 * W`` so that rounding in the cumulative sum does not
depend on actor order.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from realpolitik.models._inputs import check_inputs, voting_weights

__all__ = ["TIE_TOLERANCE", "median_from_weights", "weighted_median"]

TIE_TOLERANCE = 1e-12
"""Relative tolerance for an exact 50% split of the weight."""


def _median_of_sorted(sorted_x: np.ndarray, sorted_w: np.ndarray) -> np.ndarray:
    """Weighted median along axis 1 of positions already sorted on that axis."""
    cumulative = np.cumsum(sorted_w, axis=1)
    total = cumulative[:, -1:, :]
    half = 0.5 * total
    slack = TIE_TOLERANCE * total
    lower_index = np.argmax(cumulative >= half - slack, axis=1)
    upper_index = np.argmax(cumulative > half + slack, axis=1)
    lower = np.take_along_axis(sorted_x, lower_index[:, None, :], axis=1)[:, 0, :]
    upper = np.take_along_axis(sorted_x, upper_index[:, None, :], axis=1)[:, 0, :]
    return 0.5 * (lower + upper)


def median_from_weights(positions: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted median of ``positions`` (B, N, K) with weights (B, N, K).

    The weights must be non-negative with a positive sum over actors; this
    helper does no validation and is meant for engines that already hold
    checked arrays. See the module docstring for the tie rule.
    """
    order = np.argsort(positions, axis=1, kind="stable")
    sorted_x = np.take_along_axis(positions, order, axis=1)
    sorted_w = np.take_along_axis(weights, order, axis=1)
    return _median_of_sorted(sorted_x, sorted_w)


def weighted_median(
    positions: ArrayLike,
    salience: ArrayLike,
    capability: ArrayLike,
    active: ArrayLike | None = None,
) -> np.ndarray:
    """Forecast each issue as the median voter position weighted by ``c * s``.

    Parameters
    ----------
    positions : array_like, shape (B, N, K)
        Actor positions on each issue (0-100 scale).
    salience : array_like, shape (B, N, K)
        Salience in [0, 1].
    capability : array_like, shape (B, N, K)
        Non-negative capability, any scale (normalised per issue).
    active : array_like of bool, shape (B, N, K), optional
        Actors taking part; inactive actors carry no weight. Default all.

    Returns
    -------
    numpy.ndarray, shape (B, K)
        The weighted median of the active positions; the midpoint of the
        lower and upper median when the weight splits exactly at 50%.

    Warns
    -----
    RuntimeWarning
        If an issue has zero total weight; its active actors are then weighted
        equally (all actors if none is active).
    """
    inputs = check_inputs(positions, salience, capability, active)
    weights = voting_weights(inputs, engine="weighted_median")
    return median_from_weights(inputs.positions, weights)
