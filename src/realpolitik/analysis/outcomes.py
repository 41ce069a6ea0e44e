"""Outcomes evaluated on an ensemble: what the lever, discovery and sensitivity analyses measure.

The outcome itself (``kind:id[@YYYY-MM-DD]``, read into a frozen
:class:`~realpolitik.scenario.outcomes.Outcome`) belongs to the scenario
layer; this module reads its value in every draw of an ensemble, at the last
simulated step at or before its date (the end of the horizon without one),
and checks that it names something the scenario declares.  Every function
takes any object with the attributes of
:class:`realpolitik.simulation.EnsembleResult`, so the analyses stay pure
functions over arrays.  :class:`Outcome`, :class:`OutcomeError` and
:func:`parse_outcome` are importable from here as well.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from realpolitik.analysis.indicators import EnsembleOutputs
from realpolitik.scenario.outcomes import (
    OUTCOME_KINDS,
    TARGET_NOUNS,
    Outcome,
    OutcomeError,
    OutcomeKind,
    parse_outcome,
    scenario_targets,
)

if TYPE_CHECKING:
    from realpolitik.scenario.schema import Scenario

__all__ = [
    "EnsembleLike",
    "OUTCOME_KINDS",
    "Outcome",
    "OutcomeError",
    "OutcomeKind",
    "as_dates",
    "check_outcome",
    "parse_outcome",
    "scenario_targets",
    "step_index",
    "trajectories",
    "value",
    "values",
]

_RESULT_FIELD: dict[OutcomeKind, str] = {
    "settlement": "settlement",
    "cohesion": "cohesion",
    "rupture": "ruptured",
    "fired": "shock_fired",
}


class EnsembleLike(EnsembleOutputs, Protocol):
    """The attributes of an ensemble result that the analyses read (read-only).

    What indicators read (:class:`~realpolitik.analysis.indicators.EnsembleOutputs`), and
    the parameters, seed and size of the ensemble.
    """

    @property
    def parameters(self) -> Mapping[str, np.ndarray]:
        """Name -> (D,) sampled value of each uncertain number."""

    @property
    def seed(self) -> int:
        """The seed of the ensemble's draws."""

    @property
    def draws(self) -> int:
        """The number of draws D."""

    @property
    def model(self) -> str:
        """The engine that bargained at each step."""

    @property
    def scenario_id(self) -> str:
        """The id of the simulated scenario."""


def check_outcome(scenario: Scenario, outcome: Outcome) -> Outcome:
    """Raise :class:`OutcomeError` if the outcome names nothing in the scenario; else return it."""
    known = scenario_targets(scenario, outcome.kind)
    if outcome.target not in known:
        listed = ", ".join(known) if known else "none declared"
        raise OutcomeError(f"outcome '{outcome.label}': no {TARGET_NOUNS[outcome.kind]} "
                           f"'{outcome.target}' in the scenario (known: {listed})")
    if outcome.at is not None and outcome.at < scenario.scenario.as_of:
        raise OutcomeError(f"outcome '{outcome.label}': date is before the scenario's "
                           f"as_of date {scenario.scenario.as_of.isoformat()}")
    return outcome


def as_dates(dates: Any) -> np.ndarray:
    """Return the result's step dates as a ``datetime64[D]`` array."""
    return np.asarray([np.datetime64(d, "D") for d in dates], dtype="datetime64[D]")


def step_index(dates: Any, at: dt.date | None) -> int:
    """Index of the last step at or before ``at`` (the last step when ``at`` is None)."""
    steps = as_dates(dates)
    if steps.size == 0:
        raise OutcomeError("the ensemble has no time steps")
    if at is None:
        return steps.size - 1
    index = int(np.searchsorted(steps, np.datetime64(at, "D"), side="right")) - 1
    if index < 0:
        raise OutcomeError(f"date {at.isoformat()} is before the first simulated step "
                           f"{steps[0]}")
    return index


def trajectories(result: EnsembleLike, outcome: Outcome) -> np.ndarray:
    """Return the (D, T+1) array the outcome reads, checking that its target exists."""
    table = getattr(result, _RESULT_FIELD[outcome.kind])
    if outcome.target not in table:
        listed = ", ".join(sorted(table)) if table else "none"
        raise OutcomeError(f"outcome '{outcome.label}': the ensemble has no "
                           f"{TARGET_NOUNS[outcome.kind]} '{outcome.target}' (has: {listed})")
    return np.asarray(table[outcome.target])


def value(result: EnsembleLike, outcome: Outcome) -> np.ndarray:
    """Return the outcome's value in every draw: a (D,) float array (0/1 for binary kinds)."""
    series = trajectories(result, outcome)
    return series[:, step_index(result.dates, outcome.at)].astype(float)


def values(result: EnsembleLike, outcomes: list[Outcome]) -> dict[str, np.ndarray]:
    """Return ``{outcome label: (D,) values}`` for several outcomes."""
    return {outcome.label: value(result, outcome) for outcome in outcomes}
