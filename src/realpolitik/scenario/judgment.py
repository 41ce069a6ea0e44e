"""The analyst's judgment: competing hypotheses, evidence items, forecast questions.

* ``hypotheses``: competing explanations of what is going on, each with an
  optional prior (normalised over all hypotheses; equal when none is given);
  one of them may be the catch-all "something else";
* ``evidence``: items weighed against every hypothesis in the manner of
  Heuer's Analysis of Competing Hypotheses, each rated ``CC`` (very
  consistent), ``C`` (consistent), ``N`` (neutral or not applicable), ``I``
  (inconsistent) or ``II`` (very inconsistent) per hypothesis, with a
  credibility and a relevance that weigh it, and an optional ``group`` that
  marks items which echo one another;
* ``ach``: what the analyst declares about the hypotheses (mutually
  exclusive? exhaustive?) and how strongly items that share a source or a
  group depend on one another (``rho``);
* ``questions``: forecast questions with a resolution date and an indicator
  expression over simulation outputs (see
  :mod:`realpolitik.scenario.indicator_syntax`), an optional warning
  threshold, and the outcome once the question has resolved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, TypeAdapter, ValidationError, field_validator

from realpolitik.scenario.base import ID_PATTERN, FieldPath, Frozen
from realpolitik.scenario.indicator_syntax import (
    FUNCTIONS,
    ExpressionError,
    iter_terms,
    parse_expression,
)
from realpolitik.scenario.quantity import Quantity, Weight

if TYPE_CHECKING:
    from realpolitik.scenario.schema import Scenario

__all__ = [
    "CREDIBILITY_WORDS",
    "DEFAULT_ACH_DRAWS",
    "DEFAULT_RHO",
    "RATINGS",
    "AchSettings",
    "EvidenceItem",
    "Hypothesis",
    "Question",
    "Rating",
    "judgment_reference_errors",
    "known_indicator_ids",
]

Rating = Literal["CC", "C", "N", "I", "II"]
RATINGS: tuple[Rating, ...] = ("CC", "C", "N", "I", "II")
"""Heuer's consistency ratings, from very consistent to very inconsistent."""

CREDIBILITY_WORDS: dict[str, float] = {"low": 0.3, "medium": 0.6, "high": 0.9}
"""Numeric reading of the credibility words (documented in docs/model.md)."""

DEFAULT_RHO = 0.5
"""Correlation between items that share a source or a group, when the scenario states none.

No study measures how far one source's items echo one another; 0.5 is the
midpoint between independent items (0) and copies of one item (1), so that
a source, however many items it supplies, never counts for more than two
independent ones.  docs/model.md gives the formula and the reason.
"""

DEFAULT_ACH_DRAWS = 2000
"""Draws over uncertain priors, credibilities and ``rho`` behind each interval."""


class Hypothesis(Frozen):
    """A competing explanation of what is going on.

    ``prior`` is the analyst's belief before weighing the evidence; priors
    are normalised over all hypotheses, so ``0.5, 0.3, 0.2`` and ``5, 3, 2``
    would mean the same (they are weights in [0, 1], so write the former).
    Give a prior to every hypothesis or to none (then all are equal).

    ``catch_all: true`` marks the hypothesis "something else": none of the
    others is true.  With it the set is exhaustive by construction (at most
    one hypothesis may carry the mark).
    """

    id: str = Field(pattern=ID_PATTERN)
    name: str
    description: str = ""
    prior: Weight | None = None
    catch_all: bool = False


class AchSettings(Frozen):
    """What the analyst declares about the hypotheses, and how dependent evidence counts.

    ``exclusive``: at most one hypothesis can be true.  ``exhaustive``: at
    least one is true (a ``catch_all`` hypothesis makes the set exhaustive
    without this).  Posteriors normalised over the hypotheses are shown only
    when both hold.  ``rho`` is the correlation between evidence items that
    share a source or a group (Kish's intra-cluster correlation: 0 counts
    them as independent, 1 as one item); a range is sampled.  ``draws``
    samples the uncertain priors, credibilities and ``rho``.
    """

    exclusive: bool = False
    exhaustive: bool = False
    rho: Weight = Field(default_factory=lambda: Quantity(value=DEFAULT_RHO))
    draws: int = Field(default=DEFAULT_ACH_DRAWS, ge=100)


class EvidenceItem(Frozen):
    """A piece of evidence weighed against the hypotheses.

    ``credibility`` (how far the source can be trusted: ``low``, ``medium``,
    ``high``, a number in [0, 1] or a range of such numbers) and
    ``relevance`` (how much the item bears on the question, [0, 1]) weigh
    the item; ``ratings`` say how consistent it is with each hypothesis.  A
    hypothesis the item does not rate counts as ``N``.  Items that share a
    ``source`` or a ``group`` are dependent evidence.
    """

    id: str = Field(pattern=ID_PATTERN)
    text: str
    source: str | None = None
    group: str | None = Field(default=None, pattern=ID_PATTERN)
    quote: str | None = None
    date: dt.date | None = None
    credibility: float | Literal["low", "medium", "high"] | Weight = "medium"
    relevance: float = Field(default=1.0, ge=0.0, le=1.0)
    ratings: dict[str, Rating] = {}
    notes: str = ""

    @field_validator("credibility", mode="before")
    @classmethod
    def _credibility_word_or_number(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(f"expected {_CREDIBILITY_FORMS}")
        if isinstance(value, str):
            word = value.strip().lower()
            if word not in CREDIBILITY_WORDS:
                raise ValueError(f"expected {_CREDIBILITY_FORMS}, got '{value}'")
            return word
        if isinstance(value, int | float) and not 0.0 <= value <= 1.0:
            raise ValueError(f"a numeric credibility must be in [0, 1], got {value}")
        if isinstance(value, list | tuple | dict):
            return _weight_quantity(value)
        return value

    @field_validator("ratings", mode="before")
    @classmethod
    def _ratings_upper_case(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {key: _rating_text(rating) for key, rating in value.items()}
        return value

    @property
    def credibility_quantity(self) -> Quantity:
        """Credibility as a quantity in [0, 1]: words read through :data:`CREDIBILITY_WORDS`."""
        if isinstance(self.credibility, Quantity):
            return self.credibility
        if isinstance(self.credibility, str):
            return Quantity(value=CREDIBILITY_WORDS[self.credibility])
        return Quantity(value=float(self.credibility))

    @property
    def credibility_value(self) -> float:
        """Point credibility in [0, 1] (the midpoint of a range)."""
        return self.credibility_quantity.point

    @property
    def weight(self) -> float:
        """Point credibility times relevance: how much the item counts, in [0, 1]."""
        return self.credibility_value * self.relevance

    def rating(self, hypothesis_id: str) -> Rating:
        """The item's rating against a hypothesis (``N`` when not rated)."""
        return self.ratings.get(hypothesis_id, "N")


_CREDIBILITY_FORMS = "low, medium, high, a number in [0, 1] or a [low, high] range"

_WEIGHT = TypeAdapter(Weight)


def _weight_quantity(value: Any) -> Quantity:
    """Read a range or a mapping as a weight in [0, 1], with one plain message when it is not."""
    try:
        return _WEIGHT.validate_python(value)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        raise ValueError(f"{where}: {message}" if where else message) from None


def _rating_text(rating: Any) -> Any:
    if isinstance(rating, str):
        return rating.strip().upper()
    return rating


class Question(Frozen):
    """A forecast question that can be checked once events resolve.

    ``indicator`` is a condition over simulation outputs whose share of
    true draws is the model's probability; ``base_rate`` (optional, 0.5 when
    absent) is how often such an event happens judged from outside the
    model, toward which the reported probability is widened for change the
    model does not hold (``analysis.unmodelled_change``); ``threshold``
    (optional) flags the question when the probability reaches it;
    ``outcome`` is recorded only after ``resolution_date`` has passed.
    """

    id: str = Field(pattern=ID_PATTERN)
    text: str
    resolution_date: dt.date
    indicator: str
    threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    base_rate: Weight | None = Field(
        default=None, description="How often such an event happens, judged from outside the "
                                  "model (with its reason); 0.5 when absent.")
    outcome: Literal["yes", "no"] | None = None
    notes: str = ""

    @field_validator("outcome", mode="before")
    @classmethod
    def _outcome_words(cls, value: Any) -> Any:
        # YAML reads a bare yes/no as true/false.
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, str):
            return value.strip().lower()
        return value


# ---------------------------------------------------------------------------
# Cross-references
# ---------------------------------------------------------------------------


def judgment_reference_errors(scenario: Scenario) -> Iterator[tuple[FieldPath, str]]:
    """Yield problems in the judgment sections that single fields cannot see.

    Duplicate ids; priors given to some hypotheses but not all, or summing
    to zero; more than one catch-all hypothesis; evidence citing an
    undeclared source, quoting without a source, or rating an undeclared
    hypothesis; questions whose indicator does not parse or names an
    undeclared alliance, issue or shock.
    """
    for section in ("hypotheses", "evidence", "questions"):
        seen: set[str] = set()
        for index, item in enumerate(getattr(scenario, section)):
            if item.id in seen:
                yield (section, index, "id"), f"duplicate id '{item.id}'"
            seen.add(item.id)
    yield from _prior_errors(scenario)
    yield from _catch_all_errors(scenario)
    yield from _evidence_errors(scenario)
    yield from _question_errors(scenario)


def _prior_errors(scenario: Scenario) -> Iterator[tuple[FieldPath, str]]:
    given = [h.prior is not None for h in scenario.hypotheses]
    if any(given) and not all(given):
        for index, has_prior in enumerate(given):
            if not has_prior:
                yield (("hypotheses", index, "prior"),
                       "give a prior to every hypothesis or to none (then all are equal)")
        return
    priors = [h.prior.point for h in scenario.hypotheses if h.prior is not None]
    if all(given) and given and sum(priors) <= 0.0:
        yield ("hypotheses",), "the priors sum to zero; at least one must be positive"


def _catch_all_errors(scenario: Scenario) -> Iterator[tuple[FieldPath, str]]:
    marked = [index for index, h in enumerate(scenario.hypotheses) if h.catch_all]
    for index in marked[1:]:
        first = scenario.hypotheses[marked[0]].id
        yield (("hypotheses", index, "catch_all"),
               f"only one hypothesis can be the catch-all; '{first}' already is")


def _evidence_errors(scenario: Scenario) -> Iterator[tuple[FieldPath, str]]:
    sources = {source.id for source in scenario.sources}
    hypotheses = {h.id for h in scenario.hypotheses}
    for index, item in enumerate(scenario.evidence):
        where: FieldPath = ("evidence", index)
        if item.source is not None and item.source not in sources:
            yield (*where, "source"), f"cites undeclared source '{item.source}'"
        if item.quote is not None and item.source is None:
            yield (*where, "quote"), "a quote needs the 'source' it comes from"
        for hypothesis_id in item.ratings:
            if hypothesis_id not in hypotheses:
                yield ((*where, "ratings", hypothesis_id),
                       f"rates undeclared hypothesis '{hypothesis_id}'")


def _question_errors(scenario: Scenario) -> Iterator[tuple[FieldPath, str]]:
    known = known_indicator_ids(scenario)
    for index, question in enumerate(scenario.questions):
        where: FieldPath = ("questions", index, "indicator")
        try:
            node = parse_expression(question.indicator)
        except ExpressionError as error:
            yield where, str(error)
            continue
        for term in iter_terms(node):
            kind = FUNCTIONS[term.function][0]
            if term.id not in known[kind]:
                listed = ", ".join(sorted(known[kind])) or "none declared"
                yield where, (f"column {term.id_column}: undeclared {kind} '{term.id}' "
                              f"(known: {listed})")


def known_indicator_ids(scenario: Scenario) -> dict[str, set[str]]:
    """Ids an indicator may name, by kind: alliances, issues and shocks."""
    shocks = getattr(scenario.dynamics, "shocks", None) or []
    return {
        "alliance": {alliance.id for alliance in scenario.alliances},
        "issue": set(scenario.issue_ids),
        "shock": {shock.id for shock in shocks},
    }
