"""Checks of a validated scenario that the analysis would otherwise meet only at run time.

``realpolitik check`` must accept exactly what ``realpolitik run`` accepts.
The fields and their cross-references are checked by the schema; this
module adds what only the run used to find, so that it is reported at load
time with its file, line and field:

* an outcome of the ``analysis`` section dated on a day the calendar does not
  have (``settlement:idlib@2024-02-30``) or before the scenario's ``as_of``
  (the simulation starts there);
* a forecast question whose indicator gives a number rather than a yes/no
  condition (its probability would be undefined), or reads a date before
  ``as_of``;
* two shared stakes of one alliance with the same id (an effect naming the
  stake could not tell them apart).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from realpolitik.scenario.base import FieldPath
from realpolitik.scenario.indicator_syntax import (
    ExpressionError,
    iter_terms,
    parse_expression,
    value_type,
)

if TYPE_CHECKING:
    from realpolitik.scenario.schema import Scenario

__all__ = ["consistency_errors"]


def consistency_errors(scenario: Scenario) -> Iterator[tuple[FieldPath, str]]:
    """Yield ``(field path, message)`` for everything the run would refuse."""
    yield from _outcome_errors(scenario)
    yield from _question_errors(scenario)
    yield from _stake_errors(scenario)


def _outcome_errors(scenario: Scenario) -> Iterator[tuple[FieldPath, str]]:
    """Outcomes dated before ``as_of``, where the simulation starts.

    (A date that is no day in the calendar is refused when the outcome is
    read: :func:`realpolitik.scenario.outcomes.parse_outcome`.)
    """
    settings = scenario.analysis
    if settings is None:
        return
    as_of = scenario.scenario.as_of
    for where, outcome in settings.named():
        if outcome.at is not None and outcome.at < as_of:
            yield ("analysis", *where), (
                f"date {outcome.at.isoformat()} is before the scenario's as_of date "
                f"{as_of.isoformat()}, where the simulation starts")


def _question_errors(scenario: Scenario) -> Iterator[tuple[FieldPath, str]]:
    as_of = scenario.scenario.as_of
    for index, question in enumerate(scenario.questions):
        where: FieldPath = ("questions", index, "indicator")
        try:
            node = parse_expression(question.indicator)
        except ExpressionError:
            continue  # reported with the other cross-references
        if value_type(node) != "condition":
            yield where, ("gives a number, but a question needs a yes/no condition, "
                          "e.g. 'cohesion(ID) < 0.2'")
        for term in iter_terms(node):
            if term.date is not None and term.date < as_of:
                yield where, (f"column {term.column}: date {term.date.isoformat()} is before "
                              f"the scenario's as_of date {as_of.isoformat()}, where the "
                              "simulation starts")


def _stake_errors(scenario: Scenario) -> Iterator[tuple[FieldPath, str]]:
    for index, alliance in enumerate(scenario.alliances):
        seen: set[str] = set()
        for slot, stake in enumerate(alliance.shared_stakes):
            if stake.id in seen:
                yield (("alliances", index, "shared_stakes", slot, "id"),
                       f"duplicate id '{stake.id}'")
            seen.add(stake.id)
