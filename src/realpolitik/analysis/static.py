"""The static forecast: how each issue settles and how cohesive each alliance is.

Runs the bargaining engines once on the point estimates of a scenario, then
measures each watched alliance's cohesion on the actors' stated positions
and on the positions they hold after bargaining (the Expected Utility
Model's final round).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from realpolitik.models.cohesion import Cohesion, alliance_cohesion
from realpolitik.models.eum import EUMResult
from realpolitik.models.registry import engine, engine_names
from realpolitik.scenario.arrays import StanceArrays, point_arrays
from realpolitik.scenario.schema import HORIZONS, Alliance, Scenario

MODEL_NAMES: tuple[str, ...] = engine_names()
"""Every engine's name, in the registry's order (the default of :func:`forecast_static`)."""


@dataclass(frozen=True)
class AllianceReading:
    """Cohesion of one watched alliance before and after bargaining."""

    alliance: Alliance
    stated: Cohesion
    bargained: Cohesion | None

    def by_horizon(self, horizons: Sequence[str], which: str = "stated") -> dict[str, float]:
        """Sum the issues' contributions to the score per time horizon.

        ``horizons`` gives each issue's horizon in the scenario's issue order;
        ``which`` is ``"stated"`` or ``"bargained"``.
        """
        cohesion = self.stated if which == "stated" else self.bargained
        if cohesion is None:
            return {}
        contributions = cohesion.issue_contributions[0]
        return {
            horizon: float(sum(c for c, h in zip(contributions, horizons, strict=True)
                               if h == horizon))
            for horizon in HORIZONS
        }


@dataclass(frozen=True)
class StaticForecast:
    """Everything ``realpolitik run`` reports for one scenario, without time."""

    scenario: Scenario
    arrays: StanceArrays
    forecasts: dict[str, np.ndarray]
    eum: EUMResult | None
    alliances: list[AllianceReading]
    runs: Mapping[str, Any] = field(default_factory=dict)
    """Full results of the engines that have one (e.g. ``runs["spatial"].trajectory``)."""

    def by_issue(self, model: str) -> dict[str, float]:
        """One engine's forecast, labelled: issue id -> settlement (0-100).

        ``forecasts[model]`` holds the same numbers as an array in the
        scenario's issue order.
        """
        if model not in self.forecasts:
            raise KeyError(f"no forecast by '{model}' (have: {', '.join(self.forecasts)})")
        return dict(zip(self.arrays.issue_ids, (float(v) for v in self.forecasts[model]),
                        strict=True))

    def to_frame(self):
        """The forecasts as a pandas DataFrame: one row per issue (indexed by its id).

        Columns: ``name``, ``horizon``, then one column per engine that ran.
        """
        import pandas as pd

        frame = pd.DataFrame({
            "name": [issue.name for issue in self.scenario.issues],
            "horizon": [issue.horizon for issue in self.scenario.issues],
            **{model: np.asarray(values, dtype=float) for model, values in self.forecasts.items()},
        }, index=pd.Index(self.arrays.issue_ids, name="issue"))
        return frame

    @property
    def final_positions(self) -> np.ndarray | None:
        """(N, K) positions after the Expected Utility Model's last round."""
        return None if self.eum is None else self.eum.trajectory[0, -1]

    @property
    def movement(self) -> np.ndarray | None:
        """(N, K) how far each actor moved while bargaining (0 where inactive)."""
        final = self.final_positions
        if final is None:
            return None
        return np.where(self.arrays.active, final - self.arrays.position, 0.0)


def forecast_static(
    scenario: Scenario,
    models: tuple[str, ...] = MODEL_NAMES,
    engine_options: Mapping[str, Any] | None = None,
) -> StaticForecast:
    """Run the chosen engines on the scenario's point estimates and read its alliances.

    Each engine of ``models`` (names from :mod:`realpolitik.models.registry`)
    forecasts every issue, in the registry's order; engines with a full result are run once for it,
    and the Expected Utility Model's final round gives the bargained
    positions on which alliances are read again. ``engine_options`` maps an
    engine's name to its options (e.g. ``{"eum": EUMOptions(...)}``).

    Raises
    ------
    ValueError
        If a name in ``models`` is not an engine's.
    """
    unknown = [name for name in models if name not in MODEL_NAMES]
    if unknown:
        raise ValueError(f"unknown model(s) {unknown}; choose from {list(MODEL_NAMES)}")
    arrays = point_arrays(scenario)
    outcomes = _run_engines([name for name in MODEL_NAMES if name in models], arrays.batch(),
                            dict(engine_options or {}))
    forecasts = {name: forecast for name, (forecast, _) in outcomes.items()}
    results = {name: result for name, (_, result) in outcomes.items() if result is not None}
    eum = results.get("eum")
    bargained = None if eum is None else eum.trajectory[:, -1]
    readings = [_read_alliance(scenario, arrays, alliance, bargained)
                for alliance in scenario.alliances]
    return StaticForecast(scenario, arrays, forecasts, eum, readings, results)


def _run_engines(
    names: list[str], inputs: tuple[np.ndarray, ...], options: Mapping[str, Any]
) -> dict[str, tuple[np.ndarray, Any]]:
    """Each engine's forecast (K,) and full result (None if it has none), in ``names``' order.

    The first engine that spreads its work over the cores (the registry's
    ``spreads_over_cores``) runs in this thread, where it may use every core;
    the others run one after another beside it, in one background thread,
    each on one core there. Every engine computes the same bits on any
    thread, so the results do not depend on this; only the time does (on a
    large scenario the Expected Utility Model and the spatial model then
    bargain at once).
    """

    def outcome(name: str) -> tuple[np.ndarray, Any]:
        chosen = engine(name)
        if chosen.run is None:
            return chosen.settle(*inputs, options=options.get(name))[0], None
        result = chosen.run(*inputs, options=options.get(name))
        return result.forecast[0], result

    def in_turn(chosen: list[str]) -> dict[str, tuple[np.ndarray, Any]]:
        return {name: outcome(name) for name in chosen}

    main = next((name for name in names if engine(name).spreads_over_cores), None)
    others = [name for name in names if name != main]
    if main is None or not others:
        return in_turn(names)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="engines") as pool:
        beside = pool.submit(in_turn, others)
        done = {main: outcome(main), **beside.result()}
    return {name: done[name] for name in names}


def _read_alliance(
    scenario: Scenario, arrays: StanceArrays, alliance: Alliance, bargained: np.ndarray | None
) -> AllianceReading:
    a, b = (arrays.actor_ids.index(member) for member in alliance.members)
    stakes = np.array([[stake.weight.point for stake in alliance.shared_stakes]])

    def measure(positions: np.ndarray) -> Cohesion:
        return alliance_cohesion(
            positions[None, a], positions[None, b],
            arrays.salience[None, a], arrays.salience[None, b],
            active_a=arrays.active[None, a], active_b=arrays.active[None, b],
            stake_weights=stakes,
        )

    stated = measure(arrays.position)
    after = None if bargained is None else measure(bargained[0])
    return AllianceReading(alliance, stated, after)
