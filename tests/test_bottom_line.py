"""The bottom line: probabilities that do not overclaim, and the question answered first."""

import re

import pytest

from helpers import EXAMPLE
from realpolitik.analysis.bottom_line import bottom_line
from realpolitik.analysis.outlook import OutlookOptions, forecast_outlook
from realpolitik.analysis.probability import Chance, estimative_words, percent_text
from realpolitik.analysis.static import forecast_static
from realpolitik.scenario.loader import load_scenario

BARE_CERTAINTY = re.compile(r"(?<![\d.<>])(0|100)%")


@pytest.mark.parametrize(("p", "words"), [
    (0.003, "almost no chance"), (0.03, "almost no chance"), (0.05, "very unlikely"),
    (0.3, "unlikely"), (0.5, "roughly even chance"), (0.6, "likely"), (0.9, "very likely"),
    (0.97, "almost certain"), (0.999, "almost certain"),
])
def test_words_follow_icd_203(p, words):
    assert estimative_words(p) == words


def test_no_share_reads_zero_or_a_hundred_percent():
    assert [percent_text(p) for p in (0.0, 0.004, 0.5, 0.996, 1.0)] == [
        "<1%", "<1%", "50%", ">99%", ">99%"]
    for successes in (0, 1, 3, 500, 997, 999, 1000):
        text = Chance.of_count(successes, 1000).text()
        assert not BARE_CERTAINTY.search(text), text
    assert Chance.of_count(0, 1000).text() == (
        "<1% [none of the 1,000 draws; 95% interval below 0.4%], almost no chance")
    assert Chance.of_count(1000, 1000).shown().startswith(">99% [all 1,000 draws")
    assert Chance.of_count(920, 1000).text() == "92% [90-94%], very likely"


def test_a_posterior_without_spread_shows_the_number_alone():
    assert Chance(0.62, 0.62, 0.62).shown() == "62%"
    assert Chance(0.62, 0.48, 0.75, level=0.9).phrase() == "likely (62% [48-75%])"


@pytest.fixture(scope="module")
def river():
    scenario = load_scenario(EXAMPLE)
    forecast = forecast_static(scenario)
    outlook = forecast_outlook(scenario, OutlookOptions(draws=200, discovery=False,
                                                       sensitivity=False))
    return scenario, forecast, outlook


def test_a_settlement_question_is_answered_with_the_settlement_first(river):
    scenario, forecast, outlook = river
    line = bottom_line(scenario, forecast, outlook)
    assert line.question == scenario.scenario.question
    first = line.judgments[0]
    assert first.topic == "settlement"
    assert line.answer[0] == first.headline
    assert "Downstream share of the flow settles at" in first.text
    assert "90% of them between" in first.text and "Expected Utility" in first.text
    assert first.low <= first.value <= first.high
    assert 3 <= len(line.judgments) <= 5
    assert {j.topic for j in line.judgments} >= {"settlement", "holding", "lever"}
    assert line.limitations == scenario.scenario.limitations and line.limitations
    assert [s.question for s in line.signposts][0].startswith("Will the downstream share")


def test_the_bottom_line_is_plain_data(river):
    import json

    scenario, forecast, outlook = river
    data = bottom_line(scenario, forecast, outlook).to_dict()
    assert json.loads(json.dumps(data))["scale"] == "US ICD 203"
    for judgment in data["judgments"]:
        assert not BARE_CERTAINTY.search(judgment["text"]), judgment["text"]


def test_without_futures_the_bottom_line_rests_on_the_static_forecast(river):
    scenario, forecast, _ = river
    line = bottom_line(scenario, forecast)
    assert line.judgments[0].topic == "settlement"
    assert "depending on the bargaining engine" in line.judgments[0].text
    assert line.signposts == [] and line.draws is None


def test_the_flagship_leads_with_its_hypotheses_and_its_alliance():
    from realpolitik.analysis.ach import analyse_hypotheses

    scenario = load_scenario()
    forecast = forecast_static(scenario, ("compromise",))
    outlook = forecast_outlook(scenario, OutlookOptions(draws=100, levers=False,
                                                       discovery=False, sensitivity=False))
    line = bottom_line(scenario, forecast, outlook, analyse_hypotheses(scenario))
    topics = [j.topic for j in line.judgments]
    assert topics[:3] == ["hypotheses", "holding", "game_changer"]
    assert "Russia and Iran still hold together on 2024-06-01" in line.judgments[1].text
    assert len(line.limitations) >= 5


# ---------------------------------------------------------------------------
# Mechanisms: a feedback loop and a lever that waits
# ---------------------------------------------------------------------------
MECHANISMS = """
analysis: {objective: "settlement:solo", direction: maximise}
dynamics:
  volatility: {position: 0, salience: 0}
  shocks:
    - id: strike
      name: A strike
      hazard: 0.3
      hazard_factor: "settlement(solo) / 50"
      recurring: true
      effects:
        - {target: stances.solo.a.position, shift: -10}
levers:
  - id: persuade
    name: Persuade B
    actors: [b]
    effects:
      - {target: stances.x.b.position, shift: -30}
  - id: reopen
    name: Reopen
    actors: [a]
    effects:
      - {target: stances.solo.a.position, shift: 5}
  - id: reopen_later
    name: Reopen once B is persuaded
    actors: [a]
    when: "position(x.b) < 40"
    effects:
      - {target: stances.solo.a.position, shift: 5}
"""
"""The toy with ``a`` alone on ``solo`` at 50, a strike that lowers it (a damping loop: the
strike's hazard reads ``solo``), and a lever that waits until ``persuade`` has moved ``b``."""


@pytest.fixture(scope="module")
def sequenced():
    from realpolitik.scenario.loader import parse_scenario
    from simulation_toy import TOY

    text = TOY.replace("a: {position: 10, salience: 1}", "a: {position: 50, salience: 1}")
    scenario = parse_scenario(text + MECHANISMS, path="toy.yaml")
    outlook = forecast_outlook(scenario, OutlookOptions(
        draws=120, model="compromise", discovery=False, sensitivity=False, delay_years=0))
    forecast = forecast_static(scenario, ("compromise",))
    return scenario, outlook, bottom_line(scenario, forecast, outlook)


def test_the_bottom_line_says_whether_the_loop_damps_with_the_share_each_way(sequenced):
    from realpolitik.analysis.feedback import feedback_loops

    scenario, outlook, line = sequenced
    loop = feedback_loops(scenario, outlook.ensemble).loop("strike")
    judgment = next(j for j in line.judgments if j.topic == "feedback")
    damps = Chance(loop.damps.estimate, loop.damps.low, loop.damps.high, 120)
    # Every strike lowers the presence its hazard reads: a future damps as soon as one fires,
    # and with a hazard of 0.3 per quarter one fires in nearly every future.
    assert loop.damps.estimate > 0.95
    assert judgment.text.startswith(
        "The feedback loop of a strike most often damps (its hazard ends lower than it "
        f"began): {damps.words}, in {damps.shown()} of 120 simulated futures")
    assert "escalates in <1% [none of the 120 draws" in judgment.text
    assert f"It fires {loop.mean_firings:.1f} times per future on average." in judgment.text
    assert (judgment.value, judgment.low, judgment.high) == (
        loop.damps.estimate, loop.damps.low, loop.damps.high)
    assert judgment.headline in line.answer
    assert not BARE_CERTAINTY.search(judgment.text), judgment.text


def test_the_bottom_line_ranks_waiting_against_the_same_levers_at_once(sequenced):
    _, outlook, line = sequenced
    report = outlook.levers
    judgment = next(j for j in line.judgments if j.topic == "sequence")
    wait = report.ranking.index("persuade+reopen_later") + 1
    now = report.ranking.index("persuade+reopen") + 1
    assert (f"\u201cPersuade B + Reopen once B is persuaded\u201d, whose lever starts only "
            f"once position(x.b) < 40, ranks {wait} of {len(report.ranking)} to raise the "
            "settlement") in judgment.text
    assert f"\u201cPersuade B + Reopen\u201d, rank {now} (" in judgment.text
    effect = report.objective_effect("persuade+reopen_later").effect
    other = report.objective_effect("persuade+reopen").effect
    lead = ("Waiting does exactly as well as acting at once:" if effect.mean == other.mean
            else f"Waiting ranks {'above' if wait < now else 'below'} acting at once:")
    assert judgment.text.startswith(lead)
    assert f"({effect.mean:+.2f} [{effect.low:+.2f}, {effect.high:+.2f}] points" in (
        judgment.text)
    # Persuading moves b from 50 to 20 at as_of; the condition reads the step before, so the
    # lever starts at step 1 in every future.
    start = report.start_of("persuade+reopen_later", "reopen_later")
    assert start is not None and (start.started, start.median_step) == (120, 1)
    assert (f"The lever started in >99% [all 120 draws; 95% interval above 97%] of the "
            f"futures by {outlook.ensemble.dates[-1].isoformat()} (almost certain; median "
            f"start {outlook.ensemble.dates[1].isoformat()}).") in judgment.text
    assert judgment.headline in line.answer
    assert [j.topic for j in line.judgments].count("sequence") == 1  # one per waiting lever


def test_without_mechanisms_the_bottom_line_says_nothing_of_them(river):
    scenario, forecast, outlook = river
    line = bottom_line(scenario, forecast, outlook)
    assert not {"feedback", "sequence"} & {j.topic for j in line.judgments}
    assert len(line.answer) == min(4, len(line.judgments))
