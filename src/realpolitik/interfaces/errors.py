"""How a command ends when something goes wrong: one line for a mistake, a saved trace for a bug.

Every command of the ``realpolitik`` app runs inside :func:`guard` (the app's
group class, :class:`GuardedGroup`, wraps each invocation), which sorts what
goes wrong into four kinds:

* a mistake in what the user wrote or asked for
  (:func:`~realpolitik.interfaces.cli_common.user_errors`): one red line on
  stderr saying where and what, exit code 2;
* a refusal of the environment (a file that cannot be read or written, a
  full disk, memory exhausted): one red line naming the file, exit code 2;
* an interruption (Ctrl+C, or SIGTERM once :func:`terminate_as_interrupt`
  is in force): one line, exit code 130 (143 for SIGTERM); the run folder's
  cleanup has run by then, so nothing partial is left behind;
* anything else is a bug in realpolitik: its traceback is saved in a file
  (:func:`save_traceback`) and a one-line message names that file, exit
  code 1.

typer's own usage errors (a bad option value: exit code 2) and explicit
exits pass through untouched.  A traceback is never printed; a warning is
one line (``warning: ...``), without the source line Python adds.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import platform
import signal
import sys
import tempfile
import traceback
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from realpolitik._version import __version__
from realpolitik.interfaces.cli_common import fail, report_user_errors, user_errors

__all__ = [
    "EXIT_BUG",
    "EXIT_INTERRUPTED",
    "EXIT_TERMINATED",
    "GuardedGroup",
    "Terminated",
    "environment_message",
    "guard",
    "save_traceback",
    "terminate_as_interrupt",
]

EXIT_BUG = 1
"""Exit code of an unexpected internal error (a bug)."""

EXIT_INTERRUPTED = 130
"""Exit code after Ctrl+C (128 + SIGINT)."""

EXIT_TERMINATED = 143
"""Exit code after SIGTERM (128 + SIGTERM)."""

try:  # typer vendors click from 0.20 on; before, its usage errors are click's
    from typer import TyperException as _UsageError
except ImportError:  # pragma: no cover - older typer
    from click import ClickException as _UsageError  # type: ignore[assignment]

_PASS_THROUGH: tuple[type[BaseException], ...] = (
    typer.Exit, typer.Abort, _UsageError, SystemExit, BrokenPipeError)
"""What :func:`guard` lets through: typer's exits and usage errors, and a closed pipe."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised as an interruption so that every cleanup on the way out runs."""


@contextmanager
def guard() -> Iterator[None]:
    """Turn whatever a command raises into one line on stderr and an exit code.

    See the module's docstring for the kinds of failure and their exit codes.
    """
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            yield
    except _PASS_THROUGH:
        raise
    except Terminated:
        _say("terminated", "yellow")
        raise typer.Exit(EXIT_TERMINATED) from None
    except KeyboardInterrupt:
        _say("interrupted", "yellow")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except user_errors() as error:
        report_user_errors(error)
    except (OSError, MemoryError) as error:
        fail(environment_message(error))
    except Exception as error:  # noqa: BLE001 - the last resort: a bug, told without a traceback
        _report_bug(error)


class GuardedGroup(TyperGroup):
    """The ``realpolitik`` app's command group: every command it runs runs inside :func:`guard`."""

    def invoke(self, ctx: Any) -> Any:
        """Run the command the arguments name, through :func:`guard`."""
        with guard():
            return super().invoke(ctx)


def environment_message(error: OSError | MemoryError) -> str:
    """One line for an error of the machine rather than of the input: what, and which file."""
    if isinstance(error, MemoryError):
        return ("not enough memory; try fewer --draws, or a scenario with fewer actors or "
                "issues, or a machine with more memory")
    what = error.strerror or " ".join(str(error).split()) or type(error).__name__
    if error.errno == errno.ENOSPC:
        what += " (free some space, or write the run elsewhere with --out)"
    names = [str(name) for name in (error.filename, error.filename2) if name is not None]
    return f"{' -> '.join(names)}: {what}" if names else what


def save_traceback(error: BaseException) -> Path | None:
    """Write the error's traceback and what made it into a new temporary file; its path.

    None if even that fails (no writable temporary folder).
    """
    header = (f"realpolitik {__version__}, Python {platform.python_version()} on "
              f"{platform.platform()}\ncommand: {' '.join(sys.argv)}\n"
              f"time: {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}\n\n")
    text = header + "".join(traceback.format_exception(error))
    try:
        handle, name = tempfile.mkstemp(prefix="realpolitik-bug-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace") as file:
            file.write(text)
    except OSError:
        return None
    return Path(name)


def _report_bug(error: Exception) -> NoReturn:
    """Say in one line that this is a bug and where its traceback is; exit code 1."""
    saved = save_traceback(error)
    summary = " ".join(f"{type(error).__name__}: {error}".split())[:200]
    where = ("the traceback could not be saved (no writable temporary folder)" if saved is None
             else f"the traceback is saved in {saved}: please attach it when you report the bug")
    fail(f"this is a bug in realpolitik ({summary}); {where}", code=EXIT_BUG)


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: Any = None, line: str | None = None) -> None:
    """Print a warning as one line on stderr, without the code it came from."""
    _say(f"warning: {' '.join(str(message).split())}", "yellow")


def _say(message: str, style: str) -> None:
    """One styled line on stderr, printed as written."""
    Console(stderr=True).print(Text(message, style=style), highlight=False, soft_wrap=True)


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` (as Ctrl+C raises KeyboardInterrupt).

    So a terminated run unwinds like an interrupted one: its run folder's
    cleanup runs and nothing partial is left.  A second SIGTERM, during
    that cleanup, ends the process at once.  Outside the main thread (where
    no handler can be set) nothing changes.
    """
    try:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    """The SIGTERM handler: the next SIGTERM kills; this one unwinds the stack."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    raise Terminated
