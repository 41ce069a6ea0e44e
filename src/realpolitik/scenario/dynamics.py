"""Time in a scenario: the simulation clock, trends, game changers (shocks) and rupture rules.

A scenario's ``dynamics`` section says how the system unfolds after its
``as_of`` date:

* ``step`` and ``horizon_years``: the clock (quarters over five years unless
  told otherwise);
* ``trends``: slow drifts, one step at a time, of one parameter (Iran's
  capability on the security forces grows each quarter);
* ``shocks``: game changers that fire at random with a hazard per step, or
  at a fixed date, possibly only after other shocks have fired, and then
  change parameters through their ``effects``.

An :class:`Effect` names its target with a dotted path and says how it
changes it: ``shift`` (add), ``set`` (replace) or ``scale`` (multiply)::

    {target: stances.iran_military_presence.iran.position, shift: 10}
    {target: actors.russia.capability, scale: 0.8}
    {target: alliances.russia_iran.shared_stakes.holding_syria.weight, set: 0.2}
    {target: shocks.israel_iran_showdown.hazard, scale: 0.5}

Policy levers (``scenario/levers.py``) use the same effects.  Alliances carry
an optional ``rupture`` rule string, parsed here by :func:`parse_rupture_rule`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NamedTuple

import numpy as np
from pydantic import Field, field_validator, model_validator

from realpolitik.scenario.base import ID_PATTERN, FieldPath, Frozen
from realpolitik.scenario.quantity import Amount, Quantity, Weight

if TYPE_CHECKING:
    from realpolitik.scenario.schema import Scenario

__all__ = [
    "DEFAULT_RUPTURE_RULE",
    "Dynamics",
    "Effect",
    "RuptureRule",
    "RuptureRuleError",
    "Shock",
    "Target",
    "Trend",
    "dynamics_reference_errors",
    "effect_reference_errors",
    "parse_rupture_rule",
    "parse_target",
]

# ---------------------------------------------------------------------------
# Effect targets
# ---------------------------------------------------------------------------

TargetKind = Literal["stance", "actor_capability", "stake_weight", "hazard"]

_ID = r"[a-z][a-z0-9_]*"
_TARGET_FORMS: tuple[tuple[TargetKind, re.Pattern[str]], ...] = (
    ("stance", re.compile(rf"stances\.({_ID})\.({_ID})\.(position|salience|capability)")),
    ("actor_capability", re.compile(rf"actors\.({_ID})\.(capability)")),
    ("stake_weight", re.compile(rf"alliances\.({_ID})\.shared_stakes\.({_ID})\.(weight)")),
    ("hazard", re.compile(rf"shocks\.({_ID})\.(hazard)")),
)
TARGET_FORMS_HELP = (
    "stances.<issue>.<actor>.position|salience|capability, actors.<actor>.capability, "
    "alliances.<alliance>.shared_stakes.<stake>.weight or shocks.<shock>.hazard"
)


class Target(NamedTuple):
    """A parsed effect target: what kind of parameter, the ids that locate it, which field."""

    kind: TargetKind
    ids: tuple[str, ...]
    attribute: str


def parse_target(text: str) -> Target:
    """Parse an effect's dotted target path.

    Parameters
    ----------
    text
        For example ``stances.idlib.russia.position`` or ``actors.iran.capability``.

    Returns
    -------
    Target
        The kind of parameter, the ids in path order, and the field name.

    Raises
    ------
    ValueError
        If the path matches none of the forms in :data:`TARGET_FORMS_HELP`.
    """
    for kind, pattern in _TARGET_FORMS:
        match = pattern.fullmatch(text)
        if match:
            *ids, attribute = match.groups()
            return Target(kind, tuple(ids), attribute)
    raise ValueError(f"unknown target '{text}'; expected one of {TARGET_FORMS_HELP}")


class Effect(Frozen):
    """A change to one parameter: ``shift`` adds, ``set`` replaces, ``scale`` multiplies.

    Results are kept in bounds after every change: positions in [0, 100],
    saliences, stake weights and hazards in [0, 1], capabilities positive.
    """

    target: str
    shift: Amount | None = None
    set: Amount | None = None
    scale: Amount | None = None

    @field_validator("target")
    @classmethod
    def _known_form(cls, target: str) -> str:
        parse_target(target)
        return target

    @model_validator(mode="after")
    def _one_operation(self) -> Effect:
        given = [name for name in ("shift", "set", "scale") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(
                "an effect needs exactly one of 'shift' (add), 'set' (replace) or "
                f"'scale' (multiply); got {', '.join(given) or 'none'}"
            )
        if self.scale is not None and self.scale.low < 0:
            raise ValueError("'scale' must be a non-negative factor")
        return self

    @property
    def operation(self) -> Literal["shift", "set", "scale"]:
        """Which of ``shift``, ``set`` or ``scale`` this effect applies."""
        if self.shift is not None:
            return "shift"
        return "set" if self.set is not None else "scale"

    @property
    def amount(self) -> Quantity:
        """The amount of the operation."""
        return getattr(self, self.operation)

    @property
    def parsed_target(self) -> Target:
        """The target, parsed."""
        return parse_target(self.target)


# ---------------------------------------------------------------------------
# Trends and shocks
# ---------------------------------------------------------------------------


class Trend(Frozen):
    """A slow drift: ``drift`` is added to the target at every step between start and end."""

    id: str = Field(pattern=ID_PATTERN)
    name: str
    description: str = ""
    target: str
    drift: Amount = Field(description="Change per step, in the target's units.")
    start: dt.date | None = Field(default=None, description="Default: the scenario's as_of.")
    end: dt.date | None = Field(default=None, description="Default: never ends.")

    @field_validator("target")
    @classmethod
    def _known_form(cls, target: str) -> str:
        if parse_target(target).kind == "hazard":
            raise ValueError("a trend cannot drift a shock's hazard; give the shock a range")
        return target

    @model_validator(mode="after")
    def _ordered(self) -> Trend:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"trend ends ({self.end}) before it starts ({self.start})")
        return self


class Shock(Frozen):
    """A game changer: fires once, at random with ``hazard`` per step or at a fixed ``date``.

    ``requires`` lists shocks that must have fired at an earlier step.  Once
    fired, its ``effects`` hold for ``duration`` steps (the firing step
    included), or for good when no duration is given.
    """

    id: str = Field(pattern=ID_PATTERN)
    name: str
    description: str = ""
    hazard: Weight | None = Field(default=None, description="Probability of firing per step.")
    date: dt.date | None = None
    requires: list[str] = []
    effects: list[Effect] = []
    duration: int | None = Field(default=None, ge=1, description="Steps the effects last.")

    @model_validator(mode="after")
    def _hazard_or_date(self) -> Shock:
        if (self.hazard is None) == (self.date is None):
            raise ValueError(
                "a shock needs either a 'hazard' (probability per step) or a fixed 'date', "
                "not both"
            )
        return self


class Dynamics(Frozen):
    """How the scenario unfolds over time: the clock, trends and game changers."""

    step: Literal["month", "quarter", "year"] = "quarter"
    horizon_years: float = Field(default=5.0, gt=0.0, le=50.0)
    trends: list[Trend] = []
    shocks: list[Shock] = []


STEPS_PER_YEAR = {"month": 12, "quarter": 4, "year": 1}
"""Number of simulation steps in a year for each step length."""


# ---------------------------------------------------------------------------
# Rupture rules
# ---------------------------------------------------------------------------

DEFAULT_RUPTURE_RULE = "cohesion < 0.0 for 2 steps"
"""Rule used for an alliance that states none.

An S-score below 0 means the partners, weighing issues by their salience and
counting their shared stakes, stand further apart than together; requiring
two consecutive steps (half a year with quarterly steps) keeps a one-step
dip after a shock from counting as a break.
"""

RuptureMetric = Literal["cohesion", "s_score"]


class RuptureRuleError(ValueError):
    """A rupture rule that cannot be parsed; ``position`` is the 1-based character."""

    def __init__(self, text: str, position: int, expected: str) -> None:
        self.text = text
        self.position = position
        super().__init__(
            f"cannot read rupture rule '{text}': expected {expected} at character {position} "
            "(the form is '<cohesion|s_score> <<|<=> <number> for <n> steps', "
            "e.g. 'cohesion < 0.2 for 2 steps')"
        )


@dataclass(frozen=True)
class RuptureRule:
    """When a watched alliance counts as broken.

    The alliance ruptures at the step where ``metric`` has been below
    ``threshold`` (``<`` or ``<=``) for ``steps`` consecutive steps; it stays
    ruptured afterwards.  ``cohesion`` is the S-score counting shared stakes;
    ``s_score`` is the S-score on the contested issues alone.
    """

    metric: RuptureMetric
    comparison: Literal["<", "<="]
    threshold: float
    steps: int
    text: str = ""

    def breached(self, values: np.ndarray) -> np.ndarray:
        """Return where ``values`` are on the breaking side of the threshold."""
        if self.comparison == "<":
            return values < self.threshold
        return values <= self.threshold


_RULE_METRICS: dict[str, RuptureMetric] = {"cohesion": "cohesion", "s_score": "s_score"}
_RULE_COMPARISONS: dict[str, Literal["<", "<="]] = {"<": "<", "<=": "<="}
_RULE_TOKEN = re.compile(
    r"\s*(?:(?P<op><=|<)|(?P<num>[-+]?(?:\d+\.?\d*|\.\d+))|(?P<word>[A-Za-z_]+)|(?P<bad>\S))"
)


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """Split a rule into (kind, text, 1-based position) tokens."""
    tokens = []
    for match in _RULE_TOKEN.finditer(text):
        kind = match.lastgroup or "bad"
        tokens.append((kind, match.group(kind), match.start(kind) + 1))
    return tokens


def parse_rupture_rule(text: str) -> RuptureRule:
    """Parse a rupture rule such as ``cohesion < 0.2 for 2 steps``.

    Parameters
    ----------
    text
        ``<metric> <comparison> <threshold> for <k> steps`` where metric is
        ``cohesion`` (S-score with shared stakes) or ``s_score`` (issues
        alone), comparison is ``<`` or ``<=``, the threshold lies in [-1, 1]
        and k is a whole number of at least 1 (``step`` is accepted for 1).

    Returns
    -------
    RuptureRule

    Raises
    ------
    RuptureRuleError
        Naming the 1-based character position where the rule stops making sense.
    """
    tokens = _tokens(text)
    end = len(text.rstrip()) + 1

    def token(index: int) -> tuple[str, str, int]:
        return tokens[index] if index < len(tokens) else ("end", "", end)

    kind, word, position = token(0)
    metric = _RULE_METRICS.get(word) if kind == "word" else None
    if metric is None:
        raise RuptureRuleError(text, position, "'cohesion' or 's_score'")
    kind, symbol, position = token(1)
    comparison = _RULE_COMPARISONS.get(symbol) if kind == "op" else None
    if comparison is None:
        raise RuptureRuleError(text, position, "'<' or '<='")
    kind, number, position = token(2)
    if kind != "num":
        raise RuptureRuleError(text, position, "a threshold number")
    threshold = float(number)
    if not -1.0 <= threshold <= 1.0:
        raise RuptureRuleError(text, position, "a threshold between -1 and 1")
    kind, word, position = token(3)
    if kind != "word" or word != "for":
        raise RuptureRuleError(text, position, "'for'")
    kind, count, position = token(4)
    if kind != "num" or not count.isdigit() or int(count) < 1:
        raise RuptureRuleError(text, position, "a whole number of steps of at least 1")
    kind, unit, position = token(5)
    if kind != "word" or unit not in ("steps", "step"):
        raise RuptureRuleError(text, position, "'steps'")
    kind, _, position = token(6)
    if kind != "end":
        raise RuptureRuleError(text, position, "the end of the rule")
    return RuptureRule(metric, comparison, threshold, int(count), text.strip())


# ---------------------------------------------------------------------------
# Cross-reference checks
# ---------------------------------------------------------------------------


def _shock_ids(scenario: Scenario) -> list[str]:
    return [shock.id for shock in scenario.dynamics.shocks] if scenario.dynamics else []


def target_reference_error(scenario: Scenario, target: Target) -> str | None:
    """Return what is wrong with a parsed target in this scenario, or None."""
    actors, issues = set(scenario.actor_ids), set(scenario.issue_ids)
    if target.kind == "stance":
        issue, actor = target.ids
        if issue not in issues:
            return f"undeclared issue '{issue}'"
        if actor not in actors:
            return f"undeclared actor '{actor}'"
        if scenario.stance(issue, actor) is None:
            return f"actor '{actor}' takes no stance on issue '{issue}'"
    elif target.kind == "actor_capability":
        if target.ids[0] not in actors:
            return f"undeclared actor '{target.ids[0]}'"
    elif target.kind == "stake_weight":
        alliance_id, stake = target.ids
        alliance = next((a for a in scenario.alliances if a.id == alliance_id), None)
        if alliance is None:
            return f"undeclared alliance '{alliance_id}'"
        if stake not in {s.id for s in alliance.shared_stakes}:
            return f"alliance '{alliance_id}' has no shared stake '{stake}'"
    else:
        shocks = scenario.dynamics.shocks if scenario.dynamics is not None else []
        shock = next((s for s in shocks if s.id == target.ids[0]), None)
        if shock is None:
            return f"undeclared shock '{target.ids[0]}'"
        if shock.hazard is None:
            return f"shock '{shock.id}' has a fixed date, so it has no hazard to change"
    return None


def effect_reference_errors(
    scenario: Scenario, effects: list[Effect], path: FieldPath
) -> Iterator[tuple[FieldPath, str]]:
    """Yield effects at ``path`` whose target names something undeclared."""
    for index, effect in enumerate(effects):
        problem = target_reference_error(scenario, effect.parsed_target)
        if problem is not None:
            yield (*path, index, "target"), problem


def _duplicate_ids(ids: list[str], path: FieldPath) -> Iterator[tuple[FieldPath, str]]:
    seen: set[str] = set()
    for index, item in enumerate(ids):
        if item in seen:
            yield (*path, index, "id"), f"duplicate id '{item}'"
        seen.add(item)


def _requirement_cycle(shocks: list[Shock]) -> list[str] | None:
    """Return one cycle of ``requires`` as a list of shock ids (first id repeated), or None."""
    needs = {shock.id: [o for o in shock.requires if o != shock.id] for shock in shocks}
    finished: set[str] = set()

    def visit(trail: list[str]) -> list[str] | None:
        for other in needs.get(trail[-1], []):
            if other in trail:
                return [*trail[trail.index(other):], other]
            if other in needs and other not in finished:
                found = visit([*trail, other])
                if found:
                    return found
        finished.add(trail[-1])
        return None

    for shock_id in needs:
        if shock_id not in finished:
            found = visit([shock_id])
            if found:
                return found
    return None


def _shock_errors(scenario: Scenario, dynamics: Dynamics) -> Iterator[tuple[FieldPath, str]]:
    known = set(_shock_ids(scenario))
    for index, shock in enumerate(dynamics.shocks):
        path = ("dynamics", "shocks", index)
        for slot, other in enumerate(shock.requires):
            if other == shock.id:
                yield (*path, "requires", slot), f"shock '{shock.id}' cannot require itself"
            elif other not in known:
                yield (*path, "requires", slot), f"undeclared shock '{other}'"
        yield from effect_reference_errors(scenario, shock.effects, (*path, "effects"))
    cycle = _requirement_cycle(dynamics.shocks)
    if cycle:
        yield ("dynamics", "shocks"), (
            "shocks require each other in a cycle and can never fire: " + " -> ".join(cycle)
        )


def dynamics_reference_errors(scenario: Scenario) -> Iterator[tuple[FieldPath, str]]:
    """Yield references in the dynamics section to undeclared actors, issues or shocks.

    Also checks every alliance's ``rupture`` rule, since rules belong to the
    simulation's clock.
    """
    for index, alliance in enumerate(scenario.alliances):
        if alliance.rupture is not None:
            try:
                parse_rupture_rule(alliance.rupture)
            except RuptureRuleError as error:
                yield ("alliances", index, "rupture"), str(error)
    dynamics = scenario.dynamics
    if dynamics is None:
        return
    yield from _duplicate_ids([t.id for t in dynamics.trends], ("dynamics", "trends"))
    yield from _duplicate_ids([s.id for s in dynamics.shocks], ("dynamics", "shocks"))
    for index, trend in enumerate(dynamics.trends):
        problem = target_reference_error(scenario, parse_target(trend.target))
        if problem is not None:
            yield ("dynamics", "trends", index, "target"), problem
    yield from _shock_errors(scenario, dynamics)
