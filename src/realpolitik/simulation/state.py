"""A scenario turned into arrays for a block of draws, and effects that change them.

The state of one step is a set of named arrays, each with draws on axis 0:

* ``positions``, ``salience``, ``capability``: (n, N, K) stated positions
  (the actors' interests after trends, shocks and levers), saliences and
  capabilities;
* ``hazard``: (n, S) each shock's probability of firing per step;
* ``stakes.<alliance>``: (n, M) the weights of an alliance's shared stakes.

Every step starts again from the base arrays and applies, in this order,
the trends (each drift times the number of steps it has run), the effects
of the shocks in force (in file order) and the effects of the levers in
force (in the order given).  A ``set`` therefore overrides what came before
it.  Values are then clipped to their bounds.  Rebuilding each step from
the base keeps a shock's effects exactly reversible when its duration ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from realpolitik.scenario.dynamics import Effect, Target, parse_target
from realpolitik.scenario.schema import Scenario, dotted

__all__ = [
    "Layout",
    "StepEffect",
    "apply_effect",
    "base_state",
    "clip_state",
    "compile_effects",
    "copy_state",
]

INACTIVE_POSITION = 50.0
"""Placeholder position of an actor with no stance (it never votes and is never read)."""


@dataclass(frozen=True)
class Layout:
    """Where each actor, issue, alliance and shock sits in the arrays."""

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    alliances: tuple[str, ...]
    shocks: tuple[str, ...]
    members: dict[str, tuple[int, int]]
    stakes: dict[str, tuple[str, ...]]

    @classmethod
    def of(cls, scenario: Scenario) -> Layout:
        """Read the layout of a scenario."""
        actors = tuple(scenario.actor_ids)
        shocks = tuple(s.id for s in scenario.dynamics.shocks) if scenario.dynamics else ()
        return cls(
            actors=actors,
            issues=tuple(scenario.issue_ids),
            alliances=tuple(a.id for a in scenario.alliances),
            shocks=shocks,
            members={
                a.id: (actors.index(a.members[0]), actors.index(a.members[1]))
                for a in scenario.alliances
            },
            stakes={a.id: tuple(s.id for s in a.shared_stakes) for a in scenario.alliances},
        )

    def locate(self, target: Target) -> tuple[str, tuple[int | slice, ...]]:
        """Return the array name and index (after the draw axis) of an effect target."""
        if target.kind == "stance":
            issue, actor = target.ids
            array = "positions" if target.attribute == "position" else target.attribute
            return array, (self.actors.index(actor), self.issues.index(issue))
        if target.kind == "actor_capability":
            return "capability", (self.actors.index(target.ids[0]), slice(None))
        if target.kind == "stake_weight":
            alliance, stake = target.ids
            return f"stakes.{alliance}", (self.stakes[alliance].index(stake),)
        return "hazard", (self.shocks.index(target.ids[0]),)


@dataclass(frozen=True)
class StepEffect:
    """An effect ready to apply: array, index, operation and per-draw amount (n,)."""

    array: str
    index: tuple[int | slice, ...]
    operation: str
    amount: np.ndarray


def compile_effects(
    effects: Sequence[Effect], prefix: tuple, layout: Layout, values: dict[str, np.ndarray]
) -> list[StepEffect]:
    """Turn scenario effects into :class:`StepEffect` objects with their sampled amounts."""
    compiled = []
    for index, effect in enumerate(effects):
        array, where = layout.locate(parse_target(effect.target))
        amount = values[dotted((*prefix, "effects", index, effect.operation))]
        compiled.append(StepEffect(array, where, effect.operation, amount))
    return compiled


def apply_effect(
    state: dict[str, np.ndarray], effect: StepEffect, mask: np.ndarray | None = None
) -> None:
    """Apply one effect in place, only in the draws where ``mask`` is True (all if None)."""
    array = state[effect.array]
    index = (slice(None), *effect.index)
    current = array[index]
    amount = effect.amount.reshape((-1,) + (1,) * (current.ndim - 1))
    if effect.operation == "shift":
        changed = current + amount
    elif effect.operation == "scale":
        changed = current * amount
    else:
        changed = np.broadcast_to(amount, current.shape)
    if mask is not None:
        changed = np.where(mask.reshape((-1,) + (1,) * (current.ndim - 1)), changed, current)
    array[index] = changed


def base_state(
    scenario: Scenario, layout: Layout, values: dict[str, np.ndarray], size: int
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Build the step-0 arrays from the sampled values, and the (N, K) ``active`` mask."""
    n_actors, n_issues = len(layout.actors), len(layout.issues)
    positions = np.full((size, n_actors, n_issues), INACTIVE_POSITION)
    salience = np.zeros((size, n_actors, n_issues))
    capability = np.empty((size, n_actors, n_issues))
    active = np.zeros((n_actors, n_issues), dtype=bool)
    for i in range(n_actors):
        capability[:, i, :] = values[dotted(("actors", i, "capability"))][:, None]
    for k, issue in enumerate(layout.issues):
        for actor, stance in scenario.stances.get(issue, {}).items():
            i = layout.actors.index(actor)
            active[i, k] = True
            positions[:, i, k] = values[dotted(("stances", issue, actor, "position"))]
            salience[:, i, k] = values[dotted(("stances", issue, actor, "salience"))]
            if stance.capability is not None:
                capability[:, i, k] = values[dotted(("stances", issue, actor, "capability"))]
    state: dict[str, np.ndarray] = {
        "positions": positions, "salience": salience, "capability": capability}
    shocks = scenario.dynamics.shocks if scenario.dynamics else []
    hazard = np.zeros((size, len(shocks)))
    for s, shock in enumerate(shocks):
        if shock.hazard is not None:
            hazard[:, s] = values[dotted(("dynamics", "shocks", s, "hazard"))]
    state["hazard"] = hazard
    for a, alliance in enumerate(scenario.alliances):
        weights = np.empty((size, len(alliance.shared_stakes)))
        for m in range(len(alliance.shared_stakes)):
            weights[:, m] = values[dotted(("alliances", a, "shared_stakes", m, "weight"))]
        state[f"stakes.{alliance.id}"] = weights
    return state, active


def copy_state(state: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """A deep copy of a state (each step rebuilds from the base)."""
    return {name: array.copy() for name, array in state.items()}


def clip_state(state: dict[str, np.ndarray]) -> None:
    """Keep every array within its bounds, in place."""
    np.clip(state["positions"], 0.0, 100.0, out=state["positions"])
    np.clip(state["salience"], 0.0, 1.0, out=state["salience"])
    np.maximum(state["capability"], 0.0, out=state["capability"])
    for name, array in state.items():
        if name == "hazard" or name.startswith("stakes."):
            np.clip(array, 0.0, 1.0, out=array)
