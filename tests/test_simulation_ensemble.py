"""Stepping through time: shocks, trends, levers, rupture, seeding, chunking and executors."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realpolitik.scenario.levers import Lever
from realpolitik.scenario.loader import load_scenario
from realpolitik.simulation import (
    DaskExecutor,
    EnsembleResult,
    ThreadExecutor,
    simulate_ensemble,
)
from realpolitik.simulation.clock import add_months, step_dates
from simulation_toy import toy

SHOCKS = """
dynamics:
  horizon_years: 2
  shocks:
    - {id: always, name: Always, hazard: 1}
    - {id: never, name: Never, hazard: 0}
    - {id: dated, name: Dated, date: 2020-07-01}
    - {id: after, name: After, hazard: 1, requires: [always]}
    - {id: sometimes, name: Sometimes, hazard: [0.2, 0.4]}
"""


def assert_same(left: EnsembleResult, right: EnsembleResult) -> None:
    for table in ("settlement", "cohesion", "issue_cohesion", "ruptured", "shock_fired",
                  "parameters"):
        a, b = getattr(left, table), getattr(right, table)
        assert a.keys() == b.keys(), table
        for key in a:
            np.testing.assert_array_equal(a[key], b[key], err_msg=f"{table}.{key}")


def first_true(flags: np.ndarray) -> np.ndarray:
    """Index of the first True per draw (len if never)."""
    return np.where(flags.any(axis=1), flags.argmax(axis=1), flags.shape[1])


def test_clock_counts_quarters_from_as_of() -> None:
    dates = step_dates(dt.date(2019, 8, 31), "quarter", 1)
    assert dates == [dt.date(2019, 8, 31), dt.date(2019, 11, 30), dt.date(2020, 2, 29),
                     dt.date(2020, 5, 31), dt.date(2020, 8, 31)]
    assert add_months(dt.date(2020, 1, 31), 1) == dt.date(2020, 2, 29)
    assert len(step_dates(dt.date(2020, 1, 1), "month", 5)) == 61


def test_shock_timing_is_exact() -> None:
    result = simulate_ensemble(toy(SHOCKS), draws=50, seed=3)
    assert result.dates[2] == dt.date(2020, 7, 1)
    assert (first_true(result.shock_fired["always"]) == 1).all()
    assert not result.shock_fired["never"].any()
    assert (first_true(result.shock_fired["dated"]) == 2).all()
    assert (first_true(result.shock_fired["after"]) == 2).all()
    fired = result.shock_fired["sometimes"]
    assert (np.diff(fired.astype(int), axis=1) >= 0).all(), "once fired, a shock stays fired"
    assert 0 < fired[:, -1].mean() < 1


def test_fixed_date_shock_waits_for_its_requirement() -> None:
    text = """
dynamics:
  shocks:
    - {id: late, name: Late, date: 2021-01-01}
    - {id: dated, name: Dated, date: 2020-04-01, requires: [late]}
"""
    result = simulate_ensemble(toy(text), draws=5, seed=0)
    assert (first_true(result.shock_fired["late"]) == 4).all()
    assert (first_true(result.shock_fired["dated"]) == 5).all()


def test_trend_moves_position_by_one_per_step() -> None:
    text = """
dynamics:
  horizon_years: 3
  volatility: {position: 0, salience: 0}
  trends:
    - {id: up, name: Up, target: stances.solo.a.position, drift: 1}
"""
    result = simulate_ensemble(toy(text), draws=4, seed=0)
    steps = np.arange(len(result.dates))
    np.testing.assert_allclose(result.settlement["solo"], np.broadcast_to(10.0 + steps, (4, 13)),
                               rtol=1e-12)
    assert len(result.dates) == 13


def test_trend_window_and_clipping() -> None:
    text = """
dynamics:
  horizon_years: 2
  volatility: {position: 0, salience: 0}
  trends:
    - {id: up, name: Up, target: stances.solo.a.position, drift: 30, start: 2020-07-01,
       end: 2021-01-01}
"""
    result = simulate_ensemble(toy(text), draws=2, seed=0)
    expected = [10, 10, 40, 70, 100, 100, 100, 100, 100]
    np.testing.assert_allclose(result.settlement["solo"][0], expected, rtol=1e-12)


RUPTURE = """
dynamics:
  horizon_years: 3
  volatility: {{position: 0, salience: 0}}
  shocks:
    - id: split
      name: Split
      date: 2020-07-01
      duration: {duration}
      effects:
        - {{target: stances.x.a.position, set: 0}}
        - {{target: stances.x.b.position, set: 100}}
"""


def test_rupture_needs_k_consecutive_steps() -> None:
    held = simulate_ensemble(toy(RUPTURE.format(duration=2)), draws=3, seed=0)
    np.testing.assert_allclose(held.cohesion["ab"][0, :5], [1, 1, -1, -1, 1])
    assert not held.ruptured["ab"].any()
    broken = simulate_ensemble(toy(RUPTURE.format(duration=3)), draws=3, seed=0)
    assert (first_true(broken.ruptured["ab"]) == 4).all()
    assert broken.ruptured["ab"][:, 4:].all(), "a rupture is permanent"
    np.testing.assert_allclose(broken.survival("ab").estimate[[3, 4]], [1.0, 0.0])


def test_survival_is_non_increasing_on_the_flagship() -> None:
    result = simulate_ensemble(load_scenario(), draws=300, seed=1)
    assert len(result.dates) == 21
    for alliance in result.ruptured:
        band = result.survival(alliance)
        assert (np.diff(band.estimate) <= 0).all()
        assert (band.low <= band.estimate).all() and (band.estimate <= band.high).all()
    for shock in result.shock_fired:
        assert (np.diff(result.fired_probability(shock).estimate) >= 0).all()
    quantiles = result.quantiles("idlib", [0.05, 0.5, 0.95])
    assert quantiles.shape == (3, 21)
    assert (np.diff(quantiles, axis=0) >= 0).all()


def test_same_seed_same_numbers_and_other_seed_differs() -> None:
    scenario = toy(SHOCKS)
    first = simulate_ensemble(scenario, draws=200, seed=11)
    assert_same(first, simulate_ensemble(scenario, draws=200, seed=11))
    other = simulate_ensemble(scenario, draws=200, seed=12)
    assert not np.array_equal(first.shock_fired["sometimes"], other.shock_fired["sometimes"])


@settings(max_examples=8, deadline=None)
@given(chunk=st.integers(min_value=1, max_value=1500))
def test_chunk_size_does_not_change_results(chunk: int) -> None:
    scenario = toy(SHOCKS)
    reference = simulate_ensemble(scenario, draws=1100, seed=5)
    assert_same(reference, simulate_ensemble(scenario, draws=1100, seed=5, chunk_size=chunk))


def test_fewer_draws_are_a_prefix_and_shorter_horizon_a_prefix() -> None:
    scenario = toy(SHOCKS)
    long = simulate_ensemble(scenario, draws=300, seed=2)
    short = simulate_ensemble(scenario, draws=120, seed=2, horizon_years=1)
    np.testing.assert_array_equal(short.shock_fired["sometimes"],
                                  long.shock_fired["sometimes"][:120, :5])


def test_threads_and_dask_give_identical_results() -> None:
    scenario = load_scenario()
    local = simulate_ensemble(scenario, draws=90, seed=4, chunk_size=40)
    assert_same(local, simulate_ensemble(scenario, draws=90, seed=4, chunk_size=25,
                                         executor=ThreadExecutor(2)))
    executor = DaskExecutor(workers=2, processes=False)
    assert_same(local, simulate_ensemble(scenario, draws=90, seed=4, chunk_size=30,
                                         executor=executor))
    assert executor._client is None, "a cluster started for one run is closed after it"


def test_lever_without_effect_changes_nothing() -> None:
    scenario = load_scenario()
    baseline = simulate_ensemble(scenario, draws=100, seed=8)
    idle = Lever(id="idle", name="Idle")
    assert_same(baseline, simulate_ensemble(scenario, draws=100, seed=8, levers=[idle]))


def test_levers_share_common_random_numbers() -> None:
    scenario = load_scenario()
    baseline = simulate_ensemble(scenario, draws=100, seed=8, model="compromise")
    lever = simulate_ensemble(scenario, draws=100, seed=8, levers=["persuade_israel"],
                              model="compromise")
    assert lever.levers == ("persuade_israel",)
    for name, values in baseline.parameters.items():
        np.testing.assert_array_equal(values, lever.parameters[name])
    for shock, fired in baseline.shock_fired.items():
        np.testing.assert_array_equal(fired, lever.shock_fired[shock])
    assert "levers[5].effects[0].shift" in lever.parameters
    moved = lever.settlement["fate_of_assad"] - baseline.settlement["fate_of_assad"]
    assert (moved < 0).all(), "Israel moving towards Assad's departure lowers the settlement"


def test_lever_starts_at_its_date_and_can_switch_a_shock_off() -> None:
    text = SHOCKS + "  volatility: {position: 0, salience: 0}\n" + """
levers:
  - id: calm
    name: Calm
    start: 2020-07-01
    effects:
      - {target: shocks.sometimes.hazard, set: 0}
      - {target: stances.solo.a.position, shift: 5}
"""
    scenario = toy(text)
    result = simulate_ensemble(scenario, draws=400, seed=6, levers=["calm"])
    np.testing.assert_allclose(result.settlement["solo"][0, :4], [10, 10, 15, 15])
    fired_at = first_true(result.shock_fired["sometimes"])
    assert fired_at.min() == 1 and (fired_at[fired_at > 1] > 8).all()


def test_hazard_effect_of_a_fired_shock() -> None:
    text = """
dynamics:
  shocks:
    - {id: trigger, name: Trigger, date: 2020-04-01,
       effects: [{target: shocks.follow.hazard, set: 1}]}
    - {id: follow, name: Follow, hazard: 0}
"""
    result = simulate_ensemble(toy(text), draws=20, seed=0)
    assert (first_true(result.shock_fired["follow"]) == 2).all()


def test_overrides_replace_sampled_values() -> None:
    scenario = toy(SHOCKS)
    values = np.linspace(20, 80, 30)
    fixed = {"stances.x.c.position": values, "actors[2].capability": np.full(30, 10.0)}
    result = simulate_ensemble(scenario, draws=30, seed=0, overrides=fixed, model="compromise")
    np.testing.assert_array_equal(result.parameters["actors[2].capability"], 10.0)
    np.testing.assert_array_equal(result.parameters["stances.x.c.position"], values)
    assert (np.diff(result.settlement["x"][:, 0]) > 0).all()
    with pytest.raises(ValueError, match="names no number"):
        simulate_ensemble(scenario, draws=30, overrides={"stances.x.z.position": values})
    with pytest.raises(ValueError, match="shape"):
        simulate_ensemble(scenario, draws=31, overrides={"stances.x.c.position": values})


@pytest.mark.filterwarnings("ignore:expected_utility.*nothing to bargain:RuntimeWarning")
def test_engines_and_bad_arguments() -> None:
    scenario = toy(SHOCKS)
    for model in ("median", "eum"):
        result = simulate_ensemble(scenario, draws=5, seed=0, model=model, horizon_years=0.5)
        assert result.model == model and result.settlement["x"].shape == (5, 3)
    with pytest.raises(ValueError, match="unknown model"):
        simulate_ensemble(scenario, model="oracle")
    with pytest.raises(ValueError, match="seed"):
        simulate_ensemble(scenario, seed=-1)
    with pytest.raises(ValueError, match="unknown lever"):
        simulate_ensemble(scenario, levers=["nothing"])


def test_progress_and_parquet_round_trip(tmp_path) -> None:
    calls: list[tuple[int, int]] = []
    result = simulate_ensemble(toy(SHOCKS), draws=70, seed=9, chunk_size=30,
                               progress=lambda done, total: calls.append((done, total)))
    assert calls == [(30, 70), (60, 70), (70, 70)]
    folder = result.to_parquet(tmp_path / "run")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["seed"] == 9 and manifest["scenario_hash"] == result.scenario_hash
    assert manifest["version"] == result.version
    frame = result.to_frame()
    assert len(frame) == 70 * len(result.dates)
    again = EnsembleResult.from_parquet(folder)
    assert_same(result, again)
    assert again.dates == result.dates and again.seed == 9


def test_executors_are_made_from_command_line_names() -> None:
    from realpolitik.simulation import LocalExecutor, make_executor

    assert isinstance(make_executor("local"), LocalExecutor)
    assert make_executor("threads", workers=3).workers == 3
    assert make_executor("dask", workers=2).address is None
    with pytest.raises(ValueError, match="unknown scheduler"):
        make_executor("mpi")
    with pytest.raises(ValueError, match="only used with the dask"):
        make_executor("threads", address="tcp://host:8786")


def test_lever_from_outside_the_scenario_is_checked() -> None:
    stray = Lever(id="stray", name="Stray",
                  effects=[{"target": "stances.x.nobody.position", "shift": 5}])
    with pytest.raises(ValueError, match="lever 'stray', effect 0 .*undeclared actor 'nobody'"):
        simulate_ensemble(toy(SHOCKS), draws=5, levers=[stray])


def test_dask_worker_processes_give_identical_results() -> None:
    """Real worker processes: jobs and results cross process boundaries by pickling."""
    scenario = load_scenario()
    local = simulate_ensemble(scenario, draws=60, seed=11, chunk_size=20)
    with DaskExecutor(workers=2, processes=True) as executor:
        remote = simulate_ensemble(scenario, draws=60, seed=11, chunk_size=15,
                                   executor=executor)
    assert_same(local, remote)
