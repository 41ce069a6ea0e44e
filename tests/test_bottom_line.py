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
