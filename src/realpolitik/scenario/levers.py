"""Policy levers: named options outsiders could take, and what each changes.

A lever is taken by one or more ``actors`` from its ``start`` date (the
scenario's ``as_of`` by default) and from then on applies its ``effects``,
the same :class:`~realpolitik.scenario.dynamics.Effect` objects that game
changers use, at every step::

    - id: militia_withdrawal
      name: Withdrawal of all foreign-led militias
      actors: [united_states, france, united_kingdom]
      effects:
        - {target: stances.militia_withdrawal.iran.position,
           shift: {range: [5, 20], estimate: "Iran agrees on paper; militias resurface"}}

A lever with ``when`` (a mechanism expression giving a condition, see
:mod:`realpolitik.scenario.indicator_syntax`) starts at the first step, on
or after ``start``, where the condition holds in the draw, and stays in
force from then on: ``when: "fired(israel_persuaded)"`` sequences one
lever after an event.

Evidence sits on the effects' amounts (``source``/``quote`` or ``estimate``)
or, for the lever as a whole, in ``source`` and ``quote``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from pydantic import Field, field_validator, model_validator

from realpolitik.scenario.base import ID_PATTERN, FieldPath, OmitUnset
from realpolitik.scenario.dynamics import (
    Effect,
    check_mechanism,
    effect_reference_errors,
    mechanism_reference_errors,
)

if TYPE_CHECKING:
    from realpolitik.scenario.schema import Scenario

__all__ = ["Lever", "lever_problems", "lever_reference_errors"]


class Lever(OmitUnset):
    """A policy option: who takes it, from when (a date, a condition or both), what it changes."""

    OMIT_WHEN_NONE: ClassVar[tuple[str, ...]] = ("when",)

    id: str = Field(pattern=ID_PATTERN)
    name: str
    description: str = ""
    actors: list[str] = Field(default=[], description="Actors who take the lever.")
    start: dt.date | None = Field(default=None, description="Default: the scenario's as_of.")
    effects: list[Effect] = []
    source: str | None = None
    quote: str | None = None
    when: str | None = Field(
        default=None, description="Condition that starts the lever (latched), read each step.")

    @field_validator("when")
    @classmethod
    def _condition(cls, when: str | None) -> str | None:
        return None if when is None else check_mechanism(when, "condition")

    @model_validator(mode="after")
    def _quote_has_source(self) -> Lever:
        if self.quote is not None and self.source is None:
            raise ValueError("a quote needs the 'source' it comes from")
        return self


def lever_reference_errors(scenario: Scenario) -> Iterator[tuple[FieldPath, str]]:
    """Yield references in levers to undeclared actors, issues, alliances, stakes or shocks."""
    actors = set(scenario.actor_ids)
    sources = {source.id for source in scenario.sources}
    for index, lever in enumerate(scenario.levers):
        path: FieldPath = ("levers", index)
        for slot, actor in enumerate(lever.actors):
            if actor not in actors:
                yield (*path, "actors", slot), f"undeclared actor '{actor}'"
        if lever.source is not None and lever.source not in sources:
            yield (*path, "source"), f"cites undeclared source '{lever.source}'"
        yield from lever_problems(scenario, lever, path)


def lever_problems(scenario: Scenario, lever: Lever, path: FieldPath
                   ) -> Iterator[tuple[FieldPath, str]]:  # fmt: skip
    """Yield what a lever's effects and ``when`` name that the scenario does not declare.

    An effect ``factor`` is refused: it is fixed when a shock fires, and a
    lever's effects have no firing (a lever's start is given by ``when``).
    """
    yield from effect_reference_errors(scenario, lever.effects, (*path, "effects"))
    for slot, effect in enumerate(lever.effects):
        if effect.factor is not None:
            yield (*path, "effects", slot, "factor"), (
                "a lever's effect takes no 'factor' (a factor is fixed when a shock fires); "
                "start the lever on a condition with 'when' instead")
    if lever.when is not None:
        yield from mechanism_reference_errors(scenario, lever.when, (*path, "when"))
