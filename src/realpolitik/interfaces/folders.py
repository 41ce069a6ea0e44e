"""Clearing away what a killed process left: hidden ``.NAME.partial-PID`` folders and files.

A command writes its run folder (or an ``--out`` file) under a hidden name
first, ``.NAME.partial-PID`` beside the target
(:class:`realpolitik.outputs.rundir.RunDirectory`,
:func:`realpolitik.outputs.rundir.write_new_file`), and renames it into
place when everything succeeded; an error, Ctrl+C or SIGTERM removes it.
Only a process killed outright (SIGKILL, a power cut) leaves it behind.

So the next command that writes into the same folder removes such leftovers
first (:func:`remove_stale_partials`), and only those:

* the name must be exactly ``.NAME.partial-PID``, PID in digits;
* the process PID must no longer be running on this machine: the folder of
  a live process (a run in progress in another terminal) is never touched,
  nor one whose PID has since been reused by another process;
* a symbolic link is never followed or removed, whatever its name.

Where a process cannot be asked whether it lives (a system other than
POSIX), nothing is removed.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from realpolitik.outputs.rundir import RunDirectory

__all__ = ["PARTIAL_NAME", "open_run_directory", "process_alive", "remove_stale_partials"]

PARTIAL_NAME = re.compile(r"\.(?P<name>.+)\.partial-(?P<pid>[0-9]{1,10})")
"""The hidden name a folder or file has while it is written (matched against the whole name)."""


def process_alive(pid: int) -> bool:
    """Whether a process of that id runs on this machine (True when it cannot be told)."""
    if os.name != "posix" or pid <= 0:
        return True
    try:
        os.kill(pid, 0)  # signal 0: checks the process exists, sends nothing
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # PermissionError: alive, but another user's
        return True
    return True


def remove_stale_partials(parent: Path) -> list[Path]:
    """Remove from ``parent`` the partial folders and files of processes that no longer run.

    Returns what was removed.  A missing or unreadable folder, or an entry
    that cannot be removed, is passed over in silence: this is housekeeping,
    and the command goes on either way.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    for entry in entries:
        found = PARTIAL_NAME.fullmatch(entry.name)
        if found is None or process_alive(int(found["pid"])):
            continue
        try:
            if entry.is_symlink():
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            elif entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
            else:
                continue
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def open_run_directory(path: Path) -> RunDirectory:
    """A :class:`RunDirectory` for ``path``, after clearing stale partial folders beside it.

    The target is checked first (an existing file or a folder that is not
    empty is refused before anything is removed).
    """
    run = RunDirectory(path)
    remove_stale_partials(run.final.parent)
    return run
