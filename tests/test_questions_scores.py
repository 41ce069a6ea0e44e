"""Forecast questions and their scores: Brier, log, baselines, reliability, the score command."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from realpolitik.analysis.questions import (
    QuestionsFile,
    forecast_questions,
    load_questions,
    probabilities_at_rates,
    unmodelled_weight,
    widen,
)
from realpolitik.analysis.scores import (
    LOG_CLIP,
    brier_scores,
    log_scores,
    reliability_bins,
    score_forecasts,
    scores_by_rate,
    skill,
)
from realpolitik.interfaces.cli_judgment import score_command
from realpolitik.outputs.figures_judgment import questions_section
from realpolitik.scenario.errors import ScenarioError
from realpolitik.scenario.loader import parse_scenario
from test_indicators import SCENARIO, fake_result

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "questions-scored.yaml"


def cli() -> typer.Typer:
    app = typer.Typer()
    app.command("score")(score_command)
    app.command("noop")(lambda: None)  # keeps 'score' a subcommand
    return app


# ---- scores against hand values ---------------------------------------------


def test_brier_and_log_scores_match_hand_values():
    p, y = np.array([0.9, 0.2, 0.6]), np.array([1, 0, 0])
    # Brier: (0.1^2 + 0.2^2 + 0.6^2) / 3 = (0.01 + 0.04 + 0.36) / 3
    np.testing.assert_allclose(brier_scores(p, y), [0.01, 0.04, 0.36])
    # log: -ln 0.9, -ln 0.8, -ln 0.4
    np.testing.assert_allclose(log_scores(p, y), [-math.log(0.9), -math.log(0.8),
                                                  -math.log(0.4)])
    summary = score_forecasts(p, y)
    assert summary.brier == pytest.approx(0.41 / 3)
    assert summary.log == pytest.approx(-(math.log(0.9) + math.log(0.8) + math.log(0.4)) / 3)


def test_baselines_and_skill_scores():
    p, y = np.array([0.9, 0.2, 0.6]), np.array([1, 0, 0])
    summary = score_forecasts(p, y)
    half, base = summary.baselines
    assert half.brier == pytest.approx(0.25)
    assert half.log == pytest.approx(math.log(2))
    assert half.brier_skill == pytest.approx(1 - (0.41 / 3) / 0.25)
    # base rate 1/3: Brier b(1 - b) = 2/9; log -(b ln b + (1 - b) ln(1 - b))
    assert base.probability == pytest.approx(1 / 3)
    assert base.brier == pytest.approx(2 / 9)
    assert base.log == pytest.approx(-(math.log(1 / 3) / 3 + 2 * math.log(2 / 3) / 3))
    assert "in-sample" in base.note


def test_skill_is_undefined_when_the_baseline_is_perfect():
    summary = score_forecasts(np.array([0.7, 0.8]), np.array([1, 1]))
    base = summary.baselines[1]
    assert base.brier == 0.0 and base.brier_skill is None
    assert "undefined" in base.note
    assert skill(0.1, 0.0) is None
    assert skill(0.1, 0.2) == pytest.approx(0.5)


def test_log_score_clips_certain_mistakes():
    assert log_scores(np.array([0.0]), np.array([1]))[0] == pytest.approx(-math.log(LOG_CLIP))
    assert log_scores(np.array([1.0]), np.array([1]))[0] == pytest.approx(-math.log(1 - LOG_CLIP))


def test_perfect_forecasts_score_zero_brier():
    summary = score_forecasts(np.array([1.0, 0.0, 1.0]), np.array([1, 0, 1]))
    assert summary.brier == 0.0
    assert summary.baselines[0].brier_skill == 1.0


def test_reliability_bins_by_hand():
    p = np.array([0.05, 0.15, 0.12, 0.95, 1.0])
    y = np.array([0, 1, 0, 1, 1])
    bins = reliability_bins(p, y, bins=10)
    assert [b.count for b in bins] == [1, 2, 0, 0, 0, 0, 0, 0, 0, 2]
    assert bins[1].mean_forecast == pytest.approx(0.135)
    assert bins[1].observed_frequency == 0.5
    assert bins[9].mean_forecast == pytest.approx(0.975)  # 1.0 falls in the last bin
    assert bins[2].mean_forecast is None and bins[2].observed_frequency is None
    assert sum(b.count for b in reliability_bins(p, y, bins=3)) == 5


@pytest.mark.parametrize(("p", "y", "message"), [
    ([0.5, 1.2], [1, 0], "in \\[0, 1\\]"),
    ([0.5], [2], "0 \\(no\\) or 1"),
    ([0.5, 0.5], [1], "same length"),
    ([], [], "no resolved forecast"),
])
def test_bad_inputs_are_refused(p, y, message):
    with pytest.raises(ValueError, match=message):
        score_forecasts(np.array(p, dtype=float), np.array(y, dtype=float))


# ---- questions files -------------------------------------------------------


def test_example_questions_file_loads_and_keeps_unresolved_questions_apart():
    loaded = load_questions(EXAMPLE)
    assert isinstance(loaded, QuestionsFile)
    assert len(loaded.resolved) == 10
    assert len(loaded.questions) == 11
    by_id = {q.id: q for q in loaded.questions}
    assert by_id["assad_out_by_end_2024"].outcome == "yes"
    assert by_id["assad_in_power_end_2023"].outcome == "yes"
    assert by_id["arab_league_readmits_syria_2023"].outcome == "yes"


def test_questions_file_errors_name_line_and_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("questions:\n  - id: q1\n    text: t\n    probability: 1.5\n")
    with pytest.raises(ScenarioError) as caught:
        load_questions(bad)
    assert f"{bad}:4: questions[0].probability" in caught.value.render()


# ---- scenario questions against an ensemble ------------------------------------


def test_scenario_questions_get_probabilities_and_warnings(tmp_path):
    text = SCENARIO.format(indicator="ruptured(ab) @ 2020-07-01") + "    threshold: 0.2\n" + (
        "  - id: q2\n    text: Low cohesion?\n    resolution_date: 2021-01-01\n"
        "    indicator: cohesion(ab) < 0.5\n    threshold: 0.9\n")
    scenario = parse_scenario(text)
    forecasts = forecast_questions(scenario, fake_result())
    assert [f.model_probability for f in forecasts] == [0.25, 0.5]
    # the default 0.1 a year of unmodelled change widens toward the base rate 0.5
    weight = 1 - math.exp(-0.1 * 366 / 365.25)  # both resolve on 2021-01-01
    assert [f.probability for f in forecasts] == pytest.approx([0.25 + weight * 0.25, 0.5])
    assert [f.unmodelled for f in forecasts] == pytest.approx([weight, weight])
    assert [f.probability for f in forecast_questions(scenario, fake_result(),
                                                      unmodelled_rate=0.0)] == [0.25, 0.5]
    assert [f.flagged for f in forecasts] == [True, False]
    section = questions_section(scenario, fake_result(), tmp_path)
    assert section.figures[0].path.exists()
    assert "1 warning(s)" in section.body_html and "q1" in section.body_html


# ---- the score command -----------------------------------------------------------


def test_score_command_on_the_example(tmp_path):
    out = tmp_path / "scores"
    result = CliRunner().invoke(cli(), ["score", str(EXAMPLE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "base rate" in result.output and "in-sample" in result.output
    payload = json.loads((out / "scores.json").read_text())
    p = [q["probability"] for q in payload["questions"]]
    y = [q["outcome"] == "yes" for q in payload["questions"]]
    assert payload["brier"] == pytest.approx(np.mean((np.array(p) - np.array(y)) ** 2))
    assert (out / "reliability.png").stat().st_size > 0


def test_score_command_refuses_a_bad_file_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("questions:\n  - id: Q1\n    text: t\n    probability: 0.5\n")
    out = tmp_path / "scores"
    result = CliRunner().invoke(cli(), ["score", str(bad), "--out", str(out)])
    assert result.exit_code == 2
    assert "questions[0].id" in result.output
    assert not out.exists()


def test_score_command_with_nothing_resolved(tmp_path):
    pending = tmp_path / "pending.yaml"
    pending.write_text("questions:\n  - id: q1\n    text: t\n    probability: 0.5\n")
    result = CliRunner().invoke(cli(), ["score", str(pending), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "nothing to score" in result.output


def test_score_command_on_a_scenario_runs_the_ensemble(tmp_path, monkeypatch):
    import realpolitik.simulation

    calls = []

    def fake_simulate(scenario, *, draws, seed, **kwargs):
        calls.append((scenario.scenario.id, draws, seed))
        return fake_result()

    monkeypatch.setattr(realpolitik.simulation, "simulate_ensemble", fake_simulate)
    scenario = tmp_path / "toy.yaml"
    scenario.write_text(SCENARIO.format(indicator="ruptured(ab) @ 2020-07-01")
                        + "    outcome: no\n")
    out = tmp_path / "scores"
    result = CliRunner().invoke(cli(), ["score", str(scenario), "--out", str(out),
                                        "--draws", "4", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert calls == [("toy", 4, 7)]
    payload = json.loads((out / "scores.json").read_text())
    # P(ruptured by 2020-07-01) = 1/4 in the fake ensemble, widened at the default 0.1 a
    # year over the 366 days to the resolution date toward 0.5; outcome no: Brier p^2
    weight = 1 - math.exp(-0.1 * 366 / 365.25)
    assert payload["brier"] == pytest.approx((0.25 + weight * 0.25) ** 2)
    assert payload["questions"][0]["model_probability"] == 0.25
    assert "seed 7" in payload["label"]


def test_questions_section_notes_dates_beyond_the_horizon(tmp_path):
    scenario = parse_scenario(SCENARIO.format(indicator="ruptured(ab) @ 2030-01-01"))
    section = questions_section(scenario, fake_result(), tmp_path)
    assert "2030-01-01, after the simulated horizon" in section.body_html
    assert "No question has reached its warning threshold" in section.body_html


# ---- unmodelled change -------------------------------------------------------------


def test_unmodelled_weight_by_hand():
    start = dt.date(2020, 1, 1)
    assert unmodelled_weight(0.0, start, dt.date(2030, 1, 1)) == 0.0
    assert unmodelled_weight(1.0, start, start) == 0.0
    assert unmodelled_weight(1.0, start, dt.date(2019, 1, 1)) == 0.0  # before the start
    year = dt.date(2020, 12, 31)  # 365 days
    assert unmodelled_weight(math.log(2), start, year) == pytest.approx(
        1 - 2 ** (-365 / 365.25))
    with pytest.raises(ValueError, match="must not be negative"):
        unmodelled_weight(-0.1, start, year)


def test_widening_never_claims_certainty_and_keeps_order():
    weights = np.linspace(0.01, 0.99, 9)
    for w in weights:
        low, high = widen(0.0, 0.5, w), widen(1.0, 0.5, w)
        assert 0.0 < low < 0.5 < high < 1.0
        assert widen(0.2, 0.5, w) < widen(0.3, 0.5, w)  # the model's ranking survives
    assert widen(0.3, 0.1, 0.0) == 0.3 and widen(0.3, 0.1, 1.0) == 0.1


def test_a_question_base_rate_and_the_scenario_rate_are_read(tmp_path):
    text = SCENARIO.replace("scenario: {{id: toy", "analysis:\n  unmodelled_change: "
                            "{{value: 0.5, estimate: test}}\nscenario: {{id: toy")
    text = text.format(indicator="ruptured(ab) @ 2020-07-01")
    text += "    base_rate: {value: 0.1, estimate: one year in ten}\n"
    forecast = forecast_questions(parse_scenario(text), fake_result())[0]
    weight = 1 - math.exp(-0.5 * 366 / 365.25)
    assert forecast.base_rate == 0.1 and forecast.unmodelled == pytest.approx(weight)
    assert forecast.probability == pytest.approx((1 - weight) * 0.25 + weight * 0.1)


def test_scores_move_with_the_rate_and_rate_zero_is_the_plain_score():
    questions = load_questions(EXAMPLE)
    resolved = questions.resolved
    outcomes = [q.outcome == "yes" for q in resolved]
    rates = [0.0, 0.2, 100.0]
    scores = scores_by_rate(probabilities_at_rates(resolved, rates, questions.made_on), outcomes)
    plain = score_forecasts([q.probability for q in resolved], outcomes)
    assert scores[0].brier == pytest.approx(plain.brier)
    assert scores[-1].brier == pytest.approx(0.25)  # everything at the base rate 0.5


def test_score_command_shows_scores_by_rate(tmp_path):
    result = CliRunner().invoke(cli(), ["score", str(EXAMPLE), "--out", str(tmp_path / "s"),
                                        "--unmodelled-rates", "0,0.1"])
    assert result.exit_code == 0, result.output
    assert "rate / year" in result.output and "widened toward base rates" in " ".join(
        result.output.split())
    bad = CliRunner().invoke(cli(), ["score", str(EXAMPLE), "--out", str(tmp_path / "t"),
                                     "--unmodelled-rates", "0,lots"])
    assert bad.exit_code == 2 and "'lots' is not a number" in bad.output
    assert not (tmp_path / "t").exists()
