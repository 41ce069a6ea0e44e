"""Politically motivated challengers to the compromise model, as parameter grids.

Each challenger is a family of candidate forecasts, one per parameter value;
:mod:`realpolitik.analysis.validation.crossval` picks the value without the
held-out proposal. The first candidate of every family is the plain
compromise model (or, for the blend, the compromise weight 1), so a
challenger that cannot beat it on the training proposals falls back to it.

Families
--------
``EP/Commission weights``
    The compromise model with the Parliament's capability multiplied by
    ``m_cod`` under co-decision (COD, where it is a co-legislator) and by
    ``m_cns`` under consultation (CNS, where its opinion is not binding), and
    the Commission's capability multiplied by ``m_com`` (its agenda-setting
    power as sole initiator; Tsebelis and Garrett 2000, *European Union
    Politics* 1(1):9-36). Multipliers on :data:`WEIGHT_MULTIPLIERS`.
``status-quo pull``
    ``(1 - a) * compromise + a * rp`` where the reference point ``rp`` is
    known, with ``a`` chosen separately under unanimity (where every member
    can veto a move away from the status quo) and under qualified majority;
    the compromise forecast where ``rp`` is unknown. ``a`` on
    :data:`PULL_SHARES`.
``capability scheme``
    The compromise model under each capability assumption the file allows
    (equal, Council votes, GDP), the scheme asked for first: which
    assumption forecasts best is itself a choice to cross-validate.
``blend``
    A convex combination of the model forecasts given (compromise, weighted
    median, Expected Utility Model, KTAB, status quo), weights on a simplex
    grid of step :data:`BLEND_STEP`. Where the status quo is unknown its
    weight is spread over the others in proportion.
``blend by spread`` and ``blend by salience``
    Which engine is right may depend on the issue: where actors stand far
    apart, or care a lot, bargaining may end elsewhere than at the weighted
    mean. Issues are split in two groups at a threshold (the median of the
    fitting issues' spread of positions, or of their mean salience) and each
    group gets its own convex blend of the stepping engines (compromise,
    weighted median, EUM, KTAB) on a grid of step
    :data:`GROUPED_BLEND_STEP`; every pair of blends is a candidate.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from realpolitik.analysis.validation.deu import (
    CAPABILITY_SCHEMES,
    DeuData,
    capability_weights,
    engine_arrays,
)
from realpolitik.models.compromise import compromise

__all__ = [
    "BLEND_STEP",
    "GROUPED_BLEND_STEP",
    "PULL_SHARES",
    "WEIGHT_MULTIPLIERS",
    "CandidateGrid",
    "blend_grid",
    "capability_scheme_grid",
    "grouped_blend_grid",
    "institutional_weight_grid",
    "mean_salience",
    "split_at",
    "status_quo_pull_grid",
]

WEIGHT_MULTIPLIERS: tuple[float, ...] = (1.0, 0.0, 0.5, 2.0, 4.0, 8.0)
"""Multipliers tried on the Parliament's and the Commission's capability (1 first)."""

PULL_SHARES: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3, 0.5)
"""Shares of the way from the compromise forecast to the status quo (0 first)."""

BLEND_STEP = 0.1
"""Grid step of the blend weights."""

GROUPED_BLEND_STEP = 0.25
"""Grid step of the blend weights of each group in a grouped blend (35 blends of 4 engines)."""


@dataclass(frozen=True)
class CandidateGrid:
    """Candidate forecasts ``(G, B)`` of one family and a label per candidate."""

    name: str
    forecasts: np.ndarray
    labels: tuple[str, ...]


def institutional_weight_grid(
    data: DeuData, capability: np.ndarray, multipliers: tuple[float, ...] = WEIGHT_MULTIPLIERS
) -> CandidateGrid:
    """Compromise forecasts with the Parliament's weight per procedure and the Commission's.

    Parameters
    ----------
    data : DeuData
        The scorable issues (``procedures`` tells COD from CNS).
    capability : numpy.ndarray, shape (N,)
        Base capability of each actor.
    multipliers : tuple of float
        Values tried for ``m_cod``, ``m_cns`` and ``m_com``; the first should be 1.

    Returns
    -------
    CandidateGrid
        ``len(multipliers) ** 3`` candidates, the all-ones one first.
    """
    codecision = np.array([proc.upper() == "COD" for proc in data.procedures])
    ep, com = data.actors.index("ep"), data.actors.index("com")
    combos = list(itertools.product(multipliers, repeat=3))
    base = np.broadcast_to(np.asarray(capability, dtype=float), data.coded.shape)
    caps = np.repeat(base[None], len(combos), axis=0).copy()
    for g, (m_cod, m_cns, m_com) in enumerate(combos):
        caps[g, :, ep] *= np.where(codecision, m_cod, m_cns)
        caps[g, :, com] *= m_com
    arrays = engine_arrays(data, base)
    tile = (len(combos), 1, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-zero weight: equal-weight fallback
        forecasts = compromise(
            np.tile(arrays.positions, tile),
            np.tile(arrays.salience, tile),
            caps.reshape(-1, base.shape[1])[:, :, None],
            np.tile(arrays.active, tile),
        )[:, 0].reshape(len(combos), data.n_issues)
    labels = tuple(f"EP x{a:g} (COD), x{b:g} (CNS); Commission x{c:g}" for a, b, c in combos)
    return CandidateGrid("EP/Commission weights", forecasts, labels)


def capability_scheme_grid(data: DeuData, first: str) -> CandidateGrid:
    """Compromise forecasts under each usable capability scheme, ``first`` listed first.

    The ``gdp`` scheme is left out when the file has no usable GDP row.
    """
    schemes = [first] + [name for name in CAPABILITY_SCHEMES if name != first]
    rows, labels = [], []
    for scheme in schemes:
        try:
            capability = capability_weights(data, scheme)
        except ValueError:  # no GDP row: that scheme is not a candidate
            continue
        arrays = engine_arrays(data, capability)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            forecast = compromise(
                arrays.positions, arrays.salience, arrays.capability, arrays.active
            )
        rows.append(forecast[:, 0])
        labels.append(f"capability {scheme}")
    return CandidateGrid("capability scheme", np.array(rows), tuple(labels))


def status_quo_pull_grid(
    data: DeuData, compromise_forecast: np.ndarray, shares: tuple[float, ...] = PULL_SHARES
) -> CandidateGrid:
    """Compromise pulled towards the status quo, by a share fitted per voting rule.

    Returns
    -------
    CandidateGrid
        ``len(shares) ** 2`` candidates ``(a_unanimity, a_qmv)``, ``(0, 0)`` first.
    """
    unanimity = np.array([rule.lower().startswith("unan") for rule in data.voting_rules])
    rp = data.reference_point
    known = np.isfinite(rp)
    rows, labels = [], []
    for a_unan, a_qmv in itertools.product(shares, repeat=2):
        share = np.where(unanimity, a_unan, a_qmv)
        pulled = (1.0 - share) * compromise_forecast + share * np.nan_to_num(rp)
        rows.append(np.where(known, pulled, compromise_forecast))
        labels.append(f"pull {a_unan:g} (unanimity), {a_qmv:g} (QMV)")
    return CandidateGrid("status-quo pull", np.array(rows), tuple(labels))


def _simplex(n_models: int, step: float) -> np.ndarray:
    ticks = round(1.0 / step)
    points = [
        combo for combo in itertools.product(range(ticks + 1), repeat=n_models)
        if sum(combo) == ticks
    ]  # fmt: skip
    weights = np.array(points, dtype=float) / ticks
    first = np.zeros(n_models)
    first[0] = 1.0
    order = np.argsort(~np.all(weights == first, axis=1), kind="stable")
    return weights[order]


def blend_grid(forecasts: Mapping[str, np.ndarray], step: float = BLEND_STEP) -> CandidateGrid:
    """Convex blends of model forecasts; the first model's forecast is the first candidate.

    Parameters
    ----------
    forecasts : mapping of str to numpy.ndarray, shape (B,)
        Model forecasts; the first entry must be finite everywhere (the
        compromise model). NaN in another entry (the status quo where ``rp``
        is unknown) moves that entry's weight to the finite entries in
        proportion to their weights, or to the first entry if they have none.
    step : float
        Grid step of the weights.

    Returns
    -------
    CandidateGrid
    """
    names = list(forecasts)
    stack = np.array([np.asarray(forecasts[name], dtype=float) for name in names])  # (M, B)
    weights = _simplex(len(names), step)  # (G, M)
    finite = np.isfinite(stack)
    w = weights[:, :, None] * finite[None]  # (G, M, B)
    total = w.sum(axis=1, keepdims=True)
    fallback = np.zeros_like(w)
    fallback[:, 0] = 1.0
    w = np.where(total > 0.0, w / np.where(total > 0.0, total, 1.0), fallback)
    blended = (w * np.nan_to_num(stack)[None]).sum(axis=1)
    labels = tuple(
        " + ".join(f"{wt:g} {name}" for wt, name in zip(row, names, strict=True) if wt > 0)
        for row in weights
    )
    return CandidateGrid("blend", blended, labels)


def grouped_blend_grid(
    name: str,
    forecasts: Mapping[str, np.ndarray],
    groups: np.ndarray,
    group_names: tuple[str, ...],
    step: float = GROUPED_BLEND_STEP,
) -> CandidateGrid:
    """One convex blend per group of issues; every combination of blends is a candidate.

    Parameters
    ----------
    name : str
        Name of the family.
    forecasts : mapping of str to numpy.ndarray, shape (B,)
        Model forecasts, the compromise model first (see :func:`blend_grid`).
    groups : numpy.ndarray of int, shape (B,)
        Group ``0..H-1`` of each issue.
    group_names : tuple of str
        Name of each group, for the labels.
    step : float
        Grid step of each group's weights.

    Returns
    -------
    CandidateGrid
        ``G ** H`` candidates for ``G`` blends and ``H`` groups; the first
        puts the first model's forecast on every group. Because the loss of
        a candidate is the sum of its groups' losses, choosing the best
        candidate chooses the best blend of each group.
    """
    base = blend_grid(forecasts, step)
    groups = np.asarray(groups, dtype=int)
    combos = np.array(list(itertools.product(range(len(base.labels)), repeat=len(group_names))))
    index = combos[:, groups]  # (G, B): blend used for each issue
    blended = base.forecasts[index, np.arange(groups.size)[None, :]]
    labels = tuple(
        "; ".join(f"{group}: {base.labels[g]}" for group, g in zip(group_names, combo, strict=True))
        for combo in combos
    )
    return CandidateGrid(name, blended, labels)


def mean_salience(data: DeuData) -> np.ndarray:
    """Mean salience (0-1) of the coded actors of each issue, shape (B,)."""
    return (data.salience * data.coded).sum(axis=1) / np.maximum(data.coded.sum(axis=1), 1)


def split_at(values: np.ndarray, threshold: float) -> np.ndarray:
    """Group 0 for values at or below ``threshold``, 1 above it."""
    return (np.asarray(values, dtype=float) > threshold).astype(int)
