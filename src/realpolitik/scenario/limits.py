"""Bounds on the sizes a scenario or a command may ask for, in a module that imports nothing.

The schema (``analysis.draws``), the command line (``--draws``,
``--horizon``) and the what-if app read their bounds here, so that a number
one front accepts is accepted by all of them; the command line reads them
without loading the schema, which keeps ``realpolitik --help`` fast.
"""

from __future__ import annotations

__all__ = ["MAX_DRAWS", "MAX_HORIZON_YEARS", "MIN_DRAWS", "MIN_HORIZON_YEARS"]

MIN_DRAWS = 10
"""Fewest Monte Carlo draws per ensemble: below, no share or interval means anything."""

MAX_DRAWS = 1_000_000
"""Most Monte Carlo draws per ensemble: beyond, an ensemble outgrows a machine's memory and day."""

MIN_HORIZON_YEARS = 0.25
"""Shortest horizon a command accepts: one quarterly step."""

MAX_HORIZON_YEARS = 50.0
"""Longest horizon: the bound of a scenario's ``dynamics.horizon_years``."""
