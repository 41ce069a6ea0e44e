"""Scores of resolved yes/no forecasts: Brier, log, skill against baselines, reliability.

For forecasts ``p_i`` of events with outcomes ``y_i`` in {0, 1}:

* Brier score (Brier 1950): mean of ``(p_i - y_i)^2``; 0 is perfect, 0.25 is
  what always saying 50% earns;
* log score: mean of ``-ln(p_i)`` if the event happened, ``-ln(1 - p_i)``
  if not (natural logarithm; 0 is perfect, ln 2 ~ 0.693 is always-50%).
  Probabilities are clipped to ``[LOG_CLIP, 1 - LOG_CLIP]`` first, so one
  forecast of 0% for an event that happened costs ``-ln(0.001) ~ 6.9``
  rather than infinity and the mean stays readable;
* baselines: always 50%, and always the base rate ``b`` (share of yes
  outcomes among the scored questions).  The base rate is computed from the
  very outcomes being scored (in-sample), which flatters that baseline;
* skill score against a baseline: ``1 - score / baseline_score``; 1 is
  perfect, 0 no better than the baseline, negative worse.  Undefined (None)
  when the baseline scores 0 (every outcome the same, for the base rate);
* reliability: forecasts grouped into equal-width probability bins, each
  bin's mean forecast against its observed frequency of yes (the
  reliability diagram of Murphy and Winkler 1977).

Per-question Brier and log scores come from the ``scoringrules`` package.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scoringrules as sr
from numpy.typing import ArrayLike

__all__ = [
    "LOG_CLIP",
    "Baseline",
    "RateScore",
    "ReliabilityBin",
    "ScoreSummary",
    "brier_scores",
    "log_scores",
    "reliability_bins",
    "score_forecasts",
    "scores_by_rate",
    "skill",
]

LOG_CLIP = 1e-3
"""Probabilities are kept in [LOG_CLIP, 1 - LOG_CLIP] for the log score."""


def _checked(probabilities: ArrayLike, outcomes: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(probabilities, dtype=float)
    y = np.asarray(outcomes, dtype=float)
    if p.shape != y.shape or p.ndim != 1:
        raise ValueError(f"probabilities and outcomes must be two 1-D arrays of the same length, "
                         f"got shapes {p.shape} and {y.shape}")
    if np.any(~np.isfinite(p)) or np.any((p < 0) | (p > 1)):
        raise ValueError("probabilities must lie in [0, 1]")
    if np.any((y != 0) & (y != 1)):
        raise ValueError("outcomes must be 0 (no) or 1 (yes)")
    return p, y


def brier_scores(probabilities: ArrayLike, outcomes: ArrayLike) -> np.ndarray:
    """Per-forecast Brier score ``(p - y)^2``; shape (n,)."""
    p, y = _checked(probabilities, outcomes)
    return np.asarray(sr.brier_score(y, p), dtype=float)


def log_scores(probabilities: ArrayLike, outcomes: ArrayLike) -> np.ndarray:
    """Per-forecast log score ``-ln(p)`` for yes, ``-ln(1 - p)`` for no; shape (n,).

    Probabilities are clipped to ``[LOG_CLIP, 1 - LOG_CLIP]`` first.
    """
    p, y = _checked(probabilities, outcomes)
    return np.asarray(sr.log_score(y, np.clip(p, LOG_CLIP, 1.0 - LOG_CLIP)), dtype=float)


def skill(score: float, baseline_score: float) -> float | None:
    """Skill score ``1 - score / baseline``, or None when the baseline scores 0."""
    if baseline_score <= 0.0:
        return None
    return 1.0 - score / baseline_score


@dataclass(frozen=True)
class Baseline:
    """A reference forecaster that says the same probability every time."""

    name: str
    probability: float
    brier: float
    log: float
    brier_skill: float | None
    log_skill: float | None
    note: str = ""


@dataclass(frozen=True)
class ReliabilityBin:
    """Forecasts whose probability falls in ``[lower, upper)`` (the last bin includes 1)."""

    lower: float
    upper: float
    count: int
    mean_forecast: float | None
    observed_frequency: float | None


@dataclass(frozen=True)
class ScoreSummary:
    """Mean scores of a set of resolved forecasts and how they compare with baselines."""

    count: int
    yes_count: int
    brier: float
    log: float
    baselines: list[Baseline]
    bins: list[ReliabilityBin]

    @property
    def base_rate(self) -> float:
        """Share of yes outcomes among the scored forecasts."""
        return self.yes_count / self.count


def reliability_bins(probabilities: ArrayLike, outcomes: ArrayLike,
                     bins: int = 10) -> list[ReliabilityBin]:
    """Group forecasts into ``bins`` equal-width bins on [0, 1].

    Each bin reports its count, mean forecast and observed frequency of yes
    (None for an empty bin, so that nothing is plotted there).
    """
    p, y = _checked(probabilities, outcomes)
    if bins < 1:
        raise ValueError("bins must be at least 1")
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.floor(p * bins).astype(int), 0, bins - 1)
    out = []
    for b in range(bins):
        members = index == b
        count = int(members.sum())
        out.append(ReliabilityBin(
            lower=float(edges[b]), upper=float(edges[b + 1]), count=count,
            mean_forecast=float(p[members].mean()) if count else None,
            observed_frequency=float(y[members].mean()) if count else None,
        ))
    return out


def _constant_baseline(name: str, rate: float, n: int, outcomes: np.ndarray,
                       brier: float, log: float, note: str = "") -> Baseline:
    constant = np.full(n, rate)
    base_brier = float(brier_scores(constant, outcomes).mean())
    base_log = float(log_scores(constant, outcomes).mean())
    return Baseline(name, rate, base_brier, base_log, skill(brier, base_brier),
                    skill(log, base_log), note)


def score_forecasts(probabilities: ArrayLike, outcomes: ArrayLike,
                    bins: int = 10) -> ScoreSummary:
    """Mean Brier and log scores with 50% and base-rate baselines and reliability bins.

    Raises
    ------
    ValueError
        When there is no forecast to score, or the inputs are not
        probabilities and 0/1 outcomes of the same length.
    """
    p, y = _checked(probabilities, outcomes)
    n = len(p)
    if n == 0:
        raise ValueError("no resolved forecast to score (record outcomes first)")
    brier = float(brier_scores(p, y).mean())
    log = float(log_scores(p, y).mean())
    rate = float(y.mean())
    baselines = [
        _constant_baseline("always 50%", 0.5, n, y, brier, log),
        _constant_baseline(
            "base rate", rate, n, y, brier, log,
            note="in-sample: the share of yes among these very outcomes"
            + ("; skill undefined since every outcome is the same" if rate in (0.0, 1.0)
               else ""),
        ),
    ]
    return ScoreSummary(n, int(y.sum()), brier, log, baselines, reliability_bins(p, y, bins))


@dataclass(frozen=True)
class RateScore:
    """Mean Brier and log scores of the same questions at one rate of unmodelled change."""

    rate: float
    brier: float
    log: float


def scores_by_rate(
    probabilities: dict[float, list[float]], outcomes: list[bool]
) -> list[RateScore]:
    """Score the same resolved questions under each rate of unmodelled change.

    ``probabilities`` maps a rate per year to the questions' probabilities
    widened at that rate (:func:`realpolitik.analysis.questions.probabilities_at_rates`).
    """
    y = np.asarray(outcomes, dtype=float)
    return [RateScore(float(rate), float(brier_scores(np.asarray(p), y).mean()),
                      float(log_scores(np.asarray(p), y).mean()))
            for rate, p in probabilities.items()]

