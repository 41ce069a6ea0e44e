"""What a scenario's report should focus on: the objective and outcomes of its analyses.

Outcomes are written ``kind:id`` or ``kind:id@YYYY-MM-DD`` (see
:mod:`realpolitik.scenario.outcomes`); the fields keep the text as written,
and :func:`analysis_defaults` reads them, with the documented fallbacks, into
the :class:`~realpolitik.scenario.outcomes.Outcome` objects every analysis
and front end starts from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal

from pydantic import AfterValidator, Field, field_validator

from realpolitik.scenario.base import FieldPath, OmitUnset
from realpolitik.scenario.limits import MAX_DRAWS, MIN_DRAWS
from realpolitik.scenario.outcomes import (
    BINARY_KINDS,
    TARGET_NOUNS,
    Outcome,
    parse_outcome,
    scenario_targets,
)
from realpolitik.scenario.quantity import Rate

if TYPE_CHECKING:
    from realpolitik.scenario.schema import Scenario

__all__ = [
    "DEFAULT_DIRECTION",
    "DEFAULT_DRAWS",
    "DEFAULT_UNMODELLED_CHANGE",
    "AnalysisDefaults",
    "AnalysisSettings",
    "analysis_defaults",
    "focus_alliance",
    "settings_reference_errors",
]

DEFAULT_DRAWS = 1000
"""Monte Carlo draws per ensemble when neither the scenario nor the caller names a number."""
DEFAULT_DIRECTION: Literal["minimise"] = "minimise"
"""With the default objective (cohesion), levers are judged by how far they pull partners apart."""

_NOUNS = {**TARGET_NOUNS, "fired": "game changer"}

DEFAULT_UNMODELLED_CHANGE = 0.1
"""Yearly rate of change the model does not hold (see :data:`UNMODELLED_CHANGE_REASON`)."""
UNMODELLED_CHANGE_REASON = (
    "default: a model of a political system fixed on its as_of date keeps about nine-tenths "
    "of its relevance a year (weight 1 - exp(-0.1 t) on the base rate after t years, 39% "
    "after five); long-range expert political forecasts barely beat simple baselines "
    "(Tetlock 2005), so the model's say must fade with the horizon"
)


def _normalised(text: str) -> str:
    """The outcome as :func:`parse_outcome` reads it; a ValueError for pydantic otherwise."""
    return parse_outcome(text).label


OutcomeText = Annotated[str, AfterValidator(_normalised)]
"""An outcome as written in the file, checked against the grammar and kept as its label."""


class AnalysisSettings(OmitUnset):
    """Defaults for the analyses ``realpolitik run`` performs on this scenario."""

    OMIT_WHEN_NONE: ClassVar[tuple[str, ...]] = ("engines", "unmodelled_change")

    objective: OutcomeText | None = Field(
        default=None, description="Outcome the levers are ranked on (default: cohesion of "
                                  "the first watched alliance).")
    direction: Literal["minimise", "maximise"] = DEFAULT_DIRECTION
    outcomes: list[OutcomeText] = Field(default_factory=list,
                                description="Further outcomes every lever is reported on.")
    discovery: OutcomeText | None = Field(
        default=None, description="Yes/no outcome whose causes scenario discovery seeks "
                                  "(default: rupture of the first watched alliance).")
    sensitivity: OutcomeText | None = Field(
        default=None, description="Outcome of the global sensitivity analysis "
                                  "(default: the objective).")
    draws: int = Field(default=DEFAULT_DRAWS, ge=MIN_DRAWS,
                       description=f"Monte Carlo draws per ensemble (at most {MAX_DRAWS:,}).")
    unmodelled_change: Rate | None = Field(
        default=None,
        description="Yearly rate at which the world changes in ways the model does not "
                    "hold; widens every question's probability toward its base rate "
                    "(default 0.1 a year, see docs/model.md).")
    engines: dict[str, float] | None = Field(
        default=None, description="Engine -> weight of a mixture of step engines (normalised; "
                                  "names are checked against the step engines when simulated).")

    @field_validator("draws")
    @classmethod
    def _draws_within_bound(cls, draws: int) -> int:
        """Refuse an ensemble larger than any command would simulate (``--draws`` shares it)."""
        if draws > MAX_DRAWS:
            raise ValueError(f"at most {MAX_DRAWS:,} draws can be simulated, got {draws:,}")
        return draws

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

    @property
    def unmodelled_rate(self) -> float:
        """The yearly rate of unmodelled change in force: the scenario's, else the default."""
        if self.unmodelled_change is None:
            return DEFAULT_UNMODELLED_CHANGE
        return self.unmodelled_change.point

    def named(self) -> list[tuple[FieldPath, Outcome]]:
        """Every outcome the section names, with the field it is written in."""
        single = [((name,), getattr(self, name))
                  for name in ("objective", "discovery", "sensitivity")]
        found = [(where, parse_outcome(text)) for where, text in single if text is not None]
        return found + [(("outcomes", index), parse_outcome(text))
                        for index, text in enumerate(self.outcomes)]


def settings_reference_errors(scenario: Scenario) -> Iterator[tuple[FieldPath, str]]:
    """Yield outcomes that name an undeclared issue, alliance or game changer."""
    settings = scenario.analysis
    if settings is None:
        return
    for where, outcome in settings.named():
        if outcome.target not in scenario_targets(scenario, outcome.kind):
            yield ("analysis", *where), (f"'{outcome.target}' is not a declared "
                                         f"{_NOUNS[outcome.kind]}")
    if settings.discovery and parse_outcome(settings.discovery).kind not in BINARY_KINDS:
        yield ("analysis", "discovery"), "must be a yes/no outcome: rupture:ID or fired:ID"


@dataclass(frozen=True)
class AnalysisDefaults:
    """The scenario's analysis settings read into outcomes, every fallback applied.

    Attributes
    ----------
    focus
        The alliance the report centres on (None when none is watched).
    objective
        What levers are ranked on: ``analysis.objective``, else the cohesion of
        the focus alliance at the horizon (None without either).
    direction
        ``analysis.direction`` (default ``minimise``).
    outcomes
        ``analysis.outcomes``: further outcomes every lever is reported on.
    discovery
        ``analysis.discovery``, else the rupture of the focus alliance.
    sensitivity
        ``analysis.sensitivity``, else the objective.
    draws
        ``analysis.draws`` (default 1000).
    """

    focus: str | None
    objective: Outcome | None
    direction: Literal["minimise", "maximise"]
    outcomes: tuple[Outcome, ...]
    discovery: Outcome | None
    sensitivity: Outcome | None
    draws: int


def focus_alliance(scenario: Scenario) -> str | None:
    """The alliance the report centres on: the objective's or discovery's, else the first."""
    settings = scenario.analysis or AnalysisSettings()
    for text in (settings.objective, settings.discovery):
        outcome = None if text is None else parse_outcome(text)
        if outcome is not None and outcome.kind in ("cohesion", "rupture"):
            return outcome.target
    return scenario.alliances[0].id if scenario.alliances else None


def analysis_defaults(scenario: Scenario) -> AnalysisDefaults:
    """Read the scenario's ``analysis`` section, with the documented fallbacks, into outcomes.

    The one place the defaults of ``realpolitik run``, ``realpolitik levers``
    and the Python API are derived, so that all three analyse the same things.
    """
    settings = scenario.analysis or AnalysisSettings()
    focus = focus_alliance(scenario)

    def read(text: str | None, fallback: Outcome | None) -> Outcome | None:
        return fallback if text is None else parse_outcome(text)

    objective = read(settings.objective, None if focus is None else Outcome("cohesion", focus))
    return AnalysisDefaults(
        focus=focus,
        objective=objective,
        direction=settings.direction,
        outcomes=tuple(parse_outcome(text) for text in settings.outcomes),
        discovery=read(settings.discovery, None if focus is None else Outcome("rupture", focus)),
        sensitivity=read(settings.sensitivity, objective),
        draws=settings.draws,
    )
