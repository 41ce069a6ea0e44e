"""The what-if app's web API through FastAPI's TestClient, and the ``serve`` command."""

import os
import re
import runpy
import subprocess
import sys
import time
import warnings

import pytest
from typer.testing import CliRunner

from helpers import EXAMPLE, REPO

pytest.importorskip("fastapi", reason="the app extra is not installed: pip install '.[app]'")
pytest.importorskip("httpx", reason="FastAPI's TestClient needs httpx: pip install '.[test]'")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's notice about its future HTTP client
    from fastapi.testclient import TestClient

from realpolitik.interfaces.app.api import create_app  # noqa: E402
from realpolitik.interfaces.app.results import AppSettings  # noqa: E402
from realpolitik.interfaces.app.service import WhatIfService  # noqa: E402
from realpolitik.interfaces.app.state import BaseScenario  # noqa: E402
from realpolitik.interfaces.cli import app  # noqa: E402
from realpolitik.scenario.limits import MAX_DRAWS  # noqa: E402
from realpolitik.scenario.loader import load_scenario  # noqa: E402

SALIENCE = "stances.iran_military_presence.israel.salience"
PRESENCE = "stances.iran_military_presence.iran.position"


@pytest.fixture(scope="module")
def service() -> WhatIfService:
    return WhatIfService(BaseScenario.load("syria-2019"), AppSettings(draws=200))


@pytest.fixture(scope="module")
def client(service) -> TestClient:
    return TestClient(create_app(service))


def new_session(client) -> tuple[str, dict]:
    answer = client.post("/api/sessions", json={})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return body["form"]["session"], body


def change(client, session, **body):
    return client.post(f"/api/sessions/{session}/numbers", json=body)


def compromise(results, issue="iran_military_presence"):
    row = next(r for r in results["forecasts"] if r["issue"] == issue)
    return row["engines"]["compromise"]


def test_the_page_is_one_document_that_loads_nothing_from_the_network(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "/* script */" not in html and "function renderHeadline" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", html)
    assert "@import" not in html and "<script src" not in html


def test_a_session_opens_with_the_question_the_headline_and_every_number(client, service):
    _, body = new_session(client)
    form, results = body["form"], body["results"]
    assert form["scenario"]["question"].startswith("Is the Russia-Iran partnership")
    assert form["settings"]["draws"] == 200
    assert len(form["numbers"]) == len(service.base.numbers)
    assert [lever["id"] for lever in form["levers"]][3] == "p3_offer_to_russia"
    headline = results["headline"]
    assert headline["columns"] == ["after 1 year", "after 2 years", "after 5 years"]
    assert [row["label"] for row in headline["rows"]] == [
        "Russia and Iran", "Iran and the Assad regime", "Russia and Israel"]
    assert {engine["id"] for engine in results["engines"]} == {
        "eum", "compromise", "median", "spatial"}
    assert results["survival"][0]["svg"].startswith("<svg")
    assert results["changes"] == []


def test_a_change_answers_the_what_if_beside_the_unchanged_baseline(client):
    session, body = new_session(client)
    before = compromise(body["results"])
    answer = change(client, session, path=SALIENCE, value="0.2")
    assert answer.status_code == 200, answer.text
    after = compromise(answer.json())
    assert after["baseline"] == before["baseline"] == before["whatif"]
    assert after["whatif"] > after["baseline"]  # Israel cares less: Iran's footprint grows
    assert answer.json()["changes"][0] == {
        "path": SALIENCE, "label": "Israel: salience", "group": "issue:iran_military_presence",
        "was": "1", "now": "0.2"}


@pytest.mark.parametrize(("body", "message"), [
    ({"path": PRESENCE, "low": "130", "high": "140"}, "between 0 and 100"),
    ({"path": PRESENCE, "low": "eighty", "high": "90"}, "'eighty' is not a number"),
    ({"path": PRESENCE, "low": "90", "high": "70"}, "low end above its high end"),
    ({"path": SALIENCE, "value": "1.5"}, "between 0 and 1"),
])
def test_bad_input_gets_a_message_for_its_field_and_keeps_other_changes(client, body, message):
    session, _ = new_session(client)
    assert change(client, session, path=SALIENCE, value="0.5").status_code == 200
    answer = change(client, session, **body)
    assert answer.status_code == 422
    assert message in answer.json()["errors"][body["path"]]
    kept = client.get(f"/api/sessions/{session}").json()["results"]
    assert [row["path"] for row in kept["changes"]] == [SALIENCE]


def test_a_malformed_request_is_refused_without_harm(client):
    session, _ = new_session(client)
    answer = change(client, session, path=SALIENCE, value=[1, 2])
    assert answer.status_code == 422 and "request" in answer.json()["errors"]
    assert client.get(f"/api/sessions/{session}").status_code == 200


def post_json(client, session, text):
    """Send a number change as raw JSON text (Python's parser reads Infinity and NaN)."""
    return client.post(f"/api/sessions/{session}/numbers", content=text,
                       headers={"content-type": "application/json"})


@pytest.mark.parametrize(("number", "message"), [
    ("Infinity", "must be a finite number"),
    ("-Infinity", "must be a finite number"),
    ("NaN", "must be a finite number"),
    ("1e999", "must be a finite number"),
    ("1e12", "between 0 and 1"),
])
def test_a_number_json_should_not_carry_is_refused_for_its_field(client, number, message):
    session, _ = new_session(client)
    answer = post_json(client, session, f'{{"path": "{SALIENCE}", "value": {number}}}')
    assert answer.status_code == 422
    assert message in answer.json()["errors"][SALIENCE]
    assert client.get(f"/api/sessions/{session}").json()["results"]["changes"] == []


@pytest.mark.parametrize("number", ["Infinity", "NaN", "1e12", "5"])
def test_the_horizon_is_not_a_number_the_app_changes(client, number):
    session, _ = new_session(client)
    answer = post_json(client, session, f'{{"path": "dynamics.horizon_years", "value": {number}}}')
    assert answer.status_code == 422
    assert answer.json()["errors"] == {
        "dynamics.horizon_years": "is not a number the app can change"}


@pytest.mark.parametrize(("settings", "message"), [
    ({"draws": MAX_DRAWS + 1}, "draws: a whole number from 10 to 1,000,000 is expected"),
    ({"draws": 9}, "draws: a whole number from 10 to 1,000,000 is expected, got 9"),
    ({"draws": float("inf")}, "draws: a whole number from 10 to 1,000,000 is expected, got inf"),
    ({"draws": 100.5}, "draws: a whole number from 10 to 1,000,000 is expected, got 100.5"),
    ({"draws": True}, "draws: a whole number from 10 to 1,000,000 is expected, got True"),
    ({"seed": -1}, "seed: a whole number from 0 to"),
])
def test_app_settings_keep_the_command_lines_bounds(settings, message):
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        AppSettings(**settings)
    assert AppSettings(draws=MAX_DRAWS).draws == MAX_DRAWS


def test_two_sessions_do_not_see_each_others_changes(client):
    first, _ = new_session(client)
    second, _ = new_session(client)
    change(client, first, path=SALIENCE, value="0.3")
    assert client.get(f"/api/sessions/{second}").json()["results"]["changes"] == []
    assert len(client.get(f"/api/sessions/{first}").json()["results"]["changes"]) == 1


def test_a_reloaded_tab_continues_from_a_copy_and_unknown_sessions_answer_404(client):
    first, _ = new_session(client)
    change(client, first, path=SALIENCE, value="0.3")
    copy = client.post("/api/sessions", json={"copy_of": first}).json()
    assert copy["form"]["session"] != first
    assert copy["form"]["values"]["numbers"] == {SALIENCE: {"value": 0.3}}
    assert client.get("/api/sessions/nope").status_code == 404
    assert change(client, "nope", path=SALIENCE, value="0.3").status_code == 404


def test_levers_switch_on_move_and_reset(client):
    session, _ = new_session(client)
    url = f"/api/sessions/{session}/levers"
    answer = client.post(url, json={"id": "p3_offer_to_russia", "on": True,
                                    "start": "2021-01-01"})
    assert answer.status_code == 200
    assert answer.json()["changes"][-1]["now"] == "on from 2021-01-01"
    assert answer.json()["values"]["levers"]["p3_offer_to_russia"] == {
        "on": True, "start": "2021-01-01"}
    bad = client.post(url, json={"id": "p3_offer_to_russia", "on": True, "start": "2021-02-30"})
    assert bad.status_code == 422 and "levers[3].start" in bad.json()["errors"]
    reset = client.post(f"/api/sessions/{session}/reset")
    assert reset.json()["changes"] == []


def test_the_export_downloads_yaml_that_loads_and_checks(client, tmp_path):
    session, _ = new_session(client)
    change(client, session, path=PRESENCE, low="60", high="70")
    answer = client.get(f"/api/sessions/{session}/export")
    assert answer.status_code == 200
    assert 'filename="syria-2019-what-if.yaml"' in answer.headers["content-disposition"]
    path = tmp_path / "what-if.yaml"
    path.write_text(answer.text, encoding="utf-8")
    position = load_scenario(path).stance("iran_military_presence", "iran").position
    assert position.range == (60, 70) and position.estimate == "what-if: was [75, 95]"
    assert CliRunner().invoke(app, ["check", str(path)]).exit_code == 0


def wait_for(client, job_id, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] != "running":
            return job
        time.sleep(0.05)
    raise AssertionError("the job did not finish")


def test_the_lever_ranking_reports_progress_and_a_ranking(client):
    session, _ = new_session(client)
    job = client.post(f"/api/sessions/{session}/jobs/levers").json()
    assert job["status"] == "running"
    done = wait_for(client, job["id"])
    assert done["status"] == "done", done["error"]
    assert done["done"] == done["total"] > 0
    options = {row["option"] for row in done["result"]["rows"]}
    assert {"baseline", "p3_offer_to_russia", "red_lines+p3_offer_to_russia"} <= options
    assert "rupture of russia_iran" in done["result"]["objective"]


def test_the_lever_ranking_can_be_cancelled(client):
    session, _ = new_session(client)
    job = client.post(f"/api/sessions/{session}/jobs/levers").json()
    client.delete(f"/api/jobs/{job['id']}")
    assert wait_for(client, job["id"])["status"] == "cancelled"
    assert client.get("/api/jobs/nope").status_code == 404


def test_an_unexpected_error_answers_500_and_the_server_goes_on(service, monkeypatch):
    quiet = TestClient(create_app(service), raise_server_exceptions=False)
    session, _ = new_session(quiet)
    monkeypatch.setattr(service, "export", lambda session: 1 / 0)
    answer = quiet.get(f"/api/sessions/{session}/export")
    assert answer.status_code == 500 and "ZeroDivisionError" in answer.json()["detail"]
    assert quiet.get(f"/api/sessions/{session}").status_code == 200


# ---- the command ---------------------------------------------------------------------
def test_serve_without_the_extra_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "fastapi", None)
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2
    assert 'pip install "realpolitik[app]"' in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_serve_with_a_bad_scenario_fails_in_one_line(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("scenario: [", encoding="utf-8")
    result = CliRunner().invoke(app, ["serve", str(broken)])
    assert result.exit_code == 2 and "broken.yaml" in result.stderr


def test_serve_prints_its_local_address_and_serves_the_page():
    import httpx

    command = [sys.executable, "-m", "realpolitik", "serve", str(EXAMPLE), "--port", "0",
               "--draws", "20"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        url = None
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            url = found.group(0) if found else None
        assert url is not None, "serve printed no address"
        assert not url.endswith(":0/")
        page = httpx.get(url, timeout=10)
        assert page.status_code == 200 and "realpolitik what-if" in page.text
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_the_app_benchmark_runs_in_its_quick_mode(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["bench_app.py", "--quick", "--draws", "100"])
    runpy.run_path(str(REPO / "benchmarks" / "bench_app.py"), run_name="__main__")
    printed = capsys.readouterr().out
    assert "95th percentile" in printed and "ratio median response" in printed
