"""The outcome of an ensemble: paths per draw, summaries, and Parquet files with a manifest."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar

import numpy as np

from realpolitik.simulation.mixture import MIXTURE
from realpolitik.simulation.rupture import RuptureRecord, draw_values, rupture_paths

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Band", "EnsembleResult", "wilson_band"]

Z_95 = 1.959963984540054
"""Standard normal quantile of 0.975 (two-sided 95% interval)."""

DRAWS_PER_FILE = 10_000
"""Draws written per Parquet file, so that no file needs the whole ensemble in memory."""

MANIFEST = "manifest.json"

T = TypeVar("T")

RUPTURE_FILE = "rupture.json"
"""Beside the manifest: each alliance's rupture rule, for survival at other thresholds."""



class Band(NamedTuple):
    """A proportion over time with its 95% interval, each of shape (T + 1,)."""

    estimate: np.ndarray
    low: np.ndarray
    high: np.ndarray


def wilson_band(successes: np.ndarray, trials: int, z: float = Z_95) -> Band:
    """Proportion ``successes / trials`` with its Wilson score interval.

    The Wilson interval (Wilson 1927, *JASA* 22:209-212) stays inside [0, 1]
    and keeps a sensible width when the proportion is 0 or 1, which
    survival curves reach often.
    """
    if trials < 1:
        raise ValueError("a proportion needs at least one trial")
    p = np.asarray(successes, dtype=float) / trials
    z2n = z * z / trials
    centre = (p + z2n / 2) / (1 + z2n)
    half = z * np.sqrt(p * (1 - p) / trials + z2n / (4 * trials)) / (1 + z2n)
    low = np.clip(np.minimum(centre - half, p), 0.0, 1.0)  # contains p, even after rounding
    high = np.clip(np.maximum(centre + half, p), 0.0, 1.0)
    return Band(p, low, high)


@dataclass(frozen=True)
class EnsembleResult:
    """Simulated paths of every draw; arrays have draws on axis 0 and the T + 1 steps on axis 1.

    Attributes
    ----------
    dates
        The T + 1 step dates, the scenario's ``as_of`` first.
    settlement
        Issue id -> (D, T + 1) forecast settlement of the issue at each step.
    cohesion
        Alliance id -> (D, T + 1) S-score counting shared stakes.
    ruptured
        Alliance id -> (D, T + 1) bool, True from the step of rupture on.
    shock_fired
        Shock id -> (D, T + 1) bool, True from the firing step on.
    parameters
        Name -> (D,) sampled (or overridden) value of each uncertain number.
    issue_cohesion
        Alliance id -> (D, T + 1) S-score on the contested issues alone.
    levers
        Ids of the levers applied on top of the scenario.
    engine
        (D,) name of the engine each draw bargained with (``model`` for
        every draw unless ``model`` is ``"mixture"``).
    engine_weights
        Engine -> normalised weight of a mixture (empty otherwise).
    rupture
        Alliance id -> the rule it was simulated with, as
        :meth:`survival_by_threshold` needs it.
    shock_count
        Shock id -> (D, T + 1) int, the firings so far at each step (0 or 1
        for a shock that fires once; filled from ``shock_fired`` when not
        given).
    shock_hazard
        Mechanism shock id (a ``hazard_factor`` or ``recurring``) -> (D, T + 1)
        hazard it fired with at each step; NaN at step 0.
    """

    dates: list[dt.date]
    settlement: dict[str, np.ndarray]
    cohesion: dict[str, np.ndarray]
    ruptured: dict[str, np.ndarray]
    shock_fired: dict[str, np.ndarray]
    parameters: dict[str, np.ndarray]
    seed: int
    draws: int
    model: str
    scenario_id: str
    scenario_hash: str
    version: str
    issue_cohesion: dict[str, np.ndarray] = field(default_factory=dict)
    levers: tuple[str, ...] = ()
    engine: np.ndarray | None = None
    engine_weights: dict[str, float] = field(default_factory=dict)
    rupture: dict[str, RuptureRecord] = field(default_factory=dict)
    shock_count: dict[str, np.ndarray] = field(default_factory=dict)
    shock_hazard: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.engine is None:
            object.__setattr__(self, "engine", np.full(self.draws, self.model))
        if any(shock not in self.shock_count for shock in self.shock_fired):
            counts = {shock: self.shock_count.get(shock, np.asarray(fired).astype(np.int64))
                      for shock, fired in self.shock_fired.items()}
            object.__setattr__(self, "shock_count", counts)

    # ---- summaries --------------------------------------------------------
    def survival(self, alliance_id: str) -> Band:
        """Fraction of draws in which the alliance still holds at each step, with a 95% band."""
        ruptured = self._lookup(self.ruptured, alliance_id, "alliance")
        return wilson_band((~ruptured).sum(axis=0), self.draws)

    def fired_probability(self, shock_id: str) -> Band:
        """Fraction of draws in which the shock has fired by each step, with a 95% band."""
        fired = self._lookup(self.shock_fired, shock_id, "shock")
        return wilson_band(fired.sum(axis=0), self.draws)

    def quantiles(self, issue_id: str, qs: tuple[float, ...] | list[float]) -> np.ndarray:
        """Quantiles ``qs`` of an issue's settlement at each step, shape (len(qs), T + 1)."""
        settlement = self._lookup(self.settlement, issue_id, "issue")
        return np.quantile(settlement, np.asarray(qs, dtype=float), axis=0)

    def step_at(self, years: float) -> int | None:
        """Last step dated on or before ``years`` after as_of; None beyond the horizon."""
        limit = _add_years(self.dates[0], years)
        if limit > self.dates[-1]:
            return None
        return max(t for t, date in enumerate(self.dates) if date <= limit)

    @property
    def bargained_by(self) -> str:
        """Which engine bargained the futures, in words: one, or a mixture with its weights."""
        from realpolitik.models.registry import engine_label

        if self.model != MIXTURE:
            return f"the {engine_label(self.model)} engine"
        shares = ", ".join(f"{engine_label(name)} {weight:.0%}"
                           for name, weight in self.engine_weights.items() if weight > 0)
        return f"a mixture of engines, one per future ({shares})"

    def holding_at(self, alliance_id: str, years: float) -> float:
        """Share of draws in which the alliance holds ``years`` after as_of (NaN beyond)."""
        step = self.step_at(years)
        if step is None:
            return float("nan")
        return float(self.survival(alliance_id).estimate[step])

    def survival_by_threshold(
        self, alliance_id: str, thresholds: Sequence[float] | np.ndarray, years: float
    ) -> Band:
        """Share of draws in which the alliance holds ``years`` after as_of, per threshold.

        Recomputed from the stored cohesion paths with the alliance's rule
        (metric, comparison, each draw's step count, events) and each
        threshold in turn instead of the rule's own: the rule's own threshold
        gives :meth:`holding_at`.  Returns a Wilson band, each array of shape
        ``(len(thresholds),)``.

        Raises
        ------
        KeyError
            For an alliance the result does not hold or whose rule it lacks.
        ValueError
            For ``years`` beyond the horizon.
        """
        step = self._step_within(years)
        record = self._lookup(self.rupture, alliance_id, "rupture rule of alliance")
        table = self.cohesion if record.metric == "cohesion" else self.issue_cohesion
        metric = self._lookup(table, alliance_id, "alliance")[:, : step + 1]
        _, steps = draw_values(record, self.parameters, slice(None))
        events = None
        if record.events:
            events = np.any([self.shock_fired[e][:, : step + 1] for e in record.events], axis=0)
        holding = [
            int((~rupture_paths(metric, record.comparison, float(threshold), steps, events)
                 [:, step]).sum())
            for threshold in np.asarray(thresholds, dtype=float)
        ]  # fmt: skip
        return wilson_band(np.array(holding), self.draws)

    def survival_by_engine(self, alliance_id: str, years: float) -> dict[str, Band]:
        """Share of draws in which the alliance holds ``years`` after as_of, by engine drawn.

        Each band (0-d arrays) counts the draws that bargained with that
        engine; engines in the order of the mixture's weights.
        """
        step = self._step_within(years)
        holding = ~self._lookup(self.ruptured, alliance_id, "alliance")[:, step]
        names = list(self.engine_weights) or [self.model]
        bands = {}
        engines = (np.full(self.draws, self.model) if self.engine is None
                   else np.asarray(self.engine))
        for name in names:
            rows = engines == name
            if rows.any():
                bands[name] = wilson_band(np.asarray(holding[rows].sum()), int(rows.sum()))
        return bands

    def _step_within(self, years: float) -> int:
        step = self.step_at(years)
        if step is None:
            raise ValueError(f"{years:g} years lies beyond the horizon ({self.dates[-1]})")
        return step

    @staticmethod
    def _lookup(table: dict[str, T], key: str, kind: str) -> T:
        if key not in table:
            known = ", ".join(table) or "none"
            raise KeyError(f"no {kind} '{key}' in this result (known: {known})")
        return table[key]

    # ---- files ------------------------------------------------------------
    def manifest(self) -> dict:
        """What made this result: seed, draws, model, scenario and its hash, version, dates.

        A mixture's manifest also gives its ``engine_weights``.
        """
        mixture = {"engine_weights": self.engine_weights} if self.model == MIXTURE else {}
        return {
            "seed": self.seed,
            "draws": self.draws,
            "model": self.model,
            "scenario_id": self.scenario_id,
            "scenario_hash": self.scenario_hash,
            "version": self.version,
            "levers": list(self.levers),
            "dates": [date.isoformat() for date in self.dates],
            "issues": list(self.settlement),
            "alliances": list(self.cohesion),
            "shocks": list(self.shock_fired),
            "parameters": list(self.parameters),
            **mixture,
            **({"mechanism_shocks": list(self.shock_hazard)} if self.shock_hazard else {}),
        }

    def to_frame(self, start: int = 0, stop: int | None = None) -> pd.DataFrame:
        """Return draws ``start`` to ``stop - 1`` as a long pandas DataFrame, one row per draw-step.

        Columns: ``draw``, ``step``, ``date``, (for a mixture) ``engine``,
        then ``settlement.<issue>``, ``cohesion.<alliance>``,
        ``issue_cohesion.<alliance>``, ``ruptured.<alliance>`` and
        ``shock_fired.<shock>``, then for each mechanism shock (those of
        ``shock_hazard``) ``shock_count.<shock>`` and ``shock_hazard.<shock>``.
        The counts of the other shocks are their ``shock_fired`` (they fire
        once), so they are not written: a scenario without mechanisms keeps
        the columns it always had.
        """
        import pandas as pd

        stop = self.draws if stop is None else min(stop, self.draws)
        steps = len(self.dates)
        columns: dict[str, np.ndarray] = {
            "draw": np.repeat(np.arange(start, stop), steps),
            "step": np.tile(np.arange(steps), stop - start),
            "date": np.tile(np.array(self.dates, dtype="datetime64[D]"), stop - start),
        }
        if self.model == MIXTURE and self.engine is not None:
            columns["engine"] = np.repeat(self.engine[start:stop].astype(str), steps)
        for prefix, table in self._tables():
            for key, array in table.items():
                columns[f"{prefix}.{key}"] = array[start:stop].reshape(-1)
        return pd.DataFrame(columns)

    def _tables(self) -> list[tuple[str, dict[str, np.ndarray]]]:
        mechanisms = list(self.shock_hazard)
        return [
            ("settlement", self.settlement),
            ("cohesion", self.cohesion),
            ("issue_cohesion", self.issue_cohesion),
            ("ruptured", self.ruptured),
            ("shock_fired", self.shock_fired),
            ("shock_count", {shock: self.shock_count[shock] for shock in mechanisms}),
            ("shock_hazard", self.shock_hazard),
        ]

    def to_parquet(self, directory: str | Path) -> Path:
        """Write the result to ``directory``: Parquet files of draws, parameters and a manifest.

        Paths go to ``paths-00000.parquet``, ... (:data:`DRAWS_PER_FILE`
        draws each, long format as :meth:`to_frame`), sampled parameters to
        ``parameters.parquet`` (one row per draw), ``manifest.json``
        records seed, draws, model, scenario hash, version and the files, and
        ``rupture.json`` each alliance's rupture rule.  Returns the directory.
        """
        import pandas as pd

        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        files = []
        for number, start in enumerate(range(0, self.draws, DRAWS_PER_FILE)):
            name = f"paths-{number:05d}.parquet"
            self.to_frame(start, start + DRAWS_PER_FILE).to_parquet(folder / name, index=False)
            files.append(name)
        parameters = pd.DataFrame({"draw": np.arange(self.draws), **self.parameters})
        parameters.to_parquet(folder / "parameters.parquet", index=False)
        manifest = {**self.manifest(), "files": files, "parameter_file": "parameters.parquet"}
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        rules = {alliance: record.to_json() for alliance, record in self.rupture.items()}
        (folder / RUPTURE_FILE).write_text(json.dumps(rules, indent=2), encoding="utf-8")
        return folder

    @classmethod
    def from_parquet(cls, directory: str | Path) -> EnsembleResult:
        """Reopen a result written by :meth:`to_parquet`."""
        import pandas as pd

        folder = Path(directory)
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        frame = pd.concat([pd.read_parquet(folder / name) for name in manifest["files"]])
        steps = len(manifest["dates"])

        def table(prefix: str, keys: list[str]) -> dict[str, np.ndarray]:
            return {
                key: frame[f"{prefix}.{key}"].to_numpy().reshape(manifest["draws"], steps)
                for key in keys
            }

        parameters = pd.read_parquet(folder / manifest["parameter_file"])
        engine = None
        if "engine" in frame:
            engine = frame["engine"].to_numpy().reshape(manifest["draws"], steps)[:, 0]
        mechanisms = manifest.get("mechanism_shocks", [])
        fired = table("shock_fired", manifest["shocks"])
        counts = {shock: array.astype(np.int64) for shock, array in fired.items()}
        counts.update({shock: array.astype(np.int64) for shock, array in
                       table("shock_count", mechanisms).items()})
        rules = {}
        if (folder / RUPTURE_FILE).exists():
            rules = json.loads((folder / RUPTURE_FILE).read_text(encoding="utf-8"))
        return cls(
            dates=[dt.date.fromisoformat(text) for text in manifest["dates"]],
            settlement=table("settlement", manifest["issues"]),
            cohesion=table("cohesion", manifest["alliances"]),
            ruptured=table("ruptured", manifest["alliances"]),
            shock_fired=fired,
            parameters={name: parameters[name].to_numpy() for name in manifest["parameters"]},
            seed=manifest["seed"],
            draws=manifest["draws"],
            model=manifest["model"],
            scenario_id=manifest["scenario_id"],
            scenario_hash=manifest["scenario_hash"],
            version=manifest["version"],
            issue_cohesion=table("issue_cohesion", manifest["alliances"]),
            levers=tuple(manifest["levers"]),
            engine=None if engine is None else engine.astype(str),
            engine_weights=manifest.get("engine_weights", {}),
            rupture={alliance: RuptureRecord.from_json(rule) for alliance, rule in rules.items()},
            shock_count=counts,
            shock_hazard=table("shock_hazard", mechanisms),
        )


def _add_years(date: dt.date, years: float) -> dt.date:
    from realpolitik.simulation.clock import add_months

    return add_months(date, round(years * 12))
