"""The README's accuracy and exactness figures, recomputed and compared with the README itself.

Each figure the README's "How accurate is it?" section prints is read from
the README and recomputed from the code and the shipped data, to the
decimals printed: a change in a model fails here until the README is
updated (run ``python3 benchmarks/deu_validation.py --markdown`` for the
table).
"""

from __future__ import annotations

import csv
import re
from dataclasses import replace

import numpy as np
import pytest
from typer.testing import CliRunner

from helpers import REPO, shared_path
from realpolitik.analysis.validation import read_deu, run_deu_both_ways, split_deu
from realpolitik.models.eum import EUM_READINGS, expected_utility
from realpolitik.models.ktab import spatial_model
from realpolitik.outputs.validation_results import write_split
from realpolitik.outputs.validation_tables import readme_table
from realpolitik.scenario.ktab_csv import read_ktab_csv
from test_models_ktab import POSITION_PRINT, PROBABILITY_PRINT, parse_trace
from test_scholz2011 import RUN_LOG_BELGIUM, TABLE_2_MEAN, TABLE_2_MEDIAN, matched

README = (REPO / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## How accurate is it?")[1].split("\n## ")[0]
DEU_DEV = shared_path("data", "deu3", "deu3-dev.csv")


def table_rows(text: str) -> dict[str, list[str]]:
    """Cells of each body row of the markdown tables in ``text``, by the row's first cell."""
    rows = {}
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("| model |"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            rows[cells[0]] = cells[1:]
    return rows


@pytest.fixture(scope="module")
def halves(tmp_path_factory):
    if DEU_DEV is None:
        pytest.skip("data/deu3/deu3-dev.csv is absent")
    folder = tmp_path_factory.mktemp("halves")
    a, b = write_split(split_deu(DEU_DEV, seed=0), folder)
    return read_deu(a), read_deu(b)


@pytest.fixture(scope="module")
def both_ways(halves):
    return run_deu_both_ways(*halves, seed=0, draws=2000)


def test_the_halves_are_as_described(halves):
    a, b = halves
    printed = re.search(r"A, (\d+) issues of (\d+) proposals,\s+and B, (\d+) issues of (\d+) "
                        r"proposals", SECTION)  # fmt: skip
    assert printed is not None
    assert tuple(map(int, printed.groups())) == (
        a.n_issues, a.n_proposals, b.n_issues, b.n_proposals
    )
    assert "realpolitik validate split data/deu3/deu3-dev.csv --seed 0 --out halves" in SECTION


def test_the_accuracy_table_is_recomputed_to_the_decimals_printed(both_ways):
    computed = readme_table(*both_ways)
    header = computed.splitlines()[0]
    assert header in SECTION, "the README table's header differs from the computed one"
    printed, expected = table_rows(SECTION), table_rows(computed)
    assert list(printed) == list(expected), "the README table lists other models"
    for model, cells in expected.items():
        assert printed[model] == cells, f"README row {model!r}: {printed[model]} != {cells}"


def test_no_challenger_beats_the_compromise_model_beyond_its_interval(both_ways):
    assert "No challenger beats the compromise model by more than its interval" in SECTION
    for result in both_ways:
        for score in result.scores:
            if score.kind == "fitted on FIT":
                assert score.versus_compromise.high >= 0.0, (result.protocol, score.name)


def emission_standards() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    path = shared_path("data", "scholz2011", "emission-standards.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    def column(name: str, scale: float = 1.0) -> np.ndarray:
        return np.array([float(row[name]) / scale for row in rows])[None, :, None]

    return column("Position"), column("Salience", 100.0), column("Capability")


def test_the_program_reading_reproduces_the_count_of_table_2_values_printed():
    printed = re.search(r"reproduces (\d+) of its (\d+)\s+values", SECTION)
    assert printed is not None
    options = replace(EUM_READINGS["program"], max_rounds=8, tol=0.0)
    result = expected_utility(*emission_standards(), options=options)
    median, mean = result.median_path[0, 1:, 0], result.mean_path[0, 1:, 0]
    count = len(matched(median, TABLE_2_MEDIAN, "cut")) + len(matched(mean, TABLE_2_MEAN, "cut"))
    assert (count, len(TABLE_2_MEDIAN) + len(TABLE_2_MEAN)) == tuple(map(int, printed.groups()))


@pytest.mark.parametrize(
    "case", [("SOE-Pol-Comp.csv", "SOE-Pol-Comp.ktab-trace.txt"),
             ("dummyData_3Dim.csv", "dummyData_3Dim.ktab-trace.txt")],  # fmt: skip
)
def test_the_spatial_model_reproduces_every_state_of_the_ktab_traces(case):
    assert "reproduces\nevery state of KAPSARC's KTAB reference traces" in SECTION
    scenario = read_ktab_csv(shared_path("data", "ktab", case[0]))
    positions, probabilities = parse_trace(shared_path("data", "ktab", case[1]),
                                           *scenario.positions.shape)  # fmt: skip
    result = spatial_model(
        scenario.positions[None], scenario.salience[None], scenario.capability[None]
    )
    assert int(result.states[0]) == positions.shape[0]
    assert np.all(np.abs(result.trajectory[0] - positions) <= POSITION_PRINT)
    assert np.all(np.abs(result.win_probability[0] - probabilities) <= PROBABILITY_PRINT)


def test_the_traces_command_of_the_readme_writes_the_program_reading(tmp_path):
    from realpolitik.interfaces.cli import app

    command = "realpolitik run emission-standards --static --eum-reading program --trace"
    assert command in " ".join(SECTION.split())
    out = tmp_path / "run"
    result = CliRunner().invoke(app, [*command.split()[1:], "--out", str(out)])
    assert result.exit_code == 0, result.output
    with (out / "trace-eum.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["issue", "round", "actor", "position"]
    belgium = [float(r["position"]) for r in rows if r["actor"] == "belgium"]
    # the scenario's scale is years x 10; the published run log is in years
    np.testing.assert_allclose(np.array(belgium[1:9]) / 10.0, RUN_LOG_BELGIUM, atol=1e-6)
    with (out / "trace-spatial.csv").open(newline="", encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == ["issue", "state", "actor", "position"]
