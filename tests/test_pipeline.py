import contextlib
import inspect
import io

import pytest
from rich.console import Console

from helpers import EXAMPLE
from realpolitik.analysis.outlook import OutlookOptions
from realpolitik.interfaces.pipeline import (
    STAGE_BARGAINING,
    STAGE_WRITING,
    UNCOUNTED_STAGES,
    RunOptions,
    run_analysis,
)
from realpolitik.outputs.terminal import outlook_renderables, stage_progress, summary_renderables

SMALL = RunOptions(models=("compromise",), outlook=OutlookOptions(
    draws=40, levers=False, discovery=True, sensitivity=False))


@pytest.fixture(scope="module")
def quiet_run(tmp_path_factory):
    """A small run of the tutorial scenario: its outcome, progress reports and printed text."""
    reports, printed = [], io.StringIO()
    out = tmp_path_factory.mktemp("runs") / "water"
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        outcome = run_analysis(EXAMPLE, out=out, options=SMALL,
                               progress=lambda *report: reports.append(report))
    return outcome, reports, printed.getvalue()


def test_the_pipeline_prints_nothing_and_returns_its_results(quiet_run):
    outcome, _, printed = quiet_run
    assert printed == ""
    assert outcome.report.is_file() and outcome.folder.name == "water"
    assert outcome.scenario.scenario.id == "water-treaty"
    assert outcome.outlook is not None and outcome.outlook.ensemble.draws == 40
    assert "console" not in inspect.signature(run_analysis).parameters
    assert "rich" not in inspect.getsource(inspect.getmodule(run_analysis))


def test_the_pipeline_reports_each_stage_in_order(quiet_run):
    _, reports, _ = quiet_run
    stages = list(dict.fromkeys(stage for stage, _, _ in reports))
    assert stages == [STAGE_BARGAINING, "Simulating futures", "Scenario discovery",
                      STAGE_WRITING]
    for stage in UNCOUNTED_STAGES:
        assert [(done, total) for name, done, total in reports if name == stage] == [(0, 1),
                                                                                   (1, 1)]
    futures = [(done, total) for name, done, total in reports if name == "Simulating futures"]
    assert futures[-1] == (40, 40)
    discovery = [(done, total) for name, done, total in reports if name == "Scenario discovery"]
    assert discovery[0][0] == 0 and discovery[-1][0] == discovery[-1][1]


def test_terminal_renderables_show_the_run(quiet_run):
    outcome, reports, _ = quiet_run
    console = Console(record=True, width=100)
    with stage_progress(console, spinners=UNCOUNTED_STAGES) as progress:
        for report in reports:
            progress(*report)
    for part in (summary_renderables(outcome.forecast)
                 + outlook_renderables(outcome.scenario, outcome.outlook)):
        console.print(part)
    text = console.export_text()
    assert "Simulating futures" in text and "100%" in text
    assert "Bargaining..." not in text  # a spinner leaves nothing behind
    for heading in ("Sharing the river after the new dam", "How each issue settles",
                    "The outlook", "Will the alliances hold?", "Scenario discovery"):
        assert heading in text, heading


class CountingExecutor:
    """Runs chunks in this process and counts the ensembles handed to it."""

    def __init__(self):
        from realpolitik.simulation import LocalExecutor

        self.inner, self.runs = LocalExecutor(), 0

    def run(self, function, jobs, collect):
        self.runs += 1
        self.inner.run(function, jobs, collect)


def test_the_outlooks_executor_runs_every_ensemble_levers_and_sobol_included():
    from analysis_fakes import TINY_SCENARIO
    from realpolitik.analysis.levers import lever_runs
    from realpolitik.analysis.outlook import forecast_outlook
    from realpolitik.analysis.sensitivity import SensitivityOptions, uncertain_parameters
    from realpolitik.scenario.loader import parse_scenario

    scenario = parse_scenario(TINY_SCENARIO)
    executor = CountingExecutor()
    outlook = forecast_outlook(scenario, OutlookOptions(draws=20, executor=executor,
                                                        discovery=False, sobol_samples=2))
    sobol = SensitivityOptions().evaluations(len(uncertain_parameters(scenario)))
    assert executor.runs == 1 + lever_runs(scenario.levers) + sobol
    assert outlook.levers.draws == 20 and outlook.sensitivity.sobol.base_samples == 2


@pytest.mark.parametrize(("outlook", "message"), [
    ({"horizon_years": float("inf")}, "horizon_years: a finite number of years from 0.25 to 50 "
                                      "is expected, got inf"),
    ({"horizon_years": float("nan")}, "horizon_years: .* got nan"),
    ({"horizon_years": 1e12}, "horizon_years: .* got 1000000000000.0"),
    ({"horizon_years": 0.1}, "horizon_years: .* got 0.1"),
    ({"horizon_years": 50.5}, "horizon_years: .* got 50.5"),
    ({"draws": 1_000_001}, "draws: a whole number from 10 to 1,000,000 is expected, "
                           "got 1000001"),
    ({"draws": 5}, "draws: .* got 5"),
])
def test_the_api_refuses_options_out_of_bounds_before_writing(tmp_path, outlook, message):
    options = RunOptions(outlook=OutlookOptions(**outlook))
    with pytest.raises(ValueError, match=f"^{message}$"):
        run_analysis(EXAMPLE, out=tmp_path / "run", options=options)
    assert list(tmp_path.iterdir()) == []


def test_every_command_line_module_shares_one_way_to_fail():
    from realpolitik.analysis.evidence import DocumentError
    from realpolitik.interfaces import cli, cli_common, cli_judgment, cli_levers, cli_validate
    from realpolitik.outputs.rundir import RunDirectoryError
    from realpolitik.scenario.errors import ScenarioError
    from realpolitik.scenario.indicator_syntax import ExpressionError
    from realpolitik.scenario.outcomes import OutcomeError

    for module in (cli, cli_judgment, cli_levers, cli_validate):
        assert module.fail is cli_common.fail, module.__name__
    for module in (cli, cli_judgment, cli_levers):
        assert module.user_errors is cli_common.user_errors, module.__name__
    assert {OutcomeError, ScenarioError, RunDirectoryError, ExpressionError,
            DocumentError} <= set(cli_common.user_errors())
