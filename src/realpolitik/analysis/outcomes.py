"""Named outcomes of an ensemble: what the lever, discovery and sensitivity analyses measure.

An outcome names one quantity the simulation tracks, read at one date:

* ``settlement:<issue>``: where the issue settles (0-100);
* ``cohesion:<alliance>``: the alliance's cohesion score (S-score, -1 to 1);
* ``rupture:<alliance>``: 1 if the alliance has ruptured by the date, else 0;
* ``fired:<shock>``: 1 if the game changer has fired by the date, else 0.

``@YYYY-MM-DD`` picks the date (the last simulated step at or before it);
without it the outcome is read at the end of the horizon.  Every function
takes any object with the attributes of
:class:`realpolitik.simulation.EnsembleResult`, so the analyses stay pure
functions over arrays.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np

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

OutcomeKind = Literal["settlement", "cohesion", "rupture", "fired"]
OUTCOME_KINDS: tuple[OutcomeKind, ...] = ("settlement", "cohesion", "rupture", "fired")
_RESULT_FIELD: dict[str, str] = {
    "settlement": "settlement",
    "cohesion": "cohesion",
    "rupture": "ruptured",
    "fired": "shock_fired",
}
_WHAT: dict[str, str] = {
    "settlement": "issue",
    "cohesion": "alliance",
    "rupture": "alliance",
    "fired": "shock",
}


class OutcomeError(ValueError):
    """An outcome written by the user that cannot be read or does not exist in the scenario."""


class EnsembleLike(Protocol):
    """The attributes of an ensemble result that the analyses read."""

    dates: Any
    settlement: dict[str, np.ndarray]
    cohesion: dict[str, np.ndarray]
    ruptured: dict[str, np.ndarray]
    shock_fired: dict[str, np.ndarray]
    parameters: dict[str, np.ndarray]
    seed: int
    draws: int
    model: str
    scenario_id: str


@dataclass(frozen=True)
class Outcome:
    """One quantity of the ensemble read at one date.

    Parameters
    ----------
    kind
        ``settlement``, ``cohesion``, ``rupture`` or ``fired``.
    target
        The id of the issue, alliance or shock.
    at
        The date to read; None means the end of the horizon.
    """

    kind: OutcomeKind
    target: str
    at: dt.date | None = None

    def __post_init__(self) -> None:
        if self.kind not in OUTCOME_KINDS:
            raise OutcomeError(f"unknown outcome kind '{self.kind}' "
                               f"(expected one of {', '.join(OUTCOME_KINDS)})")
        if not self.target:
            raise OutcomeError(f"outcome '{self.kind}' needs the id of a {_WHAT[self.kind]}")

    @property
    def binary(self) -> bool:
        """True for the 0/1 outcomes (rupture, fired)."""
        return self.kind in ("rupture", "fired")

    @property
    def label(self) -> str:
        """The outcome written the way :func:`parse_outcome` reads it."""
        text = f"{self.kind}:{self.target}"
        return text if self.at is None else f"{text}@{self.at.isoformat()}"

    def describe(self) -> str:
        """A phrase for table headers and figure titles."""
        when = "by the horizon" if self.at is None else f"on {self.at.isoformat()}"
        phrases = {
            "settlement": f"settlement of {self.target} {when}",
            "cohesion": f"cohesion of {self.target} {when}",
            "rupture": f"rupture of {self.target} {when}",
            "fired": f"{self.target} fired {when}",
        }
        return phrases[self.kind]


def parse_outcome(text: str) -> Outcome:
    """Read ``kind:target`` or ``kind:target@YYYY-MM-DD`` into an :class:`Outcome`.

    Raises
    ------
    OutcomeError
        When the text does not have that shape, the kind is unknown or the date is invalid.
    """
    spec = text.strip()
    kind, colon, rest = spec.partition(":")
    if not colon or not rest:
        raise OutcomeError(f"outcome '{text}' should look like 'kind:id' or 'kind:id@YYYY-MM-DD' "
                           f"with kind one of {', '.join(OUTCOME_KINDS)}")
    target, at_sign, when = rest.partition("@")
    at = None
    if at_sign:
        try:
            at = dt.date.fromisoformat(when.strip())
        except ValueError:
            raise OutcomeError(f"outcome '{text}': '{when}' is not a date "
                               "(expected YYYY-MM-DD)") from None
    if kind.strip() not in OUTCOME_KINDS:
        raise OutcomeError(f"outcome '{text}': unknown kind '{kind}' "
                           f"(expected one of {', '.join(OUTCOME_KINDS)})")
    return Outcome(kind.strip(), target.strip(), at)  # type: ignore[arg-type]


def scenario_targets(scenario: Any, kind: OutcomeKind) -> list[str]:
    """Return the ids an outcome of this kind may name in a scenario."""
    if kind == "settlement":
        return [issue.id for issue in scenario.issues]
    if kind in ("cohesion", "rupture"):
        return [alliance.id for alliance in scenario.alliances]
    shocks = getattr(scenario.dynamics, "shocks", None) or []
    return [shock.id for shock in shocks]


def check_outcome(scenario: Any, outcome: Outcome) -> Outcome:
    """Raise :class:`OutcomeError` if the outcome names nothing in the scenario; else return it."""
    known = scenario_targets(scenario, outcome.kind)
    if outcome.target not in known:
        listed = ", ".join(known) if known else "none declared"
        raise OutcomeError(f"outcome '{outcome.label}': no {_WHAT[outcome.kind]} "
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
                           f"{_WHAT[outcome.kind]} '{outcome.target}' (has: {listed})")
    return np.asarray(table[outcome.target])


def value(result: EnsembleLike, outcome: Outcome) -> np.ndarray:
    """Return the outcome's value in every draw: a (D,) float array (0/1 for binary kinds)."""
    series = trajectories(result, outcome)
    return series[:, step_index(result.dates, outcome.at)].astype(float)


def values(result: EnsembleLike, outcomes: list[Outcome]) -> dict[str, np.ndarray]:
    """Return ``{outcome label: (D,) values}`` for several outcomes."""
    return {outcome.label: value(result, outcome) for outcome in outcomes}
