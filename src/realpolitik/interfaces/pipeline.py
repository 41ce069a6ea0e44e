"""The main job: analyse a scenario and write its run directory and report.

This is the function behind ``realpolitik run`` and ``realpolitik.run_analysis``.
A scenario without dynamics gets the static forecast (bargaining and
cohesion); one with dynamics also gets the outlook over time (ensembles,
game changers, levers, scenario discovery, sensitivity, forecast questions).
It prints nothing: it reports how far it has come through a
``progress(stage, done, total)`` callback and returns a :class:`RunOutcome`;
the command line draws the bars and prints the results
(:mod:`realpolitik.outputs.terminal`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from realpolitik.analysis.ach import AchResult, analyse_hypotheses
from realpolitik.analysis.bottom_line import BottomLine, bottom_line
from realpolitik.analysis.feedback import feedback_loops
from realpolitik.analysis.model_choices import model_choices
from realpolitik.analysis.outlook import Outlook, OutlookOptions, Progress, forecast_outlook
from realpolitik.analysis.static import MODEL_NAMES, StaticForecast, forecast_static
from realpolitik.interfaces.folders import open_run_directory
from realpolitik.models.eum import eum_reading_options
from realpolitik.outputs import html, outlook_sections, static_sections
from realpolitik.outputs.bottom_line_view import bottom_line_section
from realpolitik.outputs.feedback_view import feedback_section, feedback_tables
from realpolitik.outputs.figures_dynamics import dynamics_section
from realpolitik.outputs.figures_judgment import ach_section, questions_section
from realpolitik.outputs.model_choices_view import model_choices_section
from realpolitik.outputs.naming import Namer
from realpolitik.outputs.results import forecast_record, write_tables
from realpolitik.outputs.results_files import parameter_names, result_tables, write_results
from realpolitik.outputs.rundir import RunDirectory, default_run_path, make_manifest
from realpolitik.outputs.section import Section
from realpolitik.outputs.sections_analysis import (
    discovery_section,
    levers_section,
    sensitivity_section,
)
from realpolitik.outputs.traces import write_traces
from realpolitik.scenario.limits import (
    MAX_DRAWS,
    MAX_HORIZON_YEARS,
    MIN_DRAWS,
    MIN_HORIZON_YEARS,
)
from realpolitik.scenario.loader import load_scenario, resolve_scenario
from realpolitik.scenario.schema import Scenario
from realpolitik.simulation.executors import executor_scope

__all__ = [
    "STAGE_BARGAINING",
    "STAGE_WRITING",
    "UNCOUNTED_STAGES",
    "RunOptions",
    "check_run_options",
    "RunOutcome",
    "outlook_report_sections",
    "run_analysis",
    "static_report_sections",
]

ENSEMBLE_FOLDER = "ensemble"
"""Below the run folder: the ensemble's Parquet files and manifest."""

STAGE_BARGAINING = "Bargaining"
STAGE_WRITING = "Writing the report"
UNCOUNTED_STAGES = (STAGE_BARGAINING, STAGE_WRITING)
"""Stages reported only as started (0 of 1) and finished (1 of 1): there is nothing to count.

The outlook's stages (``Simulating futures``, ``Testing levers``, ``Scenario
discovery``, ``Sobol sensitivity``) count draws, ensembles or peeling steps.
"""


@dataclass(frozen=True)
class RunOptions:
    """What ``run`` computes: static engines, and the outlook over time if any.

    ``eum_reading`` names the Expected Utility Model's reading in the static
    forecast (``published`` or ``program``; see ``models.eum.EUM_READINGS``);
    ``trace`` writes the round-by-round positions of the EUM and the spatial
    model (``trace-eum.csv``, ``trace-spatial.csv``; ``outputs.traces``).
    """

    models: tuple[str, ...] = MODEL_NAMES
    dynamics: bool = True
    outlook: OutlookOptions = field(default_factory=OutlookOptions)
    eum_reading: str = "published"
    trace: bool = False


@dataclass(frozen=True)
class RunOutcome:
    """Where a run was written and what it found.

    ``bottom_line`` answers the scenario's question (see
    :func:`realpolitik.analysis.bottom_line.bottom_line`); ``hypotheses`` is
    the ACH reading when the scenario has competing hypotheses.
    """

    folder: Path
    report: Path
    forecast: StaticForecast
    outlook: Outlook | None
    bottom_line: BottomLine | None = None
    hypotheses: AchResult | None = None

    @property
    def scenario(self) -> Scenario:
        """The scenario that was analysed."""
        return self.forecast.scenario


def run_analysis(
    scenario_ref: str | Path | None = None,
    *,
    out: Path | None = None,
    options: RunOptions | None = None,
    progress: Progress | None = None,
) -> RunOutcome:
    """Analyse a scenario and write the run directory and its report.

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
    progress
        ``progress(stage, done, total)``, called as each stage advances (see
        :data:`UNCOUNTED_STAGES`); nothing is reported by default.

    Raises ValueError (see :func:`check_run_options`) for a horizon or a
    number of draws out of bounds, before anything is read or written.
    """
    options = options or RunOptions()
    check_run_options(options)
    report = progress or _silent
    path = resolve_scenario(scenario_ref)
    scenario = load_scenario(path)
    folder = Path(out) if out is not None else default_run_path(scenario.scenario.id)
    with open_run_directory(folder) as run:
        report(STAGE_BARGAINING, 0, 1)
        forecast = forecast_static(
            scenario, options.models, {"eum": eum_reading_options(options.eum_reading)}
        )
        report(STAGE_BARGAINING, 1, 1)
        outlook = None
        if options.dynamics and scenario.dynamics is not None:
            with executor_scope(options.outlook.executor):
                outlook = forecast_outlook(scenario, options.outlook, report,
                                           folder=run.path / ENSEMBLE_FOLDER)
        hypotheses = analyse_hypotheses(scenario) if scenario.hypotheses else None
        line = bottom_line(scenario, forecast, outlook, hypotheses)
        report(STAGE_WRITING, 0, 1)
        _write_run(run, path, scenario, _Found(forecast, outlook, hypotheses, line), options)
        report(STAGE_WRITING, 1, 1)
    return RunOutcome(folder, folder / "report.html", forecast, outlook, line, hypotheses)


def check_run_options(options: RunOptions) -> None:
    """Refuse a horizon or a number of draws that the command line's bounds would refuse.

    ``realpolitik run`` checks ``--horizon`` and ``--draws`` as it reads
    them; this gives a caller of the Python API the same bounds, in one
    line naming the field, instead of a crash deep inside the simulation
    (an infinite horizon has no last date).
    """
    horizon = options.outlook.horizon_years
    if horizon is not None and not (
            math.isfinite(horizon) and MIN_HORIZON_YEARS <= horizon <= MAX_HORIZON_YEARS):
        raise ValueError(f"horizon_years: a finite number of years from {MIN_HORIZON_YEARS:g} "
                         f"to {MAX_HORIZON_YEARS:g} is expected, got {horizon!r}")
    draws = options.outlook.draws
    if draws is not None and not MIN_DRAWS <= draws <= MAX_DRAWS:
        raise ValueError(f"draws: a whole number from {MIN_DRAWS:,} to {MAX_DRAWS:,} is "
                         f"expected, got {draws!r}")


def _silent(stage: str, done: int, total: int) -> None:
    """A progress callback that reports nothing."""


@dataclass(frozen=True)
class _Found:
    """Everything a run computed, handed to the writer together."""

    forecast: StaticForecast
    outlook: Outlook | None
    hypotheses: AchResult | None
    line: BottomLine


def _write_run(run: RunDirectory, path: Path, scenario: Scenario, found: _Found,
               options: RunOptions) -> None:
    forecast, outlook = found.forecast, found.outlook
    ensemble = None if outlook is None else outlook.ensemble
    extra: dict[str, object] = {} if ensemble is None else {"ensemble_model": ensemble.model,
                                         "horizon": ensemble.dates[-1].isoformat(),
                                         "parsed_scenario_hash": ensemble.scenario_hash}
    if ensemble is not None and ensemble.summary is not None:
        extra["streamed"] = {"kept_draws": ensemble.draws}
    manifest = make_manifest(
        scenario_id=scenario.scenario.id, scenario_path=path,
        seed=None if ensemble is None else ensemble.seed,
        draws=1 if ensemble is None else ensemble.futures, models=list(options.models),
        extra=extra | ({} if options.eum_reading == "published"
                       else {"eum_reading": options.eum_reading}))
    run.write_json("manifest.json", manifest)
    (run.path / "scenario.yaml").write_bytes(path.read_bytes())
    run.write_json("forecast.json", forecast_record(forecast))
    write_tables(forecast, run.path)
    tables = result_tables(scenario, forecast, outlook, found.hypotheses, found.line)
    if outlook is not None:
        tables |= feedback_tables(scenario, feedback_loops(scenario, outlook.ensemble),
                                  outlook.levers)
    write_results(run.path, tables, found.line)
    if options.trace:
        write_traces(forecast, run.path)
    figures = run.path / "figures"
    sections = static_report_sections(scenario, forecast, figures)
    if outlook is not None:
        if outlook.ensemble.summary is None:  # a streamed ensemble wrote its files as it ran
            outlook.ensemble.to_parquet(run.path / ENSEMBLE_FOLDER)
        parameter_names(scenario, outlook.ensemble).to_csv(
            run.path / ENSEMBLE_FOLDER / "parameters-names.csv", index=False)
        if outlook.levers is not None:
            run.write_json("levers.json", outlook.levers.to_dict())
        sections = outlook_report_sections(scenario, outlook, figures,
                                           hypotheses=found.hypotheses) + sections
    elif scenario.hypotheses:
        sections.insert(2, ach_section(scenario, result=found.hypotheses))
    sections.insert(0, bottom_line_section(found.line))
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


def outlook_report_sections(scenario: Scenario, outlook: Outlook, figure_dir: Path, *,
                            hypotheses: AchResult | None = None) -> list[Section]:
    """The report's sections on the future, in reading order (the numbers behind the answer first).

    ``hypotheses`` is the ACH reading to show (computed here when None).
    """
    names = Namer(scenario, outlook.ensemble.dates[-1])
    sections = [outlook_sections.answer_section(scenario, outlook),
                dynamics_section(outlook.ensemble, figure_dir, scenario=scenario)]
    feedback = feedback_section(scenario, feedback_loops(scenario, outlook.ensemble),
                                outlook.ensemble, outlook.levers, figure_dir, names)
    if feedback is not None:
        sections.append(feedback)
    if outlook.levers is not None:
        sections.append(levers_section(outlook.levers, figure_dir, names))
    if outlook.discovery is not None:
        sections.append(discovery_section(outlook.discovery, figure_dir, names))
    if outlook.sensitivity is not None:
        sections.append(sensitivity_section(outlook.sensitivity, figure_dir, names))
    choices = model_choices(scenario, outlook)
    if outlook.ensemble.ruptured or choices.effects:
        sections.append(model_choices_section(scenario, choices, figure_dir, names))
    if scenario.questions:
        sections.append(questions_section(scenario, outlook.ensemble, figure_dir,
                                          outlook.questions))
    if scenario.hypotheses:
        sections.append(ach_section(scenario, result=hypotheses))
    return sections
