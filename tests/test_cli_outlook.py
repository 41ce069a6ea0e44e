import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from helpers import EXAMPLE
from realpolitik.interfaces.cli import app

runner = CliRunner()
SMALL = ["--draws", "120", "--sobol-samples", "8"]


@pytest.fixture(scope="module")
def outlook_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "water"
    result = runner.invoke(app, ["run", str(EXAMPLE), "--out", str(out), *SMALL, "--detail"])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_terminal_shows_every_part_of_the_outlook(outlook_run):
    _, output = outlook_run
    for heading in ("Will the alliances hold?", "Game changers and the rupture of",
                    "Levers ranked on settlement of Downstream share of the flow",
                    "Scenario discovery",
                    "Sobol indices", "Forecast questions"):
        assert heading in output, heading


def test_report_and_files_hold_the_outlook(outlook_run):
    out, _ = outlook_run
    report = (out / "report.html").read_text()
    for title in ("The question in numbers", "Policy levers", "Scenario discovery",
                  "Sensitivity", "Forecast questions", "Competing hypotheses",
                  "How each issue settles", "Evidence behind every number"):
        assert f">{title}" in report, title
    for figure in ("survival.png", "fan_charts.png", "game_changers.png", "lever-effects.png",
                   "sobol.png", "tornado.png"):
        assert (out / "figures" / figure).is_file(), figure
    assert ("bargained with a mixture of engines, one per future (Compromise 67%, Median "
            "voter 33%) at every step") in report
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 0 and manifest["draws"] == 120
    levers = json.loads((out / "levers.json").read_text())
    assert levers["objective"] == "settlement:flow_share"
    assert {option["id"] for option in levers["options"]} >= {"baseline", "donor_fund"}


def test_same_seed_gives_identical_result_files(outlook_run, tmp_path):
    first, _ = outlook_run
    again = tmp_path / "again"
    assert runner.invoke(app, ["run", str(EXAMPLE), "--out", str(again), *SMALL]).exit_code == 0
    for name in ("levers.json", "forecast.json"):
        assert (first / name).read_text() == (again / name).read_text(), name
    for name in sorted(p.name for p in (first / "ensemble").glob("*.parquet")):
        pd.testing.assert_frame_equal(pd.read_parquet(first / "ensemble" / name),
                                      pd.read_parquet(again / "ensemble" / name))


def test_static_only_skips_the_ensembles(tmp_path):
    out = tmp_path / "static"
    result = runner.invoke(app, ["run", str(EXAMPLE), "--out", str(out), "--static"])
    assert result.exit_code == 0, result.output
    assert "Will the alliances hold?" not in result.output
    assert not (out / "ensemble").exists()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    actors: [mediator]\n    effects:", "    actors: [mediatr]\n    effects:",
         "levers[0].actors"),
        ("hazard: {range: [0.03, 0.08]", "hazard: {range: [0.03, 1.8]",
         "dynamics.shocks[0].hazard: must be between 0 and 1"),
        ("weight: 0.3\n", "weight: 0.3\n    rupture: \"cohesion < for 2 steps\"\n",
         "alliances[0].rupture"),
        ("objective: settlement:flow_share", "objective: settlement:flow",
         "analysis.objective: 'flow' is not a declared issue"),
    ],
)
def test_bad_dynamics_input_is_one_clear_error(tmp_path, example_text, old, new, message):
    assert old in example_text
    bad = tmp_path / "bad.yaml"
    bad.write_text(example_text.replace(old, new, 1))
    out = tmp_path / "never"
    result = runner.invoke(app, ["run", str(bad), "--out", str(out), *SMALL])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_sobol_samples_must_be_a_power_of_two(tmp_path):
    result = runner.invoke(app, ["run", str(EXAMPLE), "--out", str(tmp_path / "x"),
                                 "--sobol-samples", "10"])
    assert result.exit_code == 2
    assert "power of two" in result.output


def test_hypotheses_on_the_tutorial_scenario():
    result = runner.invoke(app, ["hypotheses", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    # filling_accelerated is rated CC for stalling and I for bargaining, with the most weight
    assert "highest posterior: stalling" in result.output


def test_score_on_the_tutorial_scenario_once_outcomes_are_recorded(tmp_path, example_text):
    scored = tmp_path / "scored.yaml"
    scored.write_text(example_text
                      .replace('indicator: "fired(drought) @ 2025-12-31"',
                               'indicator: "fired(drought) @ 2025-12-31"\n    outcome: no')
                      .replace("threshold: 0.6", "threshold: 0.6\n    outcome: yes"))
    out = tmp_path / "scores"
    result = runner.invoke(app, ["score", str(scored), "--out", str(out), "--draws", "200"])
    assert result.exit_code == 0, result.output
    assert "Scores over 2 questions" in result.output
    assert (out / "scores.json").is_file() and (out / "reliability.png").is_file()


def test_compare_two_runs(outlook_run, tmp_path, example_text):
    first, _ = outlook_run
    changed = tmp_path / "changed.yaml"
    changed.write_text(example_text.replace("downstream: {position: 90, salience: 1.0}",
                                            "downstream: {position: 80, salience: 1.0}"))
    second = tmp_path / "second"
    assert runner.invoke(app, ["run", str(changed), "-o", str(second), *SMALL]).exit_code == 0
    result = runner.invoke(app, ["compare", str(first), str(second)], terminal_width=160)
    assert result.exit_code == 0, result.output
    assert "hashes differ" in result.output
    # the compromise forecast of flow_share drops: the downstream state moved from 90 to 80
    before = json.loads((first / "forecast.json").read_text())["issues"][0]["forecast"]
    after = json.loads((second / "forecast.json").read_text())["issues"][0]["forecast"]
    change = after["compromise"] - before["compromise"]
    assert change < 0
    assert f"({change:+.1f})" in result.output
    assert "holds after" in result.output


def test_compare_refuses_a_folder_that_is_not_a_run(tmp_path, outlook_run):
    result = runner.invoke(app, ["compare", str(outlook_run[0]), str(tmp_path)])
    assert result.exit_code == 2
    assert "is not a realpolitik run folder" in result.output


def test_levers_command_follows_the_scenarios_analysis_settings(tmp_path):
    out = tmp_path / "levers"
    result = runner.invoke(app, ["levers", str(EXAMPLE), "-n", "100", "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "levers.json").read_text())
    assert (report["objective"], report["direction"]) == ("settlement:flow_share", "maximise")
    assert "cohesion:downstream_mediator" in report["outcomes"]
    # the donor fund shifts upstream's position towards downstream: it must raise the share
    assert report["effects"]["donor_fund"]["settlement:flow_share"]["effect"]["mean"] > 0
