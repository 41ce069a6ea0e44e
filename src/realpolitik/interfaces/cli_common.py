"""What every command of the ``realpolitik`` command line shares.

* :func:`fail` and :func:`report_user_errors`: a user's mistake becomes one
  red line on stderr and exit code 2, never a traceback;
* :data:`USER_ERRORS`: the exceptions that mean such a mistake;
* :class:`EngineChoice`: a choice among the registry's engines, with the
  engine options built on it (:data:`FORECAST_ENGINES`, :data:`STEP_ENGINES`);
* the options several commands take, as ``typing.Annotated`` types
  (``scenario: ScenarioArg = None``), so that they read and behave the same
  everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from typer.models import OptionInfo

from realpolitik.analysis.evidence import DocumentError
from realpolitik.models.registry import engine_names
from realpolitik.outputs.rundir import RunDirectoryError
from realpolitik.scenario.errors import ScenarioError
from realpolitik.scenario.indicator_syntax import ExpressionError
from realpolitik.scenario.outcomes import OutcomeError
from realpolitik.simulation.mixture import MIXTURE

if TYPE_CHECKING:
    from realpolitik.simulation.executors import Executor

__all__ = [
    "ALL_ENGINES",
    "FORECAST_ENGINES",
    "STEP_ENGINES",
    "USER_ERRORS",
    "DrawsOption",
    "EngineChoice",
    "ScenarioArg",
    "SchedulerOption",
    "SeedOption",
    "WorkersOption",
    "cli_executor",
    "engine_option",
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


@dataclass(frozen=True)
class EngineChoice:
    """A choice among engine names read from the registry, for a ``str`` option.

    The option stays a plain ``str`` (as the engine functions take it): this
    object checks the value, names the choices in the help and completes them
    in the shell, so the command line offers exactly what the registry holds.
    """

    names: tuple[str, ...]

    def __call__(self, value: str) -> str:
        """Return ``value`` if it is one of the names, else reject it with the choices."""
        if value not in self.names:
            raise typer.BadParameter(
                f"{value!r} is not one of {', '.join(map(repr, self.names))}.")
        return value

    @property
    def metavar(self) -> str:
        """The choices as the help shows them, e.g. ``<eum|compromise>``."""
        return f"<{'|'.join(self.names)}>"

    def complete(self, incomplete: str) -> list[str]:
        """The names that start with what the user has typed so far."""
        return [name for name in self.names if name.startswith(incomplete)]


ALL_ENGINES = "all"
"""The choice that asks for every engine at once."""

FORECAST_ENGINES = EngineChoice((*engine_names(), ALL_ENGINES))
"""Engines for the static forecast: any registry engine, or all of them."""

STEP_ENGINES = EngineChoice((MIXTURE, *engine_names(stepping=True)))
"""Engines an ensemble can bargain with at each time step: a mixture (each draw one engine,
by weight), or one of the registry's stepping engines."""


def engine_option(choice: EngineChoice, *flags: str, help: str) -> OptionInfo:
    """A typer option, for ``Annotated[str, ...]``, whose value must be one of ``choice``."""
    return typer.Option(*flags, help=help, parser=choice, metavar=choice.metavar,
                        autocompletion=choice.complete)
