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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, field_validator

from realpolitik.analysis.indicators import EnsembleOutputs, dates_beyond_horizon, probability
from realpolitik.scenario.base import ID_PATTERN, FieldPath, Frozen
from realpolitik.scenario.errors import ScenarioError, ScenarioErrors
from realpolitik.scenario.loader import parse_scenario
from realpolitik.scenario.schema import Scenario, dotted

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
    outcome: str | None

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
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ScenarioError(f"malformed YAML: {getattr(error, 'problem', None) or error}",
                            path=path, line=mark.line + 1 if mark else None) from None
    if not isinstance(data, dict):
        raise ScenarioError("expected a mapping with a 'questions' list", path=path, line=1)
    if "scenario" in data:
        return parse_scenario(text, path=path)
    try:
        return QuestionsFile.model_validate(data)
    except ValidationError as error:
        lines = dict(_lines(root, ()))
        raise ScenarioErrors([
            ScenarioError(_message(detail), path=path, field=dotted(detail["loc"]),
                          line=_nearest_line(tuple(detail["loc"]), lines))
            for detail in error.errors()
        ]) from None


def resolved_from_scenario(scenario: Scenario,
                           result: EnsembleOutputs) -> list[ResolvedForecast]:
    """Resolved questions of a scenario with their probabilities from an ensemble."""
    return [
        ResolvedForecast(id=f.id, text=f.text, probability=f.probability, outcome=f.outcome,
                         resolution_date=f.resolution_date)
        for f in forecast_questions(scenario, result)
        if f.outcome is not None
    ]


def _message(detail: dict[str, Any]) -> str:
    if detail["type"] == "missing":
        return "is required but missing"
    if detail["type"] == "extra_forbidden":
        return "is not a known field here (see docs/questions-format.md)"
    return str(detail["msg"]).removeprefix("Value error, ")


def _lines(node: yaml.Node | None, where: FieldPath) -> Iterator[tuple[FieldPath, int]]:
    if node is None:
        return
    yield where, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield (*where, key.value), key.start_mark.line + 1
            for sub, line in _lines(value, (*where, key.value)):
                if sub != (*where, key.value):
                    yield sub, line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _lines(item, (*where, index))


def _nearest_line(location: FieldPath, lines: dict[FieldPath, int]) -> int | None:
    for end in range(len(location), -1, -1):
        if location[:end] in lines:
            return lines[location[:end]]
    return None
