"""``compare`` warns and refuses clearly; ``sources`` reads its scenario around ``check``."""

import shutil

import pytest
from typer.testing import CliRunner

from helpers import EXAMPLE
from realpolitik.interfaces.cli import app

runner = CliRunner()
SMALL = ["--draws", "60", "--sobol-samples", "0", "--no-levers"]


@pytest.fixture(scope="module")
def river_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("compare")
    for name, extra in (("a", []), ("b", ["--seed", "3"])):
        result = runner.invoke(app, ["run", str(EXAMPLE), "-o", str(root / name), *SMALL,
                                     *extra])
        assert result.exit_code == 0, result.output
    return root


def test_compare_warns_when_seeds_differ(river_runs):
    result = runner.invoke(app, ["compare", str(river_runs / "a"), str(river_runs / "b")],
                           env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "warning: the runs used different seeds (0 and 3)" in result.output
    assert "Downstream state and mediator" in result.output  # names, not ids


def test_compare_refuses_unrelated_scenarios_in_one_line(river_runs, tmp_path):
    other = tmp_path / "emissions"
    assert runner.invoke(app, ["run", "emission-standards", "-o", str(other), "--static"]
                         ).exit_code == 0
    result = runner.invoke(app, ["compare", str(river_runs / "a"), str(other)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "unrelated scenarios" in lines[0]


def test_compare_refuses_a_run_with_files_missing(river_runs, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(river_runs / "a", broken)
    (broken / "ensemble" / "paths-00000.parquet").unlink()
    result = runner.invoke(app, ["compare", str(river_runs / "a"), str(broken)])
    assert result.exit_code == 2
    assert "incomplete" in result.output and "Traceback" not in result.output


def test_sources_checks_the_scenario_named_before_check(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("the army is larger but the economy weaker\n"
                     "the technical committee has met every month\n"
                     "filling was accelerated while talks went on\n")
    for args in (["sources", str(EXAMPLE), "check"], ["sources", "check", str(EXAMPLE)]):
        result = runner.invoke(app, [*args, "--doc", f"notes={notes}"])
        assert result.exit_code == 0, result.output
        assert "3 of 3 quotations found" in result.output


def test_sources_lists_numbers_by_name():
    result = runner.invoke(app, ["sources", "list", str(EXAMPLE)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Regional Mediator's capability" in result.output
    assert "actors[2]" not in result.output


def test_labelled_frames_of_the_api():
    from realpolitik.analysis.levers import LeverOptions, evaluate_levers
    from realpolitik.analysis.static import forecast_static
    from realpolitik.scenario.loader import load_scenario

    scenario = load_scenario(EXAMPLE)
    forecast = forecast_static(scenario, ("compromise", "median"))
    frame = forecast.to_frame()
    assert list(frame.index) == ["flow_share", "dam_filling"]
    assert list(frame.columns) == ["name", "horizon", "compromise", "median"]
    assert forecast.by_issue("median")["flow_share"] == frame.loc["flow_share", "median"]
    report = evaluate_levers(scenario, LeverOptions(draws=30, delay_years=None, pairs=False))
    levers = report.to_frame()
    assert set(levers["option"]) == {"baseline", "donor_fund", "mediation_summit"}
    best = levers[levers["objective"]].sort_values("rank").iloc[0]
    assert best["option"] == report.ranking[0] and best["rank"] == 1
