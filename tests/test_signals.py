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
