"""Compromise model: the capability- and salience-weighted mean position.

The compromise model forecasts the outcome of an issue as the mean of the
actors' positions weighted by capability times salience (van den Bos 1991;
Achen 2006, in Thomson et al. (eds), *The European Union Decides*):

    x_hat[k] = sum_i(c[i, k] * s[i, k] * x[i, k]) / sum_i(c[i, k] * s[i, k])
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from realpolitik.models._inputs import check_inputs, voting_weights

__all__ = ["compromise"]


def compromise(
    positions: ArrayLike,
    salience: ArrayLike,
    capability: ArrayLike,
    active: ArrayLike | None = None,
) -> np.ndarray:
    """Forecast each issue as the capability-and-salience weighted mean.

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
        ``sum(c*s*x) / sum(c*s)`` over the active actors of each issue.

    Warns
    -----
    RuntimeWarning
        If an issue has zero total weight; its active actors are then weighted
        equally (all actors if none is active).

    Notes
    -----
    The weighted mean minimises the weighted sum of squared distances to the
    actors' positions; it always lies within the span of the active positions.
    """
    inputs = check_inputs(positions, salience, capability, active)
    weights = voting_weights(inputs, engine="compromise")
    return (weights * inputs.positions).sum(axis=1) / weights.sum(axis=1)
