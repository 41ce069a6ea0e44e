"""What every command of the ``realpolitik`` command line shares.

* :func:`fail` and :func:`report_user_errors`: a user's mistake becomes one
  red line on stderr and exit code 2, never a traceback;
* :data:`USER_ERRORS`: the exceptions that mean such a mistake;
* the options several commands take, as ``typing.Annotated`` types
  (``scenario: ScenarioArg = None``), so that they read and behave the same
  everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from realpolitik.analysis.evidence import DocumentError
from realpolitik.outputs.rundir import RunDirectoryError
from realpolitik.scenario.errors import ScenarioError
from realpolitik.scenario.indicator_syntax import ExpressionError
from realpolitik.scenario.outcomes import OutcomeError

if TYPE_CHECKING:
    from realpolitik.simulation.executors import Executor

__all__ = [
    "USER_ERRORS",
    "DrawsOption",
    "ScenarioArg",
    "SchedulerOption",
    "SeedOption",
    "WorkersOption",
    "cli_executor",
    "fail",
    "report_user_errors",
]

USER_ERRORS: tuple[type[Exception], ...] = (
    ScenarioError, OutcomeError, RunDirectoryError, ExpressionError, DocumentError)
"""Errors in what the user wrote or asked for (a scenario, an outcome, a folder, a file)."""


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one red line on stderr and leave with ``code``: for a user's mistake."""
    Console(stderr=True).print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def cli_executor(workers: int, scheduler: str | None) -> Executor:
    """The executor ``--workers``/``--scheduler`` ask for; one line and exit 2 without dask."""
    from rich.markup import escape

    from realpolitik.simulation.executors import DaskUnavailableError, command_line_executor

    try:
        return command_line_executor(workers, scheduler)
    except DaskUnavailableError as error:
        fail(escape(str(error)))


def report_user_errors(error: Exception) -> NoReturn:
    """Turn a known user error into red lines and exit code 2."""
    fail(error.render() if isinstance(error, ScenarioError) else str(error))


ScenarioArg = Annotated[
    str | None,
    typer.Argument(help="A scenario YAML file, or a built-in scenario's name "
                        "(see 'realpolitik scenarios'). Default: syria-2019."),
]

DrawsOption = Annotated[
    int | None,
    typer.Option("--draws", "-n", min=10, help="Simulated futures per ensemble. Default: the "
                                               "scenario's analysis.draws, else 1000."),
]

SeedOption = Annotated[
    int,
    typer.Option("--seed", min=0, help="Seed of every random draw; the same seed gives the "
                                       "same numbers."),
]

WorkersOption = Annotated[
    int,
    typer.Option("--workers", min=1, help="Start a local dask cluster with this many worker "
                                          "processes (1: run in this process)."),
]

SchedulerOption = Annotated[
    str | None,
    typer.Option("--scheduler", help="Address of a running dask scheduler, e.g. "
                                     "tcp://10.0.0.5:8786, to spread the ensembles over its "
                                     "workers."),
]
