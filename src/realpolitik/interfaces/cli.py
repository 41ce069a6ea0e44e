"""The ``realpolitik`` command line: a thin front over the pipeline and the analyses."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from realpolitik._version import __version__
from realpolitik.interfaces.cli_common import (
    MAX_HORIZON_YEARS,
    USER_ERRORS,
    DrawsOption,
    ScenarioArg,
    SchedulerOption,
    SeedOption,
    WorkersOption,
    fail,
    report_user_errors,
    terminal,
)
from realpolitik.interfaces.cli_judgment import hypotheses_command, score_command, sources_app
from realpolitik.interfaces.cli_levers import levers_command
from realpolitik.interfaces.cli_serve import serve_command
from realpolitik.interfaces.cli_validate import validate_app
from realpolitik.interfaces.errors import GuardedGroup, guard, terminate_as_interrupt
from realpolitik.models.registry import engine_names
from realpolitik.scenario.errors import ScenarioError
from realpolitik.scenario.loader import builtin_scenarios, load_scenario, resolve_scenario

if TYPE_CHECKING:
    from realpolitik.interfaces.pipeline import RunOutcome

app = typer.Typer(
    cls=GuardedGroup,
    name="realpolitik",
    help=(
        "Explicit, checkable models of international politics: how contested issues settle, "
        "how alliances hold, what breaks them, which levers work. With no scenario named, "
        "every command analyses the flagship case, the June 2019 Atlantic Council brief on "
        "Russia and Iran in Syria (built-in scenario 'syria-2019')."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


ModelChoice = StrEnum("ModelChoice", {**{name: name for name in engine_names()}, "all": "all"})
"""Engines offered on the command line (every registry engine), or all of them."""


def _version(value: bool) -> None:
    if value:
        typer.echo(f"realpolitik {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Explicit, checkable models of international politics."""


StepModel = StrEnum("StepModel", {name: name for name in engine_names(stepping=True)})
"""Engines the ensemble can bargain with at each step (the registry's stepping engines)."""


@app.command()
def run(
    scenario: ScenarioArg = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Folder to write the run into (must not exist yet). "
                            "Default: realpolitik-runs/<scenario>-<time>.")] = None,
    model: Annotated[ModelChoice, typer.Option(
        "--model", "-m", help="Which bargaining engine(s) forecast the settlements.")
    ] = ModelChoice["all"],
    draws: DrawsOption = None,
    seed: SeedOption = 0,
    horizon: Annotated[float | None, typer.Option(
        "--horizon", min=0.25, max=MAX_HORIZON_YEARS,
        help="Years to simulate (at most 50). Default: the scenario's "
             "dynamics.horizon_years.")] = None,
    step_model: Annotated[StepModel, typer.Option(
        "--step-model", help="Engine that bargains at every time step of the ensembles "
                             "(eum is exact but about 3,000 times slower).")
    ] = StepModel["compromise"],
    workers: WorkersOption = 1,
    scheduler: SchedulerOption = None,
    static: Annotated[bool, typer.Option(
        "--static", help="Only the static forecast: no ensembles, levers or sensitivity.")
    ] = False,
    levers: Annotated[bool, typer.Option(help="Evaluate the scenario's levers.")] = True,
    sobol_samples: Annotated[int, typer.Option(
        "--sobol-samples", min=0, help="Base samples of the Sobol design (a power of two; "
                                       "0 skips the sensitivity analysis).")] = 64,
) -> None:
    """Forecast how issues settle, how alliances hold, what breaks them, which levers work.

    Prints each issue's forecast by each model, how far each actor moved while
    bargaining and the cohesion of each watched alliance. When the scenario has
    dynamics, it then simulates many futures: the chance each alliance still
    holds after 1, 2 and 5 years, which game changers go with a rupture, how
    each lever moves the outcomes, scenario discovery and sensitivity. Writes a
    run folder with results (JSON, CSV, Parquet), figures (PNG) and a
    self-contained HTML report.
    """
    from realpolitik.analysis.outlook import OutlookOptions
    from realpolitik.interfaces.pipeline import UNCOUNTED_STAGES, RunOptions, run_analysis
    from realpolitik.outputs.terminal import stage_progress
    from realpolitik.simulation.executors import command_line_executor

    if sobol_samples and sobol_samples & (sobol_samples - 1):
        fail(f"--sobol-samples must be a power of two (or 0), got {sobol_samples}")
    executor = command_line_executor(workers, scheduler)
    outlook = OutlookOptions(draws=draws, seed=seed, model=step_model.value,
                             horizon_years=horizon, executor=executor, levers=levers,
                             sensitivity=sobol_samples > 0, sobol_samples=sobol_samples or 64)
    models = engine_names() if model is ModelChoice["all"] else (model.value,)
    options = RunOptions(models=models, dynamics=not static, outlook=outlook)
    console = terminal()
    try:
        with stage_progress(console, spinners=UNCOUNTED_STAGES) as progress:
            outcome = run_analysis(scenario, out=out, options=options, progress=progress)
    except USER_ERRORS as error:
        report_user_errors(error)
    _print_run(console, outcome)


def _print_run(console: Console, outcome: RunOutcome) -> None:
    """Print the forecast, the outlook (if any) and where the run was written."""
    from realpolitik.outputs.terminal import outlook_renderables, summary_renderables

    parts = summary_renderables(outcome.forecast, wide=console.width >= 140)
    if outcome.outlook is not None:
        parts += outlook_renderables(outcome.scenario, outcome.outlook)
    for part in parts:
        console.print(part)
    console.print(f"\nRun written to [bold]{escape(str(outcome.folder))}[/]; "
                  f"open [bold]{escape(str(outcome.report))}[/]")


@app.command()
def check(
    scenario: Annotated[str, typer.Argument(help="The scenario file (or built-in name).")],
) -> None:
    """Validate a scenario file and report every problem with its line and field."""
    try:
        loaded = load_scenario(scenario)
    except USER_ERRORS as error:
        report_user_errors(error)
    terminal().print(
        f"[green]ok[/] {escape(str(resolve_scenario(scenario)))}: {len(loaded.actors)} actors, "
        f"{len(loaded.issues)} issues, {len(loaded.alliances)} watched alliances",
        soft_wrap=True,
    )


@app.command()
def scenarios() -> None:
    """List the scenarios that ship with realpolitik."""
    console = terminal()
    for name, path in sorted(builtin_scenarios().items()):
        try:
            title = load_scenario(path).scenario.title
        except ScenarioError as error:  # a broken built-in is a bug; show it, do not hide it
            title = f"[red]invalid: {escape(error.render())}[/]"
        else:
            title = escape(title)
        console.print(f"[bold]{escape(name)}[/]  {title}")


@app.command()
def compare(
    first: Annotated[Path, typer.Argument(help="A run folder written by 'realpolitik run'.")],
    second: Annotated[Path, typer.Argument(help="Another run folder, to compare with.")],
) -> None:
    """Reopen two run folders and show what moved: forecasts, cohesion, survival."""
    from realpolitik.outputs.compare import (
        alliance_changes,
        comparison_header,
        forecast_changes,
        open_run,
    )

    try:
        runs = open_run(first), open_run(second)
    except USER_ERRORS as error:
        report_user_errors(error)
    console = terminal()
    console.print(Text(comparison_header(*runs)), highlight=False)
    console.print(forecast_changes(*runs))
    console.print(alliance_changes(*runs))


app.command("levers")(levers_command)
app.command("hypotheses")(hypotheses_command)
app.command("score")(score_command)
app.command("serve")(serve_command)
app.add_typer(sources_app, name="sources")
app.add_typer(validate_app, name="validate")


def main() -> None:
    """Entry point of the ``realpolitik`` console script.

    Each command already runs inside :func:`~realpolitik.interfaces.errors.guard`
    (the app's group); here SIGTERM is made to unwind like Ctrl+C, and
    whatever happens outside a command (while reading the arguments) is
    guarded too.  No traceback reaches the terminal.
    """
    with terminate_as_interrupt():
        try:
            with guard():
                app()
        except typer.Exit as done:
            sys.exit(done.exit_code)
