"""Streamed ensembles: the same numbers as an ensemble held whole, in memory that does not grow."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from helpers import EXAMPLE
from realpolitik.analysis.drivers import rupture_drivers
from realpolitik.analysis.levers import Interval, LeverOptions, evaluate_levers, regret
from realpolitik.analysis.outlook import OutlookOptions, forecast_outlook
from realpolitik.analysis.questions import forecast_questions
from realpolitik.analysis.streamed import (
    REGRET_BINS,
    PairedTally,
    RegretTally,
    drivers_from_summary,
    evaluate_levers_streamed,
    stream_futures,
)
from realpolitik.scenario.loader import load_scenario, resolve_scenario
from realpolitik.simulation import EnsembleResult, ThreadExecutor, simulate_ensemble
from realpolitik.simulation.ensemble import _Collector, ensemble_ids, plan_ensemble
from realpolitik.simulation.results import ChunkWriter, keyed_arrays, read_survival
from realpolitik.simulation.stepping import ChunkResult, run_chunk
from realpolitik.simulation.streaming import (
    RESOLUTION,
    STREAM_ABOVE,
    ChunkView,
    EnsembleSummary,
    stream_ensemble,
)
from simulation_toy import toy

DRAWS, CHUNK = 400, 64  # seven chunks, the last one short


@pytest.fixture(scope="module")
def scenario():
    """The example: two levers, two questions, a game changer (fast lever evaluations)."""
    return load_scenario(EXAMPLE)


@pytest.fixture(scope="module")
def flagship():
    """The flagship: alliances that rupture in some futures, questions, several shocks."""
    found = load_scenario(resolve_scenario(None))
    assert found.questions and found.dynamics is not None and found.dynamics.shocks
    return found


@pytest.fixture(scope="module")
def whole(flagship) -> EnsembleResult:
    return simulate_ensemble(flagship, draws=DRAWS, seed=5, chunk_size=CHUNK)


@pytest.fixture(scope="module")
def streamed(flagship, tmp_path_factory):
    folder = tmp_path_factory.mktemp("streamed") / "ensemble"
    futures = stream_futures(flagship, draws=DRAWS, seed=5, model="mixture",
                             horizon_years=None, executor=None, keep=150, folder=folder,
                             progress=None, chunk_size=CHUNK)
    return futures, folder


def test_counts_over_every_draw_equal_those_of_the_whole_ensemble(whole, streamed) -> None:
    futures, _ = streamed
    sample = futures.ensemble
    assert (sample.draws, sample.futures, futures.summary.draws) == (150, DRAWS, DRAWS)
    assert any(whole.survival(a).estimate[-1] < 1 for a in whole.ruptured)
    for alliance in whole.ruptured:
        for mine, theirs in zip(sample.survival(alliance), whole.survival(alliance), strict=True):
            np.testing.assert_array_equal(mine, theirs)
        for years in (1.0, 2.0):
            assert sample.holding_at(alliance, years) == whole.holding_at(alliance, years)
    for shock in whole.shock_fired:
        for mine, theirs in zip(sample.fired_probability(shock), whole.fired_probability(shock),
                                strict=True):
            np.testing.assert_array_equal(mine, theirs)
    focus = next(iter(whole.ruptured))
    expected = rupture_drivers(whole.ruptured[focus][:, -1],
                               {s: fired[:, -1] for s, fired in whole.shock_fired.items()})
    assert drivers_from_summary(futures.summary, focus) == expected


def test_streamed_quantiles_are_within_half_a_bin_of_the_exact_ones(whole, streamed) -> None:
    futures, _ = streamed
    qs = [0.0, 0.05, 0.25, 0.5, 0.9, 0.95, 1.0]
    for issue, paths in whole.settlement.items():
        exact = np.quantile(paths, qs, axis=0, method="inverted_cdf")
        found = futures.ensemble.quantiles(issue, qs)
        assert found.shape == (len(qs), len(whole.dates))
        assert np.abs(found - exact).max() <= RESOLUTION / 2 + 1e-9, issue


def test_the_sample_is_the_first_draws_bit_for_bit(flagship, streamed) -> None:
    futures, _ = streamed
    first = simulate_ensemble(flagship, draws=150, seed=5)
    for name in ("settlement", "cohesion", "issue_cohesion", "ruptured", "shock_fired",
                 "parameters"):
        mine, theirs = getattr(futures.ensemble, name), getattr(first, name)
        assert mine.keys() == theirs.keys()
        for key in mine:
            np.testing.assert_array_equal(mine[key], theirs[key])
    np.testing.assert_array_equal(futures.ensemble.engine, first.engine)


def test_question_probabilities_are_counted_over_every_draw(flagship, whole, streamed) -> None:
    futures, _ = streamed
    assert 0 < len({q.model_probability for q in futures.questions}) > 1
    assert futures.questions == forecast_questions(flagship, whole)


def test_files_written_chunk_by_chunk_read_back_as_those_written_at_once(
        whole, streamed, tmp_path) -> None:
    _, folder = streamed
    at_once = EnsembleResult.from_parquet(whole.to_parquet(tmp_path / "whole"))
    chunked = EnsembleResult.from_parquet(folder)
    assert chunked.manifest() == at_once.manifest()
    for name in ("settlement", "cohesion", "issue_cohesion", "ruptured", "shock_fired",
                 "parameters"):
        mine, theirs = getattr(chunked, name), getattr(at_once, name)
        assert list(mine) == list(theirs)
        for key in mine:
            assert mine[key].dtype == theirs[key].dtype
            np.testing.assert_array_equal(mine[key], theirs[key])
    np.testing.assert_array_equal(chunked.engine, at_once.engine)
    assert chunked.rupture == at_once.rupture
    import pyarrow.parquet as pq

    assert pq.ParquetFile(folder / ChunkWriter.PATHS).num_row_groups == math.ceil(DRAWS / CHUNK)
    dates, bands = read_survival(folder)
    assert dates == whole.dates
    for alliance, band in bands.items():
        np.testing.assert_array_equal(band.estimate, whole.survival(alliance).estimate)
    part = EnsembleResult.from_parquet(folder, tables=["ruptured"], draws=70)
    assert part.draws == 70 and not part.settlement
    for alliance, paths in part.ruptured.items():
        np.testing.assert_array_equal(paths, whole.ruptured[alliance][:70])


def test_same_seed_same_bytes_whatever_the_executor(flagship, tmp_path) -> None:
    def files(folder, executor=None):
        stream_ensemble(flagship, draws=200, seed=9, chunk_size=48, keep=20, folder=folder,
                        executor=executor)
        return {name: (folder / name).read_bytes()
                for name in (ChunkWriter.PATHS, ChunkWriter.PARAMETERS, "manifest.json")}

    first = files(tmp_path / "a")
    assert files(tmp_path / "b", ThreadExecutor(2)) == first
    other = stream_ensemble(flagship, draws=200, seed=10, chunk_size=48, keep=20,
                            folder=tmp_path / "c")
    assert (tmp_path / "c" / ChunkWriter.PATHS).read_bytes() != first[ChunkWriter.PATHS]
    assert other.futures == 200


def test_summary_state_does_not_grow_with_the_draws(scenario) -> None:
    sizes = []
    for chunks in (2, 20):
        summary = stream_ensemble(scenario, draws=chunks * 16, seed=1, chunk_size=16,
                                  keep=16).summary
        assert isinstance(summary, EnsembleSummary) and summary.draws == chunks * 16
        sizes.append(summary.state_bytes())
        arrays = [v for v in vars(summary).values() if isinstance(v, np.ndarray)]
        assert sum(a.nbytes for a in arrays) == summary.state_bytes()
    assert sizes[0] == sizes[1]


def test_lever_tallies_do_not_grow_with_the_draws() -> None:
    rng = np.random.default_rng(0)
    sizes = []
    for chunks in (2, 20):
        paired, regrets = PairedTally(5, resamples=50, seed=1), RegretTally(5, 1.0)
        for c in range(chunks):
            values = rng.random((100, 5))
            paired.add(values, 100 * c)
            regrets.add(values, "maximise")
        sizes.append((paired.state_bytes(),
                      sum(v.nbytes for v in vars(regrets).values() if isinstance(v, np.ndarray))))
    assert sizes[0] == sizes[1]


def test_paired_tally_by_hand_and_against_numpy() -> None:
    tally = PairedTally(2)
    tally.add(np.array([[1.0, 3.0], [2.0, 3.0]]), 0)
    tally.add(np.array([[6.0, 3.0]]), 2)
    assert tally.interval(1) == Interval(3.0, 3.0, 3.0)  # the same in every draw: a point
    found = tally.interval(0)
    mean, low, high = found.mean, found.low, found.high
    half = 1.959963984540054 * math.sqrt(7.0) / math.sqrt(3.0)  # sd of 1, 2, 6 is sqrt(7)
    assert mean == 3.0 and low == pytest.approx(3.0 - half) and high == pytest.approx(3 + half)
    data = np.random.default_rng(3).normal(size=(1000, 1))
    chunked = PairedTally(1)
    for start in range(0, 1000, 77):
        chunked.add(data[start:start + 77], start)
    assert chunked.mean[0] == pytest.approx(data.mean(), abs=1e-13)
    assert chunked.m2[0] == pytest.approx(((data - data.mean()) ** 2).sum(), rel=1e-12)


def test_poisson_bootstrap_does_not_depend_on_the_chunks_and_is_near_the_normal() -> None:
    data = np.random.default_rng(4).exponential(size=(3000, 1))

    def tally(step: int) -> PairedTally:
        found = PairedTally(1, resamples=400, seed=7)
        for start in range(0, 3000, step):
            found.add(data[start:start + step], start)
        return found

    a, b = tally(1024), tally(500)
    np.testing.assert_allclose(a.weighted, b.weighted, rtol=1e-12)
    np.testing.assert_array_equal(a.weight, b.weight)
    boot, normal = a.interval(0, "bootstrap"), a.interval(0, "normal")
    assert boot.low < boot.mean < boot.high
    assert boot.high - boot.low == pytest.approx(normal.high - normal.low, rel=0.2)
    assert tally(1024).interval(0, "bootstrap") == boot


def test_regret_tally_against_the_draws() -> None:
    values = np.random.default_rng(5).random((900, 3))
    tally = RegretTally(3, 1.0)
    for start in range(0, 900, 100):
        tally.add(values[start:start + 100], "minimise")
    exact = regret(values, "minimise")
    for o, summary in enumerate(tally.summaries(["a", "b", "c"])):
        assert summary.mean == pytest.approx(exact[:, o].mean(), abs=1e-12)
        assert summary.max == exact[:, o].max()
        p90 = np.quantile(exact[:, o], 0.9, method="inverted_cdf")
        assert abs(summary.p90 - p90) <= 0.5 / REGRET_BINS + 1e-12


@pytest.mark.parametrize("interval", ["normal", "bootstrap"])
def test_streamed_levers_match_the_whole_ensemble_ones(scenario, interval) -> None:
    options = LeverOptions(draws=300, seed=2, interval=interval)
    whole = evaluate_levers(scenario, options)
    streamed = evaluate_levers_streamed(scenario, options, chunk_size=CHUNK)
    assert streamed.ranking == whole.ranking
    assert (streamed.minimax_regret, streamed.least_mean_regret) == (
        whole.minimax_regret, whole.least_mean_regret)
    assert [o.id for o in streamed.options] == [o.id for o in whole.options]
    for option, by_outcome in whole.effects.items():
        for label, effect in by_outcome.items():
            mine = streamed.effects[option][label]
            assert mine.baseline_mean == pytest.approx(effect.baseline_mean, abs=1e-12)
            assert mine.option_mean == pytest.approx(effect.option_mean, abs=1e-12)
            assert mine.effect.mean == pytest.approx(effect.effect.mean, abs=1e-12)
            if interval == "normal":
                assert mine.effect.low == pytest.approx(effect.effect.low, abs=1e-9)
                assert mine.effect.high == pytest.approx(effect.effect.high, abs=1e-9)
            else:
                assert mine.effect.low <= mine.effect.mean <= mine.effect.high
    for mine, theirs in zip(streamed.regret, whole.regret, strict=True):
        assert mine.mean == pytest.approx(theirs.mean, abs=1e-12) and mine.max == theirs.max
    assert [d.lever for d in streamed.delays] == [d.lever for d in whole.delays]
    for mine, theirs in zip(streamed.delays, whole.delays, strict=True):
        assert mine.loss.mean == pytest.approx(theirs.loss.mean, abs=1e-12)
    assert streamed.synergy.keys() == whole.synergy.keys()


def test_a_chunk_array_added_later_flows_to_tables_and_files(scenario, tmp_path) -> None:
    @dataclasses.dataclass(frozen=True)
    class Wider(ChunkResult):
        hazard_path: np.ndarray | None = None  # (n, T + 1, S)
        fired_count: np.ndarray | None = None  # (n, S)

    plan = plan_ensemble(scenario, draws=30, seed=0, chunk_size=30)
    chunk = run_chunk(plan.jobs[0])
    shocks = chunk.shock_fired.shape[2]
    wider = Wider(**{f.name: getattr(chunk, f.name) for f in dataclasses.fields(chunk)},
                  hazard_path=chunk.shock_fired.astype(float) / 2,
                  fired_count=chunk.shock_fired.sum(axis=1))
    ids = ensemble_ids(scenario)
    tables = keyed_arrays(wider, ids)
    assert list(tables)[:5] == ["settlement", "cohesion", "issue_cohesion", "ruptured",
                                "shock_fired"]
    assert set(tables["hazard_path"]) == set(tables["fired_count"]) == set(ids["shocks"])
    assert len(ids["shocks"]) == shocks
    shock = ids["shocks"][0]
    np.testing.assert_array_equal(tables["fired_count"][shock], wider.fired_count[:, 0])
    collector = _Collector(scenario, plan.applied, plan.dates, 30, None)
    collector.collect(plan.jobs[0], wider)
    assert collector.tables["hazard_path"][shock].shape == (30, len(plan.dates))
    result = collector.result(0, "mixture", plan.weights)  # fields it lacks are left out
    writer = ChunkWriter(tmp_path, plan.dates, mixture=True)
    view = ChunkView.of(wider, plan.jobs[0], ids)
    writer.write(0, view.tables, wider.parameters, view.engine)
    writer.close(result)
    import pyarrow.parquet as pq

    paths = pq.read_table(tmp_path / ChunkWriter.PATHS).column_names
    per_draw = pq.read_table(tmp_path / ChunkWriter.PARAMETERS).column_names
    assert f"hazard_path.{shock}" in paths and f"fired_count.{shock}" in per_draw
    back = EnsembleResult.from_parquet(tmp_path)
    np.testing.assert_array_equal(back.shock_fired[shock], result.shock_fired[shock])


def test_streaming_is_chosen_above_the_threshold_or_by_flag() -> None:
    assert not OutlookOptions().streams(1000)
    assert not OutlookOptions().streams(STREAM_ABOVE)
    assert OutlookOptions().streams(STREAM_ABOVE + 1)
    assert OutlookOptions(stream=True).streams(10)
    assert not OutlookOptions(stream=False).streams(10**6)


def test_a_streamed_outlook_reports_every_draw(flagship, whole, tmp_path) -> None:
    options = OutlookOptions(draws=DRAWS, seed=5, stream=True, keep=100, sensitivity=False,
                             levers=False)
    outlook = forecast_outlook(flagship, options, folder=tmp_path / "ensemble")
    assert outlook.streamed and outlook.futures == DRAWS and outlook.ensemble.draws == 100
    assert outlook.questions == forecast_questions(flagship, whole)
    for alliance in whole.ruptured:
        np.testing.assert_array_equal(list(outlook.holding(alliance).values()),
                                      [whole.holding_at(alliance, y) for y in (1.0, 2.0, 5.0)])
    assert outlook.discovery is None or outlook.discovery.draws == 100
    assert EnsembleResult.from_parquet(tmp_path / "ensemble").draws == DRAWS


MECHANISM = """
dynamics:
  shocks:
    - {id: once, name: Once, hazard: 0.2}
    - id: strike
      name: A strike
      hazard: 0.3
      hazard_factor: "settlement(x) / 50"
      recurring: true
      effects:
        - {target: stances.x.c.position, shift: -5}
questions:
  - {id: twice, text: Two strikes?, resolution_date: 2021-06-01, indicator: "count(strike) >= 2"}
"""


def test_firing_counts_and_hazards_stream_like_the_rest(tmp_path) -> None:
    mechanism = toy(MECHANISM)
    whole = simulate_ensemble(mechanism, draws=300, seed=2, chunk_size=40)
    streamed = stream_futures(mechanism, draws=300, seed=2, model="mixture", horizon_years=None,
                              executor=None, keep=50, folder=tmp_path, progress=None,
                              chunk_size=40)
    assert streamed.questions == forecast_questions(mechanism, whole)
    assert 0 < streamed.questions[0].model_probability < 1
    at_once = EnsembleResult.from_parquet(whole.to_parquet(tmp_path / "whole"))
    chunked = EnsembleResult.from_parquet(tmp_path)
    assert chunked.manifest() == at_once.manifest()
    for name in ("shock_fired", "shock_count", "shock_hazard"):
        assert list(getattr(chunked, name)) == list(getattr(at_once, name))
        for key, paths in getattr(at_once, name).items():
            assert getattr(chunked, name)[key].dtype == paths.dtype
            np.testing.assert_array_equal(getattr(chunked, name)[key], paths)
    import pyarrow.parquet as pq

    columns = pq.read_table(tmp_path / ChunkWriter.PATHS).column_names
    assert "shock_count.strike" in columns and "shock_count.once" not in columns
    assert columns == pq.read_table(tmp_path / "whole" / "paths-00000.parquet").column_names
