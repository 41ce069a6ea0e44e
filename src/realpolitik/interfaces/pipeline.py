"""The main job: analyse a scenario and write its run directory and report.

This is the function behind ``realpolitik run`` and ``realpolitik.run``;
the command line only parses options and prints.  A scenario without
dynamics gets the static forecast (bargaining and cohesion); one with
dynamics also gets the outlook over time (ensembles, game changers, levers,
scenario discovery, sensitivity, forecast questions).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from realpolitik.analysis.outlook import Outlook, OutlookOptions, forecast_outlook
from realpolitik.analysis.static import MODEL_NAMES, StaticForecast, forecast_static
from realpolitik.outputs import html, outlook_sections, static_sections, tables
from realpolitik.outputs.figures_dynamics import dynamics_section
from realpolitik.outputs.figures_judgment import ach_section, questions_section
from realpolitik.outputs.results import forecast_record, write_tables
from realpolitik.outputs.rundir import RunDirectory, default_run_path, make_manifest
from realpolitik.outputs.section import Section
from realpolitik.outputs.sections_analysis import (
    discovery_section,
    levers_section,
    sensitivity_section,
)
from realpolitik.scenario.loader import load_scenario, resolve_scenario
from realpolitik.scenario.schema import Scenario
from realpolitik.simulation.executors import executor_scope


@dataclass(frozen=True)
class RunOptions:
    """What ``run`` computes: static engines, and the outlook over time if any."""

    models: tuple[str, ...] = MODEL_NAMES
    dynamics: bool = True
    outlook: OutlookOptions = field(default_factory=OutlookOptions)


@dataclass(frozen=True)
class RunOutcome:
    """Where a run was written and what it found."""

    folder: Path
    report: Path
    forecast: StaticForecast
    outlook: Outlook | None


def run_analysis(
    scenario_ref: str | Path | None = None,
    *,
    out: Path | None = None,
    options: RunOptions | None = None,
    console: Console | None = None,
) -> RunOutcome:
    """Analyse a scenario, print the summary and write the run directory.

    Parameters
    ----------
    scenario_ref
        A scenario file or the name of a built-in scenario; None runs the flagship.
    out
        The run folder to create (must not exist or be empty); default
        ``realpolitik-runs/<scenario>-<time>``.
    options
        What to compute (default: every engine, and the outlook if the
        scenario has dynamics).
    console
        Where to print; a quiet console by default.
    """
    options = options or RunOptions()
    console = console or Console(quiet=True)
    path = resolve_scenario(scenario_ref)
    scenario = load_scenario(path)
    folder = Path(out) if out is not None else default_run_path(scenario.scenario.id)
    with RunDirectory(folder) as run:
        with console.status("Bargaining..."):
            forecast = forecast_static(scenario, options.models)
        outlook = None
        if options.dynamics and scenario.dynamics is not None:
            with executor_scope(options.outlook.executor), _stage_bars(console) as progress:
                outlook = forecast_outlook(scenario, options.outlook, progress)
        with console.status("Writing the report..."):
            _write_run(run, path, scenario, forecast, outlook, options)
    print_summary(forecast, console)
    if outlook is not None:
        print_outlook(scenario, outlook, console)
    console.print(f"\nRun written to [bold]{folder}[/]; open [bold]{folder / 'report.html'}[/]")
    return RunOutcome(folder, folder / "report.html", forecast, outlook)


def _write_run(run: RunDirectory, path: Path, scenario: Scenario, forecast: StaticForecast,
               outlook: Outlook | None, options: RunOptions) -> None:
    ensemble = None if outlook is None else outlook.ensemble
    manifest = make_manifest(
        scenario_id=scenario.scenario.id, scenario_path=path,
        seed=None if ensemble is None else ensemble.seed,
        draws=1 if ensemble is None else ensemble.draws, models=list(options.models),
        extra={} if ensemble is None else {"ensemble_model": ensemble.model,
                                           "horizon": ensemble.dates[-1].isoformat()})
    run.write_json("manifest.json", manifest)
    (run.path / "scenario.yaml").write_bytes(path.read_bytes())
    run.write_json("forecast.json", forecast_record(forecast))
    write_tables(forecast, run.path)
    figures = run.path / "figures"
    sections = static_report_sections(scenario, forecast, figures)
    if outlook is not None:
        ensemble.to_parquet(run.path / "ensemble")
        if outlook.levers is not None:
            run.write_json("levers.json", outlook.levers.to_dict())
        sections = outlook_report_sections(scenario, outlook, figures) + sections
    elif scenario.hypotheses:
        sections.insert(2, ach_section(scenario))
    report = run.path / "report.html"
    report.write_text(html.page(f"realpolitik: {scenario.scenario.title}",
                                static_sections.header_html(scenario, manifest), sections),
                      encoding="utf-8")


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


def outlook_report_sections(scenario: Scenario, outlook: Outlook,
                            figure_dir: Path) -> list[Section]:
    """The report's sections on the future, in reading order (answer first)."""
    sections = [outlook_sections.answer_section(scenario, outlook),
                dynamics_section(outlook.ensemble, figure_dir, scenario=scenario)]
    if outlook.levers is not None:
        sections.append(levers_section(outlook.levers, figure_dir))
    if outlook.discovery is not None:
        sections.append(discovery_section(outlook.discovery, figure_dir))
    if outlook.sensitivity is not None:
        sections.append(sensitivity_section(outlook.sensitivity, figure_dir))
    if scenario.questions:
        sections.append(questions_section(scenario, outlook.ensemble, figure_dir))
    if scenario.hypotheses:
        sections.append(ach_section(scenario))
    return sections


@contextmanager
def _stage_bars(console: Console) -> Iterator:
    """A progress bar per stage of the outlook; yields the ``progress(stage, done, total)``."""
    columns = (TextColumn("{task.description:<22}"), BarColumn(),
               TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as bars:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage, total=max(total, 1))
            bars.update(tasks[stage], completed=done, total=max(total, 1))

        yield progress


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
    note = tables.convergence_note(forecast)
    if note:
        console.print(f"[dim]{note}[/]")


def print_outlook(scenario: Scenario, outlook: Outlook, console: Console) -> None:
    """Print survival, game changers, levers, discovery, sensitivity and questions."""
    from realpolitik.interfaces.cli_levers import (
        delay_table,
        discovery_table,
        lever_table,
        outcome_table,
        sensitivity_summary,
    )

    console.rule("[bold]The outlook[/]")
    console.print(outlook_sections.holding_table(scenario, outlook))
    drivers = outlook_sections.drivers_table(scenario, outlook)
    if drivers is not None:
        console.print(drivers)
    if outlook.levers is not None:
        console.print(lever_table(outlook.levers))
        if len(outlook.levers.outcomes) > 1:
            console.print(outcome_table(outlook.levers))
        if outlook.levers.delays:
            console.print(delay_table(outlook.levers))
    if outlook.discovery is not None:
        console.print(discovery_table(outlook.discovery))
    if outlook.sensitivity is not None:
        console.print(sensitivity_summary(outlook.sensitivity))
    questions = outlook_sections.questions_table(outlook)
    if questions is not None:
        console.print(questions)
