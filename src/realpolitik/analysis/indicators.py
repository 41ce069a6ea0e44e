"""Evaluate indicator expressions against an ensemble of simulated futures.

An indicator (syntax in :mod:`realpolitik.scenario.indicator_syntax`) is
evaluated draw by draw: a condition gives a (D,) boolean array, a number a
(D,) float array.  The probability of a condition is the share of draws in
which it holds.

Reading a term at a date ``@ d``:

* ``ruptured(a) @ d`` and ``fired(s) @ d`` are true when the alliance
  ruptured (the shock fired) at any step dated on or before ``d``: "by that
  date";
* ``cohesion(a) @ d``, ``settlement(k) @ d`` and ``count(s) @ d`` are the
  value at the last step dated on or before ``d`` (``count``: how many
  times the shock has fired by then).

Without a date, a term is read over the whole horizon: ruptured or fired at
any step, cohesion, settlement or count at the final step.  A date before the
first simulated date is an error; a date after the last one is read at the
last step and reported by :func:`dates_beyond_horizon`, since the ensemble
cannot say what happens after its horizon.

The ensemble result is any object with the attributes of
:class:`realpolitik.simulation.EnsembleResult` used here: ``dates`` (T+1
dates), ``cohesion``, ``ruptured`` (by alliance id), ``settlement`` (by
issue id) and ``shock_fired`` (by shock id), each a (D, T+1) array, and,
when it has them, ``shock_count`` (by shock id, firings so far); without
them a shock's count is read from ``shock_fired`` (a shock that fires once).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from realpolitik.scenario.indicator_syntax import (
    ExpressionError,
    Name,
    Node,
    Term,
    iter_terms,
    parse_expression,
    value_type,
)
from realpolitik.simulation.mechanisms import evaluate_expression

__all__ = [
    "EnsembleOutputs",
    "ExpressionError",
    "dates_beyond_horizon",
    "evaluate",
    "parse_expression",
    "probability",
]


class EnsembleOutputs(Protocol):
    """The parts of an ensemble result that indicators read (read-only)."""

    @property
    def dates(self) -> Sequence[dt.date]:
        """The step dates, the scenario's ``as_of`` first."""

    @property
    def settlement(self) -> Mapping[str, np.ndarray]:
        """Issue id -> (D, T + 1) settlement."""

    @property
    def cohesion(self) -> Mapping[str, np.ndarray]:
        """Alliance id -> (D, T + 1) S-score."""

    @property
    def ruptured(self) -> Mapping[str, np.ndarray]:
        """Alliance id -> (D, T + 1) bool, True from the rupture on."""

    @property
    def shock_fired(self) -> Mapping[str, np.ndarray]:
        """Shock id -> (D, T + 1) bool, True from the firing on."""


_SERIES = {
    "cohesion": ("cohesion", "alliance"),
    "ruptured": ("ruptured", "alliance"),
    "settlement": ("settlement", "issue"),
    "fired": ("shock_fired", "shock"),
    "count": ("shock_count", "shock"),
}



def _parsed(expression: str | Node) -> tuple[Node, str]:
    if isinstance(expression, str):
        return parse_expression(expression), expression
    return expression, ""


def evaluate(expression: str | Node, result: EnsembleOutputs) -> np.ndarray:
    """Evaluate an indicator over every draw of an ensemble.

    Parameters
    ----------
    expression
        Indicator text (or an already parsed tree).
    result
        An ensemble result (see the module docstring for what it must hold).

    Returns
    -------
    numpy.ndarray, shape (D,)
        Booleans for a condition, floats for a number.

    Raises
    ------
    ExpressionError
        When the expression is malformed, names an id the ensemble does not
        hold, or reads a date before the first simulated step.
    """
    node, text = _parsed(expression)
    draws = _draw_count(result)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = _evaluate(node, result, text)
    return np.broadcast_to(values, (draws,)).copy()


def probability(expression: str | Node, result: EnsembleOutputs) -> float:
    """Share of draws in which a condition holds.

    Raises
    ------
    ExpressionError
        When the expression gives a number rather than a condition.
    """
    node, text = _parsed(expression)
    if value_type(node, text) != "condition":
        raise ExpressionError("a probability needs a condition (e.g. a comparison), "
                              "got a number", text, 1)
    return float(np.mean(evaluate(node, result)))


def dates_beyond_horizon(expression: str | Node, result: EnsembleOutputs) -> list[dt.date]:
    """Dates the expression reads that fall after the ensemble's last step."""
    node, _ = _parsed(expression)
    last = result.dates[-1]
    return sorted({t.date for t in iter_terms(node) if t.date is not None and t.date > last})


def _draw_count(result: EnsembleOutputs) -> int:
    for name in ("settlement", "cohesion", "ruptured", "shock_fired"):
        for array in getattr(result, name, {}).values():
            return int(np.shape(array)[0])
    raise ExpressionError("the ensemble result holds no series to evaluate")


def _evaluate(node: Node, result: EnsembleOutputs, text: str) -> np.ndarray:
    return evaluate_expression(node, lambda leaf: _leaf(leaf, result, text))


def _leaf(leaf: Term | Name, result: EnsembleOutputs, text: str) -> np.ndarray:
    if isinstance(leaf, Term):
        return _term(leaf, result, text)
    raise ExpressionError(f"'{leaf.name}' is read only inside the simulation", text, leaf.column)


def _term(term: Term, result: EnsembleOutputs, text: str) -> np.ndarray:
    attribute, kind = _SERIES[term.function]
    series = getattr(result, attribute, None)
    if series is None and term.function == "count":
        series = {shock: np.asarray(fired).astype(np.int64)
                  for shock, fired in result.shock_fired.items()}
    if series is None:
        raise ExpressionError(f"'{term.function}(...)' is not read over an ensemble", text,
                              term.column)
    if term.id not in series:
        known = ", ".join(sorted(series)) or "none"
        raise ExpressionError(f"the ensemble has no {kind} '{term.id}' (it has: {known})",
                              text, term.id_column)
    values = np.asarray(series[term.id])
    last = _last_step(term, result.dates, text)
    if term.function in ("ruptured", "fired"):
        return np.asarray(values[:, : last + 1].astype(bool).any(axis=1))
    return values[:, last].astype(float)


def _last_step(term: Term, dates: Sequence[dt.date], text: str) -> int:
    """Index of the last step dated on or before the term's date (the final step if none)."""
    if term.date is None:
        return len(dates) - 1
    if term.date < dates[0]:
        raise ExpressionError(f"date {term.date} is before the first simulated date "
                              f"{dates[0]}", text, term.column)
    return int(np.searchsorted(np.asarray(dates, dtype="datetime64[D]"),
                               np.datetime64(term.date, "D"), side="right")) - 1
