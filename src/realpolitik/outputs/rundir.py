"""The run directory: every result, figure and the report of one run, with its manifest.

A run is written into a hidden sibling folder first and renamed into place
only when everything succeeded, so a failed or interrupted run leaves no
partial output (the command line turns SIGTERM into an interruption, so a
terminated run cleans up too).  The target is refused before any work
starts when it is a file or a folder that is not empty; a symbolic link to
an empty folder (or to a path that does not exist yet) is followed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from types import TracebackType

from realpolitik._version import __version__

DEFAULT_ROOT = Path("realpolitik-runs")

HASH_OF = "sha256 of the scenario file's bytes (the copy in scenario.yaml)"
"""What the manifest's ``scenario_hash`` is a hash of."""

DEPENDENCIES = ("numpy", "scipy", "pandas", "pydantic", "SALib", "matplotlib")
"""Libraries whose versions a run records: they make the numbers and the figures."""


class RunDirectoryError(ValueError):
    """The requested output folder cannot be used."""


def default_run_path(scenario_id: str, now: dt.datetime | None = None) -> Path:
    """``realpolitik-runs/<scenario>-<UTC time>`` in the current folder."""
    now = now or dt.datetime.now(dt.UTC)
    return DEFAULT_ROOT / f"{scenario_id}-{now.strftime('%Y%m%d-%H%M%S')}"


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes: identifies exactly which scenario text was run."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def command_line(argv: list[str] | None = None) -> str:
    """The command as a user would type it again: ``realpolitik run --seed 0 ...``.

    ``python -m realpolitik`` (whose ``argv[0]`` is ``.../__main__.py``) and
    the console script both read ``realpolitik``.
    """
    argv = list(sys.argv if argv is None else argv)
    program = Path(argv[0]).name if argv else "realpolitik"
    if program in ("__main__.py", "realpolitik", "-m", "-c", ""):
        program = "realpolitik"
    return " ".join([program, *argv[1:]])


def dependency_versions(names: tuple[str, ...] = DEPENDENCIES) -> dict[str, str | None]:
    """Installed version of each library (None when it is not installed)."""
    found: dict[str, str | None] = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def git_commit(source: Path | None = None) -> str | None:
    """The commit of the checkout realpolitik runs from (None outside a git checkout)."""
    root = Path(source) if source is not None else Path(__file__).resolve().parents[3]
    if not (root / ".git").exists():
        return None
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit else None


def make_manifest(*, scenario_id: str, scenario_path: Path, seed: int | None, draws: int,
                  models: list[str], extra: dict | None = None) -> dict:
    """What made this run: scenario and its hash, seed, draws, versions, command, time, platform.

    ``scenario_hash`` is the SHA-256 of the scenario file's bytes
    (:data:`HASH_OF`); the ensemble's own manifest keeps the simulation's
    fingerprint of the parsed scenario, which the run manifest repeats as
    ``parsed_scenario_hash`` when an ensemble was run.
    """
    manifest = {
        "scenario_id": scenario_id,
        "scenario_path": str(scenario_path),
        "scenario_hash": file_hash(scenario_path),
        "scenario_hash_of": HASH_OF,
        "seed": seed,
        "draws": draws,
        "models": models,
        "version": __version__,
        "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "python": platform.python_version(),
        "dependencies": dependency_versions(),
        "git_commit": git_commit(),
        "command": command_line(),
    }
    manifest.update(extra or {})
    return manifest


class RunDirectory:
    """Write a run into ``final``, atomically: all of it or nothing.

    Use as a context manager; inside, write files below :attr:`path`.
    """

    def __init__(self, final: Path) -> None:
        self.final = _followed(Path(final))
        refuse_existing(self.final)
        self.path = self.final.parent / f".{self.final.name}.partial-{os.getpid()}"

    def __enter__(self) -> RunDirectory:
        shutil.rmtree(self.path, ignore_errors=True)  # left by a killed process of our pid
        try:
            self.path.mkdir(parents=True, exist_ok=False)
        except OSError as error:
            raise RunDirectoryError(
                f"cannot create {self.final}: {error.strerror or error}") from None
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if kind is not None:
            shutil.rmtree(self.path, ignore_errors=True)
            return
        try:
            if self.final.is_dir():
                self.final.rmdir()
            self.path.rename(self.final)
        except OSError as problem:
            shutil.rmtree(self.path, ignore_errors=True)
            raise RunDirectoryError(
                f"cannot move the finished run into {self.final}: "
                f"{problem.strerror or problem}") from None

    def write_json(self, name: str, data: object) -> Path:
        """Write ``data`` as indented JSON below the run folder."""
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(data, indent=2, default=_plain) + "\n", encoding="utf-8")
        return target


def refuse_existing(path: Path) -> None:
    """Raise :class:`RunDirectoryError` if ``path`` is a file or a folder that is not empty.

    Every command that writes a folder (``--out``) refuses the same way,
    before any work starts: nothing the user already has is overwritten.
    """
    try:
        taken = path.exists() and (not path.is_dir() or any(path.iterdir()))
    except OSError as error:
        raise RunDirectoryError(f"cannot use {path}: {error.strerror or error}") from None
    if taken:
        kind = "a folder that is not empty" if path.is_dir() else "a file"
        raise RunDirectoryError(f"{path} already exists and is {kind}; "
                                "choose another --out or remove it")


def write_new_file(path: Path, text: str) -> Path:
    """Write a text file that must not exist yet, whole or not at all; its path.

    The text goes to a hidden sibling first and is renamed into place, as a
    run folder is; an existing file is refused with :class:`RunDirectoryError`.
    """
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise RunDirectoryError(f"{path} already exists; choose another --out or remove it")
    partial = path.parent / f".{path.name}.partial-{os.getpid()}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise RunDirectoryError(f"cannot write {path}: {error.strerror or error}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def _followed(path: Path) -> Path:
    """The path a symbolic link points to (the run is written there), else the path itself."""
    if not path.is_symlink():
        return path
    try:
        return path.resolve()
    except (OSError, RuntimeError) as error:  # RuntimeError: a loop of links
        raise RunDirectoryError(f"{path} is a symbolic link that cannot be followed "
                                f"({error})") from None


def _plain(value: object) -> object:
    """Make NumPy scalars, arrays and dates JSON-friendly."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
