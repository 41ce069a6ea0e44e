"""The outcome of an ensemble: paths per draw, summaries, and Parquet files with a manifest."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar

import numpy as np

from realpolitik.simulation.mixture import MIXTURE
from realpolitik.simulation.rupture import RuptureRecord, draw_values, rupture_paths

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Band", "ChunkWriter", "EnsembleResult", "keyed_arrays", "path_columns",
           "read_survival", "step_within", "wilson_band"]

Z_95 = 1.959963984540054
"""Standard normal quantile of 0.975 (two-sided 95% interval)."""

DRAWS_PER_FILE = 10_000
"""Draws written per Parquet file, so that no file needs the whole ensemble in memory."""

MANIFEST = "manifest.json"

T = TypeVar("T")

RUPTURE_FILE = "rupture.json"
"""Beside the manifest: each alliance's rupture rule, for survival at other thresholds."""

PATH_ORDER = ("settlement", "cohesion", "issue_cohesion", "ruptured", "shock_fired")
"""The path tables every result has, in the order of their columns in the Parquet files.

Any other table a chunk gains (an array field of the chunk, (n, T + 1, X)
for paths or (n, X) for one value per draw) follows these, in field order.
"""

KEYED_BY = {"settlement": "issues", "cohesion": "alliances", "issue_cohesion": "alliances",
            "ruptured": "alliances", "shock_fired": "shocks", "shock_count": "shocks",
            "shock_hazard": "mechanisms", "lever_start": "waiting_levers"}
"""Which ids label the last axis of a chunk's array, by field name.

A field not listed here is labelled by the one id list whose length equals
its last axis; when two lists are as long, a field whose name speaks of a
shock (``shock``, ``fired``, ``hazard``), an alliance (``alliance``,
``cohesion``, ``ruptur``) or an issue (``issue``, ``settle``) is labelled
by that list (:func:`keyed_arrays`).
"""

FILE_KEYS_OF = {"shock_count": "shock_hazard"}
"""Tables whose files hold only the ids of another table.

A shock's firing count is written only for the mechanism shocks (those of
``shock_hazard``): the others fire once, so their count is their
``shock_fired`` and a scenario without mechanisms keeps the columns it
always had.
"""

READ_BY_NAME = ("shock_count", "shock_hazard")
"""Tables :meth:`EnsembleResult.from_parquet` reads by the manifest's ids (others by columns)."""

_NAME_HINTS = {"shocks": ("shock", "fired", "hazard"),
               "alliances": ("alliance", "cohesion", "ruptur"),
               "issues": ("issue", "settle")}


class _Summary(Protocol):
    """Summaries streamed over every draw of an ensemble that keeps a sample of them."""

    draws: int

    def survival(self, alliance_id: str) -> Band: ...

    def fired_probability(self, shock_id: str) -> Band: ...

    def quantiles(self, issue_id: str, qs: Sequence[float]) -> np.ndarray: ...


def _ids_of(name: str, width: int, ids: Mapping[str, Sequence[str]]) -> str:
    """Which id list labels the last axis (of length ``width``) of the chunk field ``name``."""
    if name in KEYED_BY:
        return KEYED_BY[name]
    fits = [kind for kind, keys in ids.items() if len(keys) == width]
    hinted = [kind for kind in fits if any(word in name for word in _NAME_HINTS.get(kind, ()))]
    if len(fits) == 1 or len(hinted) == 1:
        return fits[0] if len(fits) == 1 else hinted[0]
    raise ValueError(f"cannot tell which ids label the last axis of chunk field '{name}' "
                     f"(length {width}); name it in KEYED_BY")


def keyed_arrays(chunk: Any, ids: Mapping[str, Sequence[str]]) -> dict[str, dict[str, np.ndarray]]:
    """Every array field of a chunk of draws, split by the ids of its last axis.

    ``chunk`` is a dataclass whose array fields have the draws on axis 0:
    (n, T + 1, X) paths give ``{field: {id: (n, T + 1)}}``, (n, X) per-draw
    values give ``{field: {id: (n,)}}``; one-dimensional fields (the engine
    of each draw) are left out.  ``ids`` maps ``issues``, ``alliances`` and
    ``shocks`` to their ids.  This is the one place where a chunk's arrays
    become tables: the ensemble's arrays, its Parquet files and the streamed
    summaries all read them from here, so an array added to the chunk flows
    through to all of them.
    """
    tables: dict[str, dict[str, np.ndarray]] = {}
    for item in fields(chunk):
        array = getattr(chunk, item.name)
        if not isinstance(array, np.ndarray) or array.ndim < 2:
            continue
        keys = ids[_ids_of(item.name, array.shape[-1], ids)]
        tables[item.name] = {key: array[..., index] for index, key in enumerate(keys)}
    return dict(sorted(tables.items(), key=lambda pair: _table_rank(pair[0])))


def _table_rank(name: str) -> int:
    return PATH_ORDER.index(name) if name in PATH_ORDER else len(PATH_ORDER)


def file_tables(tables: Mapping[str, Mapping[str, np.ndarray]]
                ) -> dict[str, dict[str, np.ndarray]]:  # fmt: skip
    """The tables as the files hold them: those of :data:`FILE_KEYS_OF` cut to the other's ids."""
    return {name: {key: array for key, array in table.items()
                   if name not in FILE_KEYS_OF or key in tables.get(FILE_KEYS_OF[name], {})}
            for name, table in tables.items()}


def path_columns(tables: Mapping[str, Mapping[str, np.ndarray]], dates: Sequence[dt.date],
                 first_draw: int, engine: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The long-format columns of some draws: one row per draw and step.

    ``tables`` maps each path table to ``{id: (n, T + 1)}`` for draws
    ``first_draw`` to ``first_draw + n - 1``; columns are ``draw``, ``step``,
    ``date``, ``engine`` (when given, as text) and ``<table>.<id>``.  Both
    :meth:`EnsembleResult.to_frame` and :class:`ChunkWriter` build their
    rows here, so the files of an ensemble written at once and those
    written chunk by chunk hold the same columns.
    """
    steps = len(dates)
    count = next((len(array) for table in tables.values() for array in table.values()), 0)
    columns: dict[str, np.ndarray] = {
        "draw": np.repeat(np.arange(first_draw, first_draw + count), steps),
        "step": np.tile(np.arange(steps), count),
        "date": np.tile(np.array(dates, dtype="datetime64[D]"), count),
    }
    if engine is not None:
        columns["engine"] = np.repeat(np.asarray(engine).astype(str), steps)
    for prefix, table in tables.items():
        for key, array in table.items():
            if np.ndim(array) == 2:
                columns[f"{prefix}.{key}"] = np.asarray(array).reshape(-1)
    return columns



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
    summary
        None for an ensemble held whole.  A streamed ensemble
        (:func:`realpolitik.simulation.ensemble.stream_ensemble`) keeps only
        its first draws as arrays (``draws`` of them) and here the summaries
        of every draw (:class:`realpolitik.simulation.streaming.EnsembleSummary`):
        :meth:`survival`, :meth:`fired_probability`, :meth:`quantiles` and
        :meth:`holding_at` then answer for all :attr:`futures`.
    shock_count
        Shock id -> (D, T + 1) int, the firings so far at each step (0 or 1
        for a shock that fires once; filled from ``shock_fired`` when not
        given).
    shock_hazard
        Mechanism shock id (a ``hazard_factor`` or ``recurring``) -> (D, T + 1)
        hazard it fired with at each step; NaN at step 0.
    lever_start
        Id of each applied lever with ``when`` -> (D,) int, the step at which
        it started in each draw (-1: its condition never held by the
        horizon); empty when no applied lever waits, so the files of such a
        run hold no column for it.
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
    lever_start: dict[str, np.ndarray] = field(default_factory=dict)
    summary: _Summary | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.engine is None:
            object.__setattr__(self, "engine", np.full(self.draws, self.model))
        if any(shock not in self.shock_count for shock in self.shock_fired):
            counts = {shock: self.shock_count.get(shock, np.asarray(fired).astype(np.int64))
                      for shock, fired in self.shock_fired.items()}
            object.__setattr__(self, "shock_count", counts)

    # ---- summaries --------------------------------------------------------
    @property
    def futures(self) -> int:
        """How many draws the summaries count: all of a streamed ensemble, else ``draws``."""
        return self.draws if self.summary is None else self.summary.draws

    def survival(self, alliance_id: str) -> Band:
        """Fraction of draws in which the alliance still holds at each step, with a 95% band."""
        ruptured = self._lookup(self.ruptured, alliance_id, "alliance")
        if self.summary is not None:
            return self.summary.survival(alliance_id)
        return wilson_band((~ruptured).sum(axis=0), self.draws)

    def fired_probability(self, shock_id: str) -> Band:
        """Fraction of draws in which the shock has fired by each step, with a 95% band."""
        fired = self._lookup(self.shock_fired, shock_id, "shock")
        if self.summary is not None:
            return self.summary.fired_probability(shock_id)
        return wilson_band(fired.sum(axis=0), self.draws)

    def quantiles(self, issue_id: str, qs: tuple[float, ...] | list[float]) -> np.ndarray:
        """Quantiles ``qs`` of an issue's settlement at each step, shape (len(qs), T + 1).

        A streamed ensemble's quantiles come from its summary's histogram
        (0.01 points wide; see :mod:`realpolitik.simulation.streaming`).
        """
        settlement = self._lookup(self.settlement, issue_id, "issue")
        if self.summary is not None:
            return self.summary.quantiles(issue_id, qs)
        return np.quantile(settlement, np.asarray(qs, dtype=float), axis=0)

    def step_at(self, years: float) -> int | None:
        """Last step dated on or before ``years`` after as_of; None beyond the horizon."""
        return step_within(self.dates, years)

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
        engine = None
        if self.model == MIXTURE and self.engine is not None:
            engine = self.engine[start:stop]
        tables = {prefix: {key: array[start:stop] for key, array in table.items()}
                  for prefix, table in self._tables()}
        return pd.DataFrame(path_columns(tables, self.dates, start, engine))

    def _tables(self) -> list[tuple[str, dict[str, np.ndarray]]]:
        """Each table of arrays keyed by id as the files hold it (:func:`file_tables`).

        The paths of :data:`PATH_ORDER`, then any other field holding
        ``{id: array}`` with the draws on axis 0 ((D, T + 1) paths or (D,)
        values per draw), the parameters aside, in field order.
        """
        found = {name: getattr(self, name) for name in PATH_ORDER}
        for item in fields(self):
            table = getattr(self, item.name)
            if item.name in PATH_ORDER or item.name == "parameters" or not isinstance(
                    table, dict) or not table:
                continue
            if all(isinstance(array, np.ndarray) and array.ndim in (1, 2)
                   and len(array) == self.draws for array in table.values()):
                found[item.name] = table
        return list(file_tables(found).items())

    def _per_draw(self) -> dict[str, np.ndarray]:
        """Columns ``<table>.<id>`` of the (D,) tables other than the parameters."""
        return {f"{prefix}.{key}": array for prefix, table in self._tables()
                for key, array in table.items() if array.ndim == 1}

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
        parameters = pd.DataFrame({"draw": np.arange(self.draws), **self.parameters,
                                   **self._per_draw()})
        parameters.to_parquet(folder / "parameters.parquet", index=False)
        self._write_manifest(folder, files, self.draws)
        return folder

    def _write_manifest(self, folder: Path, files: list[str], draws: int) -> None:
        """Write ``manifest.json`` (for ``draws`` draws in ``files``) and ``rupture.json``."""
        manifest = {**self.manifest(), "draws": draws, "files": files,
                    "parameter_file": "parameters.parquet"}
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        rules = {alliance: record.to_json() for alliance, record in self.rupture.items()}
        (folder / RUPTURE_FILE).write_text(json.dumps(rules, indent=2), encoding="utf-8")

    @classmethod
    def from_parquet(cls, directory: str | Path, *, tables: Sequence[str] | None = None,
                     draws: int | None = None) -> EnsembleResult:
        """Reopen a result written by :meth:`to_parquet` (or streamed by :class:`ChunkWriter`).

        Lazily, when asked: ``tables`` names the path tables to read (e.g.
        ``["ruptured"]``; the others come back empty) and ``draws`` reads
        only the first draws (row groups beyond them are skipped), so a
        large ensemble's files can be opened in part.
        """
        import pandas as pd

        folder = Path(directory)
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        wanted = None if tables is None else set(tables)
        count = manifest["draws"] if draws is None else min(int(draws), manifest["draws"])
        frame = pd.concat([_read_part(folder / name, wanted, count)
                           for name in manifest["files"]])
        steps = len(manifest["dates"])

        def table(prefix: str, keys: list[str]) -> dict[str, np.ndarray]:
            if wanted is not None and prefix not in wanted:
                return {}
            return {
                key: frame[f"{prefix}.{key}"].to_numpy().reshape(count, steps)
                for key in keys
            }

        parameters = _read_part(folder / manifest["parameter_file"], None, count)
        manifest["draws"] = count
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
            **_other_tables(frame, parameters.drop(columns=manifest["parameters"]),
                            manifest["draws"], steps, wanted),
        )


def _read_part(path: Path, tables: set[str] | None, draws: int) -> pd.DataFrame:
    """A Parquet file's rows for the first ``draws`` draws, only the columns of ``tables``.

    ``tables`` None reads every column; the ``draw``, ``step``, ``date`` and
    ``engine`` columns are always read.
    """
    import pyarrow.parquet as pq

    source = pq.ParquetFile(path)
    names = source.schema_arrow.names
    columns = [name for name in names if tables is None or "." not in name
               or name.partition(".")[0] in tables]
    return pq.read_table(path, columns=columns, filters=[("draw", "<", draws)]).to_pandas()


def _other_tables(frame: pd.DataFrame, parameters: pd.DataFrame, draws: int,
                  steps: int, wanted: set[str] | None) -> dict[str, Any]:
    """The tables beyond :data:`PATH_ORDER` that a result's files hold, by their columns.

    A column ``<table>.<id>`` of the paths files is a (D, T + 1) path, one of
    the parameter file (its parameters left out) a (D,) value, when
    ``<table>`` is a field of :class:`EnsembleResult` that holds arrays by id.
    """
    names = {item.name for item in fields(EnsembleResult)
             if str(item.type) == "dict[str, np.ndarray]"
             and (wanted is None or item.name in wanted)} - {*PATH_ORDER, "parameters",
                                                             *READ_BY_NAME}
    found: dict[str, Any] = {}
    for source, shape in ((frame, (draws, steps)), (parameters, (draws,))):
        for column in source.columns:
            prefix, dot, key = str(column).partition(".")
            if dot and prefix in names:
                found.setdefault(prefix, {})[key] = source[column].to_numpy().reshape(shape)
    return found


class ChunkWriter:
    """Write an ensemble's files chunk by chunk, as :meth:`EnsembleResult.to_parquet` lays them out.

    One Parquet file per table (``paths-00000.parquet``: every draw's paths,
    long format; ``parameters.parquet``: one row per draw), each chunk a row
    group, written as it arrives: nothing of the ensemble stays in memory.
    :meth:`close` then writes ``manifest.json`` and ``rupture.json`` from a
    result holding the ensemble's first draws (the manifest counts all of
    them).  :meth:`EnsembleResult.from_parquet` reads the folder back; the
    chunks must arrive in the order of their draws.
    """

    PATHS = "paths-00000.parquet"
    PARAMETERS = "parameters.parquet"

    def __init__(self, directory: str | Path, dates: Sequence[dt.date], *,
                 mixture: bool) -> None:
        self.folder = Path(directory)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.dates, self.mixture = list(dates), mixture
        self.writers: dict[str, Any] = {}
        self.draws = 0

    def write(self, first_draw: int, tables: Mapping[str, Mapping[str, np.ndarray]],
              parameters: Mapping[str, np.ndarray], engine: np.ndarray | None) -> None:
        """Append the draws from ``first_draw`` on: their tables (as :func:`keyed_arrays`)."""
        if first_draw != self.draws:
            raise ValueError(f"chunks must arrive in order: draw {self.draws} expected, "
                             f"got {first_draw}")
        count = next(len(array) for table in tables.values() for array in table.values())
        tables = file_tables(tables)
        paths = path_columns(tables, self.dates, first_draw, engine if self.mixture else None)
        per_draw = {f"{prefix}.{key}": array for prefix, table in tables.items()
                    for key, array in table.items() if np.ndim(array) == 1}
        self._append(self.PATHS, paths)
        self._append(self.PARAMETERS, {"draw": np.arange(first_draw, first_draw + count),
                                       **parameters, **per_draw})
        self.draws += count

    def _append(self, name: str, columns: dict[str, np.ndarray]) -> None:
        import pandas as pd
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(pd.DataFrame(columns), preserve_index=False)
        if name not in self.writers:
            self.writers[name] = pq.ParquetWriter(self.folder / name, table.schema)
        self.writers[name].write_table(table)

    def close(self, sample: EnsembleResult | None = None) -> Path:
        """Finish the files and, given the ensemble's first draws, write the manifest."""
        for writer in self.writers.values():
            writer.close()
        self.writers = {}
        if sample is not None:
            sample._write_manifest(self.folder, [self.PATHS], self.draws)
        return self.folder


def read_survival(directory: str | Path) -> tuple[list[dt.date], dict[str, Band]]:
    """Each alliance's survival band at every step, read lazily from an ensemble's files.

    Reads only the ``step`` and ``ruptured.*`` columns of the paths files,
    one row group at a time, so memory stays bounded whatever the draws
    (the whole result is never built, as :meth:`EnsembleResult.from_parquet`
    would).  Returns the step dates and ``{alliance: Band}``.
    """
    import pyarrow.parquet as pq

    folder = Path(directory)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    dates = [dt.date.fromisoformat(text) for text in manifest["dates"]]
    alliances = list(manifest["alliances"])
    holding = {alliance: np.zeros(len(dates), dtype=np.int64) for alliance in alliances}
    columns = ["step", *(f"ruptured.{alliance}" for alliance in alliances)]
    for name in manifest["files"]:
        source = pq.ParquetFile(folder / name)
        for group in range(source.num_row_groups):
            batch = source.read_row_group(group, columns=columns)
            steps = batch.column("step").to_numpy()
            for alliance in alliances:
                ruptured = batch.column(f"ruptured.{alliance}").to_numpy(zero_copy_only=False)
                holding[alliance] += np.bincount(steps[~ruptured.astype(bool)],
                                                 minlength=len(dates))
    draws = int(manifest["draws"])
    return dates, {alliance: wilson_band(count, draws) for alliance, count in holding.items()}


def step_within(dates: Sequence[dt.date], years: float) -> int | None:
    """Last step dated on or before ``years`` after the first date; None beyond the last."""
    limit = _add_years(dates[0], years)
    if limit > dates[-1]:
        return None
    return max(t for t, date in enumerate(dates) if date <= limit)


def _add_years(date: dt.date, years: float) -> dt.date:
    from realpolitik.simulation.clock import add_months

    return add_months(date, round(years * 12))
