"""The names a user wrote, for the field paths and outcomes the code works with.

The simulation names every number by its field path (``actors[7].capability``,
``dynamics.shocks[5].effects[2].scale``) and the analyses name outcomes
``kind:id`` (``rupture:russia_iran``): exact and stable, which is what files
and code need, but not what a reader of a report should have to decode.
This module turns both back into the names written in the scenario:

* :func:`field_name`: ``actors[0].capability`` -> "Russia's capability";
  ``dynamics.shocks[0].hazard`` -> "Israel-Iran showdown: hazard";
  ``dynamics.parameters.doubling_down`` -> "doubling_down (mechanism parameter)";
  ``levers[5].effects[0].shift`` -> "Persuade Israel: effect 1 on Iran's
  position on Iranian military presence";
* :func:`input_name`: a field path, or a scenario-discovery input such as
  ``fired:idlib_crisis`` -> "Crisis in Idlib happened";
* :func:`outcome_name`: ``rupture:russia_iran`` -> "Russia-Iran rupture by
  2024-06-01" (or, ``short``, "Russia and Iran: rupture").

A path or id the scenario does not know is returned as given, so a name is
never lost, only left undecoded.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from realpolitik.scenario.base import FieldPath
from realpolitik.scenario.outcomes import Outcome, parse_outcome

if TYPE_CHECKING:
    from realpolitik.scenario.dynamics import Shock, Trend
    from realpolitik.scenario.levers import Lever
    from realpolitik.scenario.schema import Alliance, Scenario

__all__ = [
    "ENGINE_INPUT",
    "GAME_CHANGER",
    "MODEL_CHOICE",
    "SCENARIO_NUMBER",
    "alliance_pair",
    "engine_input_name",
    "field_name",
    "inline",
    "input_kind",
    "input_name",
    "outcome_name",
    "parse_path",
    "possessive",
    "target_name",
]

_TOKEN = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")

_STANCE_FIELDS = {"position": "position", "salience": "salience", "capability": "capability"}

ENGINE_INPUT = "model.engine"
"""Name of the input that picks each draw's bargaining engine in a mixture.

A uniform number in [0, 1): the mixture's engines take consecutive slices
as wide as their weights (see :mod:`realpolitik.simulation.mixture`).
"""

MODEL_CHOICE, SCENARIO_NUMBER, GAME_CHANGER = "model choice", "scenario number", "game changer"
"""Kinds of input of the sensitivity analysis and of scenario discovery (:func:`input_kind`)."""

DEFAULT_ENGINE_NAMES = ("compromise", "median")
"""Engines of the default mixture, for naming :data:`ENGINE_INPUT` when a scenario gives none.

The same as :data:`realpolitik.simulation.mixture.DEFAULT_MIXTURE_ENGINES`
(a test checks), repeated here because names sit below the simulation.
"""

_MODEL_CHOICE_PATHS = (
    re.compile(r"alliances\[\d+\]\.rupture\.(below|for_steps)"),
    re.compile(r"dynamics\.volatility\..+"),
    re.compile(r"dynamics\.pull"),
)

_Item = TypeVar("_Item")


def parse_path(path: str | FieldPath) -> FieldPath:
    """Split a dotted field path (``alliances[0].shared_stakes[1].weight``) into its parts."""
    if not isinstance(path, str):
        return tuple(path)
    return tuple(int(index) if index else name
                  for index, name in _TOKEN.findall(path))


def possessive(name: str) -> str:
    """``Russia`` -> ``Russia's``; ``Kurdish forces`` -> ``Kurdish forces'``."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def inline(name: str) -> str:
    """A name as it reads inside a phrase: a leading "The" or "A" in lower case."""
    first, space, rest = name.partition(" ")
    return f"{first.lower()} {rest}" if space and first in ("The", "A", "An") else name


_INDEXES: dict[int, tuple[Sequence[Any], int, dict[str, Any]]] = {}
"""Items by id for each list of a scenario named recently (naming every number of a
large scenario looks ids up tens of thousands of times)."""

MAX_INDEXES = 64
"""Lists whose index is kept; beyond this all are forgotten and rebuilt on use."""


def _by_id(items: Sequence[_Item], item_id: str) -> _Item | None:
    """The item of ``items`` whose id is ``item_id`` (the first, if several), or None."""
    entry = _INDEXES.get(id(items))
    if entry is None or entry[0] is not items or entry[1] != len(items):
        if len(_INDEXES) >= MAX_INDEXES:
            _INDEXES.clear()
        index: dict[str, _Item] = {}
        for item in items:
            index.setdefault(str(getattr(item, "id", None)), item)
        entry = (items, len(items), index)
        _INDEXES[id(items)] = entry
    found: _Item | None = entry[2].get(item_id)
    return found if found is not None and getattr(found, "id", None) == item_id else None


def _at(items: Sequence[_Item], index: object) -> _Item | None:
    return items[index] if isinstance(index, int) and 0 <= index < len(items) else None


def _actor(scenario: Scenario, actor_id: object) -> str:
    actor = _by_id(scenario.actors, str(actor_id))
    return actor.name if actor is not None else str(actor_id)


def _issue(scenario: Scenario, issue_id: object) -> str:
    issue = _by_id(scenario.issues, str(issue_id))
    return inline(issue.name) if issue is not None else str(issue_id)


def _shocks(scenario: Scenario) -> Sequence[Shock]:
    return () if scenario.dynamics is None else scenario.dynamics.shocks


def _trends(scenario: Scenario) -> Sequence[Trend]:
    return () if scenario.dynamics is None else scenario.dynamics.trends


def _shock(scenario: Scenario, shock_id: str) -> str:
    shock = _by_id(_shocks(scenario), shock_id)
    return shock.name if shock is not None else shock_id


def _stance(scenario: Scenario, issue_id: object, actor_id: object, attribute: object) -> str:
    what = _STANCE_FIELDS.get(str(attribute), str(attribute))
    return f"{possessive(_actor(scenario, actor_id))} {what} on {_issue(scenario, issue_id)}"


def _stake(alliance: Alliance | None, stake: object, *, inside: bool = False) -> str:
    """"Russia and Iran: weight of holding Syria" for an alliance and one of its stakes.

    ``inside`` words it for the middle of a phrase: "weight of holding Syria
    (Russia and Iran)".
    """
    if alliance is None:
        return "a shared stake's weight"
    found = (_at(alliance.shared_stakes, stake) if isinstance(stake, int)
             else _by_id(alliance.shared_stakes, str(stake)))
    stake_name = inline(found.name) if found is not None else str(stake)
    if inside:
        return f"weight of {stake_name} ({alliance.name})"
    return f"{alliance.name}: weight of {stake_name}"


def target_name(scenario: Scenario, target: str) -> str:
    """Name an effect's target path (``stances.idlib.russia.position``, ``actors.iran.capability``).

    The forms are those of :func:`realpolitik.scenario.dynamics.parse_target`.
    """
    parts = parse_path(target)
    if len(parts) == 4 and parts[0] == "stances":
        return _stance(scenario, parts[1], parts[2], parts[3])
    if len(parts) == 3 and parts[0] == "actors":
        return f"{possessive(_actor(scenario, parts[1]))} {parts[2]}"
    if len(parts) == 5 and parts[0] == "alliances":
        return _stake(_by_id(scenario.alliances, str(parts[1])), parts[3], inside=True)
    if len(parts) == 3 and parts[0] == "shocks":
        return f"{_shock(scenario, str(parts[1]))}: hazard"
    return target


def _effect(scenario: Scenario, owner: Shock | Lever | None, rest: FieldPath) -> str | None:
    """``<owner>: effect N on <target>`` for ``effects[i].<operation>`` below a shock or lever."""
    if len(rest) < 2 or rest[0] != "effects" or owner is None:
        return None
    index = rest[1]
    effect = _at(owner.effects, index)
    if effect is None or not isinstance(index, int):
        return None
    return f"{owner.name}: effect {index + 1} on {target_name(scenario, effect.target)}"


def _lever(scenario: Scenario, key: object) -> Lever | None:
    if isinstance(key, int):
        return _at(scenario.levers, key)
    return _by_id(scenario.levers, str(key))


def _evidence(scenario: Scenario, index: object, attribute: object) -> str | None:
    item = _at(scenario.evidence, index)
    if item is None:
        return None
    text = item.text if len(item.text) <= 48 else item.text[:47].rstrip() + "…"
    return f"{attribute} of the evidence \u201c{text}\u201d"


def field_name(scenario: Scenario, path: str | FieldPath) -> str:
    """The name of the number at a field path, in the words of the scenario.

    Falls back to the dotted path itself when the scenario holds nothing there.
    """
    parts = parse_path(path)
    found = _field_name(scenario, parts) if parts else None
    if found is not None:
        return found
    return path if isinstance(path, str) else ".".join(str(part) for part in parts)


def _field_name(scenario: Scenario, parts: FieldPath) -> str | None:
    head, rest = parts[0], parts[1:]
    if parts == ("model", "engine"):
        return _engine_name(scenario)
    if head == "alliances" and len(rest) == 3 and rest[1] == "rupture":
        return _rupture_name(scenario, rest[0], rest[2])
    if head == "dynamics" and rest and rest[0] in ("volatility", "pull"):
        return _walk_name(scenario, rest)
    if head == "dynamics" and len(rest) == 2 and rest[0] == "parameters":
        return _parameter_name(scenario, rest[1])
    if head == "stances" and len(rest) == 3:
        return _stance(scenario, *rest)
    if head == "actors" and len(rest) == 2 and (actor := _at(scenario.actors, rest[0])):
        return f"{possessive(actor.name)} {rest[1]}"
    if head == "issues" and len(rest) == 2 and (issue := _at(scenario.issues, rest[0])):
        return f"{issue.name}: {str(rest[1]).replace('_', ' ')}"
    if head == "alliances" and len(rest) == 4 and rest[1] == "shared_stakes":
        return _stake(_at(scenario.alliances, rest[0]), rest[2])
    if head == "dynamics" and len(rest) >= 3:
        return _dynamics_name(scenario, rest)
    if head == "levers" and len(rest) >= 2:
        return _effect(scenario, _lever(scenario, rest[0]), rest[1:])
    if head == "hypotheses" and len(rest) == 2 and (hypothesis := _at(scenario.hypotheses,
                                                                      rest[0])):
        return f"{hypothesis.name}: {rest[1]}"
    if head == "evidence" and len(rest) == 2:
        return _evidence(scenario, rest[0], rest[1])
    if head == "ach" and rest == ("rho",):
        return "dependence between evidence items from one source (rho)"
    return None


_HAZARD_FIELDS = {"hazard": "hazard", "hazard_trend": "growth of the hazard per year"}

_RUPTURE_FIELDS = {"below": "rupture threshold", "for_steps": "steps below the threshold"}


def _rupture_name(scenario: Scenario, index: object, field: object) -> str | None:
    """"Russia and Iran: rupture threshold" for a constant of an alliance's rupture rule."""
    what = _RUPTURE_FIELDS.get(str(field))
    alliances = scenario.alliances
    if not (isinstance(index, int) and 0 <= index < len(alliances)) or what is None:
        return None
    return f"{alliances[index].name}: {what}"


def _walk_name(scenario: Scenario, rest: FieldPath) -> str | None:
    """Names of the random walk's volatilities and of the pull toward the last settlement."""
    if rest == ("pull",):
        return "pull toward the last settlement"
    if rest in (("volatility", "position"), ("volatility", "salience")):
        return "volatility of positions" if rest[1] == "position" else "volatility of salience"
    if len(rest) == 4 and rest[1] == "by_stance" and rest[3] == "volatility":
        volatility = scenario.dynamics.volatility if scenario.dynamics else None
        stances = [] if volatility is None else volatility.by_stance
        index = rest[2]
        if not (isinstance(index, int) and 0 <= index < len(stances)):
            return None
        return f"volatility of {target_name(scenario, stances[index].target)}"
    return None


def _parameter_name(scenario: Scenario, name: object) -> str | None:
    """"doubling_down (mechanism parameter)" for a named number the mechanisms read.

    The name stays as the analyst wrote it, since the expressions that use
    it spell it so.
    """
    declared = scenario.dynamics.parameters if scenario.dynamics is not None else None
    if not declared or str(name) not in declared:
        return None
    return f"{name} (mechanism parameter)"


def _dynamics_name(scenario: Scenario, rest: FieldPath) -> str | None:
    kind, index, *tail = rest
    if kind == "trends" and (trend := _at(_trends(scenario), index)):
        return f"{trend.name}: drift per step" if tail == ["drift"] else None
    if kind == "shocks" and (shock := _at(_shocks(scenario), index)):
        if tail in (["hazard"], ["hazard_trend"]):
            return f"{shock.name}: {_HAZARD_FIELDS[str(tail[0])]}"
        return _effect(scenario, shock, tuple(tail))
    return None


def input_kind(name: str) -> str:
    """Whether an input is a model choice, a number of the scenario, or a game changer's firing.

    Model choices are how the model works rather than what the analyst
    knows of the actors: the bargaining engine (:data:`ENGINE_INPUT`), the
    rupture rules' thresholds and step counts, the random walk's
    volatilities and the pull toward the last settlement.
    """
    if name == ENGINE_INPUT or any(form.fullmatch(name) for form in _MODEL_CHOICE_PATHS):
        return MODEL_CHOICE
    if name.partition(":")[0] in ("fired", "fired_year") and ":" in name:
        return GAME_CHANGER
    return SCENARIO_NUMBER


def engine_input_name(engines: Sequence[str]) -> str:
    """"model choice: bargaining engine (compromise or median)" for a mixture's engines."""
    if not engines:
        return "model choice: bargaining engine"
    listed = engines[0] if len(engines) == 1 else f"{', '.join(engines[:-1])} or {engines[-1]}"
    return f"model choice: bargaining engine ({listed})"


def _engine_name(scenario: Scenario) -> str:
    """The engine input's name, with the scenario's mixture (else the default one)."""
    weights = None if scenario.analysis is None else scenario.analysis.engines
    if weights is None:
        return engine_input_name(DEFAULT_ENGINE_NAMES)
    return engine_input_name([name for name, weight in weights.items() if weight > 0])


def input_name(scenario: Scenario, name: str) -> str:
    """Name a scenario-discovery input: a field path, ``fired:<id>`` or ``fired_year:<id>``."""
    kind, colon, shock = name.partition(":")
    if colon and kind == "fired":
        return f"{_shock(scenario, shock)} happened"
    if colon and kind == "fired_year":
        return f"{_shock(scenario, shock)}: years until it happened"
    return field_name(scenario, name)


def alliance_pair(scenario: Scenario, alliance_id: str) -> str:
    """The two members' names joined by a hyphen: ``Russia-Iran``."""
    alliance = _by_id(scenario.alliances, alliance_id)
    if alliance is None:
        return alliance_id
    return "-".join(_actor(scenario, member) for member in alliance.members)


def _alliance(scenario: Scenario, alliance_id: str) -> str:
    alliance = _by_id(scenario.alliances, alliance_id)
    return alliance.name if alliance is not None else alliance_id


def outcome_name(scenario: Scenario, outcome: Outcome | str, horizon: dt.date | None = None,
                 *, short: bool = False) -> str:
    """Name an outcome for a reader.

    Parameters
    ----------
    scenario
        The scenario whose ids the outcome names.
    outcome
        An :class:`Outcome` or its text (``rupture:russia_iran@2021-06-01``).
    horizon
        The last simulated date, used for an outcome read at the horizon;
        None says "by the horizon".
    short
        A column header (``Russia and Iran: rupture``) rather than a phrase
        (``Russia-Iran rupture by 2024-06-01``).
    """
    if isinstance(outcome, str):
        outcome = parse_outcome(outcome)
    if short:
        return _short_outcome(scenario, outcome)
    date = outcome.at or horizon
    by = f"by {date.isoformat()}" if date is not None else "by the horizon"
    on = f"on {date.isoformat()}" if date is not None else "at the horizon"
    target = outcome.target
    if outcome.kind == "rupture":
        return f"{alliance_pair(scenario, target)} rupture {by}"
    if outcome.kind == "cohesion":
        return f"{alliance_pair(scenario, target)} cohesion {on}"
    if outcome.kind == "settlement":
        return f"settlement of {_issue(scenario, target)} {on}"
    return f"{_shock(scenario, target)} {by}"


def _short_outcome(scenario: Scenario, outcome: Outcome) -> str:
    when = "" if outcome.at is None else f" on {outcome.at.isoformat()}"
    if outcome.kind in ("rupture", "cohesion"):
        return f"{_alliance(scenario, outcome.target)}: {outcome.kind}{when}"
    if outcome.kind == "settlement":
        return f"{_issue(scenario, outcome.target)}: settlement{when}"
    return f"{_shock(scenario, outcome.target)}: happens{when}"
