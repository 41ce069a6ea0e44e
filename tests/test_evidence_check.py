"""Quotations checked against their documents; the sources, check and hypotheses commands."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from helpers import EXAMPLE, basic_example_text, shared_path
from realpolitik.analysis.evidence import (
    _check_one,
    _Document,
    check_quotes,
    clean_text,
    iter_quotes,
    parse_doc_option,
)
from realpolitik.interfaces.cli_judgment import hypotheses_command, sources_app
from realpolitik.scenario.loader import builtin_scenarios, load_scenario, parse_scenario

BRIEF = shared_path("brief", "russia-iran-syria-2019.txt")
FLAGSHIP = builtin_scenarios()["syria-2019"]


def cli() -> typer.Typer:
    app = typer.Typer()
    app.command("hypotheses")(hypotheses_command)
    app.add_typer(sources_app, name="sources")
    return app


def check(quote: str, document: str) -> str:
    return _check_one(("q",), "doc", quote, _Document.from_text(document)).status


# ---- normalisation -----------------------------------------------------------


@pytest.mark.parametrize(("quote", "document"), [
    ("military presence", "a mili-\ntary presence"),
    ("military presence", "a mili-  \n   tary presence"),
    ("Assad's skin", "Assad\u2019s skin"),
    ("the \"devil they know\"", "the \u201cdevil they know\u201d"),
    ("the 'devil they know'", "the \u201cdevil they know\u201d"),
    ("Iran—not forgetting Hezbollah", "Iran-not forgetting Hezbollah"),
    ("issues - Afghanistan", "issues\u2014Afghanistan"),
    ("in September 2015. However", "in September 2015.1\n\nHowever"),
    ("the supreme leader. On the very", "the supreme leader.<sup>2</sup> On the very"),
    ("Russian military. Other scenarios", "Russian military. 12 Other scenarios"),
    ("laissez faire policy", "this *laissez faire* policy"),
    ("either Damascus or Iran, with", "either Damascus or Iran , with"),
    ("holding   Syria", "holding\nSyria"),
    ("Holding Syria transcends", "the common interest of \"holding Syria\" transcends"),
    ("first part ... second part", "first part and much else, then second part."),
    ("at least for the moment.", "divergence\u2014at least for the moment."),
])
def test_normalisation_finds_the_quote(quote, document):
    assert check(quote, document) == "found"


@pytest.mark.parametrize(("quote", "document"), [
    ("a strong reaction from Moscow", "the weak reaction from Moscow"),
    ("second part ... first part", "first part and much else, then second part."),
    ("Iran must", "Iranian musts"),
])
def test_normalisation_does_not_excuse_changed_words(quote, document):
    assert check(quote, document) in ("altered", "missing")


def test_clean_text_keeps_case_and_years():
    assert clean_text("In 2015, Putin\u00a0sent") == "In 2015, Putin sent"


def test_altered_quote_shows_the_closest_passage_and_the_word():
    doc = _Document.from_text("In that regard, the weak reaction from Moscow to Donald "
                              "Trump's recognition of the annexation is evidence.")
    result = _check_one(("x",), "brief", "the strong reaction from Moscow to Donald Trump's",
                        doc)
    assert result.status == "altered"
    assert result.closest == "the weak reaction from Moscow to Donald Trump's"
    assert result.differences == ["source has 'weak', quote has 'strong'"]


def test_quotes_are_found_everywhere_in_a_scenario():
    text = basic_example_text() + (
        "hypotheses:\n  - {id: ha, name: A}\n"
        "evidence:\n  - {id: e1, text: t, source: notes, quote: \"the economy weaker\"}\n")
    paths = [path for path, _, _ in iter_quotes(parse_scenario(text))]
    assert ("actors", 1, "capability", "quote") in paths
    assert ("evidence", 0, "quote") in paths


def test_doc_option_must_name_an_id_and_a_path():
    assert parse_doc_option("brief=some/file.txt")[0] == "brief"
    with pytest.raises(ValueError, match="SOURCE_ID=PATH"):
        parse_doc_option("some/file.txt")


# ---- the flagship against its brief --------------------------------------------


@pytest.mark.skipif(BRIEF is None, reason="the brief text (shared/brief/) is not present")
def test_every_flagship_quote_is_in_the_brief():
    checks = check_quotes(load_scenario(), {"brief": BRIEF.read_text(encoding="utf-8")})
    failed = [(c.path, c.quote, c.closest) for c in checks if c.failed]
    assert not failed
    assert len(checks) >= 15
    assert all(c.status == "found" for c in checks if c.source == "brief")


@pytest.mark.skipif(BRIEF is None, reason="the brief text (shared/brief/) is not present")
def test_sources_check_passes_on_the_flagship():
    result = CliRunner().invoke(cli(), ["sources", "check", "--doc", f"brief={BRIEF}"])
    assert result.exit_code == 0, result.output
    assert "0 missing or altered" in result.output


@pytest.mark.skipif(BRIEF is None, reason="the brief text (shared/brief/) is not present")
def test_sources_check_catches_a_quote_altered_by_one_word(tmp_path):
    original = "the weak reaction from Moscow"
    text = FLAGSHIP.read_text(encoding="utf-8")
    assert original in text
    altered = tmp_path / "altered.yaml"
    altered.write_text(text.replace(original, "the strong reaction from Moscow", 1),
                       encoding="utf-8")
    result = CliRunner().invoke(
        cli(), ["sources", "check", str(altered), "--doc", f"brief={BRIEF}"])
    assert result.exit_code == 1
    assert "altered" in result.output
    assert "weak" in result.output and "strong" in result.output


def test_sources_check_without_documents_reports_unchecked(basic_example):
    result = CliRunner().invoke(cli(), ["sources", "check", str(basic_example)])
    assert result.exit_code == 0
    assert "1 unchecked" in result.output and "not a failure" in result.output


def test_sources_check_refuses_an_unreadable_document(tmp_path):
    result = CliRunner().invoke(
        cli(), ["sources", "check", str(EXAMPLE), "--doc", f"notes={tmp_path / 'none.txt'}"])
    assert result.exit_code == 2
    assert "cannot be read" in result.output


def test_sources_check_refuses_a_document_for_an_undeclared_source(tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("text")
    result = CliRunner().invoke(cli(), ["sources", "check", str(EXAMPLE), "--doc", f"zz={doc}"])
    assert result.exit_code == 2
    assert "zz" in result.output


def test_sources_listing_shows_every_number(basic_example):
    result = CliRunner().invoke(cli(), ["sources", str(basic_example)])
    assert result.exit_code == 0, result.output
    assert "16 numbers: 1 quote a source, 1 state an estimate, 14 give no evidence" in (
        result.output)
    assert "[15, 30]" in result.output


def test_sources_listing_reports_a_bad_scenario_in_one_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.read_text().replace("capability: 60", "capability: -1"))
    result = CliRunner().invoke(cli(), ["sources", str(bad)])
    assert result.exit_code == 2
    assert "actors[0].capability" in result.output
    assert "Traceback" not in result.output


# ---- hypotheses command ------------------------------------------------------------


def test_hypotheses_on_a_scenario_without_any(basic_example):
    result = CliRunner().invoke(cli(), ["hypotheses", str(basic_example)])
    assert result.exit_code == 0
    assert "declares no competing hypotheses" in result.output


def test_hypotheses_on_the_flagship():
    scenario = load_scenario()
    if not scenario.hypotheses:
        pytest.skip("the flagship declares no hypotheses yet")
    result = CliRunner().invoke(cli(), ["hypotheses"])
    assert result.exit_code == 0, result.output
    for hypothesis in scenario.hypotheses:
        assert hypothesis.id in result.output
    assert "Drop-one sensitivity" in result.output
    assert "highest posterior" in result.output
