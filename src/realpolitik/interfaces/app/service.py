"""The app's work behind its web API: sessions, evaluations, exports and lever ranking.

:class:`WhatIfService` owns the unchanged scenario and its baseline results
(computed once), one :class:`~realpolitik.interfaces.app.state.WhatIf` per
browser tab (a bounded registry: the least recently used session is
forgotten first), a cache of results keyed by the changes (a tab that
reloads, or two tabs with the same changes, are not simulated twice), and
the background jobs.  It knows nothing of HTTP: the API module is a thin
front over it, and the tests drive it directly.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from realpolitik._version import __version__
from realpolitik.analysis.levers import (
    BASELINE,
    LeverOptions,
    evaluate_levers,
    resolve_lever_options,
)
from realpolitik.interfaces.app.jobs import Job, JobRegistry
from realpolitik.interfaces.app.numbers import FieldProblem
from realpolitik.interfaces.app.results import AppSettings, comparison, evaluate
from realpolitik.interfaces.app.state import BaseScenario, LeverChoice, WhatIf
from realpolitik.scenario.schema import Scenario
from realpolitik.simulation import simulate_ensemble

__all__ = ["DEFAULT_SESSIONS", "Session", "UnknownSession", "WhatIfService", "rank_levers"]

DEFAULT_SESSIONS = 32
"""Sessions kept at once; the least recently used is forgotten when a new one starts."""

CACHED_RESULTS = 64
"""Results kept for reuse, keyed by the changes that produced them."""


class UnknownSession(KeyError):
    """No session of that id: never started, or forgotten to make room for newer ones."""


@dataclass
class Session:
    """One browser tab's what-if."""

    id: str
    whatif: WhatIf
    lock: threading.Lock = field(default_factory=threading.Lock)


class WhatIfService:
    """Everything the web API does, without the web.

    Parameters
    ----------
    base
        The unchanged scenario.
    settings
        Draws, seed and engine of every ensemble.
    capacity
        Number of sessions kept at once.
    """

    def __init__(self, base: BaseScenario, settings: AppSettings | None = None,
                 capacity: int = DEFAULT_SESSIONS) -> None:
        self.base = base
        self.settings = settings or AppSettings()
        self.capacity = capacity
        self.jobs = JobRegistry()
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._comparisons: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.baseline = evaluate(base.scenario, self.settings)

    # ---- sessions ------------------------------------------------------------
    def new_session(self, copy_of: str | None = None) -> Session:
        """Start a session, empty or as a copy of another (a reloaded or duplicated tab)."""
        whatif = WhatIf(self.base)
        if copy_of:
            try:
                whatif = self.session(copy_of).whatif.copy()
            except UnknownSession:
                pass
        session = Session(uuid.uuid4().hex, whatif)
        with self._lock:
            self._sessions[session.id] = session
            while len(self._sessions) > self.capacity:
                self._sessions.popitem(last=False)
        return session

    def session(self, session_id: str) -> Session:
        """The session of that id (now the most recently used)."""
        with self._lock:
            if session_id not in self._sessions:
                raise UnknownSession(session_id)
            self._sessions.move_to_end(session_id)
            return self._sessions[session_id]

    def session_count(self) -> int:
        """Sessions currently kept."""
        return len(self._sessions)

    # ---- what the page shows ----------------------------------------------
    def form(self, session: Session) -> dict[str, Any]:
        """The scenario's editable numbers and levers, with this session's current values."""
        scenario = self.base.scenario
        whatif = session.whatif
        return {
            "session": session.id,
            "scenario": {"id": scenario.scenario.id, "title": scenario.scenario.title,
                         "question": scenario.scenario.question,
                         "as_of": scenario.scenario.as_of.isoformat(),
                         "description": scenario.scenario.description},
            "settings": {"draws": self.settings.draws, "seed": self.settings.seed,
                         "model": self.settings.model, "version": __version__},
            "groups": _groups(scenario),
            "numbers": [number.to_dict() for number in self.base.numbers.values()],
            "levers": [{"id": lever.id, "name": lever.name, "description": lever.description,
                        "actors": lever.actors,
                        "written_start": (lever.start or scenario.scenario.as_of).isoformat()}
                       for lever in scenario.levers],
            "values": _values(whatif),
        }

    def results(self, session: Session) -> dict[str, Any]:
        """Baseline beside what-if, and the list of changes."""
        whatif = session.whatif
        return {**self._compared(whatif), "changes": whatif.summary(),
                "values": _values(whatif), "draws": self.settings.draws}

    def _compared(self, whatif: WhatIf) -> dict[str, Any]:
        """The what-if's results beside the baseline's, from the cache when seen before.

        Only the JSON-ready comparison is kept, not the ensembles, so the
        cache stays small whatever the number of draws.
        """
        key = _key(whatif)
        with self._lock:
            cached = self._comparisons.get(key)
            if cached is not None:
                self._comparisons.move_to_end(key)
                return cached
        evaluation = (self.baseline if not whatif.changed()
                      else evaluate(whatif.scenario, self.settings, whatif.levers_on()))
        found = comparison(self.baseline, evaluation)
        with self._lock:
            self._comparisons[key] = found
            while len(self._comparisons) > CACHED_RESULTS:
                self._comparisons.popitem(last=False)
        return found

    # ---- changes -------------------------------------------------------------
    def change_number(self, session: Session, path: str, raw: Mapping[str, Any],
                      reset: bool = False) -> dict[str, Any]:
        """Change (or reset) one number and return the new results.

        Raises :class:`FieldProblem` when the models refuse the value; the
        session then keeps its earlier changes.
        """
        with session.lock:
            return self._attempt(session, path, lambda whatif: (
                whatif.reset_number(path) if reset else whatif.change_number(path, raw)))

    def set_lever(self, session: Session, lever_id: str, on: bool,
                  start: str | None) -> dict[str, Any]:
        """Switch a lever on or off, move its start, and return the new results."""
        with session.lock:
            return self._attempt(session, f"levers.{lever_id}",
                                 lambda whatif: whatif.set_lever(lever_id, on=on, start=start))

    def reset(self, session: Session) -> dict[str, Any]:
        """Drop every change of the session."""
        with session.lock:
            session.whatif.reset()
            return self.results(session)

    def _attempt(self, session: Session, field_name: str,
                 change: Callable[[WhatIf], object]) -> dict[str, Any]:
        """Apply a change on a copy, evaluate it, and keep it only if both succeed."""
        trial = session.whatif.copy()
        change(trial)
        try:
            self._compared(trial)
        except Exception as error:  # a value the engines cannot handle: refuse it, keep the rest
            raise FieldProblem(field_name, f"the models cannot run with this value "
                                           f"({type(error).__name__}: {error})") from None
        session.whatif = trial
        return self.results(session)

    # ---- export and long work ------------------------------------------------
    def export(self, session: Session) -> tuple[str, str]:
        """File name and YAML text of the session's what-if scenario."""
        name = f"{self.base.scenario.scenario.id}-what-if.yaml"
        return name, session.whatif.export_yaml()

    def start_ranking(self, session: Session) -> Job:
        """Rank the what-if's levers in the background (progress and cancel via the job)."""
        scenario = session.whatif.scenario
        return self.jobs.start("levers", session.id,
                               lambda job: rank_levers(scenario, self.settings, job))


def _key(whatif: WhatIf) -> Hashable:
    return (frozenset(whatif.changes.items()), frozenset(whatif.levers.items()))


def _values(whatif: WhatIf) -> dict[str, Any]:
    """The session's current numbers and levers, for the page to restore its inputs."""
    numbers = {path: change.form.numbers() for path, change in whatif.changes.items()}
    levers = {lever.id: {"on": whatif.levers.get(lever.id, LeverChoice()).on,
                         "start": whatif.lever_start(lever.id).isoformat()}
              for lever in whatif.base.scenario.levers}
    return {"numbers": numbers, "levers": levers}


def _groups(scenario: Scenario) -> list[dict[str, Any]]:
    """The page's sections of numbers, in order, with what each is about."""
    groups = [{"id": "actors", "title": "Actors' overall capability",
               "note": "Relative clout, any positive scale; used on every issue unless the "
                       "issue gives its own."}]
    for issue in scenario.issues:
        groups.append({"id": f"issue:{issue.id}", "title": issue.name, "issue": issue.id,
                       "note": f"0 = {issue.low}; 100 = {issue.high}. Horizon: {issue.horizon}."})
    if scenario.dynamics is not None and any(s.hazard is not None
                                             for s in scenario.dynamics.shocks):
        groups.append({"id": "shocks", "title": "Game changers: hazard per step",
                       "note": f"Probability that each fires in one {scenario.dynamics.step}."})
    for alliance in scenario.alliances:
        if alliance.shared_stakes:
            groups.append({"id": f"alliance:{alliance.id}",
                           "title": f"Shared stakes of {alliance.name}",
                           "note": "Weight of each common interest that binds the pair (0-1)."})
    return groups


# ---------------------------------------------------------------------------
# Lever ranking
# ---------------------------------------------------------------------------
def rank_levers(scenario: Scenario, settings: AppSettings, job: Job) -> dict[str, Any]:
    """Rank every lever and pair of levers on the scenario's objective, as the CLI does.

    Runs :func:`realpolitik.analysis.levers.evaluate_levers` on the what-if
    scenario; ``job`` receives progress, and its cancel flag is checked
    before every option's run.
    """
    if not scenario.levers:
        raise ValueError("the scenario declares no levers")
    options = resolve_lever_options(scenario, LeverOptions(
        outcomes=(), draws=settings.draws, seed=settings.seed, model=settings.model,
        pairs=True, delay_years=None))
    if options.objective is None:
        raise ValueError("the scenario watches no alliance, so levers have nothing to move")

    def simulate(*args: Any, **kwargs: Any) -> Any:
        job.check()
        return simulate_ensemble(*args, **kwargs)

    report = evaluate_levers(scenario, options, progress=job.report, simulate=simulate)
    rows = []
    for option in report.ranking:
        effect = report.objective_effect(option)
        rows.append({"option": option, "name": report.option_name(option),
                     "mean": effect.option_mean, "effect": effect.effect.mean,
                     "low": effect.effect.low, "high": effect.effect.high,
                     "clear": option != BASELINE and effect.effect.excludes_zero()})
    return {"objective": options.objective.describe(), "direction": report.direction,
            "draws": report.draws,
            "rows": rows, "least_mean_regret": report.option_name(report.least_mean_regret)}
