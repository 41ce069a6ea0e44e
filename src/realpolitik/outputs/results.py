"""Machine-readable results of the static forecast: JSON, CSV and Parquet tables."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from realpolitik.analysis.static import StaticForecast
from realpolitik.scenario.arrays import StanceArrays

if TYPE_CHECKING:
    import pandas as pd


def forecast_record(forecast: StaticForecast) -> dict:
    """Everything the static forecast found, as plain data for ``forecast.json``."""
    arrays, scenario = forecast.arrays, forecast.scenario
    horizons = [issue.horizon for issue in scenario.issues]
    movement, final = forecast.movement, forecast.final_positions
    return {
        "issues": [
            {"id": issue.id, "name": issue.name, "horizon": issue.horizon,
             "forecast": {model: float(values[k]) for model, values in forecast.forecasts.items()},
             "eum_rounds": None if forecast.eum is None else int(forecast.eum.rounds[0, k])}
            for k, issue in enumerate(scenario.issues)
        ],
        "actors": [
            {"id": actor_id,
             "stated": _by_issue(arrays, arrays.position[i], arrays.active[i]),
             "bargained": None if final is None else _by_issue(arrays, final[i], arrays.active[i]),
             "moved": None if movement is None
             else _by_issue(arrays, movement[i], arrays.active[i])}
            for i, actor_id in enumerate(arrays.actor_ids)
        ],
        "alliances": [
            {"id": reading.alliance.id, "members": list(reading.alliance.members),
             "cohesion_stated": float(reading.stated.score[0]),
             "s_issues_stated": float(reading.stated.s_issues[0]),
             "cohesion_bargained": None if reading.bargained is None
             else float(reading.bargained.score[0]),
             "by_horizon_stated": reading.by_horizon(horizons),
             "by_horizon_bargained": reading.by_horizon(horizons, "bargained"),
             "issue_contributions_stated": dict(zip(
                 arrays.issue_ids, reading.stated.issue_contributions[0].tolist(), strict=True)),
             "stake_contributions": dict(zip(
                 [stake.id for stake in reading.alliance.shared_stakes],
                 reading.stated.stake_contributions[0].tolist(), strict=True))}
            for reading in forecast.alliances
        ],
    }


def _by_issue(arrays: StanceArrays, values: np.ndarray, active: np.ndarray) -> dict[str, float]:
    return {issue: float(value) for issue, value, on in zip(
        arrays.issue_ids, values, active, strict=True) if on}


def write_tables(forecast: StaticForecast, folder: Path) -> list[Path]:
    """Write ``forecast.csv`` (issue x model) and ``eum-rounds.parquet`` (tidy rounds)."""
    import pandas as pd

    rows = [{"issue": issue_id, "model": model, "forecast": float(values[k])}
            for model, values in forecast.forecasts.items()
            for k, issue_id in enumerate(forecast.arrays.issue_ids)]
    written = [folder / "forecast.csv"]
    pd.DataFrame(rows).to_csv(written[0], index=False)
    if forecast.eum is not None:
        written.append(folder / "eum-rounds.parquet")
        eum_rounds_frame(forecast).to_parquet(written[-1], index=False)
    return written


def eum_rounds_frame(forecast: StaticForecast) -> pd.DataFrame:
    """The EUM's rounds as a tidy table: one row per round, actor and issue taken part in.

    Columns ``round`` (int64), ``actor``, ``issue`` (text) and ``position``
    (float64); rows ordered by round, then actor, then issue, in the
    scenario's order. Built from whole columns (a large scenario has
    hundreds of thousands of rows).
    """
    import pandas as pd

    if forecast.eum is None:
        raise ValueError("the Expected Utility Model was not run")
    arrays = forecast.arrays
    trajectory = forecast.eum.trajectory[0]  # (R + 1, N, K)
    steps, _, n_issues = trajectory.shape
    cells = np.flatnonzero(np.asarray(arrays.active).ravel())  # (actor, issue) pairs, row-major
    actors = np.array(arrays.actor_ids, dtype=object)[cells // n_issues]
    issues = np.array(arrays.issue_ids, dtype=object)[cells % n_issues]
    return pd.DataFrame({
        "round": np.repeat(np.arange(steps, dtype=np.int64), cells.size),
        "actor": pd.array(np.tile(actors, steps), dtype="str"),
        "issue": pd.array(np.tile(issues, steps), dtype="str"),
        "position": trajectory.reshape(steps, -1)[:, cells].astype(np.float64).ravel(),
    })
