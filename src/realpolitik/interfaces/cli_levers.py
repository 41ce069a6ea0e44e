"""Command-line front of the lever analysis, and terminal summaries of discovery and sensitivity.

Register with the main app::

    app.command("levers")(levers_command)

``realpolitik levers [SCENARIO]`` simulates the baseline, every lever and
every pair of levers on common random numbers, prints a table ranking them
by their effect on the objective with 95% intervals and regret, and the cost
of acting later; with ``--out`` it writes ``levers.json`` and the figure.
User mistakes (a bad scenario, an unknown outcome) print one red line on
stderr and exit with code 2 before anything is written.

:func:`discovery_summary` and :func:`sensitivity_summary` return rich
renderables for ``realpolitik run`` to print.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console, Group
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from realpolitik import __version__
from realpolitik.analysis.discovery import Discovery, discover
from realpolitik.analysis.levers import (
    BASELINE,
    Interval,
    LeverReport,
    evaluate_levers,
    lever_options,
)
from realpolitik.analysis.outcomes import Outcome, OutcomeError, check_outcome, parse_outcome
from realpolitik.analysis.sensitivity import Sensitivity
from realpolitik.models.registry import engine_names
from realpolitik.outputs.sections_analysis import regret_sentence
from realpolitik.scenario.errors import ScenarioError
from realpolitik.scenario.loader import load_scenario
from realpolitik.simulation.executors import command_line_executor, executor_scope

__all__ = [
    "delay_table",
    "discovery_summary",
    "discovery_table",
    "lever_table",
    "levers_command",
    "outcome_table",
    "sensitivity_summary",
]

USER_ERRORS = (ScenarioError, OutcomeError)


EngineChoice = StrEnum("EngineChoice", {name: name for name in engine_names(stepping=True)})
"""Engines the ensemble can step with (the registry's stepping engines)."""


class IntervalChoice(StrEnum):
    """How the 95% intervals of the effects are computed."""

    normal = "normal"
    bootstrap = "bootstrap"


class DirectionChoice(StrEnum):
    """Whether more of the objective is better."""

    maximise = "maximise"
    minimise = "minimise"


def _fail(message: str) -> NoReturn:
    Console(stderr=True).print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _interval(value: Interval) -> str:
    return f"{value.mean:+.3f} [{value.low:+.3f}, {value.high:+.3f}]"


# ---------------------------------------------------------------------------
# realpolitik levers
# ---------------------------------------------------------------------------
def levers_command(
    scenario: Annotated[str | None, typer.Argument(
        help="A scenario YAML file, or a built-in scenario's name. Default: syria-2019.")] = None,
    draws: Annotated[int, typer.Option("--draws", "-n", min=1,
                                       help="Monte Carlo draws per option.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of every run.")] = 0,
    model: Annotated[EngineChoice, typer.Option(
        "--model", "-m", help="Bargaining engine at each step.")] = EngineChoice["compromise"],
    outcome: Annotated[list[str] | None, typer.Option(
        "--outcome", help="An outcome to report, e.g. settlement:idlib or "
                          "rupture:russia_iran@2022-01-01 (repeatable). Default: the "
                          "scenario's analysis.outcomes.")] = None,
    objective: Annotated[str | None, typer.Option(
        help="The outcome levers are ranked on. Default: the scenario's analysis.objective, "
             "else cohesion of the first watched alliance at the horizon.")] = None,
    direction: Annotated[DirectionChoice | None, typer.Option(
        help="Whether the objective should be high or low. Default: the scenario's "
             "analysis.direction, else minimise (with the default objective, levers are "
             "judged by how far they pull the partners apart).")
    ] = None,
    delay_years: Annotated[float, typer.Option(
        "--delay-years", min=0.0, help="Also start each lever this many years later "
                                       "(0: skip).")] = 2.0,
    pairs: Annotated[bool, typer.Option(help="Also evaluate every pair of levers.")] = True,
    interval: Annotated[IntervalChoice, typer.Option(
        help="95% intervals by the normal approximation or a seeded bootstrap over draws.")
    ] = IntervalChoice.normal,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Folder to write levers.json and the figure into.")] = None,
    workers: Annotated[int, typer.Option(
        "--workers", min=1, help="Start a local dask cluster with this many worker processes "
                                 "(1: run in this process).")] = 1,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Address of a running dask scheduler to spread the ensembles "
                            "over.")] = None,
) -> None:
    """Rank the scenario's levers and pairs of levers by their effect, interval and regret."""
    try:
        loaded = load_scenario(scenario)
        settings = loaded.analysis
        outcome = outcome or (settings.outcomes if settings else [])
        objective = objective or (settings.objective if settings else None)
        direction_text = (direction.value if direction is not None
                          else settings.direction if settings else "minimise")
        outcomes = [check_outcome(loaded, parse_outcome(text)) for text in outcome]
        goal = check_outcome(loaded, parse_outcome(objective)) if objective else None
    except USER_ERRORS as error:
        _fail(error.render() if isinstance(error, ScenarioError) else str(error))
    if not loaded.levers:
        _fail(f"scenario '{loaded.scenario.id}' declares no levers to evaluate")
    if goal is None and not loaded.alliances:
        _fail("the scenario watches no alliance: name the objective with --objective")
    if out is not None and out.exists() and not out.is_dir():
        _fail(f"--out {out} exists and is not a folder")
    console = Console()
    runs = len(lever_options(loaded.levers, pairs=pairs)) + (len(loaded.levers)
                                                             if delay_years > 0 else 0)
    executor = command_line_executor(workers, scheduler)
    with executor_scope(executor), _progress_bar(console, runs * draws) as (progress, task):
        report = evaluate_levers(
            loaded, None, outcomes, goal, draws, seed, model.value, executor=executor,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
            direction=direction_text, pairs=pairs, interval=interval.value,
            delay_years=delay_years if delay_years > 0 else None,
        )
    console.print(lever_table(report))
    if len(report.outcomes) > 1:
        console.print(outcome_table(report))
    if report.delays:
        console.print(delay_table(report))
    regret = {summary.option: summary for summary in report.regret}
    console.print(Text(regret_sentence(report, regret)))
    if out is not None:
        _write(report, out, console)


@contextmanager
def _progress_bar(console: Console, total: int) -> Iterator[tuple[Progress, TaskID]]:
    """A progress bar counting draws over every run, removed when done."""
    with Progress(TextColumn("simulating options"), BarColumn(),
                  TextColumn("{task.completed:,}/{task.total:,} draws"), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        yield progress, progress.add_task("levers", total=total)


def lever_table(report: LeverReport) -> Table:
    """The ranking of options on the objective, with intervals and regret."""
    table = Table(title=f"Levers ranked on {report.objective} ({report.direction}) · scenario "
                        f"{report.scenario_id} · seed {report.seed} · {report.draws:,} draws · "
                        f"{report.model} · realpolitik {__version__}")
    for header in ("rank", "option", "effect [95% interval]", "mean regret", "p90 regret",
                   "max regret"):
        table.add_column(header, justify="left" if header == "option" else "right")
    regret = {summary.option: summary for summary in report.regret}
    for rank, option in enumerate(report.ranking, start=1):
        effect = report.objective_effect(option).effect
        good = (effect.mean > 0) == (report.direction == "maximise")
        style = "" if option == BASELINE or not effect.excludes_zero() else (
            "green" if good else "red")
        table.add_row(str(rank), Text(report.option_name(option)),
                      Text(_interval(effect), style=style), f"{regret[option].mean:.3f}",
                      f"{regret[option].p90:.3f}", f"{regret[option].max:.3f}")
    return table


def outcome_table(report: LeverReport) -> Table:
    """Each option's effect on the outcomes other than the objective."""
    others = [label for label in report.outcomes if label != report.objective]
    table = Table(title="Effects on the other outcomes (option minus baseline [95% interval])")
    table.add_column("option")
    for label in others:
        table.add_column(label, justify="right")
    for option in report.options:
        if option.id != BASELINE:
            table.add_row(Text(option.name), *(_interval(report.effects[option.id][label].effect)
                                               for label in others))
    return table


def delay_table(report: LeverReport) -> Table:
    """What starting each lever later costs on the objective."""
    years = report.delays[0].years
    table = Table(title=f"Acting {years:g} years later (loss > 0: worse for the objective)")
    for header in ("lever", "late start", "effect on time", "effect late", "loss"):
        table.add_column(header, justify="left" if header == "lever" else "right")
    for delay in report.delays:
        table.add_row(Text(report.option_name(delay.lever)), delay.start,
                      _interval(delay.on_time), _interval(delay.late), _interval(delay.loss))
    return table


def _write(report: LeverReport, out: Path, console: Console) -> None:
    from realpolitik.outputs.figures_analysis import lever_effects

    out.mkdir(parents=True, exist_ok=True)
    figure = lever_effects(report, out / "lever-effects.png")
    payload = {**report.to_dict(), "figures": [figure.path.name]}
    (out / "levers.json").write_text(json.dumps(payload, indent=2), encoding="utf-8")
    console.print(Text(f"wrote {out / 'levers.json'} and {figure.path}"))


# ---------------------------------------------------------------------------
# Summaries for realpolitik run
# ---------------------------------------------------------------------------
def discovery_table(discovery: Discovery, top: int = 8) -> Group:
    """Terminal summary of one discovery: each box's restrictions and the top inputs."""
    parts: list[Any] = [Text(f"Scenario discovery: {discovery.outcome.describe()} happens in "
                             f"{discovery.base_rate:.1%} of {discovery.draws:,} draws",
                             style="bold")]
    if discovery.base_rate in (0.0, 1.0):
        parts.append(Text("it happens in every draw or in none, so there is nothing to "
                          "discover"))
        return Group(*parts)
    for number, found in enumerate(discovery.boxes, start=1):
        box = found.box
        table = Table(title=f"box {number}: coverage {box.coverage:.0%}, density "
                            f"{box.density:.0%}, {box.count} draws", title_justify="left")
        table.add_column("input")
        table.add_column("restriction")
        table.add_column("quasi-p", justify="right")
        for restriction in found.restrictions:
            p_value = "" if restriction.p_value is None else f"{restriction.p_value:.2g}"
            table.add_row(Text(restriction.name), Text(restriction.describe()), p_value)
        parts.append(table)
    if not discovery.boxes:
        parts.append(Text("no box denser than the base rate"))
    ranking = Table(title="inputs by mutual information with the outcome", title_justify="left")
    ranking.add_column("input")
    ranking.add_column("bits", justify="right")
    ranking.add_column("rate, low → high values", justify="right")
    for item in discovery.importance[:top]:
        ranking.add_row(Text(item.name), f"{item.information:.4f}",
                        " ".join(f"{rate:.0%}" for rate in item.rates))
    parts.append(ranking)
    return Group(*parts)


def discovery_summary(
    result: Any, outcomes: list[Outcome] | None = None, *, top: int = 8, **settings: Any
) -> Group:
    """Run PRIM on an ensemble result and return a terminal summary.

    ``outcomes`` default: the rupture of every watched alliance that ruptures
    in some draws but not all (there is nothing to discover otherwise).
    ``settings`` go to :func:`realpolitik.analysis.discovery.discover`.
    """
    if outcomes is None:
        outcomes = [Outcome("rupture", alliance) for alliance, ruptured in result.ruptured.items()
                    if 0 < ruptured[:, -1].mean() < 1]
    if not outcomes:
        return Group(Text("Scenario discovery: no watched alliance ruptures in some draws and "
                          "holds in others, so there is nothing to discover."))
    return Group(*(discovery_table(discover(result, outcome, **settings), top)
                   for outcome in outcomes))


def sensitivity_summary(sensitivity: Sensitivity, top: int = 10) -> Group:
    """Terminal summary of a sensitivity analysis: Sobol indices and the widest swings."""
    parts: list[Any] = [Text(f"Sensitivity of {sensitivity.outcome.describe()}", style="bold")]
    indices = sensitivity.sobol
    if indices is not None:
        table = Table(title=f"Sobol indices ({indices.base_samples} base samples, "
                            f"{indices.evaluations:,} runs)", title_justify="left")
        for header in ("number", "S1", "ST"):
            table.add_column(header, justify="left" if header == "number" else "right")
        for j in indices.ranked()[:top]:
            table.add_row(Text(indices.names[j]),
                          f"{indices.first[j]:.3f} ± {indices.first_conf[j]:.3f}",
                          f"{indices.total[j]:.3f} ± {indices.total_conf[j]:.3f}")
        parts.append(table)
    swings = sensitivity.tornado
    if swings is not None:
        table = Table(title=f"one at a time (baseline {swings.baseline:.3g})",
                      title_justify="left")
        for header in ("number", "at low end", "at high end", "swing"):
            table.add_column(header, justify="left" if header == "number" else "right")
        for swing in swings.swings[:top]:
            table.add_row(Text(swing.name), f"{swing.at_low:.3g}", f"{swing.at_high:.3g}",
                          f"{swing.width:.3g}")
        parts.append(table)
    return Group(*parts)
