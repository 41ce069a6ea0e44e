"""A run stopped by SIGTERM or Ctrl+C leaves nothing behind: no folder, no hidden partial one.

``realpolitik run`` is started as a real process; once its hidden partial
folder appears (it is working), the signal is sent.  The process must end
with a non-zero code, say so in one line, print no traceback, and leave
neither the run folder nor the partial folder.  The commands that write a
folder only at the end (``levers --out``, ``score --out``) are interrupted
in-process while they write.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import EXAMPLE, REPO
from realpolitik.interfaces import errors
from realpolitik.interfaces.cli import app

STARTUP_SECONDS = 120
"""Longest wait for the run to start working (imports are slow on a busy machine)."""


def partial_folders(out: Path) -> list[Path]:
    return list(out.parent.glob(f".{out.name}.partial-*"))


def start_run(out: Path) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.Popen(
        [sys.executable, "-m", "realpolitik", "run", str(EXAMPLE), "--out", str(out),
         "--draws", "2000"], cwd=out.parent, env=environment, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, preexec_fn=_default_interrupt)


def _default_interrupt() -> None:
    """In the child: Ctrl+C raises KeyboardInterrupt even if this test runs with it ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_until_working(process: subprocess.Popen, out: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while not partial_folders(out):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run never started"
        time.sleep(0.02)


@pytest.mark.parametrize(("signum", "code", "says"), [
    (signal.SIGTERM, errors.EXIT_TERMINATED, "terminated"),
    (signal.SIGINT, errors.EXIT_INTERRUPTED, "interrupted"),
], ids=["SIGTERM", "SIGINT"])
def test_a_signalled_run_leaves_nothing(tmp_path, signum, code, says):
    out = tmp_path / "run"
    process = start_run(out)
    try:
        wait_until_working(process, out)
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == code, stderr
    assert stderr.strip() == says
    assert "Traceback" not in stdout + stderr
    assert not out.exists() and not partial_folders(out)
    assert list(tmp_path.iterdir()) == []


def terminated(*args, **kwargs):
    raise errors.Terminated


@pytest.mark.parametrize(("command", "writer"), [
    (["levers", str(EXAMPLE), "-n", "20", "--no-pairs"],
     "realpolitik.outputs.figures_analysis.lever_effects"),
    (["score", str(EXAMPLE.parent / "questions-scored.yaml")],
     "realpolitik.outputs.figures_judgment.reliability_diagram"),
], ids=["levers", "score"])
def test_a_command_terminated_while_writing_leaves_nothing(tmp_path, monkeypatch, command,
                                                           writer):
    monkeypatch.setattr(writer, terminated)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, [*command, "--out", str(out)])
    assert result.exit_code == errors.EXIT_TERMINATED, result.output
    assert not out.exists() and not partial_folders(out)


def test_the_sigterm_handler_is_restored(tmp_path):
    before = signal.getsignal(signal.SIGTERM)
    with errors.terminate_as_interrupt():
        assert signal.getsignal(signal.SIGTERM) is not before
        with pytest.raises(errors.Terminated):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)
    assert signal.getsignal(signal.SIGTERM) is before


# --- what SIGKILL leaves, the next command clears ------------------------------


def dead_pid() -> int:
    """The id of a process that has ended (started and waited for)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def sleeper():
    """A live process other than this one, for a partial folder that must be kept."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    yield child.pid
    child.kill()
    child.wait()


def test_a_killed_run_leaves_a_partial_folder_that_the_next_run_removes(tmp_path, sleeper):
    out = tmp_path / "run"
    process = start_run(out)
    try:
        wait_until_working(process, out)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=120)
    finally:
        process.kill()
    assert [path.name for path in partial_folders(out)] == [f".run.partial-{process.pid}"]
    live = tmp_path / f".other.partial-{sleeper}"
    (live / "figures").mkdir(parents=True)
    result = CliRunner().invoke(app, ["run", str(EXAMPLE), "--static", "--model", "compromise",
                                      "--out", str(tmp_path / "second")])
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == [live.name, "second"]
    assert (live / "figures").is_dir()


def test_only_partial_names_of_ended_processes_are_removed(tmp_path, sleeper):
    from realpolitik.interfaces.folders import remove_stale_partials

    dead = dead_pid()
    stale = [tmp_path / f".run.partial-{dead}", tmp_path / f".a.b.json.partial-{dead}"]
    stale[0].mkdir()
    (stale[0] / "manifest.json").write_text("{}")
    stale[1].write_text("{}")
    kept = [tmp_path / name for name in (
        f".run.partial-{sleeper}", f".run.partial-{os.getpid()}",  # live processes
        f"run.partial-{dead}", f".run.partial-{dead}.bak", f".run.partial-x{dead}",
        f".partial-{dead}", ".run.partial-", "run")]
    for path in kept:
        path.mkdir()
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    link = tmp_path / f".link.partial-{dead}"
    link.symlink_to(target)
    assert sorted(remove_stale_partials(tmp_path)) == sorted(stale)
    assert sorted(tmp_path.iterdir()) == sorted([*kept, target, link])
    assert (target / "keep.txt").read_text() == "mine"
    assert remove_stale_partials(tmp_path / "missing") == []


def test_a_command_writing_a_file_clears_stale_partials_beside_it(tmp_path):
    stale = tmp_path / f".old.partial-{dead_pid()}"
    stale.mkdir()
    result = CliRunner().invoke(app, ["hypotheses", str(EXAMPLE), "--draws", "100",
                                      "--out", str(tmp_path / "ach.json")])
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["ach.json"]
