"""Alliance cohesion: the salience-weighted S-score of Signorino and Ritter (1999).

For two actors a and b with positions x and saliences s on K issues, each
on a scale of range R_k, the S-score is

    S = 1 - 2 * sum_k w_k |x_ak - x_bk| / R_k  /  sum_k w_k,

in [-1, 1]: 1 when they stand together everywhere, -1 when they stand at
opposite ends of every issue.  Here the weight of an issue is the mean of
the two actors' saliences, so an issue counts when either partner cares
about it (an issue only one side cares about can still strain the pair).

Shared stakes (interests that bind the pair beyond the contested issues,
such as "holding Syria") enter as extra dimensions on which the partners
agree exactly, weighted by the stake's weight.  They pull the score towards
1 without hiding the divergences.  With W = sum_k w_k + sum_m g_m the score
decomposes exactly into

    S = sum_k w_k (1 - 2 d_k) / W  +  sum_m g_m / W,

so each issue's term is positive where the pair converges (d_k < 1/2) and
negative where it diverges; these terms are the per-issue contributions
reported by realpolitik.

Reference: Signorino, C. S. and Ritter, J. M. (1999), "Tau-b or not tau-b:
measuring the similarity of foreign policy positions", International
Studies Quarterly 43(1): 115-144, eq. (4).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

POSITION_RANGE = 100.0
"""Width of every issue scale (positions are on 0-100)."""


@dataclass(frozen=True)
class Cohesion:
    """The S-score of a pair and its decomposition.

    Attributes
    ----------
    score
        (B,) S-score counting shared stakes, in [-1, 1].
    s_issues
        (B,) S-score on the contested issues alone, in [-1, 1].
    issue_contributions
        (B, K) each issue's term of ``score``; they sum, with the stakes'
        terms, to ``score``.
    stake_contributions
        (B, M) each shared stake's term of ``score`` (non-negative).
    issue_weights
        (B, K) the weight of each issue: mean salience of the pair, 0 where
        either partner takes no stance.
    """

    score: np.ndarray
    s_issues: np.ndarray
    issue_contributions: np.ndarray
    stake_contributions: np.ndarray
    issue_weights: np.ndarray


def alliance_cohesion(
    pos_a: np.ndarray,
    pos_b: np.ndarray,
    sal_a: np.ndarray,
    sal_b: np.ndarray,
    *,
    active_a: np.ndarray | None = None,
    active_b: np.ndarray | None = None,
    stake_weights: np.ndarray | None = None,
    position_range: float = POSITION_RANGE,
) -> Cohesion:
    """Return the S-score of actors a and b on K issues, for a batch of B draws.

    Parameters
    ----------
    pos_a, pos_b
        (B, K) positions of the two partners.
    sal_a, sal_b
        (B, K) saliences in [0, 1].
    active_a, active_b
        Optional (B, K) masks; an issue counts only where both take a stance.
    stake_weights
        Optional (B, M) weights in [0, 1] of the pair's shared stakes.
    position_range
        Width of the issue scales.

    Returns
    -------
    Cohesion
        Scores and their exact decomposition.  Where nothing is weighed (no
        common issue with salience and no stake) the score is 0 with a
        ``RuntimeWarning``: neither aligned nor opposed.
    """
    pos_a, pos_b, sal_a, sal_b = (np.asarray(x, dtype=float) for x in (pos_a, pos_b, sal_a, sal_b))
    if not pos_a.shape == pos_b.shape == sal_a.shape == sal_b.shape or pos_a.ndim != 2:
        raise ValueError(
            "positions and saliences of both partners must share one (B, K) shape, got "
            f"{pos_a.shape}, {pos_b.shape}, {sal_a.shape}, {sal_b.shape}"
        )
    both = np.ones(pos_a.shape, dtype=bool)
    for mask in (active_a, active_b):
        if mask is not None:
            both &= np.asarray(mask, dtype=bool)
    stakes = (
        np.zeros((pos_a.shape[0], 0))
        if stake_weights is None
        else np.asarray(stake_weights, dtype=float)
    )
    if stakes.ndim != 2 or stakes.shape[0] != pos_a.shape[0]:
        raise ValueError(f"stake_weights must have shape (B, M), got {stakes.shape}")

    weights = np.where(both, 0.5 * (sal_a + sal_b), 0.0)
    distance = np.abs(pos_a - pos_b) / position_range
    agreement = weights * (1.0 - 2.0 * distance)
    issue_total = weights.sum(axis=1)
    total = issue_total + stakes.sum(axis=1)
    empty = total <= 0.0
    if empty.any():
        warnings.warn(
            "an alliance has no weighed issue and no shared stake in some draws; "
            "its cohesion is set to 0 there",
            RuntimeWarning,
            stacklevel=2,
        )
    safe_total = np.where(empty, 1.0, total)[:, None]
    issue_contributions = agreement / safe_total
    stake_contributions = stakes / safe_total
    score = issue_contributions.sum(axis=1) + stake_contributions.sum(axis=1)
    safe_issue_total = np.where(issue_total > 0, issue_total, 1.0)
    s_issues = np.where(issue_total > 0, agreement.sum(axis=1) / safe_issue_total, 0.0)
    return Cohesion(
        score=np.where(empty, 0.0, score),
        s_issues=s_issues,
        issue_contributions=issue_contributions,
        stake_contributions=stake_contributions,
        issue_weights=weights,
    )
