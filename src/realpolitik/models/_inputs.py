"""Shape checks and voting weights shared by the bargaining engines.

Every engine takes ``positions``, ``salience`` and ``capability`` of shape
``(B, N, K)`` (batch, actors, issues) and an optional boolean ``active`` mask
of the same shape. This module validates them and turns them into the
voting weight ``w = c * s`` of each active actor, with a defined fallback
when an issue carries no weight at all.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np

__all__ = ["EngineInputs", "check_inputs", "voting_weights"]


class EngineInputs(NamedTuple):
    """Validated engine arrays, all float64 (``active`` bool), shape (B, N, K)."""

    positions: np.ndarray
    salience: np.ndarray
    capability: np.ndarray
    active: np.ndarray


def _as_3d_float(name: str, value: object) -> np.ndarray:
    array = np.asarray(value, dtype=float)
    if array.ndim != 3:
        raise ValueError(
            f"{name} must have shape (B, N, K) = (batch, actors, issues); "
            f"got {array.ndim} dimension(s) with shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def check_inputs(
    positions: object,
    salience: object,
    capability: object,
    active: object | None = None,
) -> EngineInputs:
    """Validate engine inputs and return them as arrays of one common shape.

    Parameters
    ----------
    positions, salience, capability : array_like, shape (B, N, K)
        Actor positions (0-100 scale), saliences in [0, 1] and capabilities
        (non-negative, any scale).
    active : array_like of bool, shape (B, N, K), optional
        Which actors take part on each issue; default all.

    Returns
    -------
    EngineInputs
        The four arrays, validated.

    Raises
    ------
    ValueError
        If a shape differs from that of ``positions``, a value is not finite,
        there is no actor, a salience lies outside [0, 1] or a capability is
        negative.
    """
    x = _as_3d_float("positions", positions)
    s = _as_3d_float("salience", salience)
    c = _as_3d_float("capability", capability)
    for name, array in (("salience", s), ("capability", c)):
        if array.shape != x.shape:
            raise ValueError(
                f"{name} has shape {array.shape} but positions has shape {x.shape}; "
                "all engine inputs must share the shape (B, N, K)"
            )
    if x.shape[1] == 0:
        raise ValueError("positions has no actors (N = 0); at least one actor is needed")
    if np.any((s < 0.0) | (s > 1.0)):
        raise ValueError("salience must lie in [0, 1]")
    if np.any(c < 0.0):
        raise ValueError("capability must be non-negative")
    if active is None:
        mask = np.ones(x.shape, dtype=bool)
    else:
        mask = np.asarray(active)
        if mask.shape != x.shape:
            raise ValueError(f"active has shape {mask.shape} but positions has shape {x.shape}")
        if mask.dtype != bool:
            raise ValueError(f"active must be a boolean mask; got dtype {mask.dtype}")
    return EngineInputs(x, s, c, mask)


def voting_weights(inputs: EngineInputs, *, engine: str) -> np.ndarray:
    """Return each actor's voting weight ``c * s`` (zero when inactive).

    Capability is normalised per issue over the active actors first, so the
    weights do not depend on the capability scale.

    Where an issue has no weight at all (every active actor has zero salience
    or zero capability), the weights fall back to one per active actor (one
    per actor if none is active) and a ``RuntimeWarning`` names the engine
    and how many issues were affected. This keeps the result defined and
    free of NaN.

    Parameters
    ----------
    inputs : EngineInputs
        Validated inputs from :func:`check_inputs`.
    engine : str
        Name used in the warning message.

    Returns
    -------
    numpy.ndarray, shape (B, N, K)
        Non-negative weights whose sum over actors is positive everywhere.
    """
    c = np.where(inputs.active, inputs.capability, 0.0)
    total_c = c.sum(axis=1, keepdims=True)
    c = np.divide(c, total_c, out=np.zeros_like(c), where=total_c > 0.0)
    w = c * inputs.salience
    empty = w.sum(axis=1) <= 0.0
    if np.any(empty):
        warnings.warn(
            f"{engine}: {int(empty.sum())} issue(s) have zero total weight "
            "(all active saliences or capabilities are zero); "
            "every active actor is weighted equally there",
            RuntimeWarning,
            stacklevel=3,
        )
        none_active = ~inputs.active.any(axis=1, keepdims=True)
        fallback = (inputs.active | none_active).astype(float)
        w = np.where(empty[:, None, :], fallback, w)
    return w
