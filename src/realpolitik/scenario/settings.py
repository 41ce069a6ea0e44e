"""What a scenario's report should focus on: the objective and outcomes of its analyses.

Outcomes are written ``kind:id`` or ``kind:id@YYYY-MM-DD`` with kind one of
``settlement`` (an issue's forecast position), ``cohesion`` (an alliance's
S-score), ``rupture`` (an alliance has ruptured, 0/1) or ``fired`` (a game
changer has happened, 0/1); without a date they are read at the horizon.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field, field_validator

from realpolitik.scenario.base import FieldPath, OmitUnset

if TYPE_CHECKING:
    from realpolitik.scenario.schema import Scenario

OUTCOME_PATTERN = re.compile(
    r"^(?P<kind>settlement|cohesion|rupture|fired):(?P<id>[a-z][a-z0-9_]*)"
    r"(@(?P<date>\d{4}-\d{2}-\d{2}))?$"
)
OUTCOME_HELP = ("an outcome such as 'cohesion:russia_iran', 'settlement:idlib@2021-06-01', "
                "'rupture:russia_iran' or 'fired:idlib_crisis'")


KIND_NOUNS = {"settlement": "issue", "cohesion": "alliance", "rupture": "alliance",
              "fired": "game changer"}


def _check_outcome_text(text: str) -> str:
    if not OUTCOME_PATTERN.match(text):
        raise ValueError(f"'{text}' is not {OUTCOME_HELP}")
    return text


class AnalysisSettings(OmitUnset):
    """Defaults for the analyses ``realpolitik run`` performs on this scenario."""

    OMIT_WHEN_NONE: ClassVar[tuple[str, ...]] = ("engines",)

    objective: str | None = Field(
        default=None, description="Outcome the levers are ranked on (default: cohesion of "
                                  "the first watched alliance).")
    direction: Literal["minimise", "maximise"] = "minimise"
    outcomes: list[str] = Field(default_factory=list,
                                description="Further outcomes every lever is reported on.")
    discovery: str | None = Field(
        default=None, description="Yes/no outcome whose causes scenario discovery seeks "
                                  "(default: rupture of the first watched alliance).")
    sensitivity: str | None = Field(
        default=None, description="Outcome of the global sensitivity analysis "
                                  "(default: the objective).")
    draws: int = Field(default=1000, ge=10, description="Monte Carlo draws per ensemble.")
    engines: dict[str, float] | None = Field(
        default=None, description="Engine -> weight of a mixture of step engines (normalised; "
                                  "names are checked against the step engines when simulated).")

    @field_validator("engines")
    @classmethod
    def _engine_weights(cls, weights: dict[str, float] | None) -> dict[str, float] | None:
        if weights is None:
            return None
        if any(not 0.0 <= weight < float("inf") for weight in weights.values()):
            raise ValueError("engine weights must be finite numbers of at least 0")
        if not sum(weights.values()) > 0:
            raise ValueError("at least one engine needs a weight above 0")
        return weights

    @field_validator("objective", "discovery", "sensitivity")
    @classmethod
    def _single(cls, text: str | None) -> str | None:
        return None if text is None else _check_outcome_text(text)

    @field_validator("outcomes")
    @classmethod
    def _many(cls, texts: list[str]) -> list[str]:
        return [_check_outcome_text(text) for text in texts]


def settings_reference_errors(scenario: Scenario) -> Iterator[tuple[FieldPath, str]]:
    """Yield outcomes that name an undeclared issue, alliance or game changer."""
    settings = scenario.analysis
    if settings is None:
        return
    shocks = [] if scenario.dynamics is None else [shock.id for shock in scenario.dynamics.shocks]
    known = {"settlement": scenario.issue_ids, "cohesion": [a.id for a in scenario.alliances],
             "rupture": [a.id for a in scenario.alliances], "fired": shocks}
    named: list[tuple[FieldPath, str]] = [
        ((name,), getattr(settings, name))
        for name in ("objective", "discovery", "sensitivity")
        if getattr(settings, name) is not None
    ]
    named += [(("outcomes", index), text) for index, text in enumerate(settings.outcomes)]
    for where, text in named:
        match = OUTCOME_PATTERN.match(text)
        kind, target = match["kind"], match["id"]
        if target not in known[kind]:
            yield ("analysis", *where), f"'{target}' is not a declared {KIND_NOUNS[kind]}"
    if settings.discovery and OUTCOME_PATTERN.match(settings.discovery)["kind"] not in (
        "rupture", "fired"
    ):
        yield ("analysis", "discovery"), "must be a yes/no outcome: rupture:ID or fired:ID"
