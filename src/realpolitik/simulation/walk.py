"""Stances that wander (a random walk) and lean toward the last settlement (the pull).

Random walk
-----------
Each active stance's position (and salience) carries an offset ``O`` that
a normal innovation moves at every step ``t >= 1``::

    O_t = clip(O_{t-1} + sigma * sqrt(dt) * z_t, low - d_t, high - d_t)
    interest_t = d_t + O_t

where ``d_t`` is the stated value from the base, trends, shocks and levers
(already within its bounds), ``dt`` the step length in years, ``sigma`` the
stance's volatility per square root of a year (a sampled number) and
``z_t`` a standard normal number from the stance's own stream (one per
stance and field).  The clip keeps ``interest_t`` in [0, 100] (positions)
or [0, 1] (saliences): a walk that meets a bound stays on it until an
innovation takes it back.  Step 0 has no innovation.

Pull of the last settlement
---------------------------
With ``pull`` p, actor i's stated position on issue k at step ``t >= 1`` is
``(1 - w) * interest + w * settlement_k(t - 1)`` with
``w = p * (1 - salience_ik)``: the actors to whom an issue matters least
lean most toward what was last agreed.  The interest is re-read at every
step rather than carried over, so no actor ever moves more than the share
``w`` of the way to the settlement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from realpolitik.scenario.dynamics import DEFAULT_VOLATILITY
from realpolitik.scenario.schema import Scenario, dotted
from realpolitik.simulation.parameters import StepNormals
from realpolitik.simulation.state import Layout

__all__ = ["StanceWalk", "apply_pull", "stance_walks"]

FIELDS = (("position", "positions", 100.0), ("salience", "salience", 1.0))
"""Stance field, state array and upper bound of each walk (lower bounds are 0)."""


@dataclass
class StanceWalk:
    """The random walk of one state array over the stances whose volatility is not zero.

    ``actors`` and ``issues`` (m,) locate the stances; ``scale`` (m, n) is
    each draw's ``sigma * sqrt(dt)``; ``offset`` (m, n) the walk so far.
    Stances run along the first axis, the layout in which NumPy gathers
    ``state[:, actors, issues]`` (as its transpose), so that every operation
    runs over contiguous memory.
    """

    array: str
    actors: np.ndarray
    issues: np.ndarray
    scale: np.ndarray
    normals: StepNormals
    high: float
    offset: np.ndarray

    def step(self, state: dict[str, np.ndarray]) -> None:
        """Take one step of the walk and add it to ``state[array]``, in place."""
        innovation = self.normals.next()
        driven = state[self.array][:, self.actors, self.issues].T
        offset = self.offset + self.scale * innovation
        np.maximum(offset, -driven, out=offset)
        np.minimum(offset, self.high - driven, out=offset)
        self.offset = offset
        stated = driven + offset
        np.clip(stated, 0.0, self.high, out=stated)
        state[self.array][:, self.actors, self.issues] = stated.T


def stance_walks(
    scenario: Scenario,
    layout: Layout,
    values: dict[str, np.ndarray],
    draws: tuple[int, int, int],
    step_years: float,
) -> list[StanceWalk]:
    """The walks of positions and saliences for draws ``start .. stop - 1``.

    ``draws`` is ``(seed, start, stop)``.  Stances whose volatility is 0 in
    every draw of the chunk are left out: their stated values are exactly
    those without a walk.
    """
    dynamics = scenario.dynamics
    volatility = dynamics.volatility if dynamics and dynamics.volatility else DEFAULT_VOLATILITY
    overrides = {
        item.target: dotted(("dynamics", "volatility", "by_stance", index, "volatility"))
        for index, item in enumerate(volatility.by_stance)
    }
    seed, start, stop = draws
    walks = []
    for field, array, high in FIELDS:
        default = dotted(("dynamics", "volatility", field))
        actors, issues, scales, names = [], [], [], []
        for k, issue in enumerate(layout.issues):
            for actor in scenario.stances.get(issue, {}):
                name = f"stances.{issue}.{actor}.{field}"
                sigma = values[overrides.get(name, default)]
                if not np.any(sigma != 0):
                    continue
                actors.append(layout.actors.index(actor))
                issues.append(k)
                scales.append(sigma * np.sqrt(step_years))
                names.append(name)
        if names:
            walks.append(StanceWalk(
                array, np.array(actors), np.array(issues), np.stack(scales),
                StepNormals(seed, names, start, stop), high, np.zeros((len(names), stop - start)),
            ))  # fmt: skip
    return walks


def apply_pull(
    state: dict[str, np.ndarray], active: np.ndarray, pull: np.ndarray, previous: np.ndarray
) -> None:
    """Lean each active stated position toward the previous settlement, in place.

    ``pull`` (n,), ``previous`` (n, K); the weight of the settlement is
    ``pull * (1 - salience)`` per actor and issue.
    """
    positions = state["positions"]
    weight = pull[:, None, None] * (1.0 - state["salience"])
    pulled = (1.0 - weight) * positions + weight * previous[:, None, :]
    state["positions"] = np.where(active, pulled, positions)
