"""Leave-one-proposal-out cross-validation for models with a parameter grid.

A fitted model here is a finite list of candidates (one per parameter value
on a grid), each of which forecasts every issue from that issue's own
inputs. Fitting means picking the candidate with the lowest mean loss on
the training issues. Because a candidate's forecast for an issue never uses
another issue's outcome, the forecasts of all candidates can be computed
once; what cross-validation must guard is the *choice* of candidate, which
for a held-out proposal is made from the losses of the other proposals only.

Leave-one-proposal-out (LOPO): each proposal in turn is held out, the
candidate is chosen on all other proposals, and the held-out proposal's
issues get that candidate's forecasts. Proposals, not issues, are the unit,
because issues of one proposal are bargained together (package deals) and
coded by the same experts; holding out single issues would let a model learn
a proposal's idiosyncrasies from its sibling issues (Arlot and Celisse 2010,
*Statistics Surveys* 4:40-79, on cross-validation with dependent data).

Ties between candidates go to the one listed first, so listing the
unfitted baseline first makes a fitted model fall back to it when the data
cannot tell them apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "CrossValidated",
    "cluster_loss_totals",
    "leave_one_cluster_out",
    "leave_two_clusters_out_forecasts",
]


@dataclass(frozen=True)
class CrossValidated:
    """Out-of-sample forecasts of a grid-fitted model.

    Attributes
    ----------
    forecast : numpy.ndarray, shape (B,)
        For every issue, the forecast of the candidate chosen without its
        proposal.
    chosen : numpy.ndarray of int, shape (P,)
        Candidate chosen when proposal ``p`` (cluster code) was held out.
    """

    forecast: np.ndarray
    chosen: np.ndarray


def _check(candidates: np.ndarray, observed: np.ndarray, clusters: np.ndarray) -> None:
    if candidates.ndim != 2 or candidates.shape[1] != observed.shape[0]:
        raise ValueError(
            f"candidates must have shape (G, B) with B = {observed.shape[0]} issues; "
            f"got {candidates.shape}"
        )
    if clusters.shape != observed.shape:
        raise ValueError("clusters must give one proposal code per issue")
    if not np.all(np.isfinite(candidates)):
        raise ValueError("every candidate must forecast every issue (no NaN)")
    if np.unique(clusters).size < 2:
        raise ValueError("cross-validation by proposal needs at least two proposals")


def cluster_loss_totals(losses: np.ndarray, clusters: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum the per-issue losses of each candidate over each cluster.

    Parameters
    ----------
    losses : numpy.ndarray, shape (G, B)
        Loss of candidate ``g`` on issue ``b``.
    clusters : numpy.ndarray of int, shape (B,)
        Cluster code 0..P-1 of each issue.

    Returns
    -------
    totals : numpy.ndarray, shape (G, P)
        Summed loss per candidate and cluster.
    sizes : numpy.ndarray, shape (P,)
        Number of issues per cluster.
    """
    n_clusters = int(clusters.max()) + 1
    one_hot = np.zeros((clusters.size, n_clusters))
    one_hot[np.arange(clusters.size), clusters] = 1.0
    return losses @ one_hot, one_hot.sum(axis=0)


def leave_one_cluster_out(
    candidates: np.ndarray, observed: np.ndarray, clusters: np.ndarray
) -> CrossValidated:
    """Choose a candidate by absolute error without each cluster and forecast that cluster.

    Parameters
    ----------
    candidates : numpy.ndarray, shape (G, B)
        Forecast of every candidate for every issue (finite).
    observed : numpy.ndarray, shape (B,)
        Observed outcomes.
    clusters : numpy.ndarray of int, shape (B,)
        Proposal code of each issue (0..P-1, from
        :func:`realpolitik.analysis.validation.scoring.cluster_index`).

    Returns
    -------
    CrossValidated
        Held-out forecasts and the candidate chosen per held-out proposal.
    """
    candidates = np.asarray(candidates, dtype=float)
    observed = np.asarray(observed, dtype=float)
    clusters = np.asarray(clusters, dtype=int)
    _check(candidates, observed, clusters)
    totals, sizes = cluster_loss_totals(np.abs(candidates - observed), clusters)
    training_loss = (totals.sum(axis=1, keepdims=True) - totals) / (sizes.sum() - sizes)
    chosen = np.argmin(training_loss, axis=0)
    forecast = candidates[chosen[clusters], np.arange(observed.size)]
    return CrossValidated(forecast=forecast, chosen=chosen)


def leave_two_clusters_out_forecasts(
    candidates: np.ndarray, observed: np.ndarray, clusters: np.ndarray
) -> np.ndarray:
    """Forecasts for calibrating a fitted model's errors without the held-out proposal.

    Entry ``[p, b]`` is the forecast for issue ``b`` by the candidate chosen
    on all issues outside both proposal ``p`` and issue ``b``'s own proposal
    (for ``b`` inside ``p`` it is the plain leave-one-out forecast). The
    residuals ``observed[b] - entry[p, b]`` for ``b`` outside ``p`` are then
    honest out-of-sample errors that never touched proposal ``p``, which the
    predictive distribution of ``p`` may use (nested cross-validation).

    Parameters
    ----------
    candidates, observed, clusters
        As for :func:`leave_one_cluster_out`.

    Returns
    -------
    numpy.ndarray, shape (P, B)
    """
    candidates = np.asarray(candidates, dtype=float)
    observed = np.asarray(observed, dtype=float)
    clusters = np.asarray(clusters, dtype=int)
    _check(candidates, observed, clusters)
    totals, sizes = cluster_loss_totals(np.abs(candidates - observed), clusters)
    grand, n_all = totals.sum(axis=1), sizes.sum()
    # loss without clusters p and q: (grand - T[:, p] - T[:, q]) / (n - n_p - n_q), p != q
    removed = totals[:, :, None] + totals[:, None, :]
    removed_n = sizes[:, None] + sizes[None, :]
    diagonal = np.arange(sizes.size)
    removed[:, diagonal, diagonal] = totals
    removed_n[diagonal, diagonal] = sizes
    loss = (grand[:, None, None] - removed) / np.maximum(n_all - removed_n, 1.0)
    chosen = np.argmin(loss, axis=0)  # (P, P): held-out p, issue's proposal q
    choice_per_issue = chosen[:, clusters]  # (P, B)
    return candidates[choice_per_issue, np.arange(observed.size)[None, :]]
