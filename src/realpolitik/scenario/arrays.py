"""Turn a scenario's stances into the (actors x issues) arrays the engines take."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from realpolitik.scenario.schema import Scenario

INACTIVE_POSITION = 50.0
"""Placeholder position of an actor with no stance; engines ignore it (``active`` is False)."""


@dataclass(frozen=True)
class StanceArrays:
    """Point estimates of every stance, actors along rows and issues along columns.

    Attributes
    ----------
    actor_ids, issue_ids
        Labels of the rows and columns, in file order.
    position, salience, capability
        (N, K) floats; capability is the stance's override or else the actor's.
    active
        (N, K) bools: False where the actor takes no stance on the issue.
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    position: np.ndarray
    salience: np.ndarray
    capability: np.ndarray
    active: np.ndarray

    def batch(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Return ``(positions, salience, capability, active)`` with a leading batch axis of 1."""
        return (self.position[None, ...], self.salience[None, ...],
                self.capability[None, ...], self.active[None, ...])


def point_arrays(scenario: Scenario) -> StanceArrays:
    """Collect the point estimate of every stance into arrays."""
    actors, issues = scenario.actor_ids, scenario.issue_ids
    shape = (len(actors), len(issues))
    position = np.full(shape, INACTIVE_POSITION)
    salience = np.zeros(shape)
    capability = np.ones(shape)
    active = np.zeros(shape, dtype=bool)
    for i, actor in enumerate(scenario.actors):
        capability[i, :] = actor.capability.point
        for k, issue_id in enumerate(issues):
            stance = scenario.stance(issue_id, actor.id)
            if stance is None:
                continue
            active[i, k] = True
            position[i, k] = stance.position.point
            salience[i, k] = stance.salience.point
            if stance.capability is not None:
                capability[i, k] = stance.capability.point
    return StanceArrays(tuple(actors), tuple(issues), position, salience, capability, active)
