"""The editable numbers of a scenario and what-if changes to them, on the raw YAML data.

A what-if works on the data read from the scenario file (plain dicts and
lists, as ``yaml.safe_load`` gives them), so that everything the analyst
wrote (sources, quotations, estimates, descriptions) survives into the
exported file.  A number sits in that data in one of the forms
:mod:`realpolitik.scenario.quantity` accepts: a bare value (``70``), a bare
range (``[60, 80]``), or a mapping with ``value`` or ``range`` (and ``mode``
for a triangular range) beside its evidence.

A change keeps the number's form: a value stays a value, a range stays a
range (low and high), a triangular range keeps its mode.  The changed number
becomes a mapping whose ``estimate`` says it is an analyst's what-if and what
it was: ``"what-if: was 0.6; <the old estimate>"``.

Numbers are named by their dotted field path, as
:func:`realpolitik.scenario.schema.dotted` writes them and as validation
errors and the simulation name them: ``stances.idlib.russia.position``,
``actors[2].capability``, ``dynamics.shocks[0].hazard``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "WHAT_IF",
    "FieldProblem",
    "NumberChange",
    "NumberForm",
    "apply_change",
    "describe",
    "get_at",
    "number_form",
    "parse_change",
    "parse_path",
    "set_at",
]

WHAT_IF = "what-if"
"""Word that opens the estimate of every number an analyst changed in the app."""

Kind = Literal["value", "range", "triangular"]
Path = tuple[str | int, ...]

_PART = re.compile(r"\.?([A-Za-z0-9_-]+)|\[(\d+)\]")


class FieldProblem(ValueError):
    """A what-if input that cannot be used, with the field it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def parse_path(text: str) -> Path:
    """Split a dotted field path into keys and list indices.

    ``"actors[2].capability"`` gives ``("actors", 2, "capability")``; the
    inverse of :func:`realpolitik.scenario.schema.dotted`.
    """
    parts: list[str | int] = []
    position = 0
    while position < len(text):
        match = _PART.match(text, position)
        if match is None or match.end() == position:
            raise FieldProblem(text, "is not a field path")
        key, index = match.groups()
        parts.append(int(index) if index is not None else key)
        position = match.end()
    if not parts:
        raise FieldProblem(text, "is not a field path")
    return tuple(parts)


def get_at(data: Any, path: Path) -> Any:
    """The node at ``path`` in nested dicts and lists, or None where the path stops."""
    node = data
    for part in path:
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node


def set_at(data: Any, path: Path, value: Any) -> None:
    """Put ``value`` at ``path``; the parent of the last part must exist."""
    parent = get_at(data, path[:-1])
    if parent is None:
        raise KeyError(f"no place for {path} in the data")
    parent[path[-1]] = value


# ---------------------------------------------------------------------------
# Forms of a number
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class NumberForm:
    """How a number is written: its kind and its numbers (``None`` where absent)."""

    kind: Kind
    value: float | None = None
    low: float | None = None
    high: float | None = None
    mode: float | None = None

    def numbers(self) -> dict[str, float]:
        """The numbers an input shows: ``value``, or ``low``/``high`` (and ``mode``)."""
        names = {"value": ("value",), "range": ("low", "high"),
                 "triangular": ("low", "mode", "high")}[self.kind]
        return {name: getattr(self, name) for name in names}


def _pair(node: Any) -> tuple[float, float] | None:
    if isinstance(node, list | tuple) and len(node) == 2 and all(_is_number(x) for x in node):
        return float(node[0]), float(node[1])
    return None


def _is_number(node: Any) -> bool:
    return isinstance(node, int | float) and not isinstance(node, bool)


def number_form(node: Any) -> NumberForm | None:
    """Read a number in any of its written forms; None if ``node`` is not a number."""
    if _is_number(node):
        return NumberForm("value", value=float(node))
    pair = _pair(node)
    if pair is not None:
        return NumberForm("range", low=pair[0], high=pair[1])
    if not isinstance(node, Mapping):
        return None
    if _is_number(node.get("value")):
        return NumberForm("value", value=float(node["value"]))
    pair = _pair(node.get("range"))
    if pair is None:
        return None
    if node.get("dist") == "triangular" and _is_number(node.get("mode")):
        return NumberForm("triangular", low=pair[0], high=pair[1], mode=float(node["mode"]))
    return NumberForm("range", low=pair[0], high=pair[1])


def _text(number: float | None) -> str:
    if number is None:
        raise ValueError("the number form lacks one of the numbers its kind needs")
    return f"{number:g}"


def describe(form: NumberForm) -> str:
    """Write a number as an analyst reads it: ``0.6``, ``[75, 95]``, ``[60, 90] mode 70``."""
    if form.kind == "value":
        return _text(form.value)
    text = f"[{_text(form.low)}, {_text(form.high)}]"
    return f"{text} mode {_text(form.mode)}" if form.kind == "triangular" else text


# ---------------------------------------------------------------------------
# Changes
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class NumberChange:
    """A what-if: the number at ``path`` takes the numbers of ``form``."""

    path: str
    form: NumberForm


def _number(field: str, name: str, raw: Any) -> float:
    """Read one number typed by the analyst; words, blanks and infinities are refused."""
    if _is_number(raw):
        number = float(raw)
    elif isinstance(raw, str) and raw.strip():
        try:
            number = float(raw.strip().replace(",", "."))
        except ValueError:
            raise FieldProblem(field, f"'{raw.strip()}' is not a number") from None
    else:
        label = "a number" if name == "value" else f"a number for the {name} end"
        raise FieldProblem(field, f"{label} is required")
    if not math.isfinite(number):
        raise FieldProblem(field, "must be a finite number")
    return int(number) if number.is_integer() else number


def parse_change(field: str, kind: Kind, raw: Mapping[str, Any]) -> NumberChange:
    """Read the numbers typed for a field of the given kind into a :class:`NumberChange`.

    ``raw`` holds strings or numbers under ``value``, or ``low`` and
    ``high`` (and ``mode`` for a triangular range).  Bounds are not checked
    here: the scenario's own models check them when the what-if is rebuilt.
    """
    names = NumberForm(kind).numbers()
    numbers = {name: _number(field, name, raw.get(name)) for name in names}
    return NumberChange(field, NumberForm(kind, **numbers))


def apply_change(original: Any, form: NumberForm, *, was: str | None = None) -> dict[str, Any]:
    """The written form of a changed number: its new numbers, its evidence, and the mark.

    Parameters
    ----------
    original
        The number as written in the scenario (any form), or None when the
        analyst adds a number that was not written (a per-issue capability).
    form
        The new numbers, of the same kind as the original.
    was
        What to say the number was when ``original`` is None.
    """
    evidence = dict(original) if isinstance(original, Mapping) else {}
    for key in ("value", "range", "mode", "dist"):
        evidence.pop(key, None)
    old = number_form(original)
    said = describe(old) if old is not None else (was or "not given")
    earlier = evidence.pop("estimate", None)
    written: dict[str, Any] = {}
    if form.kind == "value":
        written["value"] = form.value
    else:
        written["range"] = [form.low, form.high]
        if form.kind == "triangular":
            written.update(dist="triangular", mode=form.mode)
    estimate = f"{WHAT_IF}: was {said}" + (f"; {earlier}" if earlier else "")
    return {**written, **evidence, "estimate": estimate}
