import datetime as dt
import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from analysis_fakes import TINY_SCENARIO, fake_ensemble
from helpers import EXAMPLE
from realpolitik.analysis.levers import (
    BASELINE,
    LeverOptions,
    compare_options,
    delayed,
    evaluate_levers,
    lever_options,
    lever_runs,
    paired_interval,
    regret,
    resolve_lever_options,
    summarise_regret,
)
from realpolitik.analysis.outcomes import Outcome, OutcomeError
from realpolitik.scenario.loader import load_scenario, parse_scenario

SETTLEMENT = Outcome("settlement", "a")


def with_settlement(result, final):
    result.settlement = {"a": np.column_stack([np.zeros(len(final)), final])}
    return result


def test_normal_interval_by_hand():
    found = paired_interval(np.array([1.0, 2.0, 3.0, 4.0]))
    half = 1.959963984540054 * np.std([1, 2, 3, 4], ddof=1) / 2
    assert found.mean == 2.5
    assert found.low == pytest.approx(2.5 - half)
    assert found.high == pytest.approx(2.5 + half)
    assert found.excludes_zero()


def test_identical_differences_give_a_point_interval():
    found = paired_interval(np.full(50, -0.3))
    assert (found.mean, found.low, found.high) == (-0.3, -0.3, -0.3)


def test_bootstrap_interval_is_seeded_and_close_to_the_normal_one():
    d = np.random.default_rng(0).normal(1.0, 2.0, size=2000)
    one = paired_interval(d, method="bootstrap", seed=3)
    assert one == paired_interval(d, method="bootstrap", seed=3)
    normal = paired_interval(d)
    assert one.low == pytest.approx(normal.low, abs=0.02)
    assert one.high == pytest.approx(normal.high, abs=0.02)
    with pytest.raises(ValueError, match="unknown interval method"):
        paired_interval(d, method="jackknife")


def test_regret_by_hand():
    values = np.array([[1.0, 3.0, 2.0], [4.0, 0.0, 1.0]])
    np.testing.assert_array_equal(regret(values, "maximise"), [[2, 0, 1], [0, 4, 3]])
    np.testing.assert_array_equal(regret(values, "minimise"), [[0, 2, 1], [4, 0, 1]])
    high = summarise_regret(values, ["x", "y", "z"], "maximise")
    assert [(s.mean, s.max) for s in high] == [(1, 2), (2, 4), (2, 3)]
    assert high[1].p90 == pytest.approx(3.6)
    with pytest.raises(ValueError, match="direction"):
        regret(values, "best")


@given(arrays(float, st.tuples(st.integers(1, 20), st.integers(1, 6)),
              elements=st.floats(-100, 100)),
       st.sampled_from(["maximise", "minimise"]))
def test_regret_is_zero_for_the_best_option_and_never_negative(values, direction):
    r = regret(values, direction)
    assert np.all(r >= 0)
    np.testing.assert_allclose(r.min(axis=1), 0.0)
    shifted = regret(values + np.arange(len(values))[:, None] * 3.0, direction)
    np.testing.assert_allclose(shifted, r, atol=1e-9)


def test_options_are_baseline_levers_and_pairs():
    scenario = parse_scenario(TINY_SCENARIO)
    ids = [option.id for option in lever_options(scenario.levers)]
    assert ids == [BASELINE, "mediation", "trade_deal", "mediation+trade_deal"]
    assert len(lever_options(scenario.levers, pairs=False)) == 3


def test_delayed_moves_the_start_and_keeps_the_lever():
    scenario = parse_scenario(TINY_SCENARIO)
    mediation, trade = scenario.levers
    late = delayed(mediation, 2, scenario.scenario.as_of)
    assert late.start == dt.date(2026, 1, 1) and late.id == mediation.id
    assert late.effects == mediation.effects
    assert mediation.start is None
    assert delayed(trade, 1.5, scenario.scenario.as_of).start == dt.date(2026, 7, 1)
    with pytest.raises(ValueError, match="negative"):
        delayed(trade, -1, scenario.scenario.as_of)


def hand_made_options():
    scenario = parse_scenario(TINY_SCENARIO)
    options = lever_options(scenario.levers)
    base = np.array([10.0, 20.0, 30.0, 40.0])
    finals = {
        BASELINE: base,
        "mediation": base - 5,
        "trade_deal": base + np.array([2.0, -2.0, 2.0, -2.0]),
        "mediation+trade_deal": base - 9,
    }
    results = {key: with_settlement(fake_ensemble(draws=4, steps=1), final)
               for key, final in finals.items()}
    return options, results


def test_compare_options_by_hand():
    options, results = hand_made_options()
    report = compare_options(results, options, [SETTLEMENT], SETTLEMENT, "minimise")
    effect = report.objective_effect("mediation")
    assert (effect.baseline_mean, effect.option_mean) == (25.0, 20.0)
    assert (effect.effect.low, effect.effect.high) == (-5.0, -5.0)
    assert report.objective_effect("trade_deal").effect.mean == 0.0
    assert report.ranking == ["mediation+trade_deal", "mediation", BASELINE, "trade_deal"]
    # pair - mediation - trade_deal + baseline = -9 + 5 - (+-2) = -4 -+ 2
    assert report.synergy["mediation+trade_deal"].mean == -4.0
    assert report.minimax_regret == "mediation+trade_deal"
    regrets = {s.option: s for s in report.regret}
    assert regrets["mediation"].mean == 4.0 and regrets[BASELINE].max == 9.0
    json.dumps(report.to_dict())


def test_compare_options_refuses_runs_on_different_draws():
    options, results = hand_made_options()
    results["mediation"].seed = 1
    with pytest.raises(ValueError, match="same seed and draws"):
        compare_options(results, options, [SETTLEMENT], SETTLEMENT)


def recording_simulate(calls):
    """A stand-in for simulate_ensemble that records each call and returns a flat ensemble."""

    def simulate(scenario, *, draws, seed, model, levers, overrides, executor, progress):
        calls.append(([lever.id for lever in levers], seed, draws, overrides, executor))
        progress(draws, draws)
        result = fake_ensemble(draws=draws, steps=2, seed=seed)
        result.cohesion = {"north_south": np.full((draws, 3), 0.5)}
        return result

    return simulate


def test_orchestration_runs_each_option_once_on_the_same_seed():
    scenario = parse_scenario(TINY_SCENARIO)
    calls, ticks = [], []
    executor = object()
    report = evaluate_levers(scenario, LeverOptions(draws=8, seed=4), executor=executor,
                             progress=lambda d, t: ticks.append((d, t)),
                             simulate=recording_simulate(calls))
    assert [c[0] for c in calls] == [[], ["mediation"], ["trade_deal"],
                                     ["mediation", "trade_deal"], ["mediation"], ["trade_deal"]]
    assert {c[1:3] for c in calls} == {(4, 8)}
    assert all(c[4] is executor for c in calls)
    assert ticks[-1] == (48, 48) and len(ticks) == 6
    assert (report.objective, report.direction) == ("cohesion:north_south", "minimise")
    assert [d.lever for d in report.delays] == ["mediation", "trade_deal"]
    assert lever_runs(scenario.levers) == len(calls)


def test_evaluate_levers_takes_its_defaults_from_the_scenarios_analysis_settings():
    scenario = load_scenario(EXAMPLE)
    settings = scenario.analysis
    calls = []

    def simulate(scenario, *, draws, seed, model, levers, overrides, executor, progress):
        calls.append(draws)
        result = fake_ensemble(draws=draws, steps=2, seed=seed)
        result.settlement = {"flow_share": np.full((draws, 3), 50.0)}
        result.cohesion = {"downstream_mediator": np.full((draws, 3), 0.5)}
        return result

    report = evaluate_levers(scenario, LeverOptions(pairs=False, delay_years=None),
                             simulate=simulate)
    assert (report.objective, report.direction) == (settings.objective, settings.direction)
    assert report.outcomes == list(dict.fromkeys([*settings.outcomes, settings.objective]))
    assert set(calls) == {settings.draws} and report.draws == settings.draws
    resolved = resolve_lever_options(scenario)
    assert resolved.objective.label == settings.objective
    assert resolved.levers == tuple(scenario.levers)


def test_resolving_options_checks_every_outcome_against_the_scenario():
    scenario = parse_scenario(TINY_SCENARIO)
    with pytest.raises(OutcomeError, match="no issue 'water'"):
        resolve_lever_options(scenario, LeverOptions(outcomes=(Outcome("settlement", "water"),)))
    with pytest.raises(OutcomeError, match="before the scenario's as_of"):
        resolve_lever_options(scenario, LeverOptions(
            objective=Outcome("rupture", "north_south", dt.date(2020, 1, 1))))


def test_levers_on_a_small_scenario_share_random_numbers():
    scenario = parse_scenario(TINY_SCENARIO)
    border = Outcome("settlement", "border")
    options = LeverOptions(outcomes=(border, Outcome("rupture", "north_south")),
                           objective=border, draws=300, seed=2, direction="minimise",
                           delay_years=1)
    report = evaluate_levers(scenario, options)
    baseline = report.objective_effect(BASELINE).effect
    assert (baseline.mean, baseline.low, baseline.high) == (0.0, 0.0, 0.0)
    mediation = report.objective_effect("mediation").effect
    assert mediation.high < 0
    assert report.objective_effect("trade_deal").effect.mean == 0.0  # other issue
    assert report.ranking[0] in {"mediation", "mediation+trade_deal"}
    # the settlement at the horizon only sees the positions in force then, and the late
    # lever draws the same effect amounts: waiting a year costs nothing at the horizon
    by_lever = {delay.lever: delay for delay in report.delays}
    assert by_lever["mediation"].loss.mean == 0.0
    assert by_lever["mediation"].start == "2025-01-01"


# ---- report section and command line ---------------------------------------------------
def small_report():
    scenario = parse_scenario(TINY_SCENARIO.replace("name: Mediation on the border",
                                                    'name: "Mediation <on> the border & more"'))
    border = Outcome("settlement", "border")
    return evaluate_levers(scenario, LeverOptions(
        outcomes=(border,), objective=Outcome("rupture", "north_south"), draws=100, seed=1,
        direction="minimise", delay_years=1))


def test_levers_section_escapes_names_and_draws_its_figure(tmp_path):
    from realpolitik.outputs.sections_analysis import levers_section

    section = levers_section(small_report(), tmp_path)
    assert "Mediation &lt;on&gt; the border &amp; more" in section.body_html
    assert "<on>" not in section.body_html
    assert "seed 1, draws 100" in section.body_html
    assert section.figures[0].path.stat().st_size > 5000


def cli_app():
    import typer

    from realpolitik.interfaces.cli_levers import levers_command

    app = typer.Typer()
    app.command("levers")(levers_command)
    app.command("noop")(lambda: None)
    return app


def test_levers_command_prints_the_ranking_and_writes_json(tmp_path):
    from typer.testing import CliRunner

    path = tmp_path / "tiny.yaml"
    path.write_text(TINY_SCENARIO, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli_app(), [
        "levers", str(path), "--draws", "64", "--outcome", "settlement:border",
        "--objective", "rupture:north_south", "--direction", "minimise", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Mediation on the border" in result.stdout
    assert "Acting 2 years later" in result.stdout
    saved = json.loads((out / "levers.json").read_text(encoding="utf-8"))
    assert saved["draws"] == 64 and saved["objective"] == "rupture:north_south"
    assert set(saved["ranking"]) == {BASELINE, "mediation", "trade_deal",
                                     "mediation+trade_deal"}
    assert (out / "lever-effects.png").exists()


@pytest.mark.parametrize(("arguments", "says"), [
    (["--outcome", "settlement:water"], "no issue 'water'"),
    (["--objective", "rupture"], "should look like"),
])
def test_levers_command_turns_mistakes_into_one_red_line(tmp_path, arguments, says):
    from typer.testing import CliRunner

    path = tmp_path / "tiny.yaml"
    path.write_text(TINY_SCENARIO, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli_app(), ["levers", str(path), "--out", str(out), *arguments])
    assert result.exit_code == 2
    assert says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert not out.exists()


def test_levers_command_reports_a_broken_scenario(tmp_path):
    from typer.testing import CliRunner

    path = tmp_path / "broken.yaml"
    path.write_text(TINY_SCENARIO.replace("capability: 50", "capability: -5"), encoding="utf-8")
    result = CliRunner().invoke(cli_app(), ["levers", str(path)])
    assert result.exit_code == 2
    assert "broken.yaml:" in result.stderr and "capability" in result.stderr


def test_levers_command_needs_levers():
    from typer.testing import CliRunner

    result = CliRunner().invoke(cli_app(), ["levers", "emission-standards"])
    assert result.exit_code == 2
    assert "declares no levers" in result.stderr


def test_public_namespace_of_the_lever_analysis():
    import realpolitik.analysis.levers as levers
    import realpolitik.interfaces.cli_levers as cli
    import realpolitik.outputs.terminal as terminal

    assert {"evaluate_levers", "compare_options", "delayed", "regret", "paired_interval",
            "LeverReport", "LeverOptions"} <= set(levers.__all__)
    assert {"levers_command"} <= set(cli.__all__)
    assert {"lever_table", "discovery_summary", "sensitivity_summary"} <= set(terminal.__all__)
    for module in (levers, cli, terminal):
        assert all(hasattr(module, name) for name in module.__all__)
