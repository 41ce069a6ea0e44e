"""The main job: analyse a scenario and write its run directory and report.

This is the function behind ``realpolitik run`` and ``realpolitik.run``;
the command line only parses options and prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from realpolitik.analysis.static import MODEL_NAMES, StaticForecast, forecast_static
from realpolitik.outputs import html, static_sections, tables
from realpolitik.outputs.results import forecast_record, write_tables
from realpolitik.outputs.rundir import RunDirectory, default_run_path, make_manifest
from realpolitik.outputs.section import Section
from realpolitik.scenario.loader import load_scenario, resolve_scenario
from realpolitik.scenario.schema import Scenario


@dataclass(frozen=True)
class RunOutcome:
    """Where a run was written and what it found."""

    folder: Path
    report: Path
    forecast: StaticForecast


def run_analysis(
    scenario_ref: str | Path | None = None,
    *,
    out: Path | None = None,
    models: tuple[str, ...] = MODEL_NAMES,
    console: Console | None = None,
) -> RunOutcome:
    """Forecast a scenario, print the summary and write the run directory.

    Parameters
    ----------
    scenario_ref
        A scenario file or the name of a built-in scenario; None runs the flagship.
    out
        The run folder to create (must not exist or be empty); default
        ``realpolitik-runs/<scenario>-<time>``.
    models
        Which engines to run.
    console
        Where to print; a quiet console by default.
    """
    console = console or Console(quiet=True)
    path = resolve_scenario(scenario_ref)
    scenario = load_scenario(path)
    folder = Path(out) if out is not None else default_run_path(scenario.scenario.id)
    with RunDirectory(folder) as run, console.status("Bargaining..."):
        forecast = forecast_static(scenario, models)
        manifest = make_manifest(scenario_id=scenario.scenario.id, scenario_path=path,
                                 seed=None, draws=1, models=list(models))
        run.write_json("manifest.json", manifest)
        (run.path / "scenario.yaml").write_bytes(path.read_bytes())
        run.write_json("forecast.json", forecast_record(forecast))
        write_tables(forecast, run.path)
        sections = static_report_sections(scenario, forecast, run.path / "figures")
        report = run.path / "report.html"
        report.write_text(html.page(f"realpolitik: {scenario.scenario.title}",
                                    static_sections.header_html(scenario, manifest), sections),
                          encoding="utf-8")
    print_summary(forecast, console)
    console.print(f"\nRun written to [bold]{folder}[/]; open [bold]{folder / 'report.html'}[/]")
    return RunOutcome(folder, folder / "report.html", forecast)


def static_report_sections(scenario: Scenario, forecast: StaticForecast,
                           figure_dir: Path) -> list[Section]:
    """The report's sections for the static forecast, in reading order."""
    sections = [static_sections.forecast_section(forecast, figure_dir)]
    cohesion = static_sections.cohesion_section(forecast, figure_dir)
    if cohesion is not None:
        sections.append(cohesion)
    sections += [static_sections.issues_section(scenario),
                 static_sections.evidence_section(scenario)]
    return sections


def print_summary(forecast: StaticForecast, console: Console) -> None:
    """Print the forecast, movement and cohesion tables."""
    meta = forecast.scenario.scenario
    console.rule(f"[bold]{meta.title}[/] (as of {meta.as_of.isoformat()})")
    if meta.question:
        console.print(f"[italic]{meta.question}[/]\n")
    console.print(tables.forecast_table(forecast, wide=console.width >= 140))
    for table in (tables.movement_table(forecast), tables.cohesion_table(forecast)):
        if table is not None:
            console.print(table)
