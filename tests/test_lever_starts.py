"""Levers that wait: the step each started at, per draw, and the share of futures it started in.

The scenario is the toy of ``simulation_toy.py`` with the random walk off:
its issue ``solo`` has one actor, so the compromise engine settles it at
that actor's position and a lever's shift shows in the settlement as soon
as the lever is in force.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from realpolitik.analysis.levers import LeverOptions, evaluate_levers, lever_start, start_counts
from realpolitik.analysis.streamed import evaluate_levers_streamed
from realpolitik.scenario.loader import parse_scenario
from realpolitik.scenario.outcomes import parse_outcome
from realpolitik.simulation import simulate_ensemble
from realpolitik.simulation.results import EnsembleResult
from simulation_toy import TOY

DYNAMICS = """
dynamics:
  volatility: {position: 0, salience: 0}
  shocks:
    - {id: s, name: S, date: 2021-01-01}
levers:
  - id: after
    name: After the event
    when: "WHEN"
    effects:
      - {target: stances.solo.a.position, shift: {range: [5, 15], estimate: test}}
  - id: plain
    name: Plain
    effects:
      - {target: stances.x.a.position, shift: 5}
"""


def scenario(when: str):
    return parse_scenario(TOY + DYNAMICS.replace("WHEN", when), path="toy.yaml")


def options(levers, **extra) -> LeverOptions:
    return LeverOptions(levers=tuple(levers), outcomes=(parse_outcome("settlement:solo"),
                                                        parse_outcome("cohesion:ab")),
                        objective=parse_outcome("settlement:solo"), direction="maximise",
                        draws=40, model="compromise", **extra)


def test_a_lever_on_a_dated_event_starts_at_its_step_in_every_future(tmp_path):
    toy = scenario("fired(s)")
    result = simulate_ensemble(toy, draws=30, seed=2, model="compromise", levers=["after"])
    step = result.dates.index(np.datetime64("2021-01-01", "D").item())
    assert step == 4
    assert list(result.lever_start) == ["after"]
    assert (result.lever_start["after"] == step).all()
    back = EnsembleResult.from_parquet(result.to_parquet(tmp_path / "ensemble"))
    np.testing.assert_array_equal(back.lever_start["after"], result.lever_start["after"])
    report = evaluate_levers(toy, options(toy.levers, delay_years=None))
    start = report.start_of("after", "after")
    assert start is not None
    assert (start.futures, start.started, start.share) == (40, 40, 1.0)
    assert (start.median_step, start.median_start) == (4, "2021-01-01")
    assert start.counts[4] == 40 and sum(start.counts) == 40
    assert start.low < 1.0 == start.high  # a Wilson interval: 40 of 40 is not certainty
    assert report.start_of("after+plain", "after") == replace(start, option="after+plain")
    assert report.start_of("plain", "plain") is None  # a lever that does not wait


def test_a_condition_that_never_holds_starts_nothing_and_changes_nothing():
    toy = scenario("settlement(solo) > 100")
    report = evaluate_levers(toy, options(toy.levers, delay_years=1.0))
    start = report.start_of("after", "after")
    assert start is not None
    assert (start.started, start.share, start.median_step, start.median_start) == (
        0, 0.0, None, None)
    assert start.high > 0.0  # 0 of 40 is not impossibility either
    for effect in report.effects["after"].values():
        assert (effect.effect.mean, effect.effect.low, effect.effect.high) == (0.0, 0.0, 0.0)
    assert report.effects["after+plain"] == {
        label: type(effect)("after+plain", label, effect.baseline_mean, effect.option_mean,
                            effect.effect)
        for label, effect in report.effects["plain"].items()}
    assert "starts" in report.to_dict()


def test_the_streamed_lever_path_counts_the_same_starts():
    toy = parse_scenario(TOY + DYNAMICS.replace("date: 2021-01-01", "hazard: 0.2").replace(
        "WHEN", "fired(s)"), path="toy.yaml")
    whole = evaluate_levers(toy, options(toy.levers, delay_years=None))
    streamed = evaluate_levers_streamed(toy, options(toy.levers, delay_years=None),
                                        chunk_size=7)
    assert whole.starts == streamed.starts
    start = whole.start_of("after", "after")
    assert start is not None and 0 < start.started < 40  # a random event: some futures only
    result = simulate_ensemble(toy, draws=40, seed=0, model="compromise", levers=["after"])
    fired_step = np.where(result.shock_fired["s"][:, -1],
                          np.argmax(result.shock_fired["s"], axis=1), -1)
    np.testing.assert_array_equal(result.lever_start["after"], fired_step)
    assert start.started == int((fired_step >= 0).sum())


def test_without_a_lever_that_waits_the_files_hold_no_start_column(tmp_path):
    toy = scenario("fired(s)")
    result = simulate_ensemble(toy, draws=10, seed=2, model="compromise", levers=["plain"])
    assert result.lever_start == {}
    folder = result.to_parquet(tmp_path / "ensemble")
    import pyarrow.parquet as pq

    columns = pq.read_schema(folder / "parameters.parquet").names
    assert not any(name.startswith("lever_start") for name in columns)
    assert "lever_start" not in " ".join(result.to_frame().columns)
    assert "starts" not in evaluate_levers(toy, options([toy.levers[1]], delay_years=None)
                                           ).to_dict()


@pytest.mark.parametrize(("steps", "median"), [
    ([3, 3, 5, -1, -1], 3),      # 3 started: the second of 3, 3, 5
    ([1, 2, 3, 4], 2),           # 4 started: the smallest step by which half had started
    ([-1, -1], None),
])
def test_the_median_start_is_among_the_futures_where_it_started(steps, median):
    from realpolitik.scenario.levers import Lever

    lever = Lever(id="w", name="W", when="fired(s)")
    dates = [np.datetime64("2020-01-01", "D").item()] * 6
    counts = start_counts(np.array(steps), 6)
    found = lever_start("w", lever, counts, len(steps), dates)
    assert found.median_step == median
    assert found.started == sum(step >= 0 for step in steps)
    assert found.share == pytest.approx(found.started / len(steps))


def test_the_levers_command_shows_and_writes_when_a_lever_that_waits_started(tmp_path):
    import json

    from typer.testing import CliRunner

    from realpolitik.interfaces.cli import app

    path = tmp_path / "toy.yaml"
    path.write_text(TOY + DYNAMICS.replace("WHEN", "fired(s)"), encoding="utf-8")
    result = CliRunner().invoke(app, [
        "levers", str(path), "--draws", "20", "--model", "compromise", "--delay-years", "0",
        "--objective", "settlement:solo", "--direction", "maximise",
        "--out", str(tmp_path / "out")], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Levers that wait" in result.output
    assert "fired(s)" in result.output and "2021-01-01" in result.output
    written = json.loads((tmp_path / "out" / "levers.json").read_text(encoding="utf-8"))
    assert {(s["option"], s["started"], s["median_start"]) for s in written["starts"]} == {
        ("after", 20, "2021-01-01"), ("after+plain", 20, "2021-01-01")}
