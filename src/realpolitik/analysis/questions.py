"""Forecast questions: probabilities from an ensemble, warnings, and files of resolved questions.

A scenario's ``questions`` each carry an indicator expression; against an
ensemble of simulated futures the indicator's share of true draws is the
question's probability (:func:`forecast_questions`).  A question with a
``threshold`` is *flagged* when its probability reaches the threshold
(``probability >= threshold``): a warning an analyst asked to see.

Scoring needs resolved questions with probabilities.  A *questions file*
(format in docs/questions-format.md) lists them directly; a scenario file
whose questions record outcomes can be scored too, its probabilities then
come from an ensemble run (:func:`scenario_forecasts`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator

from realpolitik.analysis.indicators import EnsembleOutputs, dates_beyond_horizon, probability
from realpolitik.scenario.base import ID_PATTERN, Frozen
from realpolitik.scenario.errors import ScenarioError
from realpolitik.scenario.loader import parse_scenario, read_yaml, validate_model
from realpolitik.scenario.schema import Scenario

__all__ = [
    "QuestionForecast",
    "QuestionsFile",
    "ResolvedForecast",
    "forecast_questions",
    "load_questions",
    "resolved_from_scenario",
]


@dataclass(frozen=True)
class QuestionForecast:
    """A scenario question with its probability from an ensemble."""

    id: str
    text: str
    resolution_date: dt.date
    indicator: str
    probability: float
    threshold: float | None
    beyond_horizon: list[dt.date]
    outcome: Literal["yes", "no"] | None

    @property
    def flagged(self) -> bool:
        """True when the probability has reached the question's warning threshold."""
        return self.threshold is not None and self.probability >= self.threshold


def forecast_questions(scenario: Scenario, result: EnsembleOutputs) -> list[QuestionForecast]:
    """Probability of every question of ``scenario`` in the ensemble ``result``.

    Raises
    ------
    realpolitik.analysis.indicators.ExpressionError
        When an indicator names something the ensemble does not hold or
        reads a date before the first simulated step.
    """
    return [
        QuestionForecast(
            id=q.id, text=q.text, resolution_date=q.resolution_date, indicator=q.indicator,
            probability=probability(q.indicator, result), threshold=q.threshold,
            beyond_horizon=dates_beyond_horizon(q.indicator, result), outcome=q.outcome,
        )
        for q in scenario.questions
    ]


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
    notes: str = ""

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
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(f"cannot be read: {error}", path=path) from None
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
                         resolution_date=f.resolution_date)
        for f in forecast_questions(scenario, result)
        if f.outcome is not None
    ]




