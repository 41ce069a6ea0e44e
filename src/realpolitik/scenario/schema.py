"""The scenario: typed, immutable objects validated from one YAML file.

A scenario says who the actors are, which contested issues they bargain over
(each a 0-100 scale with both ends described in words), where each actor
stands and how much each issue matters to it, which alliances are watched,
and what evidence supports every number.  Dynamics (trends, game changers,
rupture rules), policy levers and the analyst's judgment (hypotheses,
evidence items, forecast questions) live in their own modules and hang off
the same top-level object.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from realpolitik.scenario.base import ID_PATTERN, FieldPath, Frozen
from realpolitik.scenario.dynamics import Dynamics, RuptureField, dynamics_reference_errors
from realpolitik.scenario.judgment import (
    AchSettings,
    EvidenceItem,
    Hypothesis,
    Question,
    judgment_reference_errors,
)
from realpolitik.scenario.levers import Lever, lever_reference_errors
from realpolitik.scenario.quantity import Capability, Position, Quantity, Salience, Weight
from realpolitik.scenario.settings import AnalysisSettings, settings_reference_errors

Horizon = Literal["short", "medium", "long"]
HORIZONS: tuple[Horizon, ...] = ("short", "medium", "long")


class Meta(Frozen):
    """What the scenario is about and when its analysis stands."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str
    description: str = ""
    as_of: dt.date
    authors: list[str] = []
    question: str = ""
    limitations: list[str] = Field(
        default_factory=list, exclude_if=lambda items: not items,
        description="What the model leaves out, in the analyst's words; the report's bottom "
                    "line shows each verbatim.")


class Source(Frozen):
    """A document the scenario's numbers cite."""

    id: str = Field(pattern=ID_PATTERN)
    title: str
    author: str = ""
    publisher: str = ""
    date: str = ""
    url: str = ""


class Actor(Frozen):
    """A player with clout: a state, a regime, a movement, an armed group."""

    id: str = Field(pattern=ID_PATTERN)
    name: str
    capability: Capability
    description: str = ""


class Issue(Frozen):
    """A contested issue on a 0-100 scale, each end described in words."""

    id: str = Field(pattern=ID_PATTERN)
    name: str
    low: str = Field(description="What a position of 0 means.")
    high: str = Field(description="What a position of 100 means.")
    horizon: Horizon
    status_quo: Position | None = None


class Stance(Frozen):
    """Where one actor stands on one issue and how much the issue matters to it."""

    position: Position
    salience: Salience
    capability: Capability | None = None


class SharedStake(Frozen):
    """A common interest that binds an alliance beyond the contested issues."""

    id: str = Field(pattern=ID_PATTERN)
    name: str
    weight: Weight


class Alliance(Frozen):
    """A watched partnership: its members, what binds them, when it counts as broken."""

    id: str = Field(pattern=ID_PATTERN)
    name: str
    members: tuple[str, str]
    shared_stakes: list[SharedStake] = []
    rupture: RuptureField | None = Field(
        default=None,
        description="Rupture rule, e.g. 'cohesion < 0.2 for 2 steps', or a mapping "
                    "{metric, below, for_steps, events}; see docs/scenario-format.md.",
    )

    @field_validator("members")
    @classmethod
    def _distinct_members(cls, members: tuple[str, str]) -> tuple[str, str]:
        if members[0] == members[1]:
            raise ValueError("an alliance needs two different members")
        return members


class Scenario(Frozen):
    """A whole multi-actor system, every number tied to its evidence."""

    scenario: Meta
    sources: list[Source] = []
    actors: list[Actor] = Field(min_length=1)
    issues: list[Issue] = Field(min_length=1)
    stances: dict[str, dict[str, Stance]]
    alliances: list[Alliance] = []
    dynamics: Dynamics | None = None
    levers: list[Lever] = []
    hypotheses: list[Hypothesis] = []
    evidence: list[EvidenceItem] = []
    questions: list[Question] = []
    ach: AchSettings | None = None
    analysis: AnalysisSettings | None = None

    @model_validator(mode="after")
    def _check_references(self) -> Scenario:
        problems = list(reference_errors(self))
        if problems:
            raise ReferenceProblems(problems)
        return self

    # ---- look-ups -------------------------------------------------------
    @property
    def actor_ids(self) -> list[str]:
        """Actor ids in file order."""
        return [actor.id for actor in self.actors]

    @property
    def issue_ids(self) -> list[str]:
        """Issue ids in file order."""
        return [issue.id for issue in self.issues]

    def actor(self, actor_id: str) -> Actor:
        """Return the actor with this id."""
        return next(actor for actor in self.actors if actor.id == actor_id)

    def issue(self, issue_id: str) -> Issue:
        """Return the issue with this id."""
        return next(issue for issue in self.issues if issue.id == issue_id)

    def stance(self, issue_id: str, actor_id: str) -> Stance | None:
        """Return an actor's stance on an issue, or None if it takes none."""
        return self.stances.get(issue_id, {}).get(actor_id)


class ReferenceProblems(ValueError):
    """Cross-reference problems found after the fields themselves validated.

    Carries ``(field path, message)`` pairs so that the loader can point at
    the line of each offending field.
    """

    def __init__(self, problems: list[tuple[tuple[str | int, ...], str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(message for _, message in problems))


Path = FieldPath


def _duplicates(ids: list[str]) -> Iterator[tuple[int, str]]:
    seen: set[str] = set()
    for index, item in enumerate(ids):
        if item in seen:
            yield index, item
        seen.add(item)


def reference_errors(scenario: Scenario) -> Iterator[tuple[Path, str]]:
    """Yield every id that is duplicated or refers to something undeclared."""
    for section in ("sources", "actors", "issues", "alliances", "levers"):
        items = getattr(scenario, section)
        for index, item_id in _duplicates([item.id for item in items]):
            yield (section, index, "id"), f"duplicate id '{item_id}'"
    actors, issues = set(scenario.actor_ids), set(scenario.issue_ids)
    for issue_id, by_actor in scenario.stances.items():
        if issue_id not in issues:
            yield ("stances", issue_id), f"stance for undeclared issue '{issue_id}'"
        for actor_id in by_actor:
            if actor_id not in actors:
                yield ("stances", issue_id, actor_id), f"undeclared actor '{actor_id}'"
    for index, alliance in enumerate(scenario.alliances):
        for slot, member in enumerate(alliance.members):
            if member not in actors:
                yield ("alliances", index, "members", slot), f"undeclared actor '{member}'"
    yield from _quote_reference_errors(scenario)
    yield from dynamics_reference_errors(scenario)
    yield from lever_reference_errors(scenario)
    yield from judgment_reference_errors(scenario)
    yield from settings_reference_errors(scenario)


def _quote_reference_errors(scenario: Scenario) -> Iterator[tuple[Path, str]]:
    sources = {source.id for source in scenario.sources}
    for path, quantity in iter_quantities(scenario):
        if quantity.source is not None and quantity.source not in sources:
            yield (*path, "source"), f"cites undeclared source '{quantity.source}'"


def iter_quantities(model: Any, path: Path = ()) -> Iterator[tuple[Path, Quantity]]:
    """Yield ``(field path, quantity)`` for every number anywhere in a scenario object."""
    if isinstance(model, Quantity):
        yield path, model
    elif isinstance(model, BaseModel):
        for name in type(model).model_fields:
            yield from iter_quantities(getattr(model, name), (*path, name))
    elif isinstance(model, dict):
        for key, value in model.items():
            yield from iter_quantities(value, (*path, key))
    elif isinstance(model, list | tuple):
        for index, value in enumerate(model):
            yield from iter_quantities(value, (*path, index))


def dotted(path: Path) -> str:
    """Render a field path as ``stances.idlib.russia.position`` or ``actors[2].capability``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def slug(text: str) -> str:
    """Turn a free name into an id-shaped word (used by importers)."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "x"
