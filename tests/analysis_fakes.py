"""Shared material of the analysis tests: a small scenario with a game changer and two levers,
and a hand-made stand-in for an ensemble result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

PACT_CORE = """\
actors:
  - {id: north, name: North, capability: 50}
  - {id: south, name: South, capability: [30, 50]}
  - {id: west, name: West, capability: 40}
issues:
  - {id: border, name: Border, low: "open", high: "closed", horizon: short}
  - {id: trade, name: Trade, low: "free", high: "tariffs", horizon: medium}
stances:
  border:
    north: {position: [30, 50], salience: 0.8}
    south: {position: 60, salience: [0.5, 0.9]}
    west: {position: 10, salience: 0.6}
  trade:
    north: {position: 40, salience: 0.5}
    south: {position: [40, 70], salience: 0.6}
    west: {position: 20, salience: 0.7}
alliances:
  - id: north_south
    name: North and South
    members: [north, south]
    shared_stakes:
      - {id: common_rival, name: Common rival, weight: [0.1, 0.4]}
"""
"""Actors, issues, stances and the watched alliance (up to its rupture rule) of the small
scenarios the analysis tests share."""

TINY_SCENARIO = """\
scenario:
  id: tiny-pact
  title: Two partners, one rival, one crisis
  as_of: 2024-01-01
""" + PACT_CORE + """\
    rupture: "cohesion < 0.3 for 2 steps"
dynamics:
  step: quarter
  horizon_years: 3
  shocks:
    - id: border_crisis
      name: Border crisis
      hazard: [0.02, 0.12]
      effects:
        - {target: stances.border.south.position, shift: 30}
levers:
  - id: mediation
    name: Mediation on the border
    actors: [west]
    effects:
      - {target: stances.border.south.position, shift: [-25, -10]}
  - id: trade_deal
    name: Trade deal with North
    actors: [west]
    start: 2025-01-01
    effects:
      - {target: stances.trade.north.position, shift: -20}
"""


@dataclass
class FakeEnsemble:
    """The attributes of an ensemble result, filled by hand."""

    dates: list
    settlement: dict = field(default_factory=dict)
    cohesion: dict = field(default_factory=dict)
    ruptured: dict = field(default_factory=dict)
    shock_fired: dict = field(default_factory=dict)
    parameters: dict = field(default_factory=dict)
    seed: int = 0
    draws: int = 0
    model: str = "compromise"
    scenario_id: str = "fake"
    version: str = "test"


def quarterly_dates(start: dt.date, steps: int) -> list[dt.date]:
    dates = []
    for t in range(steps + 1):
        month = start.month - 1 + 3 * t
        dates.append(dt.date(start.year + month // 12, month % 12 + 1, start.day))
    return dates


def fake_ensemble(draws: int = 4, steps: int = 4, seed: int = 0) -> FakeEnsemble:
    """Draw d settles issue ``a`` at 10 * d + t at step t; alliance ``ab`` ruptures from
    step d (never for d >= steps + 1); shock ``s`` fires at step 1 in even draws."""
    dates = quarterly_dates(dt.date(2024, 1, 1), steps)
    d = np.arange(draws)[:, None]
    t = np.arange(steps + 1)[None, :]
    ruptured = t >= np.maximum(d, 1)
    fired = (t >= 1) & (d % 2 == 0)
    return FakeEnsemble(
        dates=dates,
        settlement={"a": (10.0 * d + t).astype(float)},
        cohesion={"ab": np.broadcast_to(1.0 - 0.1 * t, (draws, steps + 1)).copy()},
        ruptured={"ab": ruptured},
        shock_fired={"s": fired},
        parameters={"p": np.linspace(0.0, 1.0, draws), "constant": np.full(draws, 3.0)},
        seed=seed,
        draws=draws,
    )
