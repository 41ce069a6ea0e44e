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

Evidence sits on the effects' amounts (``source``/``quote`` or ``estimate``)
or, for the lever as a whole, in ``source`` and ``quote``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from realpolitik.scenario.base import ID_PATTERN, FieldPath, Frozen
from realpolitik.scenario.dynamics import Effect, effect_reference_errors

if TYPE_CHECKING:
    from realpolitik.scenario.schema import Scenario

__all__ = ["Lever", "lever_reference_errors"]


class Lever(Frozen):
    """A policy option: who takes it, from when, and what it changes."""

    id: str = Field(pattern=ID_PATTERN)
    name: str
    description: str = ""
    actors: list[str] = Field(default=[], description="Actors who take the lever.")
    start: dt.date | None = Field(default=None, description="Default: the scenario's as_of.")
    effects: list[Effect] = []
    source: str | None = None
    quote: str | None = None

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
        yield from effect_reference_errors(scenario, lever.effects, (*path, "effects"))
