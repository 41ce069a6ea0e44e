"""The ``realpolitik`` command line: a thin front over the pipeline and the analyses."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from realpolitik._version import __version__
from realpolitik.interfaces.cli_common import (
    ALL_ENGINES,
    FORECAST_ENGINES,
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
from realpolitik.interfaces.cli_judgment import hypotheses_command, score_command, sources_app
from realpolitik.interfaces.cli_levers import levers_command
from realpolitik.interfaces.cli_serve import serve_command
from realpolitik.interfaces.cli_validate import EUM_READING_CHOICE, validate_app
from realpolitik.interfaces.errors import GuardedGroup, guard, terminate_as_interrupt
from realpolitik.scenario.limits import MIN_HORIZON_YEARS

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


@app.command()
def run(
    scenario: ScenarioArg = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Folder to write the run into (must not exist yet). "
                            "Default: realpolitik-runs/<scenario>-<time>.")] = None,
    model: Annotated[str, engine_option(
        FORECAST_ENGINES, "--model", "-m",
        help="Which bargaining engine(s) forecast the settlements.")] = ALL_ENGINES,
    draws: DrawsOption = None,
    seed: SeedOption = 0,
    horizon: Annotated[float | None, typer.Option(
        "--horizon", min=MIN_HORIZON_YEARS, max=MAX_HORIZON_YEARS,
        help="Years to simulate (at most 50). Default: the scenario's "
             "dynamics.horizon_years.")] = None,
    step_model: Annotated[str, engine_option(
        STEP_ENGINES, "--step-model", help="Engine that bargains at every time step of the "
                                           "ensembles: mixture (each future drawn with one "
                                           "engine, weighted by the engines' measured skill; "
                                           "the scenario's analysis.engines may set the "
                                           "weights) or one engine (eum and spatial are about "
                                           "1,000 times slower).")] = MIXTURE,
    workers: WorkersOption = 1,
    scheduler: SchedulerOption = None,
    static: Annotated[bool, typer.Option(
        "--static", help="Only the static forecast: no ensembles, levers or sensitivity.")
    ] = False,
    levers: Annotated[bool, typer.Option(help="Evaluate the scenario's levers.")] = True,
    sobol_samples: Annotated[int, typer.Option(
        "--sobol-samples", min=0, help="Base samples of the Sobol design (a power of two; "
                                       "0 skips the sensitivity analysis).")] = 64,
    detail: Annotated[bool, typer.Option(
        "--detail", help="Also print the long tables: how far each actor moved, every lever "
                         "and pair, effects on other outcomes, cost of delay, scenario "
                         "discovery, sensitivity and every forecast question.")] = False,
    eum_reading: Annotated[str, engine_option(
        EUM_READING_CHOICE, "--eum-reading",
        help="Reading of the Expected Utility Model in the static forecast: published "
             "(Scholz et al. 2011's equations, default) or program (the reading of the "
             "program behind their Table 2).")] = "published",
    trace: Annotated[bool, typer.Option(
        "--trace", help="Write the round-by-round positions of the EUM and the spatial model "
                        "(trace-eum.csv, trace-spatial.csv) into the run folder.")] = False,
    stream: Annotated[bool | None, typer.Option(
        "--stream/--no-stream", help="Stream the ensembles: every draw is summarised and "
                                     "written chunk by chunk, so memory does not grow with "
                                     "--draws; scenario discovery and the figures read the "
                                     "first --keep draws. Default: stream above 20,000 "
                                     "draws.", show_default=False)] = None,
    keep: Annotated[int, typer.Option(
        "--keep", min=10, help="Draws a streamed ensemble keeps for scenario discovery and "
                               "the figures.")] = 20_000,
) -> None:
    """Forecast how issues settle, how alliances hold, what breaks them, which levers work.

    Prints the bottom line first: the scenario's question answered in plain
    sentences, the key judgments with their numbers, the questions to watch
    and what the model leaves out. Then each issue's forecast by each model
    and the cohesion of each watched alliance; when the scenario has
    dynamics, the chance each alliance still holds after 1, 2 and 5 years,
    which game changers go with a rupture and the best levers (--detail
    prints every table). Writes a run folder with results (JSON, CSV,
    Parquet; see docs/results.md), figures (PNG) and a self-contained HTML
    report.
    """
    from realpolitik.analysis.outlook import OutlookOptions
    from realpolitik.interfaces.pipeline import UNCOUNTED_STAGES, RunOptions, run_analysis
    from realpolitik.models.registry import engine_names
    from realpolitik.outputs.terminal import stage_progress

    if sobol_samples and sobol_samples & (sobol_samples - 1):
        fail(f"--sobol-samples must be a power of two (or 0), got {sobol_samples}")
    executor = cli_executor(workers, scheduler)
    outlook = OutlookOptions(draws=draws, seed=seed, model=step_model,
                             horizon_years=horizon, executor=executor, levers=levers,
                             sensitivity=sobol_samples > 0, sobol_samples=sobol_samples or 64,
                             stream=stream, keep=keep)
    models = engine_names() if model == ALL_ENGINES else (model,)
    options = RunOptions(models=models, dynamics=not static, outlook=outlook,
                         eum_reading=eum_reading, trace=trace)
    console = terminal()
    try:
        with stage_progress(console, spinners=UNCOUNTED_STAGES) as progress:
            outcome = run_analysis(scenario, out=out, options=options, progress=progress)
    except user_errors() as error:
        report_user_errors(error)
    _print_run(console, outcome, detail=detail)


def _print_run(console: Console, outcome: RunOutcome, *, detail: bool = False) -> None:
    """Print the bottom line, the forecast, the outlook (if any) and where the run went."""
    from realpolitik.outputs.bottom_line_view import bottom_line_panel
    from realpolitik.outputs.terminal import outlook_renderables, summary_renderables

    parts = [] if outcome.bottom_line is None else [bottom_line_panel(outcome.bottom_line)]
    parts += summary_renderables(outcome.forecast, wide=console.width >= 140, detail=detail,
                                 question=outcome.bottom_line is None)
    if outcome.outlook is not None:
        parts += outlook_renderables(outcome.scenario, outcome.outlook, detail=detail)
    for part in parts:
        console.print(part)
    console.print(f"\nRun written to [bold]{escape(str(outcome.folder))}[/]; "
                  f"open [bold]{escape(str(outcome.report))}[/]"
                  " (every table as CSV and JSON in its results/ folder)", soft_wrap=True)


@app.command()
def check(
    scenario: Annotated[str, typer.Argument(help="The scenario file (or built-in name).")],
) -> None:
    """Validate a scenario file and report every problem with its line and field."""
    from realpolitik.scenario.loader import load_scenario, resolve_scenario

    try:
        loaded = load_scenario(scenario)
    except user_errors() as error:
        report_user_errors(error)
    terminal().print(
        f"[green]ok[/] {escape(str(resolve_scenario(scenario)))}: {len(loaded.actors)} actors, "
        f"{len(loaded.issues)} issues, {len(loaded.alliances)} watched alliances",
        soft_wrap=True,
    )


@app.command()
def scenarios() -> None:
    """List the scenarios that ship with realpolitik."""
    from realpolitik.scenario.errors import ScenarioError
    from realpolitik.scenario.loader import builtin_scenarios, load_scenario

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
    """Reopen two run folders and show what moved: forecasts, cohesion, survival.

    Warns when the runs differ in scenario, scenario text, seed, draws or
    engines; refuses (exit code 2) two runs of unrelated scenarios or a
    folder with files missing.
    """
    from realpolitik.outputs.compare import (
        alliance_changes,
        check_comparable,
        comparison_header,
        forecast_changes,
        open_run,
    )

    try:
        runs = open_run(first), open_run(second)
        check_comparable(*runs)
    except user_errors() as error:
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
