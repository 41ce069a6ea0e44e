"""Command-line front of the lever analysis: ``realpolitik levers``.

Register with the main app::

    app.command("levers")(levers_command)

``realpolitik levers [SCENARIO]`` simulates the baseline, every lever and
every pair of levers on common random numbers, prints a table ranking them
by their effect on the objective with 95% intervals and regret, and the cost
of acting later; with ``--out`` it writes ``levers.json`` and the figure.
What it evaluates defaults to the scenario's ``analysis`` settings, as for
``realpolitik run`` and the Python API.  User mistakes (a bad scenario, an
unknown outcome) print one red line on stderr and exit with code 2 before
anything is written; so does an ``--out`` that is a file or a folder that is
not empty.  The folder is written whole or not at all.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.text import Text

from realpolitik.interfaces.cli_common import (
    MAX_HORIZON_YEARS,
    MIXTURE,
    STEP_ENGINES,
    DrawsOption,
    ScenarioArg,
    SchedulerOption,
    SeedOption,
    WorkersOption,
    cli_executor,
    engine_option,
    fail,
    report_user_errors,
    terminal,
    user_errors,
)

if TYPE_CHECKING:
    from realpolitik.analysis.levers import LeverOptions, LeverReport
    from realpolitik.outputs.rundir import RunDirectory
    from realpolitik.scenario.schema import Scenario
    from realpolitik.simulation.executors import Executor

__all__ = ["levers_command"]


class IntervalChoice(StrEnum):
    """How the 95% intervals of the effects are computed."""

    normal = "normal"
    bootstrap = "bootstrap"


class DirectionChoice(StrEnum):
    """Whether more of the objective is better."""

    maximise = "maximise"
    minimise = "minimise"


# ---------------------------------------------------------------------------
# realpolitik levers
# ---------------------------------------------------------------------------
def levers_command(
    scenario: ScenarioArg = None,
    draws: DrawsOption = None,
    seed: SeedOption = 0,
    model: Annotated[str, engine_option(
        STEP_ENGINES, "--model", "-m", help="Bargaining engine at each step (mixture: each "
                                            "future drawn with one engine).")] = MIXTURE,
    outcome: Annotated[list[str] | None, typer.Option(
        "--outcome", help="An outcome to report, e.g. settlement:idlib or "
                          "rupture:russia_iran@2022-01-01 (repeatable). Default: the "
                          "scenario's analysis.outcomes.")] = None,
    objective: Annotated[str | None, typer.Option(
        help="The outcome levers are ranked on. Default: the scenario's analysis.objective, "
             "else cohesion at the horizon of the alliance its analysis.discovery names, "
             "else of the first watched alliance.")] = None,
    direction: Annotated[DirectionChoice | None, typer.Option(
        help="Whether the objective should be high or low. Default: the scenario's "
             "analysis.direction, else minimise (with the default objective, levers are "
             "judged by how far they pull the partners apart).")
    ] = None,
    delay_years: Annotated[float, typer.Option(
        "--delay-years", min=0.0, max=MAX_HORIZON_YEARS,
        help="Also start each lever this many years later (0: skip).")] = 2.0,
    pairs: Annotated[bool, typer.Option(help="Also evaluate every pair of levers.")] = True,
    interval: Annotated[IntervalChoice, typer.Option(
        help="95% intervals by the normal approximation or a seeded bootstrap over draws.")
    ] = IntervalChoice.normal,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Folder to write levers.json and the figure into.")] = None,
    workers: WorkersOption = 1,
    scheduler: SchedulerOption = None,
) -> None:
    """Rank the scenario's levers and pairs of levers by their effect, interval and regret."""
    from realpolitik.analysis.levers import LeverOptions, resolve_lever_options
    from realpolitik.interfaces.folders import open_run_directory
    from realpolitik.outputs.terminal import lever_renderables, regret_text
    from realpolitik.scenario.loader import load_scenario
    from realpolitik.scenario.outcomes import parse_outcome

    try:
        loaded = load_scenario(scenario)
        options = resolve_lever_options(loaded, LeverOptions(
            outcomes=tuple(parse_outcome(text) for text in outcome) if outcome else None,
            objective=None if objective is None else parse_outcome(objective),
            direction=None if direction is None else direction.value,
            draws=draws, seed=seed, model=model, pairs=pairs, interval=interval.value,
            delay_years=delay_years if delay_years > 0 else None))
    except user_errors() as error:
        report_user_errors(error)
    if not loaded.levers:
        fail(f"scenario '{loaded.scenario.id}' declares no levers to evaluate")
    if options.objective is None:
        fail("the scenario watches no alliance: name the objective with --objective")
    try:
        target = None if out is None else open_run_directory(out)
    except user_errors() as error:
        report_user_errors(error)
    console = terminal()
    report = _evaluate(console, loaded, options, cli_executor(workers, scheduler))
    for part in [*lever_renderables(report), regret_text(report)]:
        console.print(part)
    if target is not None:
        _write(report, target, console)


def _evaluate(console: Console, scenario: Scenario, options: LeverOptions,
              executor: Executor) -> LeverReport:
    """Evaluate the levers behind a bar that counts draws over every run."""
    from realpolitik.analysis.levers import evaluate_levers, lever_runs
    from realpolitik.outputs.terminal import draw_progress
    from realpolitik.simulation.executors import executor_scope

    runs = lever_runs(options.levers or (), pairs=options.pairs,
                      delays=options.delay_years is not None)
    total = runs * (options.draws or 0)
    with executor_scope(executor), draw_progress(console, total) as progress:
        return evaluate_levers(scenario, options, executor=executor, progress=progress)


def _write(report: LeverReport, target: RunDirectory, console: Console) -> None:
    """Write levers.json and the figure into the ``--out`` folder, all or nothing."""
    from realpolitik.outputs.figures_analysis import lever_effects

    with target:
        figure = lever_effects(report, target.path / "lever-effects.png")
        payload = {**report.to_dict(), "figures": [figure.path.name]}
        (target.path / "levers.json").write_text(json.dumps(payload, indent=2),
                                                 encoding="utf-8")
    console.print(Text(f"wrote {target.final / 'levers.json'} and "
                       f"{target.final / figure.path.name}"))
