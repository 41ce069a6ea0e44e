"""The what-if web app behind ``realpolitik serve``: move a number, see what changes.

An analyst opens a scenario in the browser, changes any actor's position,
salience or capability, a game changer's hazard, a shared stake's weight,
switches levers on or moves their start, and sees the forecasts, the
cohesion and the survival of the watched alliances of the what-if beside
those of the unchanged scenario.  The changed scenario downloads as YAML
that keeps all the evidence and marks each changed number.

Modules, from the inside out:

* :mod:`~realpolitik.interfaces.app.numbers`: numbers and their changes on
  the scenario's raw data;
* :mod:`~realpolitik.interfaces.app.state`: one analyst's what-if, validated
  through the scenario's own models, and its YAML export;
* :mod:`~realpolitik.interfaces.app.results`, ``headline``, ``svg``: what
  the page shows (static forecast, ensemble, survival charts);
* :mod:`~realpolitik.interfaces.app.service` and ``jobs``: sessions (one per
  browser tab), cached evaluations, background lever ranking;
* :mod:`~realpolitik.interfaces.app.api`, ``page`` and ``server``: the
  FastAPI front, the hand-written page, the uvicorn server (these need the
  optional extra: ``pip install "realpolitik[app]"``).

Nothing here computes what a lower layer owns: it calls
:func:`~realpolitik.analysis.static.forecast_static`,
:func:`~realpolitik.simulation.simulate_ensemble` and
:func:`~realpolitik.analysis.levers.evaluate_levers`.

The package imports its modules only when one of its names is first used
(PEP 562), so that ``realpolitik serve --help`` reads the app's defaults
(:mod:`~realpolitik.interfaces.app.settings`) without loading the app.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from realpolitik.interfaces.app.service import WhatIfService
    from realpolitik.interfaces.app.settings import DEFAULT_DRAWS, AppSettings
    from realpolitik.interfaces.app.state import BaseScenario, WhatIf

_HOMES = {
    "DEFAULT_DRAWS": "realpolitik.interfaces.app.settings",
    "AppSettings": "realpolitik.interfaces.app.settings",
    "BaseScenario": "realpolitik.interfaces.app.state",
    "WhatIf": "realpolitik.interfaces.app.state",
    "WhatIfService": "realpolitik.interfaces.app.service",
}
"""The module each public name lives in."""

__all__ = ["DEFAULT_DRAWS", "AppSettings", "BaseScenario", "WhatIf", "WhatIfService"]


def __getattr__(name: str) -> object:
    """Import a public name from its module on first use and keep it in the namespace."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'realpolitik.interfaces.app' has no attribute '{name}'")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
