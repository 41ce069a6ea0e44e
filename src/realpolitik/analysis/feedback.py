"""Feedback loops: whether a mechanism's hazard damps or escalates across the simulated futures.

A mechanism shock (one with a ``hazard_factor``, or ``recurring``) has its
hazard recorded at every step of every draw (``EnsembleResult.shock_hazard``)
and its firings counted (``shock_count``).  For each such shock,
:func:`feedback_loops` says, draw by draw:

* how many times it fired over the horizon;
* its hazard at the first step (step 1, read on the state at ``as_of``) and
  at the last step;
* whether the loop **escalates** (the last hazard exceeds the first by more
  than ``tolerance``), **damps** (falls short of it by more than
  ``tolerance``) or stays **flat**;

then the share of futures each way with its 95% Wilson interval, and, for
every state term the hazard factor reads that the ensemble keeps
(``settlement(ISSUE)``, ``cohesion(ALLIANCE)``), the mean change of that
term over a step in which the shock fired, beside its mean change over the
steps in which it did not: how the state answers a firing, which is what
closes the loop.  ``position`` and ``salience`` terms are read inside the
simulation only; the ensemble does not keep them, so they are listed as
unread.

A hazard's path also moves with a ``hazard_trend`` and with the hazard
effects of other shocks and levers: "escalates" says the hazard ended
higher, not why; the per-term changes say how much of it the state did.

:func:`sequences` pairs, in a lever report, each option holding a lever
that waits for a condition (``when``) with the same levers taken at once,
so that waiting and acting at once can be ranked side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from realpolitik.analysis.levers import LeverReport, Option
from realpolitik.scenario.indicator_syntax import iter_terms, parse_expression
from realpolitik.scenario.levers import Lever
from realpolitik.scenario.schema import Scenario
from realpolitik.simulation.results import EnsembleResult, wilson_band

__all__ = ["FLAT_TOLERANCE", "Feedback", "Loop", "SequencePair", "Share", "StateResponse",
           "feedback_loops", "sequences"]

FLAT_TOLERANCE = 0.001
"""Largest change of the hazard per step, first step to last, still counted as flat (0.1 point)."""

_KEPT = {"settlement": "settlement", "cohesion": "cohesion"}
"""State terms whose paths the ensemble keeps: function -> attribute of the result."""


@dataclass(frozen=True)
class Share:
    """A share of futures with its 95% Wilson interval."""

    estimate: float
    low: float
    high: float

    def to_dict(self) -> dict[str, float]:
        """The share as a JSON-ready mapping."""
        return {"estimate": self.estimate, "low": self.low, "high": self.high}


@dataclass(frozen=True)
class StateResponse:
    """How one state term the hazard factor reads moves when the shock fires.

    ``after_firing`` is the mean change of the term over the steps in which
    the shock fired (from the step before, whose state the hazard read, to
    the firing step, whose state holds the firing's effects), over
    ``firings`` such steps; ``otherwise`` the mean change over the other
    steps (NaN when there are none of either kind).
    """

    term: str
    after_firing: float
    otherwise: float
    firings: int

    def to_dict(self) -> dict[str, object]:
        """The response as a JSON-ready mapping (NaN as None)."""
        return {"term": self.term, "after_firing": _plain(self.after_firing),
                "otherwise": _plain(self.otherwise), "firings": self.firings}


@dataclass(frozen=True)
class Loop:
    """One mechanism shock's feedback across the futures.

    Arrays have one entry per draw: ``firings`` (times fired by the last
    step), ``first_hazard`` and ``last_hazard`` (at step 1 and the last
    step) and ``direction`` (+1 escalates, -1 damps, 0 flat).
    """

    shock: str
    hazard_factor: str | None
    recurring: bool
    firings: np.ndarray
    first_hazard: np.ndarray
    last_hazard: np.ndarray
    direction: np.ndarray
    escalates: Share
    damps: Share
    flat: Share
    responses: tuple[StateResponse, ...]
    unread_terms: tuple[str, ...]

    @property
    def mean_firings(self) -> float:
        """Mean number of firings per future."""
        return float(self.firings.mean())

    @property
    def verdict(self) -> str:
        """``escalates``, ``damps`` or ``flat``: the most common way across the futures."""
        shares = {"escalates": self.escalates.estimate, "damps": self.damps.estimate,
                  "flat": self.flat.estimate}
        return max(shares, key=lambda way: shares[way])

    def firing_counts(self) -> dict[int, int]:
        """Number of futures by number of firings, e.g. ``{0: 12, 1: 40, 2: 31}``."""
        values, counts = np.unique(self.firings, return_counts=True)
        return {int(value): int(count) for value, count in zip(values, counts, strict=True)}

    def to_dict(self) -> dict[str, object]:
        """The loop as a JSON-ready mapping: summaries, then the per-draw arrays."""
        return {
            "shock": self.shock,
            "hazard_factor": self.hazard_factor,
            "recurring": self.recurring,
            "verdict": self.verdict,
            "mean_firings": self.mean_firings,
            "firing_counts": {str(k): v for k, v in self.firing_counts().items()},
            "escalates": self.escalates.to_dict(),
            "damps": self.damps.to_dict(),
            "flat": self.flat.to_dict(),
            "responses": [response.to_dict() for response in self.responses],
            "unread_terms": list(self.unread_terms),
            "per_draw": {
                "firings": self.firings.astype(int).tolist(),
                "first_hazard": [_plain(v) for v in self.first_hazard.tolist()],
                "last_hazard": [_plain(v) for v in self.last_hazard.tolist()],
                "direction": self.direction.astype(int).tolist(),
            },
        }


@dataclass(frozen=True)
class Feedback:
    """The feedback of every mechanism shock of an ensemble, in the scenario's order."""

    loops: tuple[Loop, ...]
    tolerance: float
    draws: int

    def loop(self, shock: str) -> Loop:
        """The loop of one shock."""
        for item in self.loops:
            if item.shock == shock:
                return item
        known = ", ".join(item.shock for item in self.loops) or "none"
        raise KeyError(f"no mechanism shock '{shock}' (known: {known})")

    def to_dict(self) -> dict[str, object]:
        """The whole as a JSON-ready mapping."""
        return {"tolerance": self.tolerance, "draws": self.draws,
                "loops": [item.to_dict() for item in self.loops]}


def feedback_loops(scenario: Scenario, result: EnsembleResult,
                   tolerance: float = FLAT_TOLERANCE) -> Feedback:  # fmt: skip
    """Say, for each mechanism shock, whether its loop damps or escalates across the futures.

    Parameters
    ----------
    scenario
        The scenario the ensemble simulated (for the shocks' hazard factors).
    result
        The ensemble; it must hold the hazards of the mechanism shocks.
    tolerance
        Largest change of the hazard, first step to last, counted as flat.

    Returns
    -------
    Feedback
        One :class:`Loop` per mechanism shock the result holds (none when the
        scenario has no mechanism, or the horizon has a single step).

    Raises
    ------
    ValueError
        For a negative tolerance.
    """
    if not tolerance >= 0:
        raise ValueError(f"the tolerance must be a non-negative number, got {tolerance!r}")
    shocks = scenario.dynamics.shocks if scenario.dynamics is not None else []
    loops = tuple(
        _loop(shock.id, shock.hazard_factor, bool(shock.recurring), result, tolerance)
        for shock in shocks
        if shock.is_mechanism and shock.id in result.shock_hazard and len(result.dates) >= 2
    )
    return Feedback(loops, tolerance, result.draws)


def _loop(shock: str, factor: str | None, recurring: bool, result: EnsembleResult,
          tolerance: float) -> Loop:  # fmt: skip
    hazard = np.asarray(result.shock_hazard[shock], dtype=float)
    counts = np.asarray(result.shock_count[shock])
    first, last = hazard[:, 1], hazard[:, -1]
    change = last - first
    direction = np.where(change > tolerance, 1, np.where(change < -tolerance, -1, 0))
    responses, unread = _responses(factor, counts, result)
    return Loop(
        shock=shock, hazard_factor=factor, recurring=recurring, firings=counts[:, -1].copy(),
        first_hazard=first.copy(), last_hazard=last.copy(), direction=direction,
        escalates=_share(direction == 1), damps=_share(direction == -1),
        flat=_share(direction == 0), responses=responses, unread_terms=unread,
    )


def _share(which: np.ndarray) -> Share:
    band = wilson_band(np.asarray(which.sum()), int(which.size))
    return Share(float(band.estimate), float(band.low), float(band.high))


def _responses(factor: str | None, counts: np.ndarray, result: EnsembleResult
               ) -> tuple[tuple[StateResponse, ...], tuple[str, ...]]:  # fmt: skip
    """Mean change of each kept state term over firing steps and over the other steps."""
    if factor is None:
        return (), ()
    fired_now = np.diff(counts, axis=1) > 0  # (D, T): a firing at step t + 1
    responses, unread, seen = [], [], set()
    for term in iter_terms(parse_expression(factor, "mechanism")):
        name = f"{term.function}({term.id})"
        if term.function in ("fired", "count") or name in seen:
            continue
        seen.add(name)
        series = getattr(result, _KEPT[term.function], {}) if term.function in _KEPT else {}
        if term.id not in series:
            unread.append(name)
            continue
        step_change = np.diff(np.asarray(series[term.id], dtype=float), axis=1)
        responses.append(StateResponse(
            term=name, after_firing=_mean(step_change[fired_now]),
            otherwise=_mean(step_change[~fired_now]), firings=int(fired_now.sum())))
    return tuple(responses), tuple(unread)


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else float("nan")


def _plain(value: float) -> float | None:
    """A float for JSON: NaN becomes None."""
    return None if np.isnan(value) else float(value)


# ---------------------------------------------------------------------------
# Levers that wait, against the same levers at once
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SequencePair:
    """An option holding a condition-started lever, and the same levers taken at once.

    ``sequence`` is True when the option is the lever alone, or paired with
    a lever that acts on what its condition reads (the brief's "persuade
    Israel, then reopen the fate of Assad"): the pairs the report words.
    """

    option: str
    at_once: str
    lever: str
    condition: str
    sequence: bool = False


def _same_course(waiting: Lever, other: Lever) -> bool:
    """Whether ``other`` is ``waiting`` taken at once: same actors, same targets, no condition."""
    def targets(lever: Lever) -> list[str]:
        return sorted(effect.target for effect in lever.effects)

    return (other.id != waiting.id and other.when is None
            and sorted(other.actors) == sorted(waiting.actors)
            and targets(other) == targets(waiting))


def sequences(report: LeverReport) -> list[SequencePair]:
    """Pair each option holding a lever with ``when`` with the same option acting at once.

    The lever taken at once is the one of the same actors acting on the same
    targets without a condition (its amounts may differ: the scenario says
    what waiting buys); the option at once keeps the same other lever, if
    any.  Options with no such counterpart are left out.
    """
    by_levers = {frozenset(lever.id for lever in option.levers): option.id
                 for option in report.options}
    found = []
    for option in report.options:
        for waiting in (lever for lever in option.levers if lever.when is not None):
            for other in _singles(report.options):
                if not _same_course(waiting, other):
                    continue
                partners = [lever for lever in option.levers if lever.id != waiting.id]
                if any(_same_course(waiting, partner) for partner in partners):
                    continue  # the lever beside itself taken at once: nothing to compare
                swapped = frozenset([other.id, *(lever.id for lever in partners)])
                if swapped in by_levers:
                    sequence = not partners or any(
                        _brings_about(partner, waiting.when or "") for partner in partners)
                    found.append(SequencePair(option.id, by_levers[swapped], waiting.id,
                                              waiting.when or "", sequence))
    return found


def _brings_about(partner: Lever, condition: str) -> bool:
    """Whether a lever acts on the state a condition reads (so it can make the condition hold).

    ``position(ISSUE.ACTOR)`` and ``salience(ISSUE.ACTOR)`` read one stance,
    ``settlement(ISSUE)`` every stance on the issue, ``cohesion(ALLIANCE)``
    the alliance's stakes and its members' stances, ``fired``/``count(SHOCK)``
    the shock's hazard.
    """
    targets = [effect.target for effect in partner.effects]
    for term in iter_terms(parse_expression(condition, "mechanism")):
        if term.function in ("position", "salience"):
            issue, _, actor = term.id.partition(".")
            wanted = [f"stances.{issue}.{actor}.{term.function}"]
        elif term.function == "settlement":
            wanted = [f"stances.{term.id}."]
        elif term.function == "cohesion":
            wanted = [f"alliances.{term.id}.", "stances."]
        else:
            wanted = [f"shocks.{term.id}."]
        if any(target.startswith(prefix) for target in targets for prefix in wanted):
            return True
    return False


def _singles(options: Sequence[Option]) -> list[Lever]:
    return [option.levers[0] for option in options if len(option.levers) == 1]
