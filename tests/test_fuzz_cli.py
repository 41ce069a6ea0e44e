"""Fuzzing the command line: whatever the input, a result or one located line, never a traceback.

The invariant, for ``realpolitik check`` and ``realpolitik run --static``:
exit code 0 (and, for ``run``, a complete run folder), or exit code 2 with
red lines on stderr, each naming the file and line of a problem, and no
folder left behind (neither the run folder nor a hidden partial one).  Exit
code 1 (a bug) fails the test with the saved traceback.  Never "Traceback".

* every file of the bad-input corpus (tests/bad_inputs/) through ``check``;
* every hostile-but-valid file through ``run --static`` and a small run over
  time: exit 0, the figures written, the names printed as written;
* scenarios mutated by the strategies of tests/test_fuzz_scenarios.py,
  in-process through typer's runner, and a few as real processes.

* the mechanism seed (tests/data/mechanisms.yaml) mutated in its hazard
  factors, effect factors, lever conditions, ``recurring`` flags and
  parameters, through ``check`` and a small ``run`` over time: a run that
  succeeds writes no NaN or infinity in its JSON results.

The number of examples is bounded so that the file runs in about a minute.
``REALPOLITIK_FUZZ_EXAMPLES=1000 REALPOLITIK_FUZZ_BASE=syria-2019`` runs
the mutation tests at that size on the flagship instead (by hand: it takes
a while; a successful mechanism run takes some seconds).
"""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bad_inputs.cases import BASE, CASES, HOSTILE_VALID
from helpers import EXAMPLE, REPO
from realpolitik.interfaces.cli import app
from realpolitik.scenario.loader import load_scenario, resolve_scenario
from test_fuzz_scenarios import (
    HOSTILE_TEXT,
    MECHANISM_DATA,
    SNIPPETS,
    alarm,
    mutate,
    mutate_mechanism,
    mutate_valid_mechanism,
    places,
)

runner = CliRunner()

FUZZ_BASE = resolve_scenario(os.environ.get("REALPOLITIK_FUZZ_BASE", str(EXAMPLE)))
BASE_TEXT = FUZZ_BASE.read_text(encoding="utf-8")
BASE_DATA = yaml.safe_load(BASE_TEXT)

EXAMPLES = int(os.environ.get("REALPOLITIK_FUZZ_EXAMPLES", "0")) or None
"""Examples per mutation test when set by hand; else each test's own bound."""

CHECK_EXAMPLES = EXAMPLES or 80
RUN_EXAMPLES = EXAMPLES or 20
MECHANISM_CHECK_EXAMPLES = EXAMPLES or 40
MECHANISM_RUN_EXAMPLES = EXAMPLES or 2

ALARM_SECONDS = 60
"""A hard limit per command, in case a hang escapes the hypothesis deadline."""

LOCATED = re.compile(r"^(error: )?\S.*:\d+: ")
"""A problem line: ``[error: ]file:line: ...``."""


def invoke(*args: object):
    with alarm(ALARM_SECONDS):
        return runner.invoke(app, [str(arg) for arg in args], terminal_width=300,
                             env={"COLUMNS": "300"})


def nothing_left(folder: Path) -> bool:
    return not folder.exists() and not list(folder.parent.glob(f".{folder.name}.partial-*"))


def bug_report(result) -> str:
    """The saved traceback named by a bug message, for the failure's explanation."""
    found = re.search(r"saved in (\S+):", result.stderr)
    return Path(found.group(1)).read_text(encoding="utf-8") if found else result.output


def holds_invariant(result, path: Path, out: Path | None = None) -> None:
    """Success, or exit 2 with located red lines; never a traceback; no folder left on failure."""
    assert result.exit_code in (0, 2), bug_report(result)
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        assert out is None or (out / "report.html").is_file()
        return
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and lines[0].startswith("error: "), result.output
    if out is not None:
        assert nothing_left(out)
    if result.stderr.startswith(f"error: {path}"):
        assert all(LOCATED.match(line) or line.startswith(str(path)) for line in lines), lines


# ---------------------------------------------------------------------------
# The corpus of bad inputs, and the hostile but valid files
# ---------------------------------------------------------------------------


def test_every_bad_input_through_check_is_located_lines_and_exit_2(tmp_path):
    base = BASE.read_text(encoding="utf-8")
    path = tmp_path / "case.yaml"
    for case in CASES:
        data = case.build(base)
        path.write_bytes(data)
        result = invoke("check", path)
        assert result.exit_code == 2, (case.name, result.output)
        assert "Traceback" not in result.output, case.name
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert lines[0].startswith(f"error: {path}"), (case.name, lines[0])
        assert case.message in result.stderr, (case.name, result.stderr)
        expected = case.expected_line(data)
        if expected is not None:
            assert any(f"{path}:{expected}: " in line for line in lines), (case.name, lines)
        for line in lines:
            assert LOCATED.match(line) or line.startswith(f"error: {path}:"), (case.name, line)


def actor_names(path: Path) -> list[str]:
    return [actor.name for actor in load_scenario(path).actors]


@pytest.mark.parametrize("path", HOSTILE_VALID, ids=lambda path: path.stem)
def test_hostile_valid_files_run_statically_with_their_text_as_written(path, tmp_path):
    out = tmp_path / "run"
    result = invoke("run", path, "--static", "--out", out, "--detail")
    assert result.exit_code == 0, bug_report(result)
    assert "Traceback" not in result.output and "MarkupError" not in result.output
    assert list((out / "figures").glob("*.png"))
    flat = " ".join(result.output.split())
    for name in actor_names(path):
        if len(name) < 60:  # long names are wrapped over several lines of a table cell
            assert " ".join(name.split()) in flat, name
    assert load_scenario(path).scenario.title[:40].split("\n")[0].strip() in result.output


@pytest.mark.parametrize("path", HOSTILE_VALID, ids=lambda path: path.stem)
def test_hostile_valid_files_run_over_time(path, tmp_path):
    out = tmp_path / "run"
    result = invoke("run", path, "--out", out, "--draws", "20", "--sobol-samples", "4")
    assert result.exit_code == 0, bug_report(result)
    assert "Traceback" not in result.output and "MarkupError" not in result.output
    figures = {figure.name for figure in (out / "figures").glob("*.png")}
    assert {"survival.png", "lever-effects.png"} <= figures, figures
    assert (out / "report.html").is_file()
    flat = " ".join(result.output.split())
    for shock in load_scenario(path).dynamics.shocks:
        if len(shock.name) < 30:  # longer names are wrapped in their table cell
            assert " ".join(shock.name.split()) in flat, shock.name


# ---------------------------------------------------------------------------
# Mutated scenarios
# ---------------------------------------------------------------------------


def mutated_data(draw) -> str | None:
    """The base scenario with one to three mutations of its data, as YAML (None if unwritable)."""
    scenario = copy.deepcopy(BASE_DATA)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        mutate(scenario, draw)
    try:
        return yaml.safe_dump(scenario, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, RecursionError, ValueError):
        return None


def mutated_text(draw) -> str:
    """The base scenario with one to three line edits of its text."""
    lines = BASE_TEXT.splitlines()
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        snippet = draw(st.one_of(st.sampled_from(SNIPPETS), st.sampled_from(HOSTILE_TEXT)))
        line = lines[index]
        operation = draw(st.sampled_from(["insert", "value", "append", "delete"]))
        if operation == "insert":
            lines.insert(index, line[: len(line) - len(line.lstrip())] + snippet)
        elif operation == "value" and ":" in line:
            lines[index] = line.split(":", 1)[0] + ": " + snippet
        elif operation == "append":
            lines[index] = line + snippet
        elif operation == "delete" and len(lines) > 1:
            del lines[index]
    return "\n".join(lines) + "\n"


PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs"))
"""Any character but control characters and lone surrogates (which the reader refuses)."""

TEXT_FIELDS = {"name", "title", "question", "text", "low", "high", "quote", "estimate"}
"""Fields of free text: any string is valid there, and is printed and drawn."""


def retexted(draw) -> str:
    """The base scenario with one to five of its free texts replaced by hostile or random text."""
    scenario = copy.deepcopy(BASE_DATA)
    spots = [(container, key) for container, key in places(scenario)
             if key in TEXT_FIELDS and isinstance(container[key], str)]
    for _ in range(draw(st.integers(min_value=1, max_value=5))):
        container, key = draw(st.sampled_from(spots))
        container[key] = draw(st.one_of(
            st.sampled_from(HOSTILE_TEXT), st.text(PRINTABLE, min_size=1, max_size=40),
            st.lists(st.sampled_from(HOSTILE_TEXT[:12]), min_size=2, max_size=4).map(" ".join)))
    return yaml.safe_dump(scenario, allow_unicode=True, sort_keys=False)


def mutated(draw) -> str | None:
    """A scenario mutated in its text, its data or its free texts (the last mostly valid)."""
    kind = draw(st.sampled_from(["text", "data", "free text"]))
    if kind == "text":
        return mutated_text(draw)
    return mutated_data(draw) if kind == "data" else retexted(draw)


FUZZ_SETTINGS = {"deadline": 30_000, "derandomize": EXAMPLES is None,
                 "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture]}


def check_holds_invariant(folder: Path, text: str | None) -> None:
    """``realpolitik check`` on ``text`` keeps the invariant (None: no text to check)."""
    if text is None:
        return
    path = folder / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    result = invoke("check", path)
    event(f"exit code {result.exit_code}")
    holds_invariant(result, path)


@settings(max_examples=CHECK_EXAMPLES, **FUZZ_SETTINGS)
@given(st.data())
def test_check_on_mutated_scenarios_holds_the_invariant(tmp_path, data):
    check_holds_invariant(tmp_path, mutated(data.draw))


@settings(max_examples=RUN_EXAMPLES, **FUZZ_SETTINGS)
@given(st.data())
def test_static_run_on_mutated_scenarios_holds_the_invariant(tmp_path_factory, data):
    text = retexted(data.draw) if data.draw(st.booleans()) else mutated(data.draw)
    if text is None:
        return
    folder = tmp_path_factory.mktemp("fuzz")
    path, out = folder / "fuzz.yaml", folder / "run"
    path.write_text(text, encoding="utf-8")
    result = invoke("run", path, "--static", "--out", out, "--detail")
    event(f"exit code {result.exit_code}")
    holds_invariant(result, path, out)


def mechanism_mutated(draw) -> str | None:
    """The mechanism seed with one to three mutations, mostly valid ones when ``valid``."""
    scenario = copy.deepcopy(MECHANISM_DATA)
    change = mutate_valid_mechanism if draw(st.booleans()) else mutate_mechanism
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        change(scenario, draw)
    try:
        return yaml.safe_dump(scenario, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, RecursionError, ValueError):
        return None


NOT_A_NUMBER = re.compile(r"\bNaN\b|-?Infinity\b")
"""What Python's json writes for NaN and infinities (and no JSON reader accepts)."""


def numbers_are_numbers(out: Path) -> None:
    """No JSON file of a run folder holds NaN or infinity (null stands for 'undefined')."""
    for path in out.rglob("*.json"):
        text = path.read_text(encoding="utf-8")
        assert not NOT_A_NUMBER.search(text), (path.name, NOT_A_NUMBER.search(text))


@settings(max_examples=MECHANISM_CHECK_EXAMPLES, **FUZZ_SETTINGS)
@given(st.data())
def test_check_on_mutated_mechanisms_holds_the_invariant(tmp_path, data):
    check_holds_invariant(tmp_path, mechanism_mutated(data.draw))


@settings(max_examples=MECHANISM_RUN_EXAMPLES, **FUZZ_SETTINGS)
@given(st.data())
def test_run_on_mutated_mechanisms_holds_the_invariant(tmp_path_factory, data):
    scenario = copy.deepcopy(MECHANISM_DATA)
    mutate_valid_mechanism(scenario, data.draw)  # a valid start: most runs go to the end
    text = mechanism_mutated(data.draw) if data.draw(st.booleans()) else yaml.safe_dump(
        scenario, allow_unicode=True, sort_keys=False)
    if text is None:
        return
    folder = tmp_path_factory.mktemp("fuzz")
    path, out = folder / "fuzz.yaml", folder / "run"
    path.write_text(text, encoding="utf-8")
    result = invoke("run", path, "--draws", "20", "--sobol-samples", "4", "--model",
                    "compromise", "--out", out)
    event(f"exit code {result.exit_code}")
    holds_invariant(result, path, out)
    if result.exit_code == 0:
        numbers_are_numbers(out)


def run_process(*command: str, cwd: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "300"}
    return subprocess.run([sys.executable, "-m", "realpolitik", *command], cwd=cwd,
                          env=environment, capture_output=True, text=True, timeout=300)


def test_real_processes_hold_the_invariant(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    broken, out = tmp_path / "plan[v2].yaml", tmp_path / "run"
    broken.write_text(text.replace("capability: 60", "capability: [60", 1), encoding="utf-8")
    done = run_process("run", str(broken), "--static", "--out", str(out), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    line = text[:text.index("capability: 60")].count("\n") + 1  # where the list opens
    assert len(lines) == 1 and re.match(rf"error: {re.escape(str(broken))}:\d+: malformed YAML",
                                        lines[0]), lines
    assert int(lines[0].split(f"{broken}:")[1].split(":")[0]) >= line, lines
    assert nothing_left(out)
    hostile = tmp_path / "hostile[1].yaml"
    name = "[/] $\\frac{1}{2$ :100:"
    hostile.write_text(text.replace("name: Upstream State", f"name: '{name}'"), encoding="utf-8")
    done = run_process("run", str(hostile), "--static", "--detail", "--out", str(out),
                       cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert name in done.stdout and f"Run written to {out}" in done.stdout
    assert (out / "figures" / "issue-map.png").is_file()
