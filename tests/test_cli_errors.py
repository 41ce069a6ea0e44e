"""Every failure of a command is one line on stderr and an exit code, never a traceback.

A mistake in the input or a refusal of the machine: one red line saying
where and what, exit code 2, no output folder.  A bug: one line naming the
file its traceback was saved in, exit code 1.  User text (titles, names,
paths, messages) is printed as written: no markup, no emoji, no mathtext.
"""

from __future__ import annotations

import json
import re
import sys
import time

import pytest
from typer.testing import CliRunner

from helpers import EXAMPLE, basic_example_text
from realpolitik.interfaces import cli, cli_common, errors
from realpolitik.interfaces.cli import app
from realpolitik.outputs.rundir import RunDirectory, RunDirectoryError, write_new_file

runner = CliRunner()
QUESTIONS = EXAMPLE.parent / "questions-scored.yaml"


def invoke(*args: str):
    return runner.invoke(app, [str(arg) for arg in args], terminal_width=300,
                             env={"COLUMNS": "300"})


def one_error_line(result, code: int = 2) -> str:
    """The single stderr line of a failed command, after checking the exit code."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    return lines[0]


def nothing_left(folder) -> bool:
    """Neither the folder nor a hidden partial folder beside it."""
    return not folder.exists() and not list(folder.parent.glob(f".{folder.name}.partial-*"))


# ---------------------------------------------------------------------------
# The guard: kinds of failure and their exit codes
# ---------------------------------------------------------------------------


def raising(error: BaseException):
    def command(*args, **kwargs):
        raise error
    return command


def test_an_unexpected_error_is_a_bug_with_its_traceback_saved(monkeypatch, tmp_path):
    monkeypatch.setattr("realpolitik.scenario.loader.load_scenario",
                        raising(ZeroDivisionError("division by zero")))
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    line = one_error_line(invoke("check", EXAMPLE), code=1)
    assert "this is a bug in realpolitik (ZeroDivisionError: division by zero)" in line
    saved = re.search(r"saved in (\S+):", line).group(1)
    text = open(saved, encoding="utf-8").read()
    assert "Traceback (most recent call last)" in text and "ZeroDivisionError" in text
    assert text.split()[0] == "realpolitik"  # the command line opens the report


@pytest.mark.parametrize(("error", "says"), [
    (PermissionError(13, "Permission denied", "/data/scenario.yaml"),
     "/data/scenario.yaml: Permission denied"),
    (OSError(28, "No space left on device", "/runs/x"),
     "/runs/x: No space left on device (free some space"),
    (MemoryError(), "not enough memory"),
])
def test_a_refusal_of_the_machine_is_one_line_and_exit_2(monkeypatch, error, says):
    monkeypatch.setattr("realpolitik.scenario.loader.load_scenario", raising(error))
    assert says in one_error_line(invoke("check", EXAMPLE))


@pytest.mark.parametrize(("error", "code", "says"), [
    (KeyboardInterrupt(), errors.EXIT_INTERRUPTED, "interrupted"),
    (errors.Terminated(), errors.EXIT_TERMINATED, "terminated"),
])
def test_an_interruption_is_one_line(monkeypatch, error, code, says):
    monkeypatch.setattr("realpolitik.scenario.loader.load_scenario", raising(error))
    result = invoke("check", EXAMPLE)
    assert result.exit_code == code
    assert result.stderr.strip() == says


def test_main_never_prints_a_traceback(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr("realpolitik.scenario.loader.load_scenario",
                        raising(RuntimeError("boom [/] :100:")))
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.setattr(sys, "argv", ["realpolitik", "check", str(EXAMPLE)])
    with pytest.raises(SystemExit) as leaving:
        cli.main()
    assert leaving.value.code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "boom [/] :100:" in err
    assert list(tmp_path.glob("realpolitik-bug-*.txt"))


def test_main_keeps_typer_usage_errors(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["realpolitik", "run", "--draws", "3"])
    with pytest.raises(SystemExit) as leaving:
        cli.main()
    assert leaving.value.code == 2
    assert "--draws" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# User text is printed as written
# ---------------------------------------------------------------------------


def test_a_path_with_brackets_prints_as_written(tmp_path, example_text):
    good = tmp_path / "plan[v2].yaml"
    good.write_text(example_text, encoding="utf-8")
    result = invoke("check", good)
    assert result.exit_code == 0
    assert "plan[v2].yaml: 3 actors" in result.output
    bad = tmp_path / "bad[bold].yaml"
    bad.write_text("scenario: [\n", encoding="utf-8")
    assert "bad[bold].yaml:2: malformed YAML" in one_error_line(invoke("check", bad))


def test_a_line_number_never_becomes_an_emoji(tmp_path, example_text):
    lines = example_text.splitlines()
    padded = lines[:1] + ["#"] * 95 + lines[1:]  # 'as_of' lands on line 100
    text = "\n".join(padded).replace("  as_of: 2024-01-01", "  as_of: 2024-02-30")
    path = tmp_path / "long.yaml"
    path.write_text(text, encoding="utf-8")
    line = one_error_line(invoke("check", path))
    assert "long.yaml:100: scenario.as_of" in line
    assert "💯" not in line


def test_markup_in_a_title_reaches_the_terminal_as_written(tmp_path, example_text):
    path = tmp_path / "markup.yaml"
    title = "[red]Sharing[/] the river [/] :100: $x$"
    path.write_text(example_text.replace("title: Sharing the river after the new dam",
                                         f"title: '{title}'"), encoding="utf-8")
    out = tmp_path / "run"
    result = invoke("run", path, "--static", "--out", out)
    assert result.exit_code == 0, result.output
    assert title in result.output
    assert (out / "report.html").is_file()
    check = invoke("check", path)
    assert check.exit_code == 0


def test_scenario_listing_prints_titles_as_written():
    result = invoke("scenarios")
    assert result.exit_code == 0
    assert "syria-2019" in result.output


# ---------------------------------------------------------------------------
# Values are bounded
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("horizon", ["inf", "1e12", "nan", "51", "-1"])
def test_horizon_must_be_finite_and_within_the_scenarios_limit(tmp_path, horizon):
    out = tmp_path / "run"
    result = invoke("run", EXAMPLE, "--horizon", horizon, "--out", out, "--draws", "10")
    assert result.exit_code == 2
    assert "--horizon" in result.output and "Traceback" not in result.output
    assert nothing_left(out)


@pytest.mark.parametrize(("command", "option", "value"), [
    (["score", QUESTIONS], "--seed", "-1"),
    (["hypotheses", EXAMPLE], "--seed", "-1"),
    (["levers", EXAMPLE], "--seed", "-1"),
    (["run", EXAMPLE], "--seed", str(2**64)),
    (["run", EXAMPLE], "--draws", str(cli_common.MAX_DRAWS + 1)),
    (["levers", EXAMPLE], "--draws", str(cli_common.MAX_DRAWS + 1)),
    (["hypotheses", EXAMPLE], "--draws", str(cli_common.MAX_DRAWS + 1)),
    (["levers", EXAMPLE], "--delay-years", "inf"),
    (["score", QUESTIONS], "--draws", "0"),
])
def test_numbers_out_of_bounds_are_usage_errors(tmp_path, command, option, value):
    out = tmp_path / "out"
    result = invoke(*command, option, value, "--out", out)
    assert result.exit_code == 2, result.output
    assert option in result.output and "Traceback" not in result.output
    assert nothing_left(out)


@pytest.mark.parametrize("draws", [str(cli_common.MAX_DRAWS + 1), "9", "inf"])
def test_serve_keeps_the_bounds_on_draws(draws):
    result = invoke("serve", EXAMPLE, "--draws", draws, "--port", "0")
    assert result.exit_code == 2, result.output
    assert "--draws" in result.output and "Traceback" not in result.output


def test_an_unreachable_scheduler_is_one_line_within_seconds(monkeypatch, tmp_path):
    monkeypatch.setattr(cli_common, "SCHEDULER_TIMEOUT", 0.5)
    out = tmp_path / "run"
    start = time.perf_counter()
    line = one_error_line(invoke("run", EXAMPLE, "--scheduler", "tcp://127.0.0.1:9",
                                 "--out", out))
    assert time.perf_counter() - start < 10
    assert "--scheduler tcp://127.0.0.1:9: no dask scheduler answers there" in line
    assert nothing_left(out)


def test_a_scheduler_address_of_no_known_kind_is_one_line(tmp_path):
    line = one_error_line(invoke("levers", EXAMPLE, "--scheduler", "nonsense://x"))
    assert "unknown address scheme 'nonsense'" in line


# ---------------------------------------------------------------------------
# Output folders: refused before work, written whole or not at all
# ---------------------------------------------------------------------------


def busy_folder(tmp_path):
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    return folder


def a_file(tmp_path):
    path = tmp_path / "afile"
    path.write_text("mine")
    return path


@pytest.mark.parametrize("make", [busy_folder, a_file], ids=["full-folder", "file"])
@pytest.mark.parametrize("command", [
    ["run", EXAMPLE, "--static"], ["levers", EXAMPLE, "-n", "10"], ["score", QUESTIONS],
    ["validate", "deu", EXAMPLE.parents[1] / "data" / "deu3" / "deu3-dev.csv"],
], ids=["run", "levers", "score", "validate"])
def test_every_command_refuses_to_overwrite_before_any_work(tmp_path, make, command):
    target = make(tmp_path)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    start = time.perf_counter()
    line = one_error_line(invoke(*command, "--out", target))
    assert time.perf_counter() - start < 5  # refused before the work, not after
    assert "already exists" in line and "choose another --out or remove it" in line
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_hypotheses_refuses_to_overwrite_its_file(tmp_path):
    target = a_file(tmp_path)
    line = one_error_line(invoke("hypotheses", EXAMPLE, "--out", target))
    assert "already exists" in line
    assert target.read_text() == "mine"


def test_out_through_a_symlink_to_an_empty_folder_writes_there(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    result = invoke("run", EXAMPLE, "--static", "--out", link)
    assert result.exit_code == 0, result.output
    assert (real / "report.html").is_file() and link.is_symlink()
    assert not list(tmp_path.glob(".*partial*"))


def test_out_through_a_symlink_to_a_full_folder_is_refused(tmp_path):
    real = busy_folder(tmp_path)
    link = tmp_path / "link"
    link.symlink_to(real)
    assert "already exists" in one_error_line(invoke("levers", EXAMPLE, "--out", link))


def test_levers_out_is_written_whole(tmp_path):
    out = tmp_path / "levers"
    result = invoke("levers", EXAMPLE, "-n", "20", "--no-pairs", "--out", out)
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"levers.json", "lever-effects.png"}
    assert not list(tmp_path.glob(".*partial*"))


def test_a_run_folder_that_cannot_be_moved_into_place_leaves_nothing(tmp_path):
    final = tmp_path / "run"
    with pytest.raises(RunDirectoryError, match="cannot move the finished run"):
        with RunDirectory(final) as run:
            run.write_json("a.json", {"x": 1})
            final.mkdir()
            (final / "intruder").write_text("x")
    assert not list(tmp_path.glob(".*partial*"))


def test_a_new_file_is_written_whole_and_never_over_another(tmp_path):
    path = write_new_file(tmp_path / "sub" / "a.json", "{}")
    assert path.read_text() == "{}"
    with pytest.raises(RunDirectoryError, match="already exists"):
        write_new_file(path, "[]")
    assert path.read_text() == "{}"


# ---------------------------------------------------------------------------
# Commands on unusual but possible inputs
# ---------------------------------------------------------------------------


def test_compare_refuses_run_folders_with_missing_keys(tmp_path):
    first = tmp_path / "first"
    assert invoke("run", EXAMPLE, "--static", "--out", first).exit_code == 0
    for damage in ("manifest", "issues", "alliance"):
        second = tmp_path / damage
        assert invoke("run", EXAMPLE, "--static", "--out", second).exit_code == 0
        name = "manifest.json" if damage == "manifest" else "forecast.json"
        data = json.loads((second / name).read_text())
        if damage == "manifest":
            del data["models"]
        elif damage == "issues":
            del data["issues"][0]["forecast"]
        else:
            data["alliances"][0]["cohesion_stated"] = "high"
        (second / name).write_text(json.dumps(data))
        line = one_error_line(invoke("compare", first, second))
        assert "is not a complete realpolitik run folder" in line, damage


def test_levers_on_a_scenario_without_alliances_is_one_line(tmp_path, example_text):
    text = example_text.split("alliances:")[0] + "dynamics:" + example_text.split("dynamics:")[1]
    text = text.replace("        - target: alliances.downstream_mediator.shared_stakes."
                        "regional_stability.weight\n          shift: -0.2\n", "")
    text = text.split("# --- What the report")[0]
    path = tmp_path / "lonely.yaml"
    path.write_text(text, encoding="utf-8")
    assert "watches no alliance" in one_error_line(invoke("levers", path, "-n", "10"))


def test_a_run_whose_outcome_cannot_vary_skips_discovery_and_says_so(tmp_path):
    text = basic_example_text().replace('{range: [15, 30], estimate: "mediation budget '
                                        'uncertain"}', "20").replace("[70, 90]", "80")
    text += "dynamics:\n  step: quarter\n  horizon_years: 2\n"
    path = tmp_path / "fixed.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "run"
    result = invoke("run", path, "--out", out, "--draws", "20", "--detail")
    assert result.exit_code == 0, result.output
    assert "nothing to discover" in result.output
    assert "nothing to discover" in (out / "report.html").read_text()


def test_a_figure_draws_dollar_signs_as_text(tmp_path):
    from realpolitik.outputs.plotting import save_figure, subplots

    fig, ax = subplots(figsize=(3, 2))
    ax.set_title("$\\frac{1}{2$ costs $5bn")
    ax.set_yticks([0, 1], labels=["$x^$", "${HOME}"])
    fig.tight_layout()
    assert save_figure(fig, tmp_path / "dollars.png", "a $ footer $").stat().st_size > 0


def test_a_warning_is_one_line_without_its_source(monkeypatch):
    from realpolitik.scenario.loader import load_scenario

    def warning_load(reference):
        import warnings

        warnings.simplefilter("always")  # whatever filters the test run sets
        warnings.warn("all saliences are zero on issue 'x'\n  (check)", UserWarning, stacklevel=1)
        return load_scenario(reference)

    monkeypatch.setattr("realpolitik.scenario.loader.load_scenario", warning_load)
    result = invoke("check", EXAMPLE)
    assert result.exit_code == 0
    assert result.stderr.strip() == "warning: all saliences are zero on issue 'x' (check)"
