"""Time in a scenario: the simulation clock, trends, game changers (shocks) and rupture rules.

A scenario's ``dynamics`` section says how the system unfolds after its
``as_of`` date:

* ``step`` and ``horizon_years``: the clock (quarters over five years unless
  told otherwise);
* ``trends``: slow drifts, one step at a time, of one parameter (Iran's
  capability on the security forces grows each quarter);
* ``shocks``: game changers that fire at random with a hazard per step
  (which may grow or shrink from year to year: ``hazard_trend``), or at a
  fixed date, possibly only after other shocks have fired, and then change
  parameters through their ``effects``;
* ``volatility``: how far stated positions and saliences wander at random
  from year to year absent any game changer (on by default, see
  :data:`DEFAULT_VOLATILITY`);
* ``pull``: how strongly each actor's stated position leans toward the
  previous step's settlement (off by default);
* ``parameters``: named uncertain numbers that mechanism expressions read.

Mechanisms make the dynamics respond to the simulated state: a shock's
``hazard_factor`` multiplies its hazard, an effect's ``factor`` multiplies
its size (fixed when the shock fires), and a lever's ``when`` starts it at
the first step where a condition holds.  Each is an expression of the
indicator language read in its ``"mechanism"`` context
(:mod:`realpolitik.scenario.indicator_syntax`); a ``recurring`` shock may
fire again and again.

An :class:`Effect` names its target with a dotted path and says how it
changes it: ``shift`` (add), ``set`` (replace) or ``scale`` (multiply)::

    {target: stances.iran_military_presence.iran.position, shift: 10}
    {target: actors.russia.capability, scale: 0.8}
    {target: alliances.russia_iran.shared_stakes.holding_syria.weight, set: 0.2}
    {target: shocks.israel_iran_showdown.hazard, scale: 0.5}

Policy levers (``scenario/levers.py``) use the same effects.  Alliances carry
an optional ``rupture`` rule: a string parsed here by
:func:`parse_rupture_rule`, or a :class:`RuptureSpec` mapping whose threshold
and step count may be uncertain and which may name observable events.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal, NamedTuple

import numpy as np
from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from realpolitik.scenario.base import ID_PATTERN, FieldPath, Frozen, OmitUnset
from realpolitik.scenario.indicator_syntax import (
    FUNCTIONS,
    RESERVED_NAMES,
    YEARS,
    ExpressionError,
    Name,
    ValueType,
    iter_names,
    iter_terms,
    parse_expression,
    value_type,
)
from realpolitik.scenario.quantity import (
    Amount,
    Growth,
    PositionSpread,
    Quantity,
    SalienceSpread,
    StepCount,
    Threshold,
    Weight,
)

if TYPE_CHECKING:
    from realpolitik.scenario.schema import Scenario

__all__ = [
    "DEFAULT_RUPTURE_RULE",
    "DEFAULT_RUPTURE_STEPS",
    "DEFAULT_VOLATILITY",
    "Dynamics",
    "Effect",
    "RuptureField",
    "RuptureRule",
    "RuptureRuleError",
    "RuptureSpec",
    "Shock",
    "StanceVolatility",
    "Target",
    "Trend",
    "Volatility",
    "dynamics_reference_errors",
    "effect_reference_errors",
    "mechanism_reference_errors",
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


def check_mechanism(text: str, wanted: ValueType) -> str:
    """Parse a mechanism expression and check it gives a ``wanted`` value; return it unchanged.

    Raises
    ------
    ExpressionError
        (a ``ValueError``) for a syntax error, a term a mechanism cannot read,
        or a condition where a number is needed (or the reverse).
    """
    node = parse_expression(text, "mechanism")
    found = value_type(node, text)
    if found != wanted:
        example = ("e.g. 'cohesion(ID) < 0.4'" if wanted == "condition"
                   else "e.g. '1 + 0.5 * count(ID)'")
        named = (f" ('{node.name}' alone is read as the name of a number)"
                 if isinstance(node, Name) else "")
        raise ExpressionError(f"must give a {wanted} ({example}), but gives a {found}{named}",
                              text)
    return text


class Effect(OmitUnset):
    """A change to one parameter: ``shift`` adds, ``set`` replaces, ``scale`` multiplies.

    Results are kept in bounds after every change: positions in [0, 100],
    saliences, stake weights and hazards in [0, 1], capabilities positive.
    A shock's effect may carry a ``factor``: a mechanism expression giving a
    number, read at the step the shock fires, which multiplies a ``shift``
    and is the exponent of a ``scale`` (so it scales the effect's size); a
    ``set`` takes none.
    """

    OMIT_WHEN_NONE: ClassVar[tuple[str, ...]] = ("factor",)

    target: str
    shift: Amount | None = None
    set: Amount | None = None
    scale: Amount | None = None
    factor: str | None = Field(
        default=None, description="Multiplier of the effect's size, read when the shock fires.")

    @field_validator("target")
    @classmethod
    def _known_form(cls, target: str) -> str:
        parse_target(target)
        return target

    @field_validator("factor")
    @classmethod
    def _number(cls, factor: str | None) -> str | None:
        return None if factor is None else check_mechanism(factor, "number")

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
        if self.factor is not None and self.set is not None:
            raise ValueError("a 'set' effect replaces a value and has no size to multiply: "
                             "'factor' goes with 'shift' or 'scale'")
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


class Shock(OmitUnset):
    """A game changer: fires once, at random with ``hazard`` per step or at a fixed ``date``.

    ``requires`` lists shocks that must have fired at an earlier step.  Once
    fired, its ``effects`` hold for ``duration`` steps (the firing step
    included), or for good when no duration is given.  ``hazard_trend``
    makes the hazard change by that share every year:
    ``hazard(t) = hazard * (1 + hazard_trend) ** years since as_of``.
    ``hazard_factor`` (a mechanism expression giving a number) multiplies
    that hazard at each step; a ``recurring`` shock may fire again at any
    step, the effects of its firings in force adding up.
    """

    OMIT_WHEN_NONE: ClassVar[tuple[str, ...]] = ("hazard_trend", "hazard_factor", "recurring")

    id: str = Field(pattern=ID_PATTERN)
    name: str
    description: str = ""
    hazard: Weight | None = Field(default=None, description="Probability of firing per step.")
    hazard_trend: Growth | None = Field(
        default=None, description="Relative change of the hazard per year (0.1: +10% a year)."
    )
    date: dt.date | None = None
    requires: list[str] = []
    effects: list[Effect] = []
    duration: int | None = Field(default=None, ge=1, description="Steps the effects last.")
    hazard_factor: str | None = Field(
        default=None, description="Multiplier of the hazard, read on the state at each step.")
    recurring: bool | None = Field(
        default=None, description="May fire again after firing (default: fires once).")

    @field_validator("hazard_factor")
    @classmethod
    def _number(cls, factor: str | None) -> str | None:
        return None if factor is None else check_mechanism(factor, "number")

    @property
    def is_mechanism(self) -> bool:
        """True for a shock whose hazard reads the state or that may fire more than once."""
        return self.hazard_factor is not None or bool(self.recurring)

    @model_validator(mode="after")
    def _hazard_or_date(self) -> Shock:
        if (self.hazard is None) == (self.date is None):
            raise ValueError(
                "a shock needs either a 'hazard' (probability per step) or a fixed 'date', "
                "not both"
            )
        if self.hazard_trend is not None and self.hazard is None:
            raise ValueError("'hazard_trend' changes a hazard; a shock with a fixed date has none")
        if self.hazard_factor is not None and self.hazard is None:
            raise ValueError("'hazard_factor' multiplies a hazard; a shock with a fixed date "
                             "has none")
        if self.recurring and self.date is not None:
            raise ValueError("a shock with a fixed date happens once and cannot be recurring; "
                             "give it a 'hazard' instead")
        return self


# ---------------------------------------------------------------------------
# Volatility of stances
# ---------------------------------------------------------------------------

_SPREAD_BOUNDS = {"position": 100.0, "salience": 1.0}


class StanceVolatility(Frozen):
    """The volatility of one stance's position or salience, overriding the section's."""

    target: str = Field(description="stances.<issue>.<actor>.position or .salience")
    volatility: Quantity = Field(description="Standard deviation of the change over one year.")

    @model_validator(mode="after")
    def _stance_field(self) -> StanceVolatility:
        target = parse_target(self.target)
        if target.kind != "stance" or target.attribute not in _SPREAD_BOUNDS:
            raise ValueError(
                f"'{self.target}' is not a stance's position or salience; expected "
                "stances.<issue>.<actor>.position or stances.<issue>.<actor>.salience"
            )
        high = _SPREAD_BOUNDS[target.attribute]
        if self.volatility.low < 0 or self.volatility.high > high:
            raise ValueError(
                f"the volatility of a {target.attribute} must be between 0 and {high:g}"
            )
        return self


POSITION_VOLATILITY = Quantity(
    value=4.0,
    estimate="default: absent a game changer a stance rarely moves by more than a fifth of "
             "the scale in five years (4 x sqrt(5) = 9 points; 90% within about 15)",
)
SALIENCE_VOLATILITY = Quantity(
    value=0.03,
    estimate="default: the salience counterpart of 4 points a year on the position scale, "
             "a little smaller since saliences are slower to move",
)


class Volatility(Frozen):
    """How far stated positions and saliences wander at random, per square root of a year.

    Each active stance's position (and salience) follows a random walk on
    top of its trends, shocks and levers: every step adds a normal change
    with standard deviation ``volatility * sqrt(step length in years)``.
    ``by_stance`` sets the volatility of single stances.
    """

    position: PositionSpread = Field(
        default=POSITION_VOLATILITY, description="Points of the 0-100 scale per sqrt(year)."
    )
    salience: SalienceSpread = Field(
        default=SALIENCE_VOLATILITY, description="Salience (0-1) per sqrt(year)."
    )
    by_stance: list[StanceVolatility] = []


DEFAULT_VOLATILITY = Volatility()
"""Volatility of a scenario without a ``volatility`` section: 4 points and 0.03 per sqrt(year).

Absent a game changer, an actor's stance rarely moves by more than a fifth
of the scale in five years: sigma * sqrt(5) = 9 points, so 90% of paths stay
within about +-15 points.  ``volatility: {position: 0, salience: 0}`` turns
the random walk off.
"""


class Dynamics(OmitUnset):
    """How the scenario unfolds over time: clock, trends, game changers, volatility, pull.

    ``volatility`` defaults to :data:`DEFAULT_VOLATILITY`; ``pull`` (the
    share of the previous settlement in each stated position, scaled by
    1 - salience) defaults to 0.
    """

    OMIT_WHEN_NONE: ClassVar[tuple[str, ...]] = ("volatility", "pull", "parameters")

    step: Literal["month", "quarter", "year"] = "quarter"
    horizon_years: float = Field(default=5.0, gt=0.0, le=50.0)
    trends: list[Trend] = []
    shocks: list[Shock] = []
    volatility: Volatility | None = None
    pull: Weight | None = Field(
        default=None, description="Pull of the previous settlement on stated positions, 0-1."
    )
    parameters: dict[str, Quantity] | None = Field(
        default=None, description="Named uncertain numbers read by mechanism expressions.")



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

DEFAULT_RUPTURE_STEPS = 2
"""Consecutive steps below the threshold of a rule mapping that gives no ``for_steps``."""

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


class RuptureSpec(Frozen):
    """A rupture rule written as a mapping: uncertain constants and observable events.

    The alliance ruptures at the step where ``metric`` has been below
    ``below`` (strictly) for ``for_steps`` consecutive steps (default
    :data:`DEFAULT_RUPTURE_STEPS`), or at the first step where any shock
    listed in ``events`` has fired, whichever comes first.  ``below`` and
    ``for_steps`` may be ranges: they are sampled per draw like any number
    (a range of steps gives whole numbers).  ``below`` may be left out when
    ``events`` is given.
    """

    metric: RuptureMetric = "cohesion"
    below: Threshold | None = Field(default=None, description="Threshold of the metric, -1 to 1.")
    for_steps: StepCount | None = Field(
        default=None, description="Consecutive steps below the threshold (default 2)."
    )
    events: list[str] = Field(
        default=[], description="Ids of shocks whose firing counts as a rupture."
    )

    @model_validator(mode="after")
    def _something_to_watch(self) -> RuptureSpec:
        if self.below is None and not self.events:
            raise ValueError(
                "a rupture rule needs 'below' (a threshold of the metric), 'events' (game "
                "changers whose firing counts as a rupture), or both"
            )
        if self.below is None and self.for_steps is not None:
            raise ValueError("'for_steps' counts steps below a threshold: give 'below' too")
        if len(set(self.events)) != len(self.events):
            raise ValueError("'events' lists a shock twice")
        return self

    def __str__(self) -> str:
        """The rule in words, e.g. ``cohesion < [0.15, 0.25] for 2 steps, or if x fires``."""
        parts = []
        if self.below is not None:
            steps = _shown(self.for_steps) if self.for_steps else str(DEFAULT_RUPTURE_STEPS)
            parts.append(f"{self.metric} < {_shown(self.below)} for {steps} steps")
        if self.events:
            parts.append(f"if {' or '.join(self.events)} fires")
        return ", or ".join(parts)


def _shown(quantity: Quantity) -> str:
    if quantity.uncertain:
        return f"[{quantity.low:g}, {quantity.high:g}]"
    return f"{quantity.point:g}"


def _rupture_form(value: object) -> str:
    return "rule[mapping]" if isinstance(value, dict | RuptureSpec) else "rule[text]"


RuptureField = Annotated[
    Annotated[str, Tag("rule[text]")] | Annotated[RuptureSpec, Tag("rule[mapping]")],
    Discriminator(_rupture_form),
]
"""An alliance's ``rupture``: a rule string or a :class:`RuptureSpec` mapping.

The two forms are told apart by their type; the tags carry brackets so that
error messages leave them out of field paths, as they do pydantic's own.
"""


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
    """Yield effects at ``path`` whose target or factor names something undeclared."""
    for index, effect in enumerate(effects):
        problem = target_reference_error(scenario, effect.parsed_target)
        if problem is not None:
            yield (*path, index, "target"), problem
        if effect.factor is not None:
            yield from mechanism_reference_errors(scenario, effect.factor,
                                                  (*path, index, "factor"))


def parameter_names(scenario: Scenario) -> set[str]:
    """Names of the scenario's mechanism parameters (``dynamics.parameters``)."""
    dynamics = scenario.dynamics
    return set(dynamics.parameters or {}) if dynamics is not None else set()


def mechanism_reference_errors(
    scenario: Scenario, text: str, path: FieldPath
) -> Iterator[tuple[FieldPath, str]]:
    """Yield what a mechanism expression at ``path`` names that the scenario does not declare.

    Alliances, issues and shocks by id; ``ISSUE.ACTOR`` stances (the actor
    must take a stance on the issue); bare names must be ``years`` or a
    parameter of ``dynamics.parameters``.  A text that does not parse is
    reported where the field is validated, not here.
    """
    try:
        node = parse_expression(text, "mechanism")
    except ExpressionError:
        return
    known = {
        "alliance": {alliance.id for alliance in scenario.alliances},
        "issue": set(scenario.issue_ids),
        "shock": set(_shock_ids(scenario)),
    }
    for term in iter_terms(node):
        kind = FUNCTIONS[term.function][0]
        if kind == "stance":
            issue, actor = term.id.split(".")
            problem = target_reference_error(scenario, Target("stance", (issue, actor), "position"))
        elif term.id not in known[kind]:
            listed = ", ".join(sorted(known[kind])) or "none declared"
            problem = f"undeclared {kind} '{term.id}' (known: {listed})"
        else:
            problem = None
        if problem is not None:
            yield path, f"column {term.id_column}: {problem}"
    parameters = parameter_names(scenario)
    for name in iter_names(node):
        if name.name != YEARS and name.name not in parameters:
            listed = ", ".join(sorted(parameters)) or "none declared"
            yield path, (f"column {name.column}: '{name.name}' is neither '{YEARS}' nor a "
                         f"parameter of dynamics.parameters (known: {listed})")


def _parameter_errors(dynamics: Dynamics) -> Iterator[tuple[FieldPath, str]]:
    """Parameter names that are not ids or that are words of the expression language."""
    for name in dynamics.parameters or {}:
        path: FieldPath = ("dynamics", "parameters", name)
        if not re.fullmatch(ID_PATTERN, name):
            yield path, (f"parameter name '{name}' must be lower-case letters, digits and "
                         "underscores, starting with a letter")
        elif name in RESERVED_NAMES:
            yield path, (f"parameter name '{name}' is a word of the expression language "
                         f"({', '.join(sorted(RESERVED_NAMES))}); choose another")


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
        if shock.hazard_factor is not None:
            yield from mechanism_reference_errors(scenario, shock.hazard_factor,
                                                  (*path, "hazard_factor"))
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
    yield from _rupture_errors(scenario)
    dynamics = scenario.dynamics
    if dynamics is None:
        return
    yield from _parameter_errors(dynamics)
    yield from _duplicate_ids([t.id for t in dynamics.trends], ("dynamics", "trends"))
    yield from _duplicate_ids([s.id for s in dynamics.shocks], ("dynamics", "shocks"))
    for index, trend in enumerate(dynamics.trends):
        problem = target_reference_error(scenario, parse_target(trend.target))
        if problem is not None:
            yield ("dynamics", "trends", index, "target"), problem
    yield from _shock_errors(scenario, dynamics)
    if dynamics.volatility is not None:
        yield from _volatility_errors(scenario, dynamics.volatility)


def _rupture_errors(scenario: Scenario) -> Iterator[tuple[FieldPath, str]]:
    """Unreadable rule strings, and rule mappings whose events name undeclared shocks."""
    known = set(_shock_ids(scenario))
    for index, alliance in enumerate(scenario.alliances):
        path = ("alliances", index, "rupture")
        if isinstance(alliance.rupture, str):
            try:
                parse_rupture_rule(alliance.rupture)
            except RuptureRuleError as error:
                yield path, str(error)
        elif alliance.rupture is not None:
            for slot, event in enumerate(alliance.rupture.events):
                if event not in known:
                    yield (*path, "events", slot), f"undeclared shock '{event}'"


def _volatility_errors(scenario: Scenario, volatility: Volatility
                       ) -> Iterator[tuple[FieldPath, str]]:  # fmt: skip
    """Per-stance volatilities naming a stance nobody takes, or the same stance twice."""
    seen: set[str] = set()
    for index, item in enumerate(volatility.by_stance):
        path = ("dynamics", "volatility", "by_stance", index, "target")
        problem = target_reference_error(scenario, parse_target(item.target))
        if problem is not None:
            yield path, problem
        elif item.target in seen:
            yield path, f"'{item.target}' is given a volatility twice"
        seen.add(item.target)
