"""A small scenario for the simulation tests, with room for a dynamics and a levers section."""

from __future__ import annotations

from realpolitik.scenario.loader import parse_scenario
from realpolitik.scenario.schema import Scenario

TOY = """
scenario: {id: toy, title: Toy, as_of: 2020-01-01}
actors:
  - {id: a, name: A, capability: 10}
  - {id: b, name: B, capability: 10}
  - {id: c, name: C, capability: [5, 15]}
issues:
  - {id: x, name: X, low: "none", high: "all", horizon: short}
  - {id: solo, name: Solo, low: "none", high: "all", horizon: short}
stances:
  x:
    a: {position: 50, salience: 1}
    b: {position: 50, salience: 1}
    c: {position: [20, 80], salience: 0.5}
  solo:
    a: {position: 10, salience: 1}
alliances:
  - id: ab
    name: A and B
    members: [a, b]
    shared_stakes:
      - {id: bond, name: Bond, weight: 0.0}
    rupture: "cohesion < 0 for 3 steps"
"""


def toy(extra: str = "") -> Scenario:
    """The toy scenario with ``extra`` YAML sections appended."""
    return parse_scenario(TOY + extra, path="toy.yaml")


STILL = "  volatility: {position: 0, salience: 0}\n"
"""Dynamics line that turns the random walk off."""


def every_step(effect: str, duration: str = "") -> str:
    """The toy, walk off, with a recurring shock ``s`` that fires at every step from step 1.

    ``effect`` is its one effect (a YAML flow mapping); ``duration`` an
    optional ``duration:`` line of the shock, indented as a field.
    """
    return TOY + f"""
dynamics:
{STILL}  shocks:
    - id: s
      name: S
      hazard: 1
      recurring: true
{duration}      effects:
        - {effect}
"""
