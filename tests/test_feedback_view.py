"""The report's feedback section: loops' verdicts, levers that wait against acting at once, data."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from realpolitik.analysis.feedback import Feedback, Loop, Share
from realpolitik.analysis.levers import BASELINE, Effect, Interval, LeverReport, lever_options
from realpolitik.outputs.feedback_view import (
    FEEDBACK,
    FEEDBACK_FIRINGS,
    LEVER_SEQUENCES,
    feedback_section,
    feedback_tables,
    loop_sentence,
    sequence_sentence,
    sequences,
    term_name,
)
from realpolitik.scenario.levers import Lever
from test_readme import tutorial_text


def lever(lever_id: str, target: str, when: str | None = None, actors=("p",)) -> Lever:
    effect = {"target": target, "shift": {"value": 5, "estimate": "test"}}
    return Lever.model_validate({"id": lever_id, "name": lever_id.title(), "actors": list(actors),
                                 "effects": [effect], "when": when})


PERSUADE = lever("persuade", "stances.fate.israel.position")
REOPEN = lever("reopen", "stances.fate.russia.position")
WAITING = lever("waiting", "stances.fate.russia.position", "position(fate.israel) < 50")
OTHER = lever("other", "stances.spoils.russia.position")


def report(effects: dict[str, float]) -> LeverReport:
    """A report on the four levers, with the given effects on the objective (0 if absent)."""
    options = lever_options([PERSUADE, REOPEN, WAITING, OTHER])
    def effect(option_id: str) -> Effect:
        mean = effects.get(option_id, 0.0)
        return Effect(option_id, "rupture:a", 0.1, 0.1 + mean,
                      Interval(mean, mean - 0.01, mean + 0.01))

    by_option = {option.id: {"rupture:a": effect(option.id)} for option in options}
    ranking = sorted((option.id for option in options),
                     key=lambda o: -by_option[o]["rupture:a"].effect.mean)
    return LeverReport("toy", 0, 100, "compromise", "0", "rupture:a", "maximise", ["rupture:a"],
                       options, by_option, ranking, [], BASELINE, BASELINE)


def test_each_waiting_option_meets_the_same_levers_at_once():
    found = {(pair.option, pair.at_once): pair.sequence for pair in sequences(report({}))}
    assert found == {
        ("waiting", "reopen"): True,                          # alone: the lever itself
        ("persuade+waiting", "persuade+reopen"): True,        # persuading moves what it reads
        ("waiting+other", "reopen+other"): False,             # the partner touches other things
    }  # "reopen+waiting" is left out: the lever beside itself at once compares nothing


def test_a_lever_of_other_actors_or_targets_is_not_the_same_course():
    elsewhere = lever("elsewhere", "stances.fate.russia.position", actors=("q",))
    options = lever_options([WAITING, elsewhere])
    sparse = LeverReport("toy", 0, 1, "m", "0", "rupture:a", "maximise", ["rupture:a"], options,
                         {}, [o.id for o in options], [], BASELINE, BASELINE)
    assert sequences(sparse) == []


def test_the_sentence_ranks_waiting_against_acting_at_once():
    lever_report = report({"persuade+waiting": 0.08, "persuade+reopen": 0.03, "reopen": 0.01})
    pair = next(p for p in sequences(lever_report) if p.option == "persuade+waiting")
    text = sequence_sentence(lever_report, pair)
    assert "ranks 1 of 11: +8.0 [+7.0, +9.0] percentage points" in text
    assert "rank 2: +3.0 [+2.0, +4.0] percentage points" in text
    assert text.endswith("Waiting ranks above acting at once.")
    assert "position(fate.israel) < 50" in text


def loop(direction: list[int], firings: list[int], recurring: bool = True) -> Loop:
    d = np.array(direction)

    def share(which: np.ndarray) -> Share:
        return Share(float(which.mean()), max(0.0, float(which.mean()) - 0.1),
                     min(1.0, float(which.mean()) + 0.1))

    return Loop("strikes", "1 + settlement(presence) / 40", recurring, np.array(firings),
                np.full(d.size, 0.3), 0.3 + 0.1 * d, d, share(d == 1), share(d == -1),
                share(d == 0), (), ())


def test_the_loop_sentence_leads_with_the_most_common_way(flagship_like):
    damping = loop([-1, -1, -1, 1], [2, 3, 4, 5])
    text = loop_sentence(flagship_like, damping, 4)
    assert text.startswith("strikes: its hazard damps in 75%")
    assert "escalates in 25%" in text and "stays flat in" in text
    assert "It fires 3.5 times per future on average (median 3" in text
    once = loop([1, 1, 0, 0], [1, 0, 1, 0], recurring=False)
    assert "times per future" not in loop_sentence(flagship_like, once, 4)


def test_result_tables_hold_shares_and_every_future_once(flagship_like):
    feedback = Feedback((loop([-1, -1, 1, 0], [0, 2, 2, 5]),), 0.001, 4)
    tables = feedback_tables(flagship_like, feedback, report({"persuade+waiting": 0.02}))
    row = tables[FEEDBACK][0]
    assert (row["damps"], row["escalates"], row["flat"]) == (0.5, 0.25, 0.25)
    assert row["verdict"] == "damps"
    firings = tables[FEEDBACK_FIRINGS]
    assert [(r["firings"], r["futures"]) for r in firings] == [(0, 1), (2, 2), (5, 1)]
    assert sum(r["share"] for r in firings) == pytest.approx(1.0)
    assert {r["waiting_option_id"] for r in tables[LEVER_SEQUENCES]} == {
        "waiting", "persuade+waiting", "waiting+other"}


def test_nothing_to_show_gives_no_section(flagship_like, tmp_path):
    from realpolitik.simulation import simulate_ensemble

    ensemble = simulate_ensemble(flagship_like, draws=4, seed=0, horizon_years=0.5)
    assert feedback_section(flagship_like, Feedback((), 0.001, 4), ensemble, None,
                            tmp_path) is None


@pytest.fixture(scope="module")
def flagship_like():
    from realpolitik.scenario.loader import parse_scenario

    return parse_scenario(tutorial_text(), path="README tutorial")


def test_state_terms_read_in_the_scenarios_words(flagship_like):
    assert term_name(flagship_like, "settlement(flow_share)") == (
        "the settlement of Downstream share of the flow")
    assert term_name(flagship_like, "cohesion(downstream_mediator)") == (
        "the cohesion of Downstream state and mediator")
    assert term_name(flagship_like, "position(flow_share.upstream)") == (
        "position(flow_share.upstream)")


def test_a_run_of_the_tutorial_reports_its_loop_and_names_its_parameter(tmp_path):
    """End to end: report section, figure, data files and the parameter in the Sobol table."""
    from realpolitik.analysis.outlook import OutlookOptions
    from realpolitik.interfaces.pipeline import RunOptions, run_analysis

    scenario = tmp_path / "river.yaml"
    scenario.write_text(tutorial_text(), encoding="utf-8")
    options = RunOptions(models=("compromise",), outlook=OutlookOptions(
        draws=64, discovery=False, sobol_samples=2, delay_years=0))
    outcome = run_analysis(scenario, out=tmp_path / "run", options=options)
    report_html = outcome.report.read_text(encoding="utf-8")
    assert 'id="feedback"' in report_html and "Protests over water downstream: its hazard" in (
        report_html)
    assert (outcome.folder / "figures" / "feedback-firings.png").stat().st_size > 0
    results = outcome.folder / "results"
    rows = json.loads((results / f"{FEEDBACK}.json").read_text(encoding="utf-8"))
    assert [row["shock_id"] for row in rows] == ["protests"]
    assert rows[0]["damps"] + rows[0]["escalates"] + rows[0]["flat"] == pytest.approx(1.0)
    with (results / "sobol.csv").open(newline="", encoding="utf-8") as handle:
        names = {row["name"] for row in csv.DictReader(handle)}
    assert "defiance (mechanism parameter)" in names
    # The mediation that waits has no twin acting at once in the tutorial: nothing to pair.
    assert not (results / f"{LEVER_SEQUENCES}.json").exists()
