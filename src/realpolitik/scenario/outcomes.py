"""Named outcomes: one quantity the simulation tracks, read at one date.

An outcome is written ``kind:id`` or ``kind:id@YYYY-MM-DD``:

* ``settlement:<issue>``: where the issue settles (0-100);
* ``cohesion:<alliance>``: the alliance's cohesion score (S-score, -1 to 1);
* ``rupture:<alliance>``: 1 if the alliance has ruptured by the date, else 0;
* ``fired:<shock>``: 1 if the game changer has fired by the date, else 0.

Without a date the outcome is read at the end of the horizon.  The text is
read once, here, into a frozen :class:`Outcome`; the scenario's ``analysis``
section, the command line and the analyses all pass that object around.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeGuard

if TYPE_CHECKING:
    from realpolitik.scenario.schema import Scenario

__all__ = [
    "BINARY_KINDS",
    "OUTCOME_KINDS",
    "TARGET_NOUNS",
    "Outcome",
    "OutcomeError",
    "OutcomeKind",
    "parse_outcome",
    "scenario_targets",
]

OutcomeKind = Literal["settlement", "cohesion", "rupture", "fired"]
OUTCOME_KINDS: tuple[OutcomeKind, ...] = ("settlement", "cohesion", "rupture", "fired")
BINARY_KINDS: tuple[OutcomeKind, ...] = ("rupture", "fired")
"""The kinds whose value is 0 or 1 in every draw (yes/no outcomes)."""

TARGET_NOUNS: dict[OutcomeKind, str] = {
    "settlement": "issue",
    "cohesion": "alliance",
    "rupture": "alliance",
    "fired": "shock",
}
"""What the id of each kind names."""


class OutcomeError(ValueError):
    """An outcome written by the user that cannot be read or does not exist in the scenario."""


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
            raise OutcomeError(f"outcome '{self.kind}' needs the id of a "
                               f"{TARGET_NOUNS[self.kind]}")

    @property
    def binary(self) -> bool:
        """True for the 0/1 outcomes (rupture, fired)."""
        return self.kind in BINARY_KINDS

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

    Surrounding spaces are ignored.

    Raises
    ------
    OutcomeError
        When the text does not have that shape, the kind is unknown, the id
        is missing or the date is invalid.
    """
    kind, colon, rest = text.strip().partition(":")
    if not colon or not rest:
        raise OutcomeError(f"outcome '{text}' should look like 'kind:id' or 'kind:id@YYYY-MM-DD' "
                           f"with kind one of {', '.join(OUTCOME_KINDS)}")
    target, at_sign, when = rest.partition("@")
    at = _read_date(text, when) if at_sign else None
    name = kind.strip()
    if not _is_kind(name):
        raise OutcomeError(f"outcome '{text}': unknown kind '{kind}' "
                           f"(expected one of {', '.join(OUTCOME_KINDS)})")
    return Outcome(name, target.strip(), at)


def _is_kind(name: str) -> TypeGuard[OutcomeKind]:
    """Whether ``name`` is one of the outcome kinds."""
    return name in OUTCOME_KINDS


def _read_date(text: str, when: str) -> dt.date:
    try:
        return dt.date.fromisoformat(when.strip())
    except ValueError:
        raise OutcomeError(f"outcome '{text}': '{when}' is not a date "
                           "(expected YYYY-MM-DD)") from None


def scenario_targets(scenario: Scenario, kind: OutcomeKind) -> list[str]:
    """Return the ids an outcome of this kind may name in a scenario."""
    if kind == "settlement":
        return [issue.id for issue in scenario.issues]
    if kind in ("cohesion", "rupture"):
        return [alliance.id for alliance in scenario.alliances]
    shocks = [] if scenario.dynamics is None else scenario.dynamics.shocks
    return [shock.id for shock in shocks]
