"""One analyst's what-if: the unchanged scenario, the changed numbers, the levers switched on.

:class:`BaseScenario` holds the scenario as written (its raw data and its
validated object) and lists every number the app lets an analyst change:
each actor's capability, each actor's position, salience and per-issue
capability on each issue, each game changer's hazard and each shared
stake's weight.  :class:`WhatIf` holds one analyst's changes on top of it.

Every change is checked by rebuilding the whole scenario through the same
models a scenario file goes through
(:func:`realpolitik.scenario.loader.validate_model`); a change the models
refuse is not kept, and the problem is reported against the field it came
from, so the analyst's other changes are never lost.  The changed scenario
exports as YAML that keeps every source, quotation and estimate and marks
each changed number as a what-if with its old value.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from realpolitik.interfaces.app.numbers import (
    WHAT_IF,
    FieldProblem,
    Kind,
    NumberChange,
    NumberForm,
    apply_change,
    describe,
    get_at,
    number_form,
    parse_change,
    parse_path,
    set_at,
)
from realpolitik.scenario.errors import ScenarioError
from realpolitik.scenario.loader import load_scenario, read_yaml, resolve_scenario, validate_model
from realpolitik.scenario.quantity import Quantity
from realpolitik.scenario.schema import Scenario

__all__ = ["BaseScenario", "EditableNumber", "LeverChoice", "WhatIf", "evidence_text"]

WHAT_IF_PATH = "<what-if>"
"""Name under which a what-if scenario is validated (it has no file)."""

BOUNDS = {
    "position": (0.0, 100.0),
    "salience": (0.0, 1.0),
    "capability": (0.0, None),
    "hazard": (0.0, 1.0),
    "weight": (0.0, 1.0),
}
"""Bounds of each kind of number, shown on the page (the models enforce them)."""


@dataclass(frozen=True)
class EditableNumber:
    """A number of the scenario that the app lets an analyst change.

    ``form`` is None for a per-issue capability the scenario does not give
    (the actor's overall capability applies); ``fallback`` then says which.
    """

    path: str
    group: str
    row: str
    column: str
    kind: Kind
    form: NumberForm | None
    evidence: str = ""
    fallback: str | None = None

    @property
    def label(self) -> str:
        """A readable name: ``Israel: salience``."""
        return f"{self.row}: {self.column}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description for the page."""
        low, high = BOUNDS[self.column]
        return {
            "path": self.path, "group": self.group, "row": self.row, "column": self.column,
            "kind": self.kind,
            "numbers": None if self.form is None else self.form.numbers(),
            "evidence": self.evidence, "fallback": self.fallback, "min": low, "max": high,
        }


def evidence_text(quantity: Quantity | None) -> str:
    """The evidence behind a number in one line: source, quotation, estimate."""
    if quantity is None:
        return ""
    parts = []
    if quantity.quote:
        parts.append(f'{quantity.source}: "{quantity.quote}"')
    elif quantity.source:
        parts.append(f"source: {quantity.source}")
    if quantity.estimate:
        parts.append(quantity.estimate)
    return " | ".join(parts)


# ---------------------------------------------------------------------------
# The scenario as written
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class BaseScenario:
    """The unchanged scenario: its raw data, its validated object and its editable numbers."""

    data: dict[str, Any]
    scenario: Scenario
    numbers: dict[str, EditableNumber]
    origin: str

    @classmethod
    def load(cls, name_or_path: str | Path | None = None) -> BaseScenario:
        """Read a scenario file or built-in scenario; errors are :class:`ScenarioError`."""
        path = resolve_scenario(name_or_path)
        scenario = load_scenario(path)
        if path.suffix.lower() == ".csv":  # a KTAB table: numbers written as the models hold them
            data = scenario.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        else:
            data, _ = read_yaml(path.read_text(encoding="utf-8"), path)
        return cls.from_data(data, scenario, str(path))

    @classmethod
    def from_text(cls, text: str, origin: str = "<scenario>") -> BaseScenario:
        """Build from scenario YAML text (for tests and embedding)."""
        data, lines = read_yaml(text, origin)
        return cls.from_data(data, validate_model(Scenario, data, lines, origin), origin)

    @classmethod
    def from_data(cls, data: dict[str, Any], scenario: Scenario, origin: str) -> BaseScenario:
        """Assemble from data already read and validated."""
        numbers = {number.path: number for number in editable_numbers(scenario, data)}
        return cls(data, scenario, numbers, origin)

    def lever_index(self, lever_id: str) -> int:
        """Position of a lever in the scenario's ``levers`` list."""
        for index, lever in enumerate(self.scenario.levers):
            if lever.id == lever_id:
                return index
        raise FieldProblem(f"levers.{lever_id}", f"the scenario has no lever '{lever_id}'")


def editable_numbers(scenario: Scenario, data: Any) -> Iterator[EditableNumber]:
    """Every number the app offers for change, in the order the page shows them."""
    for index, actor in enumerate(scenario.actors):
        yield _editable(data, f"actors[{index}].capability", "actors", actor.name, "capability",
                        actor.capability)
    for issue in scenario.issues:
        for actor_id, stance in scenario.stances.get(issue.id, {}).items():
            actor = scenario.actor(actor_id)
            base = f"stances.{issue.id}.{actor_id}"
            yield _editable(data, f"{base}.position", f"issue:{issue.id}", actor.name,
                            "position", stance.position)
            yield _editable(data, f"{base}.salience", f"issue:{issue.id}", actor.name,
                            "salience", stance.salience)
            yield _editable(data, f"{base}.capability", f"issue:{issue.id}", actor.name,
                            "capability", stance.capability,
                            fallback=f"{actor.name}'s overall capability "
                                     f"{_overall_capability(data, scenario, actor_id)}")
    shocks = scenario.dynamics.shocks if scenario.dynamics is not None else []
    for index, shock in enumerate(shocks):
        if shock.hazard is not None:
            yield _editable(data, f"dynamics.shocks[{index}].hazard", "shocks", shock.name,
                            "hazard", shock.hazard)
    for a, alliance in enumerate(scenario.alliances):
        for s, stake in enumerate(alliance.shared_stakes):
            yield _editable(data, f"alliances[{a}].shared_stakes[{s}].weight",
                            f"alliance:{alliance.id}", stake.name, "weight", stake.weight)


def _overall_capability(data: Any, scenario: Scenario, actor_id: str) -> str:
    """An actor's overall capability as written (``[80, 95]``)."""
    index = scenario.actor_ids.index(actor_id)
    form = number_form(get_at(data, ("actors", index, "capability")))
    return describe(form) if form is not None else "as given"


def _editable(data: Any, path: str, group: str, row: str, column: str,
              quantity: Quantity | None, fallback: str | None = None) -> EditableNumber:
    form = number_form(get_at(data, parse_path(path)))
    kind: Kind = "value" if form is None else form.kind
    return EditableNumber(path, group, row, column, kind, form, evidence_text(quantity),
                          fallback if form is None else None)


# ---------------------------------------------------------------------------
# One analyst's what-if
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class LeverChoice:
    """Whether a lever is switched on in the what-if, and from when (None: as written)."""

    on: bool = False
    start: dt.date | None = None


@dataclass
class WhatIf:
    """Changes to a :class:`BaseScenario`: numbers, lever start dates, levers switched on.

    Only changes the scenario's models accept are kept; each method that
    changes something either succeeds or raises :class:`FieldProblem` and
    leaves the what-if as it was.
    """

    base: BaseScenario
    changes: dict[str, NumberChange] = field(default_factory=dict)
    levers: dict[str, LeverChoice] = field(default_factory=dict)
    _built: Scenario | None = field(default=None, repr=False)

    def copy(self) -> WhatIf:
        """An independent what-if with the same changes (what a new browser tab starts from)."""
        return WhatIf(self.base, dict(self.changes), dict(self.levers), self._built)

    # ---- changing things ---------------------------------------------------
    def change_number(self, path: str, raw: Mapping[str, Any]) -> None:
        """Set the number at ``path`` from typed text; same as written means no change.

        ``raw`` holds ``value``, or ``low`` and ``high`` (and ``mode``); an
        empty ``value`` for a number the scenario does not give removes the
        change.  Raises :class:`FieldProblem` naming ``path``.
        """
        number = self._editable(path)
        if number.form is None and not str(raw.get("value", "")).strip():
            self._commit({k: v for k, v in self.changes.items() if k != path}, self.levers)
            return
        change = parse_change(path, number.kind, raw)
        changes = dict(self.changes)
        if change.form == number.form:
            changes.pop(path, None)
        else:
            changes[path] = change
        self._commit(changes, self.levers)

    def reset_number(self, path: str) -> None:
        """Give the number back its written value."""
        self._editable(path)
        self._commit({k: v for k, v in self.changes.items() if k != path}, self.levers)

    def set_lever(self, lever_id: str, *, on: bool, start: str | dt.date | None = None) -> None:
        """Switch a lever on or off and move its start (``None`` or ``""``: as written)."""
        index = self.base.lever_index(lever_id)
        field_name = f"levers[{index}].start"
        if isinstance(start, str):
            start = _date(field_name, start)
        written = self.base.scenario.levers[index].start or self.base.scenario.scenario.as_of
        choice = LeverChoice(bool(on), None if start in (None, written) else start)
        levers = {key: value for key, value in self.levers.items() if key != lever_id}
        if choice != LeverChoice():
            levers[lever_id] = choice
        self._commit(self.changes, levers)

    def reset(self) -> None:
        """Drop every change and switch every lever off."""
        self.changes, self.levers, self._built = {}, {}, None

    def _editable(self, path: str) -> EditableNumber:
        number = self.base.numbers.get(path)
        if number is None:
            raise FieldProblem(path, "is not a number the app can change")
        return number

    def _commit(self, changes: dict[str, NumberChange], levers: dict[str, LeverChoice]) -> None:
        """Rebuild and validate the scenario with these changes; keep them only if it passes."""
        data = build_data(self.base, changes, levers)
        try:
            built = validate_model(Scenario, data, {}, WHAT_IF_PATH)
        except ScenarioError as error:
            raise _problem(error, set(changes) - set(self.changes) or set(changes)) from None
        self.changes, self.levers, self._built = changes, levers, built

    # ---- reading -----------------------------------------------------------
    @property
    def scenario(self) -> Scenario:
        """The changed scenario, validated."""
        if self._built is None:
            self._built = (self.base.scenario if not self.changes and not self._moved()
                           else validate_model(Scenario, self.data(), {}, WHAT_IF_PATH))
        return self._built

    def _moved(self) -> bool:
        return any(choice.start is not None for choice in self.levers.values())

    def data(self) -> dict[str, Any]:
        """The changed scenario's raw data, each changed number marked as a what-if."""
        return build_data(self.base, self.changes, self.levers)

    def levers_on(self) -> list[str]:
        """Ids of the levers switched on, in the scenario's order."""
        return [lever.id for lever in self.base.scenario.levers
                if self.levers.get(lever.id, LeverChoice()).on]

    def lever_start(self, lever_id: str) -> dt.date:
        """When a lever starts in the what-if."""
        index = self.base.lever_index(lever_id)
        choice = self.levers.get(lever_id, LeverChoice())
        lever = self.base.scenario.levers[index]
        return choice.start or lever.start or self.base.scenario.scenario.as_of

    def changed(self) -> bool:
        """True when anything differs from the scenario as written with no lever on."""
        return bool(self.changes or self.levers_on() or self._moved())

    def summary(self) -> list[dict[str, Any]]:
        """What changed: one entry per number (label, was, now) and per moved lever."""
        rows = []
        for path, change in self.changes.items():
            number = self.base.numbers[path]
            was = describe(number.form) if number.form is not None else number.fallback
            rows.append({"path": path, "label": number.label, "group": number.group,
                         "was": was, "now": describe(change.form)})
        for lever in self.base.scenario.levers:
            choice = self.levers.get(lever.id, LeverChoice())
            if choice.on or choice.start is not None:
                rows.append({"path": f"levers.{lever.id}", "label": lever.name,
                             "group": "levers", "was": "off",
                             "now": f"{'on' if choice.on else 'off'} from "
                                    f"{self.lever_start(lever.id).isoformat()}"})
        return rows

    def export_yaml(self) -> str:
        """The changed scenario as YAML: evidence kept, changes marked, levers noted on top."""
        meta = self.base.scenario.scenario
        on = [f"{lever} (from {self.lever_start(lever).isoformat()})"
              for lever in self.levers_on()]
        header = [
            f"# What-if of '{meta.title}' ({meta.id}), made with realpolitik serve.",
            f"# Every changed number says so in its estimate ('{WHAT_IF}: was ...').",
            f"# Levers switched on in the what-if: {', '.join(on) or 'none'}.",
            "# (Levers are options, not part of the scenario: evaluate them with",
            "# 'realpolitik levers' or 'realpolitik run' on this file.)",
        ]
        body = yaml.safe_dump(self.data(), sort_keys=False, allow_unicode=True, width=100)
        return "\n".join(header) + "\n" + body


def build_data(base: BaseScenario, changes: Mapping[str, NumberChange],
               levers: Mapping[str, LeverChoice]) -> dict[str, Any]:
    """The base scenario's raw data with changed numbers and moved lever starts written in."""
    data = copy.deepcopy(base.data)
    for path, change in changes.items():
        number = base.numbers[path]
        parts = parse_path(path)
        set_at(data, parts, apply_change(get_at(base.data, parts), change.form,
                                         was=number.fallback))
    for lever_id, choice in levers.items():
        if choice.start is None:
            continue
        index = base.lever_index(lever_id)
        lever = data["levers"][index]
        old = lever.get("start") or base.scenario.scenario.as_of
        lever["start"] = choice.start
        note = f"({WHAT_IF}: starts {choice.start.isoformat()}, was {_iso(old)})"
        lever["description"] = f"{lever.get('description', '')} {note}".strip()
    return data


def _iso(date: Any) -> str:
    return date.isoformat() if isinstance(date, dt.date) else str(date)


def _date(field_name: str, text: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise FieldProblem(field_name, f"'{text.strip()}' is not a date (YYYY-MM-DD)") from None


def _problem(error: ScenarioError, candidates: set[str]) -> FieldProblem:
    """Turn the models' refusal into a problem of the field the analyst just changed."""
    errors = getattr(error, "errors", [error])
    for candidate in sorted(candidates):
        messages = [e.message for e in errors
                    if e.field and (e.field == candidate or e.field.startswith(candidate))]
        if messages:
            return FieldProblem(candidate, "; ".join(dict.fromkeys(messages)))
    first = errors[0]
    return FieldProblem(first.field or next(iter(sorted(candidates)), "scenario"), first.message)
