"""Names for what report sections and figures show: the scenario's words, or the ids.

A section or figure made from a result alone (a lever report reopened from
its JSON) knows only ids and field paths; made in a run, it also knows the
scenario and shows the names its author wrote
(:mod:`realpolitik.scenario.names`).  :class:`Namer` serves both cases.
"""

from __future__ import annotations

import datetime as dt

from realpolitik.scenario.names import field_name, input_name, outcome_name
from realpolitik.scenario.outcomes import Outcome
from realpolitik.scenario.schema import Scenario

__all__ = ["Namer"]


class Namer:
    """Names for the ids and paths a section shows: the scenario's, when it is known.

    Without a scenario every id or path is shown as it is.
    """

    def __init__(self, scenario: Scenario | None = None, horizon: dt.date | None = None):
        self.scenario, self.horizon = scenario, horizon

    def outcome(self, outcome: Outcome | str, *, short: bool = False) -> str:
        """An outcome as a phrase (or, ``short``, a column header)."""
        if self.scenario is None:
            return outcome if isinstance(outcome, str) else outcome.describe()
        return outcome_name(self.scenario, outcome, self.horizon, short=short)

    def number(self, path: str) -> str:
        """An uncertain number by its field path."""
        return path if self.scenario is None else field_name(self.scenario, path)

    def input(self, name: str) -> str:
        """A scenario-discovery input (a number, or a game changer's firing)."""
        return name if self.scenario is None else input_name(self.scenario, name)
