"""What every command of the ``realpolitik`` command line shares.

* :func:`fail` and :func:`report_user_errors`: a user's mistake becomes one
  red line on stderr and exit code 2, never a traceback; the text is printed
  as written (no markup, no emoji codes), so a path like ``plan[v2].yaml``
  or a line number like ``:100:`` reaches the user unchanged;
* :func:`user_errors`: the exceptions that mean such a mistake;
* :class:`EngineChoice`: a choice among the registry's engines, with the
  engine options built on it (:data:`FORECAST_ENGINES`, :data:`STEP_ENGINES`);
* the options several commands take, as ``typing.Annotated`` types
  (``scenario: ScenarioArg = None``), so that they read and behave the same
  everywhere, with bounds that keep every value sensible (:data:`MAX_DRAWS`,
  :data:`MAX_SEED`); ``--scheduler`` is checked within a few seconds
  (:func:`check_scheduler`) before any work starts.

Every command runs inside :func:`realpolitik.interfaces.errors.guard`, which
uses :func:`fail` for mistakes and for refusals of the environment.

This module imports no numerical library and no scenario model: ``realpolitik
--help`` builds every command's options from it, and must answer at once.
The engines' names are therefore written here (:data:`ENGINE_NAMES`; a test
holds them equal to the registry's), and the exceptions of
:func:`user_errors` are imported only when an error is being sorted.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.text import Text
from typer.models import OptionInfo

from realpolitik.scenario.limits import MAX_DRAWS, MAX_HORIZON_YEARS, MIN_DRAWS

if TYPE_CHECKING:
    from realpolitik.simulation.executors import Executor

__all__ = [
    "ENGINE_NAMES",
    "MAX_DRAWS",
    "MAX_HORIZON_YEARS",
    "MIXTURE",
    "STEPPING_ENGINE_NAMES",
    "MAX_SEED",
    "MIN_DRAWS",
    "MAX_WORKERS",
    "SCHEDULER_TIMEOUT",
    "ALL_ENGINES",
    "FORECAST_ENGINES",
    "STEP_ENGINES",
    "DrawsOption",
    "EngineChoice",
    "ScenarioArg",
    "SchedulerOption",
    "SeedOption",
    "WorkersOption",
    "cli_executor",
    "check_scheduler",
    "engine_option",
    "fail",
    "report_user_errors",
    "terminal",
    "user_errors",
]

ENGINE_NAMES = ("eum", "compromise", "median", "spatial")
"""The registry's engines (``models.registry.engine_names()``), in its order."""

STEPPING_ENGINE_NAMES = ("eum", "compromise", "median", "spatial")
"""The registry's engines that can bargain at each time step, in its order."""

MIXTURE = "mixture"
"""The step model that draws one engine per future (``simulation.mixture.MIXTURE``)."""

MAX_SEED = 2**64 - 1
"""Largest seed accepted: any number a 64-bit unsigned integer holds."""

MAX_WORKERS = 256
"""Most local worker processes ``--workers`` starts."""

SCHEDULER_TIMEOUT = 3.0
"""Seconds ``--scheduler`` waits for the dask scheduler to answer before giving up."""


def terminal() -> Console:
    """The console commands print to: markup in the program's own strings, no emoji codes.

    A scenario's text may contain ``:name:`` (a line number, a ratio) that
    rich would otherwise turn into an emoji; user text is printed as
    :class:`rich.text.Text` or escaped, never read as markup.
    """
    return Console(emoji=False)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one red line on stderr and leave with ``code``: for a user's mistake.

    The message is printed as written: square brackets, dollar signs and
    ``:name:`` are not read as markup or emoji codes.
    """
    line = Text.assemble(("error:", "bold red"), " ", message)
    Console(stderr=True).print(line, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def cli_executor(workers: int, scheduler: str | None) -> Executor:
    """The executor ``--workers``/``--scheduler`` ask for; one line and exit 2 without dask."""
    from realpolitik.simulation.executors import DaskUnavailableError, command_line_executor

    try:
        return command_line_executor(workers, scheduler)
    except DaskUnavailableError as error:
        fail(str(error))  # fail prints its message as written


_USER_ERROR_HOMES = (
    ("realpolitik.scenario.errors", "ScenarioError"),
    ("realpolitik.scenario.outcomes", "OutcomeError"),
    ("realpolitik.outputs.rundir", "RunDirectoryError"),
    ("realpolitik.scenario.indicator_syntax", "ExpressionError"),
    ("realpolitik.analysis.evidence", "DocumentError"),
    ("realpolitik.analysis.validation.deu", "DeuFormatError"),
)
"""Where each kind of user error is defined: module, class."""


def user_errors() -> tuple[type[Exception], ...]:
    """Errors in what the user wrote or asked for (a scenario, an outcome, a folder, a file).

    Only the classes whose modules are already imported: an error of a
    class never imported cannot have been raised, so sorting an error
    (``except user_errors()`` evaluates the call only then) loads nothing,
    and a refused scenario is reported without importing the analyses.
    """
    found = []
    for module_name, class_name in _USER_ERROR_HOMES:
        module = sys.modules.get(module_name)
        error = getattr(module, class_name, None) if module is not None else None
        if isinstance(error, type):
            found.append(error)
    return tuple(found)


def report_user_errors(error: Exception) -> NoReturn:
    """Turn a known user error into red lines and exit code 2."""
    from realpolitik.scenario.errors import ScenarioError

    fail(error.render() if isinstance(error, ScenarioError) else str(error))


def check_scheduler(address: str, timeout: float | None = None) -> None:
    """Make sure a dask scheduler answers at ``address``, or fail in one line within seconds.

    Anything that goes wrong while connecting (no such host, nothing
    listening, something other than a dask scheduler on that port) means
    the address is unusable.  ``timeout`` defaults to :data:`SCHEDULER_TIMEOUT`.
    Without dask installed, say how to install it first.
    """
    import asyncio

    from realpolitik.simulation.executors import DASK_INSTALL, dask_available

    if not dask_available():
        fail(f"--scheduler needs dask.distributed: {DASK_INSTALL}")
    try:
        asyncio.run(_greet_scheduler(address, SCHEDULER_TIMEOUT if timeout is None else timeout))
    except Exception as error:  # noqa: BLE001 - any failure to connect means the same
        fail(f"--scheduler {address}: no dask scheduler answers there "
             f"({_connection_problem(error)}); check the address, or start one with "
             "'dask scheduler'")


def _scheduler_given(address: str | None) -> str | None:
    """Check ``--scheduler`` as it is read: a bad address costs seconds, not a run."""
    if address is not None:
        check_scheduler(address)
    return address


async def _greet_scheduler(address: str, timeout: float) -> None:
    """Connect to the scheduler, exchange dask's handshake, and hang up."""
    import asyncio

    from distributed.comm import connect

    comm = await asyncio.wait_for(connect(address, timeout=timeout), timeout + 2.0)
    await comm.close()


def _connection_problem(error: Exception) -> str:
    """Why a connection failed, in a few words."""
    if isinstance(error, MemoryError):
        return "something other than a dask scheduler replied"
    text = " ".join(str(error).split())
    return text[:160] if text else type(error).__name__


ScenarioArg = Annotated[
    str | None,
    typer.Argument(help="A scenario YAML file, or a built-in scenario's name "
                        "(see 'realpolitik scenarios'). Default: syria-2019."),
]

DrawsOption = Annotated[
    int | None,
    typer.Option("--draws", "-n", min=MIN_DRAWS, max=MAX_DRAWS,
                 help="Simulated futures per ensemble. Default: the scenario's "
                      "analysis.draws, else 1000."),
]

SeedOption = Annotated[
    int,
    typer.Option("--seed", min=0, max=MAX_SEED,
                 help="Seed of every random draw; the same seed gives the same numbers."),
]

WorkersOption = Annotated[
    int,
    typer.Option("--workers", min=1, max=MAX_WORKERS,
                 help="Start a local dask cluster with this many worker processes "
                      "(1: run in this process)."),
]

SchedulerOption = Annotated[
    str | None,
    typer.Option("--scheduler", callback=_scheduler_given,
                 help="Address of a running dask scheduler, e.g. tcp://10.0.0.5:8786, to "
                      "spread the ensembles over its workers (checked before the run starts)."),
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

FORECAST_ENGINES = EngineChoice((*ENGINE_NAMES, ALL_ENGINES))
"""Engines for the static forecast: any registry engine, or all of them."""

STEP_ENGINES = EngineChoice((MIXTURE, *STEPPING_ENGINE_NAMES))
"""Engines an ensemble can bargain with at each time step: a mixture (each draw one engine,
by weight), or one of the registry's stepping engines."""


def engine_option(choice: EngineChoice, *flags: str, help: str) -> OptionInfo:
    """A typer option, for ``Annotated[str, ...]``, whose value must be one of ``choice``."""
    return typer.Option(*flags, help=help, parser=choice, metavar=choice.metavar,
                        autocompletion=choice.complete)
