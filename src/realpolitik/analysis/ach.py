"""Analysis of Competing Hypotheses: inconsistency scores, a Bayesian reading, and its limits.

Heuer (1999, *Psychology of Intelligence Analysis*, ch. 8) has the analyst
rate every evidence item against every hypothesis and then look for the
hypothesis with the *least* evidence against it, since consistent evidence
often fits several hypotheses and so discriminates little.  This module
computes, for a scenario's ``hypotheses`` and ``evidence``:

* **inconsistency scores** per hypothesis: the plain count of ``I`` and
  ``II`` ratings, and the weighted score
  ``sum_e w_e * points(rating_eh)`` with points ``I = 1``, ``II = 2`` (others
  0) and ``w_e = credibility_e * relevance_e``; lower is better.  A
  hypothesis that no item rates ``I`` or ``II`` is **non-diagnostic**: the
  evidence consistent with it does not support it over the others;
* a **Bayesian reading**: each rating stands for a likelihood ``L`` of
  seeing the item if the hypothesis is true (:data:`LIKELIHOODS`),
  tempered towards the uninformative 0.5 by the item's weight,
  ``P(e|h) = w_e * L + (1 - w_e) * 0.5``;
* **dependent evidence**: items that share a source or a ``group`` form a
  cluster of ``n`` items that count as Kish's (1965) effective number
  ``n_eff = n / (1 + (n - 1) rho)``; each item's log-likelihood is scaled by
  ``n_eff / n``, so ``ln P(E|h) = sum_e (n_eff / n)_e ln P(e|h)``;
* **likelihood ratios** ``P(E|h) / P(E|h*)`` against the best-supported
  hypothesis ``h*``, always; **posteriors** by Bayes' rule only when the
  scenario declares its hypotheses mutually exclusive and exhaustive, since
  probabilities normalised over a set mean nothing otherwise;
* **intervals**: uncertain priors, credibilities and ``rho`` are sampled
  (seeded, one random stream per named number) and each posterior and
  likelihood ratio reported as a median with a 90% interval;
* **diagnosticity** of each item: ``ln(max_h P(e|h) / min_h P(e|h))``;
* **drop-one sensitivity**: everything recomputed without each item in
  turn, flagging the items on which the conclusion hinges;
* **cautions**: one list of plain sentences (exclusivity, non-diagnostic
  hypotheses, dependence, a leader that the draws do not settle, pivotal
  items) that every front end shows.

The constants and their reasons are in docs/model.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, TypeVar

import numpy as np

from realpolitik.scenario.judgment import DEFAULT_RHO, RATINGS, AchSettings
from realpolitik.scenario.quantity import Quantity
from realpolitik.scenario.schema import Scenario

__all__ = [
    "INCONSISTENCY_POINTS",
    "INTERVAL_LEVEL",
    "LEADER_SETTLED",
    "LIKELIHOODS",
    "AchMatrix",
    "AchResult",
    "AchSamples",
    "Caution",
    "DropOne",
    "Interval",
    "ach_matrix",
    "analyse",
    "analyse_hypotheses",
    "dependence_clusters",
    "dependence_scale",
    "diagnosticity",
    "drop_one",
    "effective_number",
    "inconsistency_counts",
    "inconsistency_scores",
    "likelihood_ratios",
    "likelihoods",
    "log_likelihoods",
    "non_diagnostic",
    "posteriors",
    "sample_inputs",
]

T = TypeVar("T")

LIKELIHOODS: dict[str, float] = {"CC": 0.9, "C": 0.7, "N": 0.5, "I": 0.3, "II": 0.1}
"""P(e|h) a rating stands for, before tempering by the item's weight."""

INCONSISTENCY_POINTS: dict[str, float] = {"CC": 0.0, "C": 0.0, "N": 0.0, "I": 1.0, "II": 2.0}
"""Points against a hypothesis in Heuer's weighted inconsistency score."""

INTERVAL_LEVEL = 0.9
"""Central probability of the reported intervals (5th to 95th percentile)."""

LEADER_SETTLED = 0.95
"""Share of draws below which the leading hypothesis is reported as unsettled."""

CautionKind = Literal["exclusivity", "non_diagnostic", "dependence", "uncertain_leader",
                      "pivotal", "no_evidence"]


@dataclass(frozen=True)
class AchMatrix:
    """Ratings of E evidence items against H hypotheses, with weights, priors and declarations.

    Attributes
    ----------
    hypothesis_ids : tuple of str, length H
    evidence_ids : tuple of str, length E
    ratings : numpy.ndarray of str, shape (E, H)
        ``CC``, ``C``, ``N``, ``I`` or ``II``.
    weights : numpy.ndarray, shape (E,)
        Credibility times relevance of each item, in [0, 1] (point values).
    priors : numpy.ndarray, shape (H,)
        Prior probabilities, summing to 1 (point values).
    sources, groups : tuple of (str or None), length E, or None
        Each item's source and group; items sharing either are dependent.
        None: no item names one (all independent).
    rho : float
        Correlation between the items of one cluster, in [0, 1] (point value).
    exclusive, exhaustive : bool
        Declared: at most one hypothesis is true; at least one is.
    catch_all : str or None
        Id of the "something else" hypothesis, which makes the set exhaustive.
    """

    hypothesis_ids: tuple[str, ...]
    evidence_ids: tuple[str, ...]
    ratings: np.ndarray
    weights: np.ndarray
    priors: np.ndarray
    sources: tuple[str | None, ...] | None = None
    groups: tuple[str | None, ...] | None = None
    rho: float = DEFAULT_RHO
    exclusive: bool = False
    exhaustive: bool = False
    catch_all: str | None = None

    def __post_init__(self) -> None:
        n_items, n_hyp = len(self.evidence_ids), len(self.hypothesis_ids)
        if n_hyp == 0:
            raise ValueError("an ACH matrix needs at least one hypothesis")
        if np.shape(self.ratings) != (n_items, n_hyp):
            raise ValueError(f"ratings must have shape ({n_items}, {n_hyp}), "
                             f"got {np.shape(self.ratings)}")
        if np.shape(self.weights) != (n_items,) or np.shape(self.priors) != (n_hyp,):
            raise ValueError("weights must have one entry per item and priors one per hypothesis")
        for name in ("sources", "groups"):
            labels = getattr(self, name)
            if labels is not None and len(labels) != n_items:
                raise ValueError(f"{name} must have one entry per item")
        unknown = set(np.asarray(self.ratings).ravel().tolist()) - set(RATINGS)
        if unknown:
            raise ValueError(f"unknown ratings {sorted(unknown)}; use {', '.join(RATINGS)}")
        if np.any((self.weights < 0) | (self.weights > 1)):
            raise ValueError("item weights must lie in [0, 1]")
        if np.any(self.priors < 0) or not np.isclose(self.priors.sum(), 1.0):
            raise ValueError("priors must be non-negative and sum to 1")
        if not 0.0 <= self.rho <= 1.0:
            raise ValueError(f"rho must lie in [0, 1], got {self.rho}")
        if self.catch_all is not None and self.catch_all not in self.hypothesis_ids:
            raise ValueError(f"catch-all '{self.catch_all}' is not one of the hypotheses")

    @property
    def clusters(self) -> np.ndarray:
        """Cluster label of each item, shape (E,): see :func:`dependence_clusters`."""
        n_items = len(self.evidence_ids)
        return dependence_clusters(self.sources or (None,) * n_items,
                                   self.groups or (None,) * n_items)

    @property
    def unattributed(self) -> int:
        """How many items name neither a source nor a group (they count as independent)."""
        sources = self.sources or (None,) * len(self.evidence_ids)
        groups = self.groups or (None,) * len(self.evidence_ids)
        return sum(s is None and g is None for s, g in zip(sources, groups, strict=True))

    @property
    def posteriors_defined(self) -> bool:
        """True when the hypotheses are declared exclusive and exhaustive (or have a catch-all)."""
        return self.exclusive and (self.exhaustive or self.catch_all is not None)

    def without(self, item: int) -> AchMatrix:
        """The same matrix with evidence item ``item`` left out."""
        keep = np.arange(len(self.evidence_ids)) != item

        def kept(values: Sequence[T]) -> tuple[T, ...]:
            return tuple(v for v, k in zip(values, keep, strict=True) if k)

        def kept_if_given(values: Sequence[T] | None) -> tuple[T, ...] | None:
            return None if values is None else kept(values)

        return AchMatrix(self.hypothesis_ids, kept(self.evidence_ids), self.ratings[keep],
                         self.weights[keep], self.priors, kept_if_given(self.sources),
                         kept_if_given(self.groups),
                         self.rho, self.exclusive, self.exhaustive, self.catch_all)


@dataclass(frozen=True)
class AchSamples:
    """Draws of the uncertain inputs of a matrix: one row per draw.

    Attributes
    ----------
    priors : numpy.ndarray, shape (D, H)
        Priors of each draw, normalised to sum to 1.
    weights : numpy.ndarray, shape (D, E)
        Credibility times relevance of each item in each draw.
    rho : numpy.ndarray, shape (D,)
    seed : int or None
        The seed the draws came from (None: no randomness, fixed inputs).
    """

    priors: np.ndarray
    weights: np.ndarray
    rho: np.ndarray
    seed: int | None = None

    @property
    def draws(self) -> int:
        """Number of draws D."""
        return int(self.rho.shape[0])

    @classmethod
    def fixed(cls, matrix: AchMatrix) -> AchSamples:
        """One draw at the matrix's point values (intervals collapse to the point)."""
        return cls(matrix.priors[None, :], np.asarray(matrix.weights, dtype=float)[None, :],
                   np.array([matrix.rho]))


@dataclass(frozen=True)
class Interval:
    """Median and central interval of a sampled quantity per hypothesis, each shape (H,)."""

    median: np.ndarray
    low: np.ndarray
    high: np.ndarray
    level: float = INTERVAL_LEVEL

    @classmethod
    def of(cls, draws: np.ndarray, level: float = INTERVAL_LEVEL) -> Interval:
        """Summarise draws of shape (D, H) over the draw axis."""
        tail = (1.0 - level) / 2.0
        low, median, high = np.quantile(draws, [tail, 0.5, 1.0 - tail], axis=0)
        return cls(median, low, high, level)


@dataclass(frozen=True)
class Caution:
    """One sentence a reader of the ACH must see, with its kind."""

    kind: CautionKind
    text: str


@dataclass(frozen=True)
class DropOne:
    """What changes when one evidence item is left out.

    ``posteriors`` and ``max_shift`` (the largest change of any posterior)
    are None when posteriors are not defined; ``ranking_changes`` and
    ``leader_changes`` then read the likelihood ranking.
    """

    evidence_id: str
    posteriors: np.ndarray | None
    max_shift: float | None
    ranking_changes: bool
    inconsistency_ranking_changes: bool
    leader_changes: bool


@dataclass(frozen=True)
class AchResult:
    """Everything the ACH reading of a matrix gives.

    ``posteriors``, ``posterior_interval`` and ``prior_interval`` are None
    unless the hypotheses are declared exclusive and exhaustive.
    ``leader_share`` is the share of draws in which the leading hypothesis
    (by posterior, else by likelihood) also leads.
    """

    matrix: AchMatrix
    inconsistency_count: np.ndarray
    inconsistency: np.ndarray
    likelihoods: np.ndarray
    scale: np.ndarray
    log_likelihood: np.ndarray
    likelihood_ratio: np.ndarray
    likelihood_ratio_interval: Interval
    posteriors: np.ndarray | None
    posterior_interval: Interval | None
    prior_interval: Interval | None
    diagnosticity: np.ndarray
    non_diagnostic: tuple[str, ...]
    sensitivity: list[DropOne]
    leader_share: float = 1.0
    cautions: tuple[Caution, ...] = field(default=())
    draws: int = 1
    seed: int | None = None

    @property
    def posterior_ranking(self) -> list[str]:
        """Hypothesis ids from most to least probable (empty when posteriors are undefined)."""
        if self.posteriors is None:
            return []
        return [self.matrix.hypothesis_ids[i] for i in _rank_desc(self.posteriors)]

    @property
    def likelihood_ranking(self) -> list[str]:
        """Hypothesis ids from best to least supported by the evidence (ignores the priors)."""
        return [self.matrix.hypothesis_ids[i] for i in _rank_desc(self.log_likelihood)]

    @property
    def inconsistency_ranking(self) -> list[str]:
        """Hypothesis ids from least to most inconsistent (Heuer's preferred order)."""
        return [self.matrix.hypothesis_ids[i] for i in _rank_asc(self.inconsistency)]

    @property
    def effective_items(self) -> float:
        """How many independent items the evidence counts as: ``sum_e (n_eff / n)_e``."""
        return float(self.scale.sum())


# ---------------------------------------------------------------------------
# From a scenario
# ---------------------------------------------------------------------------


def ach_matrix(scenario: Scenario) -> AchMatrix:
    """Collect a scenario's hypotheses, ratings, point weights and priors, and its declarations.

    Raises
    ------
    ValueError
        When the scenario declares no hypotheses.
    """
    hypotheses = scenario.hypotheses
    if not hypotheses:
        raise ValueError(f"scenario '{scenario.scenario.id}' declares no hypotheses")
    settings = scenario.ach or AchSettings()
    ids = tuple(h.id for h in hypotheses)
    evidence = scenario.evidence
    ratings = np.array([[item.rating(h) for h in ids] for item in evidence],
                       dtype=object).reshape(len(evidence), len(ids))
    weights = np.array([item.weight for item in evidence], dtype=float)
    raw = np.array([_prior(h.prior).point for h in hypotheses], dtype=float)
    catch_all = next((h.id for h in hypotheses if h.catch_all), None)
    return AchMatrix(ids, tuple(item.id for item in evidence), ratings, weights,
                     raw / raw.sum(), tuple(item.source for item in evidence),
                     tuple(item.group for item in evidence), settings.rho.point,
                     settings.exclusive, settings.exhaustive, catch_all)


def sample_inputs(scenario: Scenario, draws: int, seed: int) -> AchSamples:
    """Draw the uncertain priors, credibilities and ``rho`` of a scenario's ACH.

    Each number has its own stream keyed by the seed and its name
    (``hypotheses.ID.prior``, ``evidence.ID.credibility``, ``ach.rho``), so
    the draws do not depend on the order of hypotheses or items.  Priors are
    normalised within each draw; weights are credibility times relevance.
    """
    if draws < 1:
        raise ValueError(f"draws must be at least 1, got {draws}")
    settings = scenario.ach or AchSettings()
    priors = np.column_stack([_draw(_prior(h.prior), f"hypotheses.{h.id}.prior", seed, draws)
                              for h in scenario.hypotheses])
    totals = priors.sum(axis=1, keepdims=True)
    priors = np.where(totals > 0, priors / np.where(totals > 0, totals, 1.0),
                      1.0 / priors.shape[1])
    weights = np.column_stack(
        [_draw(item.credibility_quantity, f"evidence.{item.id}.credibility", seed, draws)
         * item.relevance for item in scenario.evidence]
    ) if scenario.evidence else np.zeros((draws, 0))
    rho = _draw(settings.rho, "ach.rho", seed, draws)
    return AchSamples(priors, weights, rho, seed)


def analyse_hypotheses(scenario: Scenario, *, draws: int | None = None,
                       seed: int = 0) -> AchResult:
    """ACH reading of a scenario's hypotheses and evidence (see :func:`analyse`).

    ``draws`` (default: the scenario's ``ach.draws``, 2,000) samples the
    uncertain priors, credibilities and ``rho`` with ``seed``.
    """
    settings = scenario.ach or AchSettings()
    count = settings.draws if draws is None else draws
    return analyse(ach_matrix(scenario), sample_inputs(scenario, count, seed))


def _prior(prior: Quantity | None) -> Quantity:
    return Quantity(value=1.0) if prior is None else prior


def _draw(quantity: Quantity, name: str, seed: int, draws: int) -> np.ndarray:
    """``draws`` values of one named number from its own stream."""
    key = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "little")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(key,)))
    return quantity.sample(rng, draws)


# ---------------------------------------------------------------------------
# Scores, likelihoods, dependence
# ---------------------------------------------------------------------------


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


def non_diagnostic(matrix: AchMatrix) -> tuple[str, ...]:
    """Hypotheses that no item rates ``I`` or ``II`` (none when there is no evidence).

    Heuer's caution: evidence consistent with such a hypothesis is usually
    consistent with others too, so it does not support it over them.
    """
    if len(matrix.evidence_ids) == 0:
        return ()
    counts = inconsistency_counts(matrix.ratings)
    return tuple(h for h, count in zip(matrix.hypothesis_ids, counts, strict=True) if count == 0)


def likelihoods(ratings: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Tempered likelihoods ``P(e|h) = w * L(rating) + (1 - w) * 0.5``.

    ``weights`` of shape (E,) give (E, H); of shape (D, E), one row per
    draw, give (D, E, H).
    """
    base = _lookup(ratings, LIKELIHOODS)
    w = np.asarray(weights, dtype=float)[..., None]
    return w * base + (1.0 - w) * 0.5


def dependence_clusters(sources: Sequence[str | None], groups: Sequence[str | None]
                        ) -> np.ndarray:
    """Cluster label of each item: items linked by a shared source or group, transitively.

    Two items are dependent when they name the same source or the same
    group; clusters are the connected sets of that relation.  An item naming
    neither is a cluster of its own.  Labels are the index of the cluster's
    first item, shape (E,).
    """
    parent = list(range(len(sources)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, str], int] = {}
    for item, keys in enumerate(zip(sources, groups, strict=True)):
        for kind, key in zip(("source", "group"), keys, strict=True):
            if key is None:
                continue
            seen = first.setdefault((kind, key), item)
            a, b = root(seen), root(item)
            parent[max(a, b)] = min(a, b)
    return np.array([root(i) for i in range(len(sources))], dtype=int)


def effective_number(n: np.ndarray | float, rho: np.ndarray | float) -> np.ndarray:
    """Kish's effective number of ``n`` items with intra-cluster correlation ``rho``.

    ``n_eff = n / (1 + (n - 1) rho)`` (Kish 1965, *Survey Sampling*, the
    design effect ``1 + (n - 1) rho`` of a cluster of ``n``): ``n`` when
    ``rho = 0``, 1 when ``rho = 1``.
    """
    n = np.asarray(n, dtype=float)
    return n / (1.0 + (n - 1.0) * np.asarray(rho, dtype=float))


def dependence_scale(clusters: np.ndarray, rho: np.ndarray | float) -> np.ndarray:
    """Weight ``n_eff / n`` of each item's log-likelihood, from its cluster's size ``n``.

    ``rho`` a number gives shape (E,); ``rho`` of shape (D,) gives (D, E).
    The scales of one cluster sum to its ``n_eff``.
    """
    clusters = np.asarray(clusters, dtype=int)
    sizes = np.bincount(clusters, minlength=len(clusters))[clusters].astype(float)
    rho = np.asarray(rho, dtype=float)
    if rho.ndim == 1:
        rho = rho[:, None]
    return effective_number(sizes, rho) / sizes


def log_likelihoods(item_likelihoods: np.ndarray, scale: np.ndarray | None = None
                    ) -> np.ndarray:
    """``ln P(E|h) = sum_e scale_e ln P(e|h)``, shape (..., H) from (..., E, H).

    ``scale`` (shape (..., E); default all 1, independent items) is each
    item's ``n_eff / n`` from :func:`dependence_scale`.
    """
    logs = np.log(item_likelihoods)
    if scale is None:
        return logs.sum(axis=-2)
    return np.einsum("...e,...eh->...h", np.asarray(scale, dtype=float), logs)


def likelihood_ratios(log_likelihood: np.ndarray) -> np.ndarray:
    """``P(E|h) / max_h' P(E|h')`` along the last axis: 1 for the best-supported hypothesis."""
    log_likelihood = np.asarray(log_likelihood, dtype=float)
    return np.exp(log_likelihood - log_likelihood.max(axis=-1, keepdims=True))


def posteriors(priors: np.ndarray, item_likelihoods: np.ndarray,
               scale: np.ndarray | None = None) -> np.ndarray:
    """Posterior over hypotheses by Bayes' rule, with dependent items down-weighted.

    ``P(h|E) = P(h) P(E|h) / sum_h' P(h') P(E|h')`` with ``ln P(E|h)`` from
    :func:`log_likelihoods` (items independent when ``scale`` is None),
    computed in logs so that many items do not underflow.  Leading axes of
    ``priors`` (..., H), ``item_likelihoods`` (..., E, H) and ``scale``
    (..., E) are draws.  A hypothesis with zero prior keeps zero posterior.
    Meaningful only for hypotheses that are mutually exclusive and exhaustive.
    """
    priors = np.asarray(priors, dtype=float)
    with np.errstate(divide="ignore"):
        log_post = np.log(priors) + log_likelihoods(item_likelihoods, scale)
    log_post = log_post - np.max(log_post, axis=-1, keepdims=True)
    post = np.exp(log_post)
    return post / post.sum(axis=-1, keepdims=True)


def diagnosticity(item_likelihoods: np.ndarray) -> np.ndarray:
    """How much each item discriminates: ``ln(max_h P(e|h) / min_h P(e|h))``; shape (E,).

    Zero for an item that is equally likely under every hypothesis; tempered
    likelihoods are never below 0.1, so the ratio is finite.
    """
    if item_likelihoods.shape[0] == 0:
        return np.zeros(0)
    return np.log(item_likelihoods.max(axis=1) / item_likelihoods.min(axis=1))


# ---------------------------------------------------------------------------
# The whole reading
# ---------------------------------------------------------------------------


def analyse(matrix: AchMatrix, samples: AchSamples | None = None) -> AchResult:
    """Scores, likelihood ratios, posteriors with intervals, diagnosticity, sensitivity, cautions.

    Point values come from the matrix; intervals from ``samples`` (default:
    the point values alone, so that every interval collapses to its point).
    """
    samples = AchSamples.fixed(matrix) if samples is None else samples
    _check_samples(matrix, samples)
    lik = likelihoods(matrix.ratings, matrix.weights)
    scale = dependence_scale(matrix.clusters, matrix.rho)
    log_lik = log_likelihoods(lik, scale)
    drawn_lik = likelihoods(matrix.ratings, samples.weights)
    drawn_scale = dependence_scale(matrix.clusters, samples.rho)
    drawn_log_lik = log_likelihoods(drawn_lik, drawn_scale)
    post = post_interval = prior_interval = None
    support, drawn_support = log_lik, drawn_log_lik
    if matrix.posteriors_defined:
        post = support = posteriors(matrix.priors, lik, scale)
        drawn_support = posteriors(samples.priors, drawn_lik, drawn_scale)
        post_interval = Interval.of(drawn_support)
        prior_interval = Interval.of(samples.priors)
    leader = _rank_desc(support)[0]
    result = AchResult(
        matrix=matrix,
        inconsistency_count=inconsistency_counts(matrix.ratings),
        inconsistency=inconsistency_scores(matrix.ratings, matrix.weights),
        likelihoods=lik,
        scale=scale,
        log_likelihood=log_lik,
        likelihood_ratio=likelihood_ratios(log_lik),
        likelihood_ratio_interval=Interval.of(likelihood_ratios(drawn_log_lik)),
        posteriors=post,
        posterior_interval=post_interval,
        prior_interval=prior_interval,
        diagnosticity=diagnosticity(lik),
        non_diagnostic=non_diagnostic(matrix),
        sensitivity=drop_one(matrix),
        leader_share=float(np.mean(np.argmax(drawn_support, axis=1) == leader)),
        draws=samples.draws,
        seed=samples.seed,
    )
    return _with_cautions(result, samples)


def drop_one(matrix: AchMatrix) -> list[DropOne]:
    """Recompute posteriors (or likelihoods) and rankings with each item left out in turn.

    Leaving an item out also shrinks its cluster, so the other items of
    that cluster count for a little more.
    """
    full_support, full_post = _support(matrix)
    full_incons = inconsistency_scores(matrix.ratings, matrix.weights)
    results = []
    for item, evidence_id in enumerate(matrix.evidence_ids):
        reduced = matrix.without(item)
        support, post = _support(reduced)
        incons = inconsistency_scores(reduced.ratings, reduced.weights)
        shift = None if post is None else float(np.max(np.abs(post - full_post)))
        results.append(DropOne(
            evidence_id=evidence_id,
            posteriors=post,
            max_shift=shift,
            ranking_changes=_rank_desc(support) != _rank_desc(full_support),
            inconsistency_ranking_changes=_rank_asc(incons) != _rank_asc(full_incons),
            leader_changes=_rank_desc(support)[0] != _rank_desc(full_support)[0],
        ))
    return results


def _support(matrix: AchMatrix) -> tuple[np.ndarray, np.ndarray | None]:
    """What ranks the hypotheses (posteriors, else log-likelihoods) and the posteriors."""
    lik = likelihoods(matrix.ratings, matrix.weights)
    scale = dependence_scale(matrix.clusters, matrix.rho)
    if matrix.posteriors_defined:
        post = posteriors(matrix.priors, lik, scale)
        return post, post
    return log_likelihoods(lik, scale), None


def _check_samples(matrix: AchMatrix, samples: AchSamples) -> None:
    n_items, n_hyp = len(matrix.evidence_ids), len(matrix.hypothesis_ids)
    draws = samples.draws
    if samples.priors.shape != (draws, n_hyp) or samples.weights.shape != (draws, n_items):
        raise ValueError(f"samples must hold ({draws}, {n_hyp}) priors and ({draws}, "
                         f"{n_items}) weights, got {samples.priors.shape} and "
                         f"{samples.weights.shape}")


# ---------------------------------------------------------------------------
# Cautions
# ---------------------------------------------------------------------------


def _with_cautions(result: AchResult, samples: AchSamples) -> AchResult:
    cautions = (_exclusivity_cautions(result.matrix) + _evidence_cautions(result)
                + _dependence_cautions(result, samples) + _leader_cautions(result)
                + _pivotal_cautions(result))
    return replace(result, cautions=tuple(cautions))


def _exclusivity_cautions(matrix: AchMatrix) -> list[Caution]:
    if not matrix.exclusive:
        text = ("Posteriors are not shown: the hypotheses are not declared mutually exclusive "
                "(ach: exclusive: true), and probabilities shared out over hypotheses that "
                "can both be true mean nothing; the likelihood ratios compare them instead.")
    elif not matrix.posteriors_defined:
        text = ("Posteriors are not shown: the hypotheses are declared exclusive but not "
                "exhaustive (declare ach: exhaustive: true, or add a catch_all hypothesis, "
                "'something else'); the likelihood ratios compare them instead.")
    elif matrix.catch_all is not None:
        text = ("Posteriors assume the hypotheses are mutually exclusive, as declared, and "
                f"exhaustive through the catch-all '{matrix.catch_all}'.")
    else:
        text = ("Posteriors assume the hypotheses are mutually exclusive and exhaustive, as "
                "declared: a reading nobody listed gets no probability.")
    return [Caution("exclusivity", text)]


def _evidence_cautions(result: AchResult) -> list[Caution]:
    if len(result.matrix.evidence_ids) == 0:
        return [Caution("no_evidence", "No evidence items: the posteriors are the priors.")]
    cautions = []
    for hypothesis_id in result.non_diagnostic:
        catch_all = (" (as a catch-all usually is: no item bears on it)"
                     if hypothesis_id == result.matrix.catch_all else "")
        cautions.append(Caution("non_diagnostic", (
            f"'{hypothesis_id}' is non-diagnostic{catch_all}: no item rates it I or II, so "
            "nothing here could have refuted it. Evidence consistent with a hypothesis does "
            "not support it over the others (Heuer): its standing comes from its prior and "
            "from the evidence against its rivals, and one new item could count against it.")))
    return cautions


def _dependence_cautions(result: AchResult, samples: AchSamples) -> list[Caution]:
    matrix = result.matrix
    n_items = len(matrix.evidence_ids)
    if n_items < 2:
        return []
    clusters = matrix.clusters
    sizes = np.bincount(clusters, minlength=n_items)
    dependent = int(sizes[sizes > 1].sum())
    cautions = []
    rho_text = _rho_text(matrix.rho, samples.rho)
    if dependent and np.all(samples.rho == 0.0):
        cautions.append(Caution("dependence", (
            f"rho = 0: the {dependent} items that share a source or group count as "
            "independent, so the posteriors and likelihood ratios overstate confidence "
            "whenever those items echo one another.")))
    elif dependent:
        n_clusters = int(np.sum(sizes > 1))
        n_eff = float(effective_number(sizes[sizes > 1], matrix.rho).sum())
        where = "one source or group" if n_clusters == 1 else f"{n_clusters} sources or groups"
        share = (f"{dependent} of the {n_items}" if dependent < n_items
                 else "Both" if n_items == 2 else f"All {n_items}")
        total = ("" if dependent == n_items else
                 f"; the evidence counts as {result.effective_items:.1f} items in all")
        cautions.append(Caution("dependence", (
            f"{share} items come from {where} and are not independent: they count as "
            f"{n_eff:.1f} independent items (Kish's effective number, {rho_text}){total}.")))
    if matrix.unattributed >= 2:
        cautions.append(Caution("dependence", (
            f"{matrix.unattributed} items name neither a source nor a group and count as "
            "independent: if they echo one another, the result overstates confidence "
            "(give them a shared group).")))
    return cautions


def _rho_text(point: float, drawn: np.ndarray) -> str:
    low, high = float(np.min(drawn)), float(np.max(drawn))
    if high > low:
        return f"rho = {point:.2g}, sampled over {low:.2g}-{high:.2g}"
    return f"rho = {point:.2g}"


def _leader_cautions(result: AchResult) -> list[Caution]:
    if result.draws < 2 or result.leader_share >= LEADER_SETTLED:
        return []
    if result.posteriors is not None:
        leader, measure = result.posterior_ranking[0], "the highest posterior"
    else:
        leader, measure = result.likelihood_ranking[0], "the highest likelihood"
    return [Caution("uncertain_leader", (
        f"'{leader}' has {measure} in only {result.leader_share:.0%} of the "
        f"{result.draws:,} draws of the uncertain priors, credibilities and rho: the "
        "ranking is not settled."))]


def _pivotal_cautions(result: AchResult) -> list[Caution]:
    pivotal = [d.evidence_id for d in result.sensitivity if d.leader_changes]
    if not pivotal:
        return []
    leader = "most probable" if result.posteriors is not None else "best-supported"
    return [Caution("pivotal", (
        f"Leaving out {', '.join(pivotal)} alone changes the {leader} hypothesis: check "
        f"{'that item' if len(pivotal) == 1 else 'those items'} first (Heuer's step 5)."))]


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


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
