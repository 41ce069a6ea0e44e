"""Analysis of Competing Hypotheses: inconsistency scores and a Bayesian reading.

Heuer (1999, *Psychology of Intelligence Analysis*, ch. 8) has the analyst
rate every evidence item against every hypothesis and then look for the
hypothesis with the *least* evidence against it, since consistent evidence
often fits several hypotheses and so discriminates little.  This module
computes, for a scenario's ``hypotheses`` and ``evidence``:

* **inconsistency scores** per hypothesis: the plain count of ``I`` and
  ``II`` ratings, and the weighted score
  ``sum_e w_e * points(rating_eh)`` with points ``I = 1``, ``II = 2`` (others
  0) and ``w_e = credibility_e * relevance_e``; lower is better;
* a **Bayesian reading**: each rating stands for a likelihood ``L`` of
  seeing the item if the hypothesis is true (:data:`LIKELIHOODS`),
  tempered towards the uninformative 0.5 by the item's weight,
  ``P(e|h) = w_e * L + (1 - w_e) * 0.5``; posteriors follow from the
  priors by Bayes' rule, treating items as independent given the
  hypothesis;
* **diagnosticity** of each item: ``ln(max_h P(e|h) / min_h P(e|h))``, zero
  for an item that fits every hypothesis equally (Heuer's "non-diagnostic"
  evidence) and larger the more it discriminates;
* **drop-one sensitivity**: the posteriors and both rankings recomputed
  without each item in turn, flagging the items on which the conclusion
  hinges.

The constants and their reasons are in docs/model.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from realpolitik.scenario.judgment import RATINGS
from realpolitik.scenario.schema import Scenario

__all__ = [
    "INCONSISTENCY_POINTS",
    "LIKELIHOODS",
    "AchMatrix",
    "AchResult",
    "DropOne",
    "ach_matrix",
    "analyse",
    "analyse_hypotheses",
    "diagnosticity",
    "drop_one",
    "inconsistency_counts",
    "inconsistency_scores",
    "likelihoods",
    "posteriors",
]

LIKELIHOODS: dict[str, float] = {"CC": 0.9, "C": 0.7, "N": 0.5, "I": 0.3, "II": 0.1}
"""P(e|h) a rating stands for, before tempering by the item's weight."""

INCONSISTENCY_POINTS: dict[str, float] = {"CC": 0.0, "C": 0.0, "N": 0.0, "I": 1.0, "II": 2.0}
"""Points against a hypothesis in Heuer's weighted inconsistency score."""


@dataclass(frozen=True)
class AchMatrix:
    """Ratings of E evidence items against H hypotheses, with weights and priors.

    Attributes
    ----------
    hypothesis_ids : tuple of str, length H
    evidence_ids : tuple of str, length E
    ratings : numpy.ndarray of str, shape (E, H)
        ``CC``, ``C``, ``N``, ``I`` or ``II``.
    weights : numpy.ndarray, shape (E,)
        Credibility times relevance of each item, in [0, 1].
    priors : numpy.ndarray, shape (H,)
        Prior probabilities, summing to 1.
    """

    hypothesis_ids: tuple[str, ...]
    evidence_ids: tuple[str, ...]
    ratings: np.ndarray
    weights: np.ndarray
    priors: np.ndarray

    def __post_init__(self) -> None:
        n_items, n_hyp = len(self.evidence_ids), len(self.hypothesis_ids)
        if n_hyp == 0:
            raise ValueError("an ACH matrix needs at least one hypothesis")
        if np.shape(self.ratings) != (n_items, n_hyp):
            raise ValueError(f"ratings must have shape ({n_items}, {n_hyp}), "
                             f"got {np.shape(self.ratings)}")
        if np.shape(self.weights) != (n_items,) or np.shape(self.priors) != (n_hyp,):
            raise ValueError("weights must have one entry per item and priors one per hypothesis")
        unknown = set(np.asarray(self.ratings).ravel().tolist()) - set(RATINGS)
        if unknown:
            raise ValueError(f"unknown ratings {sorted(unknown)}; use {', '.join(RATINGS)}")
        if np.any((self.weights < 0) | (self.weights > 1)):
            raise ValueError("item weights must lie in [0, 1]")
        if np.any(self.priors < 0) or not np.isclose(self.priors.sum(), 1.0):
            raise ValueError("priors must be non-negative and sum to 1")

    def without(self, item: int) -> AchMatrix:
        """The same matrix with evidence item ``item`` left out."""
        keep = np.arange(len(self.evidence_ids)) != item
        ids = tuple(e for e, k in zip(self.evidence_ids, keep, strict=True) if k)
        return AchMatrix(self.hypothesis_ids, ids, self.ratings[keep], self.weights[keep],
                         self.priors)


@dataclass(frozen=True)
class DropOne:
    """What changes when one evidence item is left out."""

    evidence_id: str
    posteriors: np.ndarray
    max_shift: float
    posterior_ranking_changes: bool
    inconsistency_ranking_changes: bool
    leader_changes: bool


@dataclass(frozen=True)
class AchResult:
    """Everything the ACH reading of a matrix gives."""

    matrix: AchMatrix
    inconsistency_count: np.ndarray
    inconsistency: np.ndarray
    likelihoods: np.ndarray
    posteriors: np.ndarray
    diagnosticity: np.ndarray
    sensitivity: list[DropOne]

    @property
    def posterior_ranking(self) -> list[str]:
        """Hypothesis ids from most to least probable."""
        return [self.matrix.hypothesis_ids[i] for i in _rank_desc(self.posteriors)]

    @property
    def inconsistency_ranking(self) -> list[str]:
        """Hypothesis ids from least to most inconsistent (Heuer's preferred order)."""
        return [self.matrix.hypothesis_ids[i] for i in _rank_asc(self.inconsistency)]


def ach_matrix(scenario: Scenario) -> AchMatrix:
    """Collect a scenario's hypotheses, evidence ratings, weights and normalised priors.

    Raises
    ------
    ValueError
        When the scenario declares no hypotheses.
    """
    hypotheses = scenario.hypotheses
    if not hypotheses:
        raise ValueError(f"scenario '{scenario.scenario.id}' declares no hypotheses")
    ids = tuple(h.id for h in hypotheses)
    ratings = np.array([[item.rating(h) for h in ids] for item in scenario.evidence],
                       dtype=object).reshape(len(scenario.evidence), len(ids))
    weights = np.array([item.weight for item in scenario.evidence], dtype=float)
    if all(h.prior is not None for h in hypotheses):
        raw = np.array([h.prior.point for h in hypotheses], dtype=float)
    else:
        raw = np.ones(len(ids))
    return AchMatrix(ids, tuple(item.id for item in scenario.evidence), ratings, weights,
                     raw / raw.sum())


def inconsistency_counts(ratings: np.ndarray) -> np.ndarray:
    """Heuer's plain score: how many items rate each hypothesis ``I`` or ``II``; shape (H,)."""
    ratings = np.asarray(ratings, dtype=object)
    return ((ratings == "I") | (ratings == "II")).sum(axis=0).astype(float)


def inconsistency_scores(ratings: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted inconsistency, ``sum_e w_e * points(rating_eh)``; shape (H,).

    ``II`` counts double (:data:`INCONSISTENCY_POINTS`), and each item counts
    in proportion to its credibility times relevance.
    """
    points = _lookup(ratings, INCONSISTENCY_POINTS)
    return np.asarray(weights, dtype=float) @ points


def likelihoods(ratings: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Tempered likelihoods ``P(e|h) = w * L(rating) + (1 - w) * 0.5``; shape (E, H)."""
    base = _lookup(ratings, LIKELIHOODS)
    w = np.asarray(weights, dtype=float)[:, None]
    return w * base + (1.0 - w) * 0.5


def posteriors(priors: np.ndarray, item_likelihoods: np.ndarray) -> np.ndarray:
    """Posterior over hypotheses by Bayes' rule, items independent given the hypothesis.

    ``P(h|E) = P(h) prod_e P(e|h) / sum_h' P(h') prod_e P(e|h')``, computed in
    logs so that many items do not underflow.  A hypothesis with zero prior
    keeps zero posterior.
    """
    priors = np.asarray(priors, dtype=float)
    with np.errstate(divide="ignore"):
        log_post = np.log(priors) + np.log(item_likelihoods).sum(axis=0)
    log_post -= np.max(log_post)
    post = np.exp(log_post)
    return post / post.sum()


def diagnosticity(item_likelihoods: np.ndarray) -> np.ndarray:
    """How much each item discriminates: ``ln(max_h P(e|h) / min_h P(e|h))``; shape (E,).

    Zero for an item that is equally likely under every hypothesis; tempered
    likelihoods are never below 0.1, so the ratio is finite.
    """
    if item_likelihoods.shape[0] == 0:
        return np.zeros(0)
    return np.log(item_likelihoods.max(axis=1) / item_likelihoods.min(axis=1))


def analyse(matrix: AchMatrix) -> AchResult:
    """Inconsistency scores, posteriors, diagnosticity and drop-one sensitivity of a matrix."""
    lik = likelihoods(matrix.ratings, matrix.weights)
    post = posteriors(matrix.priors, lik)
    return AchResult(
        matrix=matrix,
        inconsistency_count=inconsistency_counts(matrix.ratings),
        inconsistency=inconsistency_scores(matrix.ratings, matrix.weights),
        likelihoods=lik,
        posteriors=post,
        diagnosticity=diagnosticity(lik),
        sensitivity=drop_one(matrix, post),
    )


def analyse_hypotheses(scenario: Scenario) -> AchResult:
    """ACH reading of a scenario's hypotheses and evidence (see :func:`analyse`)."""
    return analyse(ach_matrix(scenario))


def drop_one(matrix: AchMatrix, full_posteriors: np.ndarray | None = None) -> list[DropOne]:
    """Recompute posteriors and rankings with each evidence item left out in turn."""
    if full_posteriors is None:
        full_posteriors = posteriors(matrix.priors, likelihoods(matrix.ratings, matrix.weights))
    full_incons = inconsistency_scores(matrix.ratings, matrix.weights)
    results = []
    for item, evidence_id in enumerate(matrix.evidence_ids):
        reduced = matrix.without(item)
        post = posteriors(reduced.priors, likelihoods(reduced.ratings, reduced.weights))
        incons = inconsistency_scores(reduced.ratings, reduced.weights)
        results.append(DropOne(
            evidence_id=evidence_id,
            posteriors=post,
            max_shift=float(np.max(np.abs(post - full_posteriors))),
            posterior_ranking_changes=_rank_desc(post) != _rank_desc(full_posteriors),
            inconsistency_ranking_changes=_rank_asc(incons) != _rank_asc(full_incons),
            leader_changes=_rank_desc(post)[0] != _rank_desc(full_posteriors)[0],
        ))
    return results


def _lookup(ratings: np.ndarray, table: dict[str, float]) -> np.ndarray:
    """Map each rating to its number in ``table`` (E x H is small: a plain look-up)."""
    ratings = np.asarray(ratings, dtype=object)
    values = np.array([table[rating] for rating in ratings.ravel()], dtype=float)
    return values.reshape(ratings.shape)


def _rank_desc(values: np.ndarray) -> list[int]:
    """Indices from highest to lowest; ties (to 1e-12) keep declaration order."""
    rounded = np.round(np.asarray(values, dtype=float), 12)
    return sorted(range(len(rounded)), key=lambda i: (-rounded[i], i))


def _rank_asc(values: np.ndarray) -> list[int]:
    rounded = np.round(np.asarray(values, dtype=float), 12)
    return sorted(range(len(rounded)), key=lambda i: (rounded[i], i))
