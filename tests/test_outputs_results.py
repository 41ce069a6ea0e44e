"""The EUM's rounds table (eum-rounds.parquet), built from whole columns."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from helpers import EXAMPLE
from realpolitik.analysis.static import forecast_static
from realpolitik.outputs.results import eum_rounds_frame, write_tables
from realpolitik.scenario.loader import load_scenario


def _fake(trajectory: np.ndarray, active: np.ndarray, actors: list[str], issues: list[str]):
    """What eum_rounds_frame reads of a forecast: the trajectory and who takes part where."""
    arrays = SimpleNamespace(actor_ids=actors, issue_ids=issues, active=active)
    return SimpleNamespace(arrays=arrays, eum=SimpleNamespace(trajectory=trajectory[None]))


def _row_by_row(forecast) -> pd.DataFrame:
    """The table as its definition reads: round, then actor, then issue, active cells only."""
    arrays, trajectory = forecast.arrays, forecast.eum.trajectory[0]
    return pd.DataFrame([
        {"round": r, "actor": actor, "issue": issue, "position": float(trajectory[r, i, k])}
        for r in range(trajectory.shape[0]) for i, actor in enumerate(arrays.actor_ids)
        for k, issue in enumerate(arrays.issue_ids) if arrays.active[i, k]])


def test_hand_built_rounds_table():
    # two actors, two issues, b sits out issue y; two states (round 0 and 1)
    trajectory = np.array([[[10.0, 20.0], [30.0, 40.0]], [[11.0, 21.0], [31.0, 41.0]]])
    active = np.array([[True, True], [True, False]])
    frame = eum_rounds_frame(_fake(trajectory, active, ["a", "b"], ["x", "y"]))
    assert frame["round"].tolist() == [0, 0, 0, 1, 1, 1]
    assert frame["actor"].tolist() == ["a", "a", "b", "a", "a", "b"]
    assert frame["issue"].tolist() == ["x", "y", "x", "x", "y", "x"]
    assert frame["position"].tolist() == [10.0, 20.0, 30.0, 11.0, 21.0, 31.0]
    assert list(frame.columns) == ["round", "actor", "issue", "position"]
    assert frame["round"].dtype == np.int64 and frame["position"].dtype == np.float64


def test_same_table_and_same_bytes_as_row_by_row(tmp_path):
    rng = np.random.default_rng(3)
    trajectory = rng.uniform(0, 100, size=(5, 7, 4))
    active = rng.random((7, 4)) < 0.7
    fake = _fake(trajectory, active, [f"actor_{i}" for i in range(7)], list("pqrs"))
    built, reference = eum_rounds_frame(fake), _row_by_row(fake)
    pd.testing.assert_frame_equal(built, reference, check_exact=True)
    built.to_parquet(tmp_path / "a.parquet", index=False)
    reference.to_parquet(tmp_path / "b.parquet", index=False)
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()


def test_written_table_reads_back_as_the_scenario_rounds(tmp_path):
    forecast = forecast_static(load_scenario(EXAMPLE), models=("eum", "median"))
    written = write_tables(forecast, tmp_path)
    assert [path.name for path in written] == ["forecast.csv", "eum-rounds.parquet"]
    table = pd.read_parquet(tmp_path / "eum-rounds.parquet")
    steps = forecast.eum.trajectory.shape[1]
    assert len(table) == steps * int(forecast.arrays.active.sum())
    pd.testing.assert_frame_equal(table, _row_by_row(forecast), check_exact=True)


def test_no_eum_no_rounds_table(tmp_path):
    forecast = forecast_static(load_scenario(EXAMPLE), models=("median",))
    assert [path.name for path in write_tables(forecast, tmp_path)] == ["forecast.csv"]
    with pytest.raises(ValueError, match="not run"):
        eum_rounds_frame(forecast)
