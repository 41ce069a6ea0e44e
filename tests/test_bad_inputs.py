"""Every bad input gives one located line: a ScenarioError, the right words, the right line.

The cases live in tests/bad_inputs/cases.py; each is written to a file and
read through :func:`load_scenario`, as ``realpolitik check`` reads it.
"""

import subprocess
import sys
import time

import pytest

from bad_inputs.cases import BASE, CASES, HOSTILE_VALID
from helpers import REPO
from realpolitik.scenario import yaml_reader
from realpolitik.scenario.errors import ScenarioError, ScenarioErrors
from realpolitik.scenario.loader import load_scenario

LINE_LIMIT = 300
"""Characters a rendered problem may take, besides the file's path."""

SECONDS = 2.0
"""Longest a bad input may take to be refused (the slowest, a 10 MB file, takes a fraction)."""


@pytest.fixture(scope="module")
def base_text() -> str:
    return BASE.read_text(encoding="utf-8")


def problems(error: ScenarioError) -> list[ScenarioError]:
    return error.errors if isinstance(error, ScenarioErrors) else [error]


def test_there_are_enough_cases_and_their_names_are_distinct():
    names = [case.name for case in CASES]
    assert len(names) >= 150
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_bad_input_gives_one_located_line(case, base_text, tmp_path):
    data = case.build(base_text)
    path = tmp_path / "case.yaml"
    path.write_bytes(data)
    start = time.perf_counter()
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert time.perf_counter() - start < SECONDS
    found = [p for p in problems(caught.value) if case.message in p.render()]
    assert found, f"{case.message!r} not in:\n{caught.value.render()}"
    assert found[0].line == case.expected_line(data), found[0].render()
    for problem in problems(caught.value):
        line = ScenarioError.render(problem)
        assert "\n" not in line and "\r" not in line
        assert len(line) - len(str(path)) <= LINE_LIMIT, line


def test_without_libyaml_every_case_is_still_one_located_line(base_text, tmp_path, monkeypatch):
    """PyYAML's own parser (used where libyaml is not installed) meets the same guards."""
    monkeypatch.setattr(yaml_reader, "_events", yaml_reader._PythonEvents)
    for case in CASES:
        path = tmp_path / "case.yaml"
        path.write_bytes(case.build(base_text))
        with pytest.raises(ScenarioError) as caught:
            load_scenario(path)
        for problem in problems(caught.value):
            line = ScenarioError.render(problem)
            assert "\n" not in line and len(line) - len(str(path)) <= LINE_LIMIT, case.name
    assert load_scenario(BASE).actor_ids == ["upstream", "downstream", "mediator"]


@pytest.mark.parametrize("path", HOSTILE_VALID, ids=lambda path: path.stem)
def test_hostile_but_valid_text_loads(path):
    scenario = load_scenario(path)
    assert scenario.actors


def test_hostile_valid_files_keep_their_text():
    names = {path.stem: load_scenario(path) for path in HOSTILE_VALID}
    markup = names["markup-and-math"]
    assert markup.actor("upstream").name == "$\\frac{1}{2}$ [bold]State[/bold] $x^2$"
    yaml_words = names["words-yaml-reads-as-values"]
    assert yaml_words.actor("upstream").name == "1984"
    assert yaml_words.actor("downstream").name == "yes"
    assert yaml_words.sources[0].date == "2019-06-01"


def test_every_yaml_number_form_is_a_number(base_text, tmp_path):
    forms = {"4e1": 40.0, "1_000": 1000.0, "+3": 3.0, "0x10": 16.0, "1.5e+1": 15.0,
             "2.5E-1": 0.25}
    for written, expected in forms.items():
        path = tmp_path / "numbers.yaml"
        path.write_text(base_text.replace("capability: 60", f"capability: {written}"),
                        encoding="utf-8")
        assert load_scenario(path).actor("upstream").capability.point == expected, written
    path.write_text(base_text.replace("salience: 0.8}", "salience: .5}"), encoding="utf-8")
    assert load_scenario(path).stance("flow_share", "upstream").salience.point == 0.5


def test_anchors_aliases_and_merge_keys_still_work(base_text, tmp_path):
    text = base_text.replace(
        "    upstream: {position: 20, salience: 0.8}",
        "    upstream: &usual {position: 20, salience: 0.8}").replace(
        "    upstream: {position: 10, salience: 0.6}",
        "    upstream: {<<: *usual, position: 10}")
    path = tmp_path / "aliases.yaml"
    path.write_text(text, encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.stance("dam_filling", "upstream").position.point == 10
    assert scenario.stance("dam_filling", "upstream").salience.point == 0.8


def test_ktab_file_in_latin1_names_the_line_of_the_bad_byte(tmp_path):
    path = tmp_path / "latin.csv"
    text = ("Case, A test, 2, 1,\nActor, Description, Power, X Position, X Salience,\n"
            "A, First, 10, 20, 50,\nB, Soci\u00e9t\u00e9, 5, 80, 40,\n")
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.line == 4
    assert "column 8: byte 0xe9 is not UTF-8 text; save the file as UTF-8" in str(caught.value)


def test_ktab_capability_problem_found_after_reading_names_its_row(tmp_path):
    path = tmp_path / "zero.csv"
    path.write_text("Case, A test, 2, 1,\nActor, Description, Power, X Position, X Salience,\n"
                    "A, First, 10, 20, 50,\nB, Second, 0, 80, 40,\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.line == 4
    assert "actors[1].capability: must be above 0" in str(caught.value)


def test_check_benchmark_runs():
    result = subprocess.run([sys.executable, "benchmarks/bench_check.py", "--quick"], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ratio" in result.stdout
