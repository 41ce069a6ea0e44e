"""Ensembles that stream: every draw summarised and written as its chunk arrives, none kept.

:func:`stream_ensemble` runs the same chunks as
:func:`~realpolitik.simulation.ensemble.simulate_ensemble` (same seed, same
draws, bit for bit) but holds no array whose size grows with the number of
draws.  Each chunk, taken in the order of its draws, is

* written to the ensemble's Parquet files (:class:`~realpolitik.simulation.results.ChunkWriter`),
* added to an :class:`EnsembleSummary` (counts and histograms over every draw),
* handed to the caller's consumers (question tallies, for instance) as a
  :class:`ChunkView`, which reads like an ensemble result of its own draws,
* and, for the first ``keep`` draws, copied into a bounded sample: an
  :class:`~realpolitik.simulation.results.EnsembleResult` of those draws that
  carries the summary, so its survival, firing shares and quantiles answer
  for all the draws while analyses that need raw draws (scenario discovery,
  figures of single paths, survival at other thresholds) read the sample.

**What the summary holds.**  Per alliance and step, how many draws still
hold; per shock and step, how many have fired; per alliance and shock, how
many draws have both ruptured and seen the shock fire by the horizon; per
issue and step, a histogram of the settlement on [0, 100] in bins 0.01
points wide (a value counts in the bin of its nearest hundredth).  Its state
has a fixed size, whatever the number of draws (:meth:`EnsembleSummary.state_bytes`).

**Quantiles** from that histogram are the inverted-CDF quantile (the
smallest value ``x`` whose share of draws at or below it reaches ``q``) of
the settlements rounded to 0.01: within 0.005 points of
``numpy.quantile(..., method="inverted_cdf")`` on the exact values.  An
ensemble held whole interpolates between draws instead (numpy's default),
which differs from it by up to the gap between neighbouring draws.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Generic, Protocol, TypeVar

import numpy as np

from realpolitik.scenario.levers import Lever
from realpolitik.scenario.schema import Scenario
from realpolitik.simulation.ensemble import (
    _Collector,
    ensemble_ids,
    head,
    plan_ensemble,
)
from realpolitik.simulation.executors import Executor, LocalExecutor
from realpolitik.simulation.mixture import MIXTURE
from realpolitik.simulation.results import (
    Band,
    ChunkWriter,
    EnsembleResult,
    keyed_arrays,
    wilson_band,
)
from realpolitik.simulation.stepping import ChunkJob, ChunkResult, run_chunk

__all__ = [
    "DEFAULT_KEEP",
    "RESOLUTION",
    "STREAM_ABOVE",
    "ChunkView",
    "EnsembleSummary",
    "InOrder",
    "stream_ensemble",
]

DEFAULT_KEEP = 20_000
"""Draws a streamed ensemble keeps as arrays: the sample that discovery and figures read."""

STREAM_ABOVE = 20_000
"""``realpolitik run`` streams its ensembles when asked for more draws than this."""

RESOLUTION = 0.01
"""Width of a settlement histogram's bins, in points of the 0-100 scale."""

_BINS = int(round(100 / RESOLUTION)) + 1


@dataclass(frozen=True)
class ChunkView:
    """One chunk's draws read as an ensemble result of their own.

    Has what :class:`~realpolitik.analysis.outcomes.EnsembleLike` reads
    (``dates``, the path tables by id, ``parameters``, ``seed``, ``draws``,
    ``model``, ``scenario_id``), so indicators and outcomes evaluate on a
    chunk as on a whole ensemble; ``start`` is the chunk's first draw and
    ``tables`` every table of the chunk (:func:`~realpolitik.simulation.results.keyed_arrays`).
    """

    start: int
    tables: dict[str, dict[str, np.ndarray]]
    dates: list[dt.date]
    parameters: dict[str, np.ndarray]
    seed: int
    draws: int
    model: str
    scenario_id: str
    engine: np.ndarray

    @classmethod
    def of(cls, chunk: ChunkResult, job: ChunkJob, ids: Mapping[str, Sequence[str]]
           ) -> ChunkView:  # fmt: skip
        """The view of a finished chunk of ``job``."""
        names = [name for name, _ in job.engine_weights] or [job.model]
        size = chunk.stop - chunk.start
        engine = (np.full(size, job.model) if chunk.engine is None
                  else np.asarray(names)[chunk.engine])
        return cls(chunk.start, keyed_arrays(chunk, ids), list(job.dates),
                   dict(chunk.parameters), job.seed, size, job.model,
                   job.scenario.scenario.id, engine)

    def _table(self, name: str) -> dict[str, np.ndarray]:
        return self.tables.get(name, {})

    def __getattr__(self, name: str) -> dict[str, np.ndarray]:
        """Any other table of the chunk by its field name (``shock_count``, ...)."""
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    @property
    def settlement(self) -> dict[str, np.ndarray]:
        """Issue id -> (n, T + 1) settlement."""
        return self._table("settlement")

    @property
    def cohesion(self) -> dict[str, np.ndarray]:
        """Alliance id -> (n, T + 1) S-score."""
        return self._table("cohesion")

    @property
    def issue_cohesion(self) -> dict[str, np.ndarray]:
        """Alliance id -> (n, T + 1) S-score on the contested issues."""
        return self._table("issue_cohesion")

    @property
    def ruptured(self) -> dict[str, np.ndarray]:
        """Alliance id -> (n, T + 1) bool."""
        return self._table("ruptured")

    @property
    def shock_fired(self) -> dict[str, np.ndarray]:
        """Shock id -> (n, T + 1) bool."""
        return self._table("shock_fired")


class EnsembleSummary:
    """Counts and histograms over every draw of an ensemble, added chunk by chunk.

    See the module docstring for what it holds; every array has a size fixed
    by the scenario (issues, alliances, shocks, steps), never by the draws.
    """

    def __init__(self, ids: Mapping[str, Sequence[str]], steps: int) -> None:
        self.issues, self.alliances = list(ids["issues"]), list(ids["alliances"])
        self.shocks = list(ids["shocks"])
        self.draws = 0
        self.holding = np.zeros((len(self.alliances), steps), dtype=np.int64)
        self.fired = np.zeros((len(self.shocks), steps), dtype=np.int64)
        self.both = np.zeros((len(self.alliances), len(self.shocks)), dtype=np.int64)
        self.histogram = np.zeros((len(self.issues), steps, _BINS), dtype=np.int64)

    def add(self, view: ChunkView) -> None:
        """Count one chunk's draws."""
        self.draws += view.draws
        for a, alliance in enumerate(self.alliances):
            ruptured = np.asarray(view.ruptured[alliance], dtype=bool)
            self.holding[a] += (~ruptured).sum(axis=0)
            for s, shock in enumerate(self.shocks):
                fired = np.asarray(view.shock_fired[shock][:, -1], dtype=bool)
                self.both[a, s] += int((ruptured[:, -1] & fired).sum())
        for s, shock in enumerate(self.shocks):
            self.fired[s] += np.asarray(view.shock_fired[shock], dtype=bool).sum(axis=0)
        steps = self.histogram.shape[1]
        offsets = np.arange(steps) * _BINS
        for k, issue in enumerate(self.issues):
            values = np.asarray(view.settlement[issue], dtype=float)
            finite = np.isfinite(values)
            bins = np.rint(np.clip(np.where(finite, values, 0.0), 0.0, 100.0) / RESOLUTION)
            index = (bins.astype(np.int64) + offsets)[finite]
            self.histogram[k] += np.bincount(index, minlength=steps * _BINS).reshape(steps, _BINS)

    def state_bytes(self) -> int:
        """Bytes of the summary's arrays: the same after two chunks as after two thousand."""
        return int(self.holding.nbytes + self.fired.nbytes + self.both.nbytes
                   + self.histogram.nbytes)

    def survival(self, alliance_id: str) -> Band:
        """Share of all draws in which the alliance holds at each step, with its Wilson band."""
        return wilson_band(self.holding[self._index(self.alliances, alliance_id)], self.draws)

    def fired_probability(self, shock_id: str) -> Band:
        """Share of all draws in which the shock has fired by each step, with its Wilson band."""
        return wilson_band(self.fired[self._index(self.shocks, shock_id)], self.draws)

    def cooccurrence(self, alliance_id: str, shock_id: str) -> tuple[int, int, int]:
        """Draws by the horizon: ruptured with the shock fired, shock fired, ruptured."""
        a, s = self._index(self.alliances, alliance_id), self._index(self.shocks, shock_id)
        ruptured = self.draws - int(self.holding[a, -1])
        return int(self.both[a, s]), int(self.fired[s, -1]), ruptured

    def quantiles(self, issue_id: str, qs: Sequence[float]) -> np.ndarray:
        """Inverted-CDF quantiles ``qs`` of the settlement at each step, (len(qs), T + 1).

        Exact for the settlements rounded to :data:`RESOLUTION`; NaN at a
        step with no finite settlement.
        """
        cumulative = np.cumsum(self.histogram[self._index(self.issues, issue_id)], axis=1)
        totals = cumulative[:, -1]
        found = np.full((len(qs), cumulative.shape[0]), np.nan)
        for row, q in enumerate(np.asarray(qs, dtype=float)):
            for t, total in enumerate(totals):
                if total:
                    rank = min(max(math.ceil(round(q * int(total), 9)), 1), int(total))
                    found[row, t] = np.searchsorted(cumulative[t], rank) * RESOLUTION
        return found

    @staticmethod
    def _index(ids: list[str], key: str) -> int:
        if key not in ids:
            raise KeyError(f"no '{key}' in this summary (known: {', '.join(ids) or 'none'})")
        return ids.index(key)


class _Span(Protocol):
    """A finished piece of work on draws ``start`` to ``stop - 1``."""

    @property
    def start(self) -> int: ...

    @property
    def stop(self) -> int: ...


J = TypeVar("J")
R = TypeVar("R", bound=_Span)


class InOrder(Generic[J, R]):
    """Hand chunks on in the order of their draws, whatever order an executor finishes them.

    A chunk that finishes early waits until those before it have arrived, so
    files and floating-point sums are the same bytes on every executor.
    Works for any result with the ``start`` and ``stop`` of its draws.
    """

    def __init__(self, consume: Callable[[J, R], None]) -> None:
        self.consume = consume
        self.waiting: dict[int, tuple[J, R]] = {}
        self.next = 0

    def collect(self, job: J, chunk: R) -> None:
        """Receive one finished chunk; pass on every chunk now in order."""
        self.waiting[chunk.start] = (job, chunk)
        while self.next in self.waiting:
            job, chunk = self.waiting.pop(self.next)
            self.next = chunk.stop
            self.consume(job, chunk)


def stream_ensemble(
    scenario: Scenario,
    *,
    draws: int,
    seed: int = 0,
    model: str = MIXTURE,
    horizon_years: float | None = None,
    levers: Sequence[Lever | str] = (),
    executor: Executor | None = None,
    chunk_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    engine_weights: Mapping[str, float] | None = None,
    keep: int = DEFAULT_KEEP,
    folder: str | Path | None = None,
    consumers: Sequence[Callable[[ChunkView], None]] = (),
) -> EnsembleResult:
    """Simulate ``draws`` futures as :func:`simulate_ensemble` does, keeping only a sample.

    Parameters are those of
    :func:`~realpolitik.simulation.ensemble.simulate_ensemble`, and:

    keep
        How many of the first draws to keep as arrays (default
        :data:`DEFAULT_KEEP`).
    folder
        Where to write every draw's Parquet files as the chunks arrive
        (laid out as :meth:`EnsembleResult.to_parquet` does; None: write nothing).
    consumers
        Called with each chunk's :class:`ChunkView`, in the order of the draws.

    Returns
    -------
    EnsembleResult
        The first ``min(keep, draws)`` draws, exactly as
        :func:`simulate_ensemble` gives them, with the :class:`EnsembleSummary`
        of all the draws as its ``summary``.
    """
    plan = plan_ensemble(scenario, draws=draws, seed=seed, model=model,
                         horizon_years=horizon_years, levers=levers, chunk_size=chunk_size,
                         engine_weights=engine_weights)
    ids = ensemble_ids(scenario, plan.applied)
    summary = EnsembleSummary(ids, len(plan.dates))
    kept = min(max(int(keep), 1), plan.draws)
    sample = _Collector(scenario, plan.applied, plan.dates, kept, None)
    writer = None if folder is None else ChunkWriter(folder, plan.dates, mixture=model == MIXTURE)

    def consume(job: ChunkJob, chunk: ChunkResult) -> None:
        view = ChunkView.of(chunk, job, ids)
        summary.add(view)
        if writer is not None:
            writer.write(chunk.start, view.tables, chunk.parameters, view.engine)
        if chunk.start < kept:
            sample.collect(job, head(chunk, kept - chunk.start))
        for consumer in consumers:
            consumer(view)
        if progress is not None:
            progress(chunk.stop, plan.draws)

    (executor or LocalExecutor()).run(run_chunk, plan.jobs, InOrder(consume).collect)
    result = replace(sample.result(plan.seed, model, plan.weights), summary=summary)
    if writer is not None:
        writer.close(result)
    return result
