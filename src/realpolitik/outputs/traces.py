"""Round-by-round positions of the bargaining engines, as CSV files of a run folder.

Published traces (Scholz et al. 2011, Table 2; KTAB's ``smpc`` output) list
every actor's position after every round; these files let a run be checked
against them line by line.

``trace-eum.csv`` (Expected Utility Model) and ``trace-spatial.csv`` (spatial
model), one row per issue, round and active actor, in that order:

``issue``
    Issue id.
``round`` (EUM) or ``state`` (spatial)
    0 is the input; round ``r`` holds the positions after ``r`` rounds of
    bargaining (for the spatial model, state ``t``, as KTAB counts them).
    Each engine's rows stop at its last round or state.
``actor``
    Actor id.
``position``
    Position on the issue's 0-100 scale, written with 6 decimals.

Actors without a stance on an issue are left out of that issue's rows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from realpolitik.analysis.static import StaticForecast

__all__ = ["TRACE_FILES", "write_traces"]

TRACE_FILES: dict[str, tuple[str, str]] = {
    "eum": ("trace-eum.csv", "round"),
    "spatial": ("trace-spatial.csv", "state"),
}
"""Engine name to (file name, name of the step column)."""


def _rows(forecast: StaticForecast, trajectory: np.ndarray,
          steps: np.ndarray) -> Iterator[list[str]]:  # fmt: skip
    """Rows ``issue, step, actor, position`` of one run (trajectory (S, N, K), steps (K,))."""
    arrays = forecast.arrays
    for k, issue in enumerate(arrays.issue_ids):
        for step in range(int(steps[k]) + 1):
            for i, actor in enumerate(arrays.actor_ids):
                if arrays.active[i, k]:
                    yield [issue, str(step), actor, f"{trajectory[step, i, k]:.6f}"]


def _steps(name: str, result: Any, n_issues: int) -> np.ndarray:
    """Last round (EUM, per issue) or last state (spatial, shared by all issues)."""
    if name == "eum":
        return np.asarray(result.rounds[0], dtype=int)
    return np.full(n_issues, int(result.states[0]) - 1)


def write_traces(forecast: StaticForecast, folder: Path) -> list[Path]:
    """Write the round-by-round positions of the EUM and the spatial model into ``folder``.

    Only engines that were run (see ``StaticForecast.runs``) get a file.

    Returns
    -------
    list of Path
        The files written, among :data:`TRACE_FILES`.
    """
    written = []
    for name, (filename, step_column) in TRACE_FILES.items():
        result = forecast.runs.get(name)
        if result is None:
            continue
        path = Path(folder) / filename
        steps = _steps(name, result, len(forecast.arrays.issue_ids))
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["issue", step_column, "actor", "position"])
            writer.writerows(_rows(forecast, result.trajectory[0], steps))
        written.append(path)
    return written
