"""The report and the terminal as their readers meet them.

One small run of the flagship and one of the river tutorial, made once for
the module through the command line (``--detail`` prints every table), are
read as a user would: the bottom line comes first; no field path
(``actors[7].capability``) or ``kind:id`` label reaches the page or the
terminal; every table of the report has its data file; and, in a real
headless browser at 1280 and 800 pixels wide, every image loads, the page
never scrolls sideways and the bottom line is in the first screen.
"""

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import EXAMPLE
from realpolitik.interfaces.cli import app

SMALL = ["--draws", "200", "--sobol-samples", "16"]
INDEXED = re.compile(r"\w+\[\d+\]")
KIND_ID = re.compile(r"\b(?:settlement|cohesion|rupture|fired|fired_year):[a-z]")
IMAGES = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")
CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"]


def _run(folder: Path, *scenario: str) -> tuple[Path, str]:
    result = CliRunner().invoke(app, ["run", *scenario, "--out", str(folder), *SMALL,
                                      "--detail"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return folder, result.output


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("reading")
    return {"flagship": _run(root / "flagship"), "river": _run(root / "river", str(EXAMPLE))}


def _page(folder: Path) -> str:
    return IMAGES.sub("", (folder / "report.html").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["flagship", "river"])
def test_no_field_path_or_outcome_label_reaches_a_reader(runs, name):
    folder, output = runs[name]
    for text, where in ((_page(folder), "report"), (output, "terminal")):
        assert not INDEXED.findall(text), (where, INDEXED.findall(text)[:5])
        assert not KIND_ID.findall(text), (where, KIND_ID.findall(text)[:5])


@pytest.mark.parametrize("name", ["flagship", "river"])
def test_the_bottom_line_comes_first(runs, name):
    folder, output = runs[name]
    page = _page(folder)
    assert page.index('id="bottom-line"') < page.index("<section", page.index("<main>") + 1) + 40
    first = output.index("Bottom line")
    assert first < output.index("How each issue settles")
    assert "Key judgments" in output and "What the model leaves out" in output
    assert "US ICD 203" in page and "What the model leaves out" in page


def test_the_river_leads_with_its_settlement(runs):
    folder, _ = runs["river"]
    line = json.loads((folder / "results" / "bottom-line.json").read_text())
    assert line["judgments"][0]["topic"] == "settlement"
    assert line["answer"][0].startswith("Downstream share of the flow settles at")
    assert len(line["limitations"]) == 2


@pytest.mark.parametrize("name", ["flagship", "river"])
def test_every_table_of_the_report_has_its_data_file(runs, name):
    folder, _ = runs[name]
    page = _page(folder)
    tables = re.findall(r"<table\b[^>]*>", page)
    assert tables
    for tag in tables:
        found = re.search(r"data-file=['\"]([^'\"]+)['\"]", tag)
        assert found, tag
        csv = folder / found.group(1)
        assert csv.is_file() and csv.with_suffix(".json").is_file(), csv


def test_every_result_is_written_as_data(runs):
    import pandas as pd

    folder, _ = runs["flagship"]
    for table in ("survival", "game-changers", "lever-ranking", "lever-effects", "prim-boxes",
                  "sobol", "tornado", "questions", "hypotheses", "bottom-line"):
        assert (folder / "results" / f"{table}.csv").is_file(), table
        assert (folder / "results" / f"{table}.json").is_file(), table
    survival = pd.read_csv(folder / "results" / "survival.csv")
    assert {"alliance_id", "alliance", "date", "holds", "low", "high"} <= set(survival.columns)
    assert survival["holds"].between(0, 1).all()
    hypotheses = pd.read_csv(folder / "results" / "hypotheses.csv")
    assert hypotheses["posterior"].notna().all()
    sobol = pd.read_csv(folder / "results" / "sobol.csv")
    assert sobol["parameter"].str.contains(INDEXED).any()  # ids for machines
    assert not sobol["name"].str.contains(INDEXED).any()  # names for readers
    names = pd.read_csv(folder / "ensemble" / "parameters-names.csv")
    columns = pd.read_parquet(folder / "ensemble" / "parameters.parquet").columns
    assert list(names["column"]) == [c for c in columns if c != "draw"]


def test_one_manifest_says_what_made_the_run(runs):
    folder, _ = runs["flagship"]
    manifest = json.loads((folder / "manifest.json").read_text())
    # in-process here, so the command is read from pytest's own argv: the program name is
    # what can be checked; the arguments are checked on a real argv below
    assert manifest["command"].split(" ")[0] == "realpolitik"
    assert "__main__" not in manifest["command"]
    from realpolitik.outputs.rundir import command_line

    assert command_line(["/x/realpolitik/__main__.py", "run", "--seed", "0"]) == (
        "realpolitik run --seed 0")
    assert "file's bytes" in manifest["scenario_hash_of"]
    ensemble = json.loads((folder / "ensemble" / "manifest.json").read_text())
    assert manifest["parsed_scenario_hash"] == ensemble["scenario_hash"]
    assert set(manifest["dependencies"]) == {"numpy", "scipy", "pandas", "pydantic", "SALib",
                                             "matplotlib"}
    assert all(manifest["dependencies"].values())
    assert "git_commit" in manifest


def test_the_default_terminal_output_keeps_the_long_tables_for_detail(tmp_path):
    result = CliRunner().invoke(app, ["run", str(EXAMPLE), "--out", str(tmp_path / "r"),
                                      "--draws", "100", "--sobol-samples", "0"],
                                env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert result.output.index("Bottom line") < result.output.index("Will the alliances hold?")
    assert "Scenario discovery:" not in result.output and "--detail" in result.output


@pytest.mark.skipif(not CHROMIUM.exists() and shutil.which("chromium") is None,
                    reason="no Chromium executable (/usr/bin/chromium) to open the report in")
def test_the_flagship_report_in_a_real_browser(runs):
    from playwright.sync_api import sync_playwright

    folder, _ = runs["flagship"]
    executable = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        try:
            for width in (1280, 800):
                page = browser.new_page(viewport={"width": width, "height": 800})
                page.goto((folder / "report.html").resolve().as_uri())
                page.wait_for_load_state("load")
                seen = page.evaluate("""() => ({
                    images: document.images.length,
                    broken: [...document.images].filter(i => !(i.naturalWidth > 0)).length,
                    scrollWidth: document.scrollingElement.scrollWidth,
                    innerWidth: window.innerWidth,
                    innerHeight: window.innerHeight,
                    bottomLine: document.getElementById('bottom-line')
                        .querySelector('.answer').getBoundingClientRect().top,
                })""")
                assert seen["images"] >= 10 and seen["broken"] == 0, (width, seen)
                assert seen["scrollWidth"] <= seen["innerWidth"], (width, seen)
                assert 0 <= seen["bottomLine"] < seen["innerHeight"], (width, seen)
                page.close()
        finally:
            browser.close()


def test_the_recorded_command_reads_as_typed():
    from realpolitik.outputs.rundir import command_line

    assert command_line(["/site/realpolitik/__main__.py", "run", "--seed", "0"]) == (
        "realpolitik run --seed 0")
    assert command_line(["/usr/bin/realpolitik", "run"]) == "realpolitik run"
