"""Rupture of watched alliances: each rule resolved for a block of draws, and its paths.

A rule is either a string (``cohesion < 0.2 for 2 steps``, constants fixed)
or a mapping whose threshold ``below`` and step count ``for_steps`` are
numbers sampled per draw (``alliances[0].rupture.below``,
``alliances[0].rupture.for_steps``) and whose ``events`` are shocks whose
firing counts as a rupture.  :func:`rupture_paths` turns a metric's path and
the shocks' firing paths into the ruptured flags; the stepping and the
result's :meth:`~realpolitik.simulation.results.EnsembleResult.survival_by_threshold`
share it, so a recomputed survival curve is the simulated one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from realpolitik.scenario.dynamics import (
    DEFAULT_RUPTURE_RULE,
    DEFAULT_RUPTURE_STEPS,
    RuptureSpec,
    parse_rupture_rule,
)
from realpolitik.scenario.schema import Alliance, dotted

__all__ = [
    "RuptureRecord",
    "draw_values",
    "rupture_paths",
    "rupture_record",
    "spec_values",
    "whole_steps",
]


@dataclass(frozen=True)
class RuptureRecord:
    """What a result needs to recompute an alliance's rupture from its stored paths.

    ``threshold`` and ``steps`` are constants, or the name of the sampled
    parameter that holds each draw's value (None: no threshold, the rule
    watches events only); ``events`` are shock ids.
    """

    metric: str
    comparison: str
    threshold: float | str | None
    steps: int | str
    events: tuple[str, ...] = ()

    def to_json(self) -> dict:
        """A JSON-ready mapping of the record."""
        return {"metric": self.metric, "comparison": self.comparison,
                "threshold": self.threshold, "steps": self.steps, "events": list(self.events)}

    @classmethod
    def from_json(cls, data: Mapping) -> RuptureRecord:
        """Rebuild a record written by :meth:`to_json`."""
        return cls(data["metric"], data["comparison"], data["threshold"], data["steps"],
                   tuple(data["events"]))


def rupture_record(alliance: Alliance, index: int, reported: Mapping[str, object]
                   ) -> RuptureRecord:  # fmt: skip
    """The record of alliance number ``index``; ``reported`` names the per-draw parameters."""
    rule = alliance.rupture or DEFAULT_RUPTURE_RULE
    if isinstance(rule, str):
        parsed = parse_rupture_rule(rule)
        return RuptureRecord(parsed.metric, parsed.comparison, parsed.threshold, parsed.steps)
    below, steps = _names(index)
    threshold: float | str | None = None
    if rule.below is not None:
        threshold = below if below in reported else rule.below.point
    count: int | str = DEFAULT_RUPTURE_STEPS
    if rule.for_steps is not None:
        count = steps if steps in reported else round(rule.for_steps.point)
    return RuptureRecord(rule.metric, "<", threshold, count, tuple(rule.events))


def _names(index: int) -> tuple[str, str]:
    """Names of the threshold and the step count of alliance number ``index``'s rule."""
    path = ("alliances", index, "rupture")
    return dotted((*path, "below")), dotted((*path, "for_steps"))


def draw_values(record: RuptureRecord, parameters: Mapping[str, np.ndarray], rows: slice
                ) -> tuple[np.ndarray | float | None, np.ndarray | int]:  # fmt: skip
    """The threshold and the step count of the draws ``rows``: constants or per-draw arrays."""
    threshold: np.ndarray | float | None = (
        np.asarray(parameters[record.threshold], dtype=float)[rows]
        if isinstance(record.threshold, str) else record.threshold)
    steps: np.ndarray | int = (
        whole_steps(np.asarray(parameters[record.steps], dtype=float)[rows])
        if isinstance(record.steps, str) else record.steps)
    return threshold, steps


def spec_values(rule: RuptureSpec, index: int, values: Mapping[str, np.ndarray]
                ) -> tuple[np.ndarray | None, np.ndarray | int]:  # fmt: skip
    """Per-draw threshold and step count of a rule mapping, from a chunk's sampled values."""
    below, count = _names(index)
    threshold = None if rule.below is None else values[below]
    steps: np.ndarray | int = DEFAULT_RUPTURE_STEPS
    if rule.for_steps is not None:
        steps = whole_steps(values[count])
    return threshold, steps


def whole_steps(values: np.ndarray) -> np.ndarray:
    """Step counts as whole numbers of at least 1 (overrides may carry fractions)."""
    return np.maximum(np.rint(values), 1).astype(np.int64)


def rupture_paths(
    metric: np.ndarray,
    comparison: str,
    threshold: np.ndarray | float | None,
    steps: np.ndarray | int,
    events_fired: np.ndarray | None = None,
) -> np.ndarray:
    """Ruptured flags, shape (n, T + 1), from a metric's path (n, T + 1).

    The run of consecutive steps with the metric below ``threshold``
    (``<`` or ``<=``; per draw or one value; None for no threshold) grows by
    one or resets to zero at each step, step 0 included; the alliance
    ruptures at the step where the run reaches ``steps``, or where
    ``events_fired`` (n, T + 1: any listed shock has fired) is first True,
    and stays ruptured.
    """
    size, length = metric.shape
    run = np.zeros(size, dtype=np.int64)
    broken = np.zeros(size, dtype=bool)
    ruptured = np.empty((size, length), dtype=bool)
    for t in range(length):
        if threshold is not None:
            below = metric[:, t] < threshold if comparison == "<" else metric[:, t] <= threshold
            run = np.where(below, run + 1, 0)
            broken |= run >= steps
        if events_fired is not None:
            broken |= events_fired[:, t]
        ruptured[:, t] = broken
    return ruptured
