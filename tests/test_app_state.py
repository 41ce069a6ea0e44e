"""The what-if app's state logic, without a web server or a browser."""

import datetime as dt
import threading

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from helpers import EXAMPLE
from realpolitik.interfaces.app.jobs import JobRegistry
from realpolitik.interfaces.app.numbers import (
    FieldProblem,
    NumberForm,
    apply_change,
    describe,
    number_form,
    parse_change,
    parse_path,
)
from realpolitik.interfaces.app.results import AppSettings
from realpolitik.interfaces.app.service import UnknownSession, WhatIfService
from realpolitik.interfaces.app.state import BaseScenario, WhatIf
from realpolitik.interfaces.cli import app
from realpolitik.scenario.loader import load_scenario
from realpolitik.scenario.schema import dotted, iter_quantities

TRIANGULAR = '{range: [15, 30], mode: 20, dist: triangular, estimate: "budget uncertain"}'


@pytest.fixture(scope="module")
def water() -> BaseScenario:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        '{range: [15, 30], estimate: "mediation budget uncertain"}', TRIANGULAR)
    return BaseScenario.from_text(text, "water-treaty.yaml")


@pytest.fixture(scope="module")
def flagship() -> BaseScenario:
    return BaseScenario.load("syria-2019")


def numbers_of(scenario) -> dict[str, tuple[float, float, float]]:
    return {dotted(path): (q.low, q.high, q.point) for path, q in iter_quantities(scenario)}


# ---- numbers -----------------------------------------------------------------
@pytest.mark.parametrize("text", ["actors[2].capability", "stances.idlib.russia.position",
                                  "dynamics.shocks[0].hazard",
                                  "alliances[1].shared_stakes[0].weight"])
def test_paths_read_back_as_dotted_writes_them(text):
    assert dotted(parse_path(text)) == text


@pytest.mark.parametrize("bad", ["", "actors[x]", "stances..a", "a b"])
def test_bad_paths_are_refused(bad):
    with pytest.raises(FieldProblem):
        parse_path(bad)


def test_every_written_form_of_a_number_is_read():
    assert number_form(70) == NumberForm("value", value=70)
    assert number_form([60, 80]) == NumberForm("range", low=60, high=80)
    assert number_form({"value": 0.6, "estimate": "e"}) == NumberForm("value", value=0.6)
    assert number_form({"range": [60, 90], "mode": 70, "dist": "triangular"}) == NumberForm(
        "triangular", low=60, high=90, mode=70)
    assert number_form("seventy") is None and number_form(True) is None
    assert describe(NumberForm("triangular", low=60, high=90, mode=70)) == "[60, 90] mode 70"


def test_typed_numbers_are_read_and_words_refused():
    change = parse_change("p", "range", {"low": " 60 ", "high": "80,5"})
    assert change.form == NumberForm("range", low=60, high=80.5)
    with pytest.raises(FieldProblem, match="'abc' is not a number"):
        parse_change("p", "value", {"value": "abc"})
    with pytest.raises(FieldProblem, match="for the high end is required"):
        parse_change("p", "range", {"low": "1", "high": ""})
    with pytest.raises(FieldProblem, match="finite"):
        parse_change("p", "value", {"value": "inf"})


def test_a_change_keeps_the_evidence_and_says_what_the_number_was():
    written = {"range": [75, 95], "source": "brief", "quote": "q", "estimate": "why"}
    changed = apply_change(written, NumberForm("range", low=60, high=70))
    assert changed == {"range": [60, 70], "source": "brief", "quote": "q",
                       "estimate": "what-if: was [75, 95]; why"}
    assert apply_change(0.6, NumberForm("value", value=0.3)) == {
        "value": 0.3, "estimate": "what-if: was 0.6"}
    assert apply_change(None, NumberForm("value", value=50), was="the overall 60") == {
        "value": 50, "estimate": "what-if: was the overall 60"}


# ---- the what-if ---------------------------------------------------------------
def test_the_app_offers_every_stance_number_hazard_and_stake(flagship):
    scenario = flagship.scenario
    stances = sum(len(by_actor) for by_actor in scenario.stances.values())
    shocks = sum(shock.hazard is not None for shock in scenario.dynamics.shocks)
    stakes = sum(len(alliance.shared_stakes) for alliance in scenario.alliances)
    assert len(flagship.numbers) == len(scenario.actors) + 3 * stances + shocks + stakes
    salience = flagship.numbers["stances.iran_military_presence.israel.salience"]
    assert salience.kind == "value" and "Israeli armed forces" in salience.evidence
    assert flagship.numbers["stances.iran_military_presence.iran.position"].kind == "range"


def test_applying_a_change_rebuilds_the_scenario(water):
    whatif = WhatIf(water)
    whatif.change_number("stances.flow_share.upstream.position", {"value": "35"})
    whatif.change_number("stances.dam_filling.downstream.position", {"low": "60", "high": "75"})
    assert whatif.scenario.stance("flow_share", "upstream").position.point == 35
    assert whatif.scenario.stance("dam_filling", "downstream").position.range == (60, 75)
    assert water.scenario.stance("flow_share", "upstream").position.point == 20
    assert [row["now"] for row in whatif.summary()] == ["35", "[60, 75]"]


def test_a_change_back_to_the_written_value_is_no_change(water):
    whatif = WhatIf(water)
    whatif.change_number("stances.flow_share.upstream.position", {"value": "35"})
    whatif.change_number("stances.flow_share.upstream.position", {"value": "20"})
    assert not whatif.changes and not whatif.changed()


@pytest.mark.parametrize(("path", "typed", "message"), [
    ("stances.flow_share.upstream.position", {"value": "130"}, "between 0 and 100, got 130"),
    ("stances.flow_share.upstream.position", {"value": "lots"}, "'lots' is not a number"),
    ("stances.dam_filling.downstream.position", {"low": "90", "high": "70"},
     "low end above its high end"),
    ("stances.flow_share.upstream.salience", {"value": "-0.1"}, "between 0 and 1"),
    ("actors[2].capability", {"low": "10", "mode": "40", "high": "30"}, "outside range"),
    ("actors[0].capability", {"value": "0"}, "above 0"),
])
def test_bad_input_names_its_field_and_keeps_the_other_changes(water, path, typed, message):
    whatif = WhatIf(water)
    whatif.change_number("stances.flow_share.mediator.position", {"value": "40"})
    with pytest.raises(FieldProblem, match=message) as caught:
        whatif.change_number(path, typed)
    assert caught.value.field == path
    assert list(whatif.changes) == ["stances.flow_share.mediator.position"]
    assert whatif.scenario.stance("flow_share", "mediator").position.point == 40


def test_only_the_scenarios_numbers_can_be_changed(water):
    with pytest.raises(FieldProblem, match="not a number the app can change"):
        WhatIf(water).change_number("scenario.title", {"value": "1"})


def test_a_per_issue_capability_can_be_added_and_removed(water):
    whatif = WhatIf(water)
    path = "stances.flow_share.upstream.capability"
    assert water.numbers[path].form is None and "60" in water.numbers[path].fallback
    whatif.change_number(path, {"value": "80"})
    assert whatif.scenario.stance("flow_share", "upstream").capability.point == 80
    whatif.change_number(path, {"value": ""})
    assert not whatif.changes


def test_levers_switch_on_and_move(water):
    whatif = WhatIf(water)
    whatif.set_lever("donor_fund", on=True, start="2025-01-01")
    assert whatif.levers_on() == ["donor_fund"]
    assert whatif.scenario.levers[0].start == dt.date(2025, 1, 1)
    with pytest.raises(FieldProblem, match="not a date") as caught:
        whatif.set_lever("donor_fund", on=True, start="2025-13-01")
    assert caught.value.field == "levers[0].start"
    assert whatif.lever_start("donor_fund") == dt.date(2025, 1, 1)
    with pytest.raises(FieldProblem, match="no lever"):
        whatif.set_lever("bribe", on=True)


def test_copies_are_independent(water):
    first = WhatIf(water)
    first.change_number("stances.flow_share.upstream.position", {"value": "35"})
    second = first.copy()
    second.change_number("stances.flow_share.upstream.position", {"value": "45"})
    assert first.scenario.stance("flow_share", "upstream").position.point == 35
    assert second.scenario.stance("flow_share", "upstream").position.point == 45


# ---- export ----------------------------------------------------------------------------
def test_export_round_trip_gives_the_same_numbers_and_marks_the_changes(flagship, tmp_path):
    whatif = WhatIf(flagship)
    whatif.change_number("stances.iran_military_presence.israel.salience", {"value": "0.6"})
    whatif.change_number("stances.iran_military_presence.iran.position",
                         {"low": "60", "high": "80"})
    whatif.change_number("dynamics.shocks[0].hazard", {"low": "0.02", "high": "0.05"})
    whatif.change_number("stances.idlib.russia.capability", {"value": "70"})
    whatif.set_lever("p3_offer_to_russia", on=True, start="2021-01-01")
    path = tmp_path / "what-if.yaml"
    path.write_text(whatif.export_yaml(), encoding="utf-8")
    loaded = load_scenario(path)
    assert numbers_of(loaded) == numbers_of(whatif.scenario)
    assert loaded.levers[3].start == dt.date(2021, 1, 1)
    presence = loaded.stance("iran_military_presence", "iran").position
    assert presence.range == (60, 80) and presence.source == "brief"
    assert presence.quote.startswith("the Iranian leadership rejects")
    assert presence.estimate == "what-if: was [75, 95]"
    salience = loaded.stance("iran_military_presence", "israel").salience
    assert salience.estimate == "what-if: was 1" and salience.quote
    hazard = loaded.dynamics.shocks[0].hazard
    assert hazard.estimate.startswith("what-if: was [0.01, 0.025]; one chance in five")
    assert "Russia's overall capability [80, 95]" in loaded.stance(
        "idlib", "russia").capability.estimate
    marked = [q for _, q in iter_quantities(loaded) if (q.estimate or "").startswith("what-if")]
    assert len(marked) == 4
    assert "p3_offer_to_russia (from 2021-01-01)" in path.read_text(encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output


def test_an_unchanged_export_is_the_scenario(water, tmp_path):
    path = tmp_path / "same.yaml"
    path.write_text(WhatIf(water).export_yaml(), encoding="utf-8")
    assert numbers_of(load_scenario(path)) == numbers_of(water.scenario)
    assert yaml.safe_load(path.read_text())["scenario"]["id"] == "water-treaty"


# ---- service: sessions, evaluations, jobs ----------------------------------------------
@pytest.fixture(scope="module")
def service(water) -> WhatIfService:
    return WhatIfService(water, AppSettings(draws=64), capacity=3)


def test_a_change_moves_the_what_if_and_leaves_the_baseline(service):
    session = service.new_session()
    before = service.results(session)
    after = service.change_number(session, "stances.flow_share.upstream.position",
                                  {"value": "90"})
    row = next(r for r in after["forecasts"] if r["issue"] == "flow_share")
    old = next(r for r in before["forecasts"] if r["issue"] == "flow_share")
    assert row["engines"]["compromise"]["baseline"] == old["engines"]["compromise"]["whatif"]
    assert row["engines"]["compromise"]["whatif"] > row["engines"]["compromise"]["baseline"]
    assert after["changes"][0]["was"] == "20"


def test_sessions_do_not_share_changes_and_the_oldest_is_forgotten(service):
    first, second = service.new_session(), service.new_session()
    service.change_number(first, "stances.flow_share.upstream.position", {"value": "90"})
    assert service.results(second)["changes"] == []
    copy = service.new_session(copy_of=first.id)
    assert copy.id != first.id and list(copy.whatif.changes) == list(first.whatif.changes)
    service.new_session()  # capacity 3: the least recently used (second) goes
    with pytest.raises(UnknownSession):
        service.session(second.id)
    assert service.session_count() == 3


def test_the_lever_ranking_runs_in_the_background_and_can_be_cancelled(service):
    session = service.new_session()
    job = service.start_ranking(session)
    for _ in range(400):
        if job.status != "running":
            break
        threading.Event().wait(0.05)
    assert job.status == "done", job.error
    assert job.result["rows"][0]["option"] in {"baseline", "donor_fund"}
    registry = JobRegistry()
    gate = threading.Event()

    def slow(job):
        for step in range(100):
            gate.wait(0.01)
            job.report(step, 100)

    running = registry.start("test", "me", slow)
    registry.cancel(running.id)
    for _ in range(200):
        if running.status != "running":
            break
        threading.Event().wait(0.01)
    assert running.status == "cancelled"


def test_an_evaluation_error_is_refused_as_a_field_problem(service, monkeypatch):
    import realpolitik.interfaces.app.service as module

    session = service.new_session()
    service.change_number(session, "stances.flow_share.mediator.position", {"value": "41"})

    def broken(*args, **kwargs):
        raise FloatingPointError("overflow")

    monkeypatch.setattr(module, "evaluate", broken)
    with pytest.raises(FieldProblem, match="models cannot run"):
        service.change_number(session, "stances.flow_share.upstream.position", {"value": "33"})
    assert list(session.whatif.changes) == ["stances.flow_share.mediator.position"]
    assert np.isfinite(service.results(session)["seconds"])
