import json

from typer.testing import CliRunner

from helpers import EXAMPLE
from realpolitik.interfaces.cli import app

runner = CliRunner()


def test_run_writes_a_complete_run_folder(tmp_path):
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", str(EXAMPLE), "--out", str(out), "--static"])
    assert result.exit_code == 0, result.output
    assert "How each issue settles" in result.output
    assert "Cohesion of watched alliances" in result.output
    for name in ("manifest.json", "forecast.json", "forecast.csv", "eum-rounds.parquet",
                 "report.html", "scenario.yaml", "figures/issue-map.png",
                 "figures/eum-rounds.png", "figures/cohesion-downstream_mediator.png"):
        assert (out / name).is_file(), name
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenario_id"] == "water-treaty"
    assert len(manifest["scenario_hash"]) == 64
    assert {"seed", "version", "created", "draws"} <= set(manifest)
    report = (out / "report.html").read_text()
    assert report.count("data:image/png;base64,") == 3  # issue map, EUM rounds, one pair
    assert "Sharing the river after the new dam" in report


def test_same_scenario_same_forecast(tmp_path):
    for name in ("a", "b"):
        result = runner.invoke(app, ["run", str(EXAMPLE), "-o", str(tmp_path / name), "--static"])
        assert result.exit_code == 0, result.output
    first = (tmp_path / "a" / "forecast.json").read_text()
    assert first == (tmp_path / "b" / "forecast.json").read_text()


def test_single_model(tmp_path):
    result = runner.invoke(app, ["run", str(EXAMPLE), "-o", str(tmp_path / "r"), "-m",
                                 "compromise", "--static"])
    assert result.exit_code == 0, result.output
    forecast = json.loads((tmp_path / "r" / "forecast.json").read_text())
    assert set(forecast["issues"][0]["forecast"]) == {"compromise"}


def test_unknown_actor_is_one_line_and_exit_2(tmp_path, example_text):
    bad = tmp_path / "bad.yaml"
    bad.write_text(example_text.replace("members: [downstream, mediator]",
                                        "members: [downstream, mediater]"))
    out = tmp_path / "never"
    result = runner.invoke(app, ["run", str(bad), "--out", str(out)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "alliances[0].members[1]: undeclared actor 'mediater'" in lines[0]
    assert "Traceback" not in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


def test_malformed_yaml_exit_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario: [\n")
    result = runner.invoke(app, ["check", str(bad)])
    assert result.exit_code == 2
    assert "malformed YAML" in result.output


def test_existing_output_folder_is_refused(tmp_path):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = runner.invoke(app, ["run", str(EXAMPLE), "--out", str(out)])
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_check_ok_and_help():
    result = runner.invoke(app, ["check", str(EXAMPLE)])
    assert result.exit_code == 0
    assert "3 actors, 2 issues, 1 watched alliances" in result.output
    assert runner.invoke(app, ["run", "--help"]).exit_code == 0


def test_a_converged_bargain_is_explained():
    from realpolitik.analysis.static import forecast_static
    from realpolitik.outputs.tables import convergence_note
    from realpolitik.scenario.loader import load_scenario

    forecast = forecast_static(load_scenario("emission-standards"), ("eum",))
    assert convergence_note(forecast) is None  # no watched alliance there
    flagship = forecast_static(load_scenario(), ("eum",))
    note = convergence_note(flagship)
    converged = [r.alliance.name for r in flagship.alliances if r.bargained.score[0] >= 0.99]
    assert (note is None) == (not converged)
    if converged:
        assert converged[0] in note
