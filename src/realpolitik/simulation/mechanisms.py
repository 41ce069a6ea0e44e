"""Mechanism expressions evaluated inside the simulation, on the state of one step.

A shock's ``hazard_factor``, an effect's ``factor`` and a lever's ``when``
are expressions of the indicator language read in its ``"mechanism"``
context (:mod:`realpolitik.scenario.indicator_syntax`).  At step ``t`` they
read a :class:`Reading`: the firing counts of the shocks (up to step ``t``
or up to ``t - 1``, see :mod:`realpolitik.simulation.stepping`), the
settlements, cohesions, stated positions and saliences of step ``t - 1``,
the years since ``as_of`` and the draw's mechanism parameters.  At
``t = 0`` the previous step is the stated state at ``as_of``: the sampled
positions and saliences before any trend, shock, lever or random walk, the
settlement the draw's engine gives them and the cohesion they imply
(:func:`baseline_reading`, in the stepping module).

Every value is one number (or yes/no) per draw, shape ``(n,)``.  Division by
zero gives an infinite or NaN number, as NumPy does; what a NaN means is
decided by the reader (a NaN hazard factor counts as 0).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from realpolitik.scenario.indicator_syntax import (
    YEARS,
    BinaryOp,
    Compare,
    Logical,
    Name,
    Negate,
    Node,
    Not,
    Number,
    Term,
    parse_expression,
)
from realpolitik.scenario.schema import Scenario
from realpolitik.simulation.state import Layout

__all__ = [
    "PARAMETER_PREFIX",
    "Mechanism",
    "Reading",
    "evaluate_expression",
    "mechanism_shocks",
    "parameter_name",
]

PARAMETER_PREFIX = "dynamics.parameters."
"""Dotted-name prefix under which mechanism parameters are sampled and reported."""

_COMPARE = {
    "<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
    "==": np.equal, "!=": np.not_equal,
}
_ARITHMETIC = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}
"""The NumPy operation of each comparison and arithmetic symbol (:func:`evaluate_expression`)."""


def parameter_name(name: str) -> str:
    """The sampled number's name of a mechanism parameter: ``dynamics.parameters.NAME``."""
    return PARAMETER_PREFIX + name


def evaluate_expression(node: Node, leaf: Callable[[Term | Name], np.ndarray]) -> np.ndarray:
    """Evaluate a parsed expression draw by draw, ``leaf`` giving each term's or name's values.

    Numbers, signs, arithmetic, comparisons and ``and``/``or``/``not`` are
    the same wherever an expression is read; only what its terms and names
    stand for differs (the state of a step for a mechanism, an ensemble's
    series for an indicator), and that is ``leaf``'s answer.
    """
    if isinstance(node, Number):
        return np.asarray(node.value, dtype=float)
    if isinstance(node, Term | Name):
        return leaf(node)
    if isinstance(node, Negate):
        return -evaluate_expression(node.operand, leaf)
    if isinstance(node, Not):
        return ~evaluate_expression(node.operand, leaf)
    left = evaluate_expression(node.left, leaf)
    right = evaluate_expression(node.right, leaf)
    if isinstance(node, BinaryOp):
        return _ARITHMETIC[node.op](left, right)
    if isinstance(node, Compare):
        return _COMPARE[node.op](left, right)
    if isinstance(node, Logical):
        return np.logical_and(left, right) if node.op == "and" else np.logical_or(left, right)
    raise TypeError(f"unknown expression node {node!r}")  # pragma: no cover


def mechanism_shocks(scenario: Scenario) -> list[str]:
    """Ids of the shocks with a ``hazard_factor`` or ``recurring``, in file order."""
    shocks = scenario.dynamics.shocks if scenario.dynamics is not None else []
    return [shock.id for shock in shocks if shock.is_mechanism]


@dataclass(frozen=True)
class Reading:
    """What a mechanism expression reads at one step, for a chunk of ``n`` draws.

    Attributes
    ----------
    counts
        (n, S) firings of each shock so far.
    settlement
        (n, K) settlements of the previous step.
    cohesion
        (n, A) cohesion (S-score with shared stakes) of the previous step.
    positions, salience
        (n, N, K) stated positions and saliences of the previous step.
    years
        Years since ``as_of`` at this step.
    parameters
        Sampled numbers by dotted name (the mechanism parameters among them).
    """

    counts: np.ndarray
    settlement: np.ndarray
    cohesion: np.ndarray
    positions: np.ndarray
    salience: np.ndarray
    years: float
    parameters: Mapping[str, np.ndarray]


class Mechanism:
    """A parsed mechanism expression with its ids resolved to array positions.

    Parameters
    ----------
    text
        The expression; it was checked when the scenario was loaded.
    layout
        Where each actor, issue, alliance and shock sits in the arrays.
    """

    def __init__(self, text: str, layout: Layout) -> None:
        self.text = text
        self.node = parse_expression(text, "mechanism")
        self.layout = layout

    def __call__(self, reading: Reading) -> np.ndarray:
        """The expression's value in each draw, shape (n,): floats or booleans."""
        draws = reading.counts.shape[0]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            value = evaluate_expression(self.node, lambda leaf: self._leaf(leaf, reading))
        return np.broadcast_to(value, (draws,)).copy()

    def _leaf(self, leaf: Term | Name, reading: Reading) -> np.ndarray:
        if isinstance(leaf, Term):
            return self._term(leaf, reading)
        if leaf.name == YEARS:
            return np.asarray(reading.years, dtype=float)
        return np.asarray(reading.parameters[parameter_name(leaf.name)], dtype=float)

    def _term(self, term: Term, reading: Reading) -> np.ndarray:
        layout = self.layout
        if term.function == "settlement":
            return reading.settlement[:, layout.issues.index(term.id)]
        if term.function == "cohesion":
            return reading.cohesion[:, layout.alliances.index(term.id)]
        if term.function in ("position", "salience"):
            issue, actor = term.id.split(".")
            where = (slice(None), layout.actors.index(actor), layout.issues.index(issue))
            array = reading.positions if term.function == "position" else reading.salience
            return array[where]
        count = reading.counts[:, layout.shocks.index(term.id)]
        if term.function == "fired":
            return count > 0
        return count.astype(float)
