"""Error scores with proposal-level (cluster) bootstrap intervals.

Issues of one legislative proposal are negotiated together, often traded
against each other, and coded by the same experts, so their errors are
correlated. Resampling issues as if independent would understate the
uncertainty of a mean error. The bootstrap here resamples whole proposals
with replacement (the cluster bootstrap; Davison and Hinkley 1997,
*Bootstrap Methods and their Application*, section 3.8; Cameron, Gelbach and
Miller 2008, *Review of Economics and Statistics* 90(3):414-427) and
recomputes the mean over all issues of the drawn proposals, so a proposal
with four issues weighs four times as much as one with a single issue, as in
the point estimate. Intervals are percentile intervals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "IntervalEstimate",
    "cluster_bootstrap_mean",
    "cluster_index",
    "mean_absolute_error",
]


@dataclass(frozen=True)
class IntervalEstimate:
    """A point estimate with a bootstrap percentile interval."""

    estimate: float
    low: float
    high: float
    n: int

    def as_dict(self) -> dict[str, float | int]:
        """Plain mapping for JSON output."""
        return {"estimate": self.estimate, "low": self.low, "high": self.high, "n": self.n}


def mean_absolute_error(predicted: np.ndarray, observed: np.ndarray) -> float:
    """Mean of ``|predicted - observed|`` over the entries where both are finite.

    Returns NaN when no entry is finite in both (a model that scores no issue).
    """
    errors = np.abs(np.asarray(predicted, dtype=float) - np.asarray(observed, dtype=float))
    errors = errors[np.isfinite(errors)]
    return float(errors.mean()) if errors.size else float("nan")


def cluster_index(labels: tuple[str, ...] | list[str] | np.ndarray) -> np.ndarray:
    """Integer code 0..P-1 of each entry's cluster (proposal), in order of first appearance."""
    codes: dict[str, int] = {}
    return np.array([codes.setdefault(str(label), len(codes)) for label in labels], dtype=int)


def cluster_bootstrap_mean(
    values: np.ndarray,
    clusters: np.ndarray,
    rng: np.random.Generator,
    *,
    draws: int = 2000,
    level: float = 0.95,
) -> IntervalEstimate:
    """Mean of ``values`` with a cluster-bootstrap percentile interval.

    Parameters
    ----------
    values : numpy.ndarray, shape (B,)
        Per-issue quantities (absolute errors, CRPS, error differences);
        non-finite entries are left out, with their cluster kept for the rest.
    clusters : numpy.ndarray of int, shape (B,)
        Cluster (proposal) code of each issue, from :func:`cluster_index`.
    rng : numpy.random.Generator
        Source of the resampling; the same seed gives the same interval.
    draws : int
        Number of bootstrap replicates.
    level : float
        Coverage of the interval (0.95 for a 95% interval).

    Returns
    -------
    IntervalEstimate
        The mean over all finite entries, the interval, and the number of
        entries used. The interval is NaN when no entry is finite.

    Notes
    -----
    Each replicate draws ``P`` clusters with replacement among the ``P``
    clusters that hold a finite value and computes
    ``sum(count_p * total_p) / sum(count_p * n_p)``, the mean over every
    issue of the drawn clusters (a ratio estimator).
    """
    values = np.asarray(values, dtype=float)
    clusters = np.asarray(clusters, dtype=int)
    finite = np.isfinite(values)
    n = int(finite.sum())
    if n == 0:
        return IntervalEstimate(float("nan"), float("nan"), float("nan"), 0)
    _, cluster_codes = np.unique(clusters[finite], return_inverse=True)
    totals = np.bincount(cluster_codes, weights=values[finite])
    sizes = np.bincount(cluster_codes).astype(float)
    n_clusters = totals.size
    picks = rng.integers(0, n_clusters, size=(draws, n_clusters))
    counts = np.zeros((draws, n_clusters))
    np.add.at(counts, (np.arange(draws)[:, None], picks), 1.0)
    replicates = (counts @ totals) / (counts @ sizes)
    tail = 50.0 * (1.0 - level)
    low, high = np.percentile(replicates, [tail, 100.0 - tail])
    return IntervalEstimate(float(values[finite].mean()), float(low), float(high), n)
