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
"""

from realpolitik.interfaces.app.results import DEFAULT_DRAWS, AppSettings
from realpolitik.interfaces.app.service import WhatIfService
from realpolitik.interfaces.app.state import BaseScenario, WhatIf

__all__ = ["DEFAULT_DRAWS", "AppSettings", "BaseScenario", "WhatIf", "WhatIfService"]
