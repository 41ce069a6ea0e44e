"""Forecast questions: probabilities from an ensemble, warnings, and files of resolved questions.

A scenario's ``questions`` each carry an indicator expression; against an
ensemble of simulated futures the indicator's share of true draws is the
question's probability (:func:`forecast_questions`).  A question with a
``threshold`` is *flagged* when its probability reaches the threshold
(``probability >= threshold``): a warning an analyst asked to see.

The model's share is then widened toward the question's base rate for
change the model does not hold (:func:`unmodelled_weight`, :func:`widen`):
``p = (1 - u) p_model + u b`` with ``u = 1 - exp(-lambda t)``, ``lambda`` the
scenario's ``analysis.unmodelled_change`` per year, ``t`` the years from
``as_of`` to the resolution date and ``b`` the base rate (0.5 when the
question declares none).  The model's share stays on the forecast.

Scoring needs resolved questions with probabilities.  A *questions file*
(format in docs/questions-format.md) lists them directly; a scenario file
whose questions record outcomes can be scored too, its probabilities then
come from an ensemble run (:func:`scenario_forecasts`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator

from realpolitik.analysis.indicators import EnsembleOutputs, dates_beyond_horizon, probability
from realpolitik.scenario.base import ID_PATTERN, Frozen
from realpolitik.scenario.errors import ScenarioError
from realpolitik.scenario.loader import parse_scenario, read_yaml, validate_model
from realpolitik.scenario.schema import Scenario
from realpolitik.scenario.yaml_reader import read_text_file

__all__ = [
    "DEFAULT_BASE_RATE",
    "QuestionForecast",
    "QuestionsFile",
    "ResolvedForecast",
    "forecast_questions",
    "load_questions",
    "probabilities_at_rates",
    "resolved_from_scenario",
    "unmodelled_weight",
    "widen",
]

DEFAULT_BASE_RATE = 0.5
"""Base rate of a question that declares none: no outside view either way."""

DAYS_PER_YEAR = 365.25


def unmodelled_weight(rate: float, start: dt.date, end: dt.date) -> float:
    """Weight of the base rate after ``end - start``: ``1 - exp(-rate * years)``, in [0, 1).

    The chance that, by ``end``, the world has changed in a way the model
    does not hold, when such changes arrive at ``rate`` per year (a Poisson
    process).  Zero at ``start`` or before it.
    """
    if rate < 0:
        raise ValueError(f"the rate of unmodelled change must not be negative, got {rate}")
    years = max((end - start).days, 0) / DAYS_PER_YEAR
    return -math.expm1(-rate * years)


def widen(model_probability: float, base_rate: float, weight: float) -> float:
    """Mix the model's probability with the base rate: ``(1 - weight) p + weight b``."""
    return (1.0 - weight) * model_probability + weight * base_rate


@dataclass(frozen=True)
class QuestionForecast:
    """A scenario question with its probability from an ensemble.

    ``model_probability`` is the share of the ``draws`` in which the
    indicator holds; ``probability`` is that share widened toward
    ``base_rate`` with weight ``unmodelled`` (the chance of change the model
    does not hold by the resolution date): the number to report.
    """

    id: str
    text: str
    resolution_date: dt.date
    indicator: str
    probability: float
    threshold: float | None
    beyond_horizon: list[dt.date]
    outcome: Literal["yes", "no"] | None
    model_probability: float = math.nan
    base_rate: float = DEFAULT_BASE_RATE
    unmodelled: float = 0.0
    draws: int = 0

    @property
    def unanimous(self) -> bool:
        """True when every draw agrees (the model's share is exactly 0 or 1)."""
        return self.model_probability in (0.0, 1.0)

    def at_rate(self, rate: float, as_of: dt.date) -> float:
        """The probability this question would have with another rate of unmodelled change."""
        weight = unmodelled_weight(rate, as_of, self.resolution_date)
        return widen(self.model_probability, self.base_rate, weight)

    @property
    def flagged(self) -> bool:
        """True when the probability has reached the question's warning threshold."""
        return self.threshold is not None and self.probability >= self.threshold


def forecast_questions(
    scenario: Scenario, result: EnsembleOutputs, *, unmodelled_rate: float | None = None,
    shares: Mapping[str, float] | None = None, draws: int | None = None,
) -> list[QuestionForecast]:
    """Probability of every question of ``scenario`` in the ensemble ``result``.

    ``unmodelled_rate`` (per year) defaults to the point value of the
    scenario's ``analysis.unmodelled_change``; 0 reports the model's share
    unchanged.  ``shares`` (question id -> share of draws) and ``draws``
    give the model's shares counted elsewhere, over more draws than
    ``result`` holds (a streamed ensemble's chunks); ``result`` then only
    dates the questions.

    Raises
    ------
    realpolitik.analysis.indicators.ExpressionError
        When an indicator names something the ensemble does not hold or
        reads a date before the first simulated step.
    """
    rate = _rate(scenario) if unmodelled_rate is None else float(unmodelled_rate)
    as_of = scenario.scenario.as_of
    forecasts = []
    for q in scenario.questions:
        share = probability(q.indicator, result) if shares is None else shares[q.id]
        base = DEFAULT_BASE_RATE if q.base_rate is None else q.base_rate.point
        weight = unmodelled_weight(rate, as_of, q.resolution_date)
        forecasts.append(QuestionForecast(
            id=q.id, text=q.text, resolution_date=q.resolution_date, indicator=q.indicator,
            probability=widen(share, base, weight), threshold=q.threshold,
            beyond_horizon=dates_beyond_horizon(q.indicator, result), outcome=q.outcome,
            model_probability=share, base_rate=base, unmodelled=weight,
            draws=_draws(result) if draws is None else draws))
    return forecasts


def _rate(scenario: Scenario) -> float:
    from realpolitik.scenario.settings import AnalysisSettings

    return (scenario.analysis or AnalysisSettings()).unmodelled_rate


def _draws(result: EnsembleOutputs) -> int:
    return int(getattr(result, "draws", 0) or 0)


def probabilities_at_rates(
    forecasts: Sequence[QuestionForecast | ResolvedForecast], rates: Sequence[float],
    start: dt.date,
) -> dict[float, list[float]]:
    """Each question's probability under each rate of unmodelled change, for scoring.

    ``start`` is the date the forecasts were made (a scenario's ``as_of``, a
    questions file's ``made_on``).
    """
    return {rate: [f.at_rate(rate, start) for f in forecasts] for rate in rates}


# ---------------------------------------------------------------------------
# Files of resolved questions
# ---------------------------------------------------------------------------


class ResolvedForecast(Frozen):
    """One question of a questions file: a stated probability and, once known, the outcome."""

    id: str = Field(pattern=ID_PATTERN)
    text: str
    probability: float = Field(ge=0.0, le=1.0)
    outcome: Literal["yes", "no"] | None = None
    resolution_date: dt.date | None = None
    base_rate: float | None = Field(default=None, ge=0.0, le=1.0)
    model_probability: float | None = Field(default=None, ge=0.0, le=1.0)
    notes: str = ""

    def at_rate(self, rate: float, start: dt.date) -> float:
        """The probability widened toward the base rate for ``rate`` of unmodelled change.

        A forecast from a model widens its model probability (the share of
        draws); a stated forecast widens the probability as stated.
        """
        if self.resolution_date is None:
            raise ValueError(f"question '{self.id}' has no resolution_date to widen toward")
        own = self.probability if self.model_probability is None else self.model_probability
        base = DEFAULT_BASE_RATE if self.base_rate is None else self.base_rate
        return widen(own, base, unmodelled_weight(rate, start, self.resolution_date))

    @field_validator("outcome", mode="before")
    @classmethod
    def _outcome_words(cls, value: Any) -> Any:
        if isinstance(value, bool):  # YAML reads a bare yes/no as true/false
            return "yes" if value else "no"
        return value.strip().lower() if isinstance(value, str) else value


class QuestionsFile(Frozen):
    """A file of forecasts to score: a title, who forecast and when, the questions."""

    title: str = ""
    forecaster: str = ""
    made_on: dt.date | None = None
    questions: list[ResolvedForecast] = Field(min_length=1)

    @property
    def resolved(self) -> list[ResolvedForecast]:
        """The questions whose outcome is recorded."""
        return [q for q in self.questions if q.outcome is not None]


def load_questions(path: str | Path) -> QuestionsFile | Scenario:
    """Read a questions file, or a scenario file (recognised by its ``scenario:`` section).

    Raises
    ------
    ScenarioError
        Naming the file, line and field of the first problems.
    """
    path = Path(path)
    text = read_text_file(path)
    data, lines = read_yaml(text, path)
    if not isinstance(data, dict):
        raise ScenarioError("expected a mapping with a 'questions' list", path=path, line=1)
    if "scenario" in data:
        return parse_scenario(text, path=path)
    return validate_model(QuestionsFile, data, lines, path, help_doc="docs/questions-format.md")


def resolved_from_scenario(scenario: Scenario,
                           result: EnsembleOutputs) -> list[ResolvedForecast]:
    """Resolved questions of a scenario with their probabilities from an ensemble."""
    return [
        ResolvedForecast(id=f.id, text=f.text, probability=f.probability, outcome=f.outcome,
                         resolution_date=f.resolution_date, base_rate=f.base_rate,
                         model_probability=f.model_probability)
        for f in forecast_questions(scenario, result)
        if f.outcome is not None
    ]
