"""Analysis of Competing Hypotheses: hand-worked scores, Bayes, dependence, intervals, cautions."""

from __future__ import annotations

import html
import json
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from helpers import EXAMPLE
from realpolitik.analysis.ach import (
    AchMatrix,
    analyse,
    analyse_hypotheses,
    dependence_clusters,
    dependence_scale,
    diagnosticity,
    effective_number,
    likelihoods,
    posteriors,
)
from realpolitik.interfaces.cli import app
from realpolitik.outputs.figures_judgment import RATING_COLOURS, ach_section
from realpolitik.scenario.errors import ScenarioError
from realpolitik.scenario.loader import load_scenario, parse_scenario

runner = CliRunner()


def _flat(text: str) -> str:
    """Text with line breaks and runs of spaces closed up (the terminal wraps lines)."""
    return " ".join(text.split())


BASE = """
scenario: {id: toy, title: Toy, as_of: 2020-01-01}
sources:
  - {id: notes, title: Notes}
actors:
  - {id: a, name: A, capability: 1}
issues:
  - {id: k, name: K, low: none, high: all, horizon: short}
stances:
  k: {a: {position: 50, salience: 1}}
"""

DECLARED = "ach: {exclusive: true, exhaustive: true}\n"

HAND = BASE + DECLARED + """
hypotheses:
  - {id: ha, name: First}
  - {id: hb, name: Second}
evidence:
  - id: e1
    text: one
    credibility: 1.0
    relevance: 1.0
    ratings: {ha: C, hb: I}
  - id: e2
    text: two
    credibility: high
    relevance: 0.5
    ratings: {ha: N, hb: CC}
  - id: e3
    text: three
    credibility: medium
    relevance: 1.0
    ratings: {ha: II, hb: C}
"""
# Hand computation (likelihoods CC .9, C .7, N .5, I .3, II .1; P = w L + (1 - w) .5):
#   weights: e1 1.0 * 1.0 = 1.0; e2 high 0.9 * 0.5 = 0.45; e3 medium 0.6 * 1.0 = 0.6
#   e1: ha 0.7,                    hb 0.3
#   e2: ha 0.45*.5+.55*.5 = 0.5,   hb 0.45*.9+.55*.5 = 0.405+0.275 = 0.68
#   e3: ha 0.6*.1+.4*.5 = 0.26,    hb 0.6*.7+.4*.5 = 0.62
#   unnormalised posteriors (equal priors cancel): ha .7*.5*.26 = 0.091,
#   hb .3*.68*.62 = 0.12648; P(ha) = 0.091 / 0.21748 = 0.418429...
#   plain inconsistency counts: ha 1 (e3 II), hb 1 (e1 I)
#   weighted inconsistency: ha 0.6 * 2 = 1.2; hb 1.0 * 1 = 1.0
#   diagnosticity: e1 ln(.7/.3), e2 ln(.68/.5), e3 ln(.62/.26)
#   dropping e3: ha .35 vs hb .204 -> ha leads: the leader changes.


def hand_result():
    return analyse_hypotheses(parse_scenario(HAND))


def test_hand_worked_inconsistency_scores():
    result = hand_result()
    np.testing.assert_allclose(result.inconsistency_count, [1, 1])
    np.testing.assert_allclose(result.inconsistency, [1.2, 1.0])
    assert result.inconsistency_ranking == ["hb", "ha"]


def test_hand_worked_likelihoods_and_posteriors():
    result = hand_result()
    np.testing.assert_allclose(result.likelihoods, [[0.7, 0.3], [0.5, 0.68], [0.26, 0.62]])
    expected_a = 0.091 / (0.091 + 0.12648)
    np.testing.assert_allclose(result.posteriors, [expected_a, 1 - expected_a])
    assert result.posterior_ranking == ["hb", "ha"]


def test_hand_worked_diagnosticity():
    result = hand_result()
    expected = [math.log(0.7 / 0.3), math.log(0.68 / 0.5), math.log(0.62 / 0.26)]
    np.testing.assert_allclose(result.diagnosticity, expected)


def test_drop_one_finds_the_item_the_leader_hinges_on():
    result = hand_result()
    by_id = {d.evidence_id: d for d in result.sensitivity}
    assert by_id["e3"].leader_changes
    np.testing.assert_allclose(by_id["e3"].posteriors, [0.35 / 0.554, 0.204 / 0.554])
    assert by_id["e3"].inconsistency_ranking_changes  # ha loses its II
    assert not by_id["e2"].leader_changes
    # dropping e1 removes hb's only I: hb stays least inconsistent, but with 0 vs 1.2
    assert not by_id["e1"].inconsistency_ranking_changes


def test_stated_priors_are_normalised_and_used():
    text = HAND.replace("{id: ha, name: First}", "{id: ha, name: First, prior: 0.6}").replace(
        "{id: hb, name: Second}", "{id: hb, name: Second, prior: 0.2}")
    result = analyse_hypotheses(parse_scenario(text))
    np.testing.assert_allclose(result.matrix.priors, [0.75, 0.25])
    a, b = 0.75 * 0.091, 0.25 * 0.12648
    np.testing.assert_allclose(result.posteriors[0], a / (a + b))


def test_no_evidence_leaves_the_priors():
    text = BASE + DECLARED + ("hypotheses:\n  - {id: ha, name: A, prior: 0.3}\n"
                              "  - {id: hb, name: B, prior: 0.1}\n")
    result = analyse_hypotheses(parse_scenario(text))
    np.testing.assert_allclose(result.posteriors, [0.75, 0.25])
    assert result.sensitivity == []


ratings_st = st.sampled_from(["CC", "C", "N", "I", "II"])


@st.composite
def matrices(draw):
    n_hyp = draw(st.integers(1, 4))
    n_items = draw(st.integers(0, 6))
    ratings = np.array([[draw(ratings_st) for _ in range(n_hyp)] for _ in range(n_items)],
                       dtype=object).reshape(n_items, n_hyp)
    weights = np.array([draw(st.floats(0, 1)) for _ in range(n_items)])
    raw = np.array([draw(st.floats(0.01, 1)) for _ in range(n_hyp)])
    sources = tuple(draw(st.sampled_from([None, "s1", "s2"])) for _ in range(n_items))
    return AchMatrix(tuple(f"h{i}" for i in range(n_hyp)), tuple(f"e{i}" for i in range(n_items)),
                     ratings, weights, raw / raw.sum(), sources=sources,
                     rho=draw(st.floats(0, 1)), exclusive=True, exhaustive=True)


@settings(max_examples=60, deadline=None)
@given(matrices())
def test_posteriors_are_a_distribution(matrix):
    result = analyse(matrix)
    assert np.all(result.posteriors >= 0)
    assert result.posteriors.sum() == pytest.approx(1.0)
    assert np.all(result.diagnosticity >= 0)


@settings(max_examples=60, deadline=None)
@given(matrices(), st.randoms(use_true_random=False))
def test_order_of_items_does_not_matter(matrix, rnd):
    order = list(range(len(matrix.evidence_ids)))
    rnd.shuffle(order)
    shuffled = AchMatrix(matrix.hypothesis_ids, tuple(matrix.evidence_ids[i] for i in order),
                         matrix.ratings[order], matrix.weights[order], matrix.priors,
                         sources=tuple(matrix.sources[i] for i in order), rho=matrix.rho,
                         exclusive=True, exhaustive=True)
    a, b = analyse(matrix), analyse(shuffled)
    np.testing.assert_allclose(a.posteriors, b.posteriors)
    np.testing.assert_allclose(a.inconsistency, b.inconsistency)
    np.testing.assert_allclose(a.diagnosticity[order], b.diagnosticity)


@settings(max_examples=60, deadline=None)
@given(matrices(), st.floats(0, 1))
def test_item_rated_neutral_everywhere_is_not_diagnostic_and_moves_nothing(matrix, weight):
    n_hyp = len(matrix.hypothesis_ids)
    neutral = np.full((1, n_hyp), "N", dtype=object)
    extended = AchMatrix(matrix.hypothesis_ids, (*matrix.evidence_ids, "neutral"),
                         np.vstack([matrix.ratings.reshape(-1, n_hyp), neutral]),
                         np.append(matrix.weights, weight), matrix.priors,
                         sources=(*matrix.sources, None), rho=matrix.rho,
                         exclusive=True, exhaustive=True)
    before, after = analyse(matrix), analyse(extended)
    assert after.diagnosticity[-1] == 0.0
    np.testing.assert_allclose(after.posteriors, before.posteriors)
    np.testing.assert_allclose(after.inconsistency, before.inconsistency)
    assert after.sensitivity[-1].max_shift == pytest.approx(0.0, abs=1e-12)


def test_weightless_item_changes_nothing():
    ratings = np.array([["CC", "II"]], dtype=object)
    lik = likelihoods(ratings, np.array([0.0]))
    np.testing.assert_allclose(lik, [[0.5, 0.5]])
    np.testing.assert_allclose(posteriors(np.array([0.3, 0.7]), lik), [0.3, 0.7])
    np.testing.assert_allclose(diagnosticity(lik), [0.0])


def test_matrix_rejects_unknown_ratings_and_bad_priors():
    with pytest.raises(ValueError, match="unknown ratings"):
        AchMatrix(("a",), ("e",), np.array([["X"]], dtype=object), np.array([1.0]),
                  np.array([1.0]))
    with pytest.raises(ValueError, match="sum to 1"):
        AchMatrix(("a",), (), np.empty((0, 1), dtype=object), np.zeros(0), np.array([0.5]))


# ---- scenario checks -------------------------------------------------------


@pytest.mark.parametrize(("fragment", "message"), [
    ("ratings: {ha: C, hz: I}", "undeclared hypothesis 'hz'"),
    ("source: elsewhere", "undeclared source 'elsewhere'"),
    ("quote: unsourced words", "a quote needs the 'source'"),
    ("ratings: {ha: maybe}", "Input should be"),
    ("credibility: sometimes", "expected low, medium, high"),
])
def test_evidence_problems_name_the_line_and_field(fragment, message):
    text = BASE + ("hypotheses:\n  - {id: ha, name: A}\nevidence:\n  - id: e1\n"
                   f"    text: one\n    {fragment}\n")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, path="toy.yaml")
    rendered = caught.value.render()
    assert message in rendered
    assert "toy.yaml:" in rendered and "evidence[0]" in rendered


def test_priors_for_some_hypotheses_only_are_rejected():
    text = BASE + "hypotheses:\n  - {id: ha, name: A, prior: 0.5}\n  - {id: hb, name: B}\n"
    with pytest.raises(ScenarioError, match="every hypothesis or to none"):
        parse_scenario(text)


def test_ratings_accept_lower_case():
    text = HAND.replace("{ha: C, hb: I}", "{ha: c, hb: ii}")
    scenario = parse_scenario(text)
    assert scenario.evidence[0].ratings == {"ha": "C", "hb": "II"}


# ---- report section --------------------------------------------------------


def test_ach_section_colours_ratings_and_escapes_text():
    scenario = parse_scenario(HAND.replace("text: one", "text: \"<b>one</b> & more\""))
    section = ach_section(scenario)
    assert RATING_COLOURS["II"] in section.body_html
    assert RATING_COLOURS["CC"] in section.body_html
    assert "&lt;b&gt;one&lt;/b&gt; &amp; more" in section.body_html
    assert "<b>one</b>" not in section.body_html


def test_ach_section_without_hypotheses_says_so():
    section = ach_section(parse_scenario(BASE))
    assert "no competing hypotheses" in section.body_html


def test_flagship_hypotheses_are_weighed():
    scenario = load_scenario()
    if not scenario.hypotheses:
        pytest.skip("the flagship declares no hypotheses yet")
    result = analyse_hypotheses(scenario)
    ids = set(result.matrix.hypothesis_ids)
    assert {"partnership_of_convenience", "enduring_alliance"} <= ids
    assert len(scenario.evidence) >= 15
    assert result.posteriors.sum() == pytest.approx(1.0)


def test_public_namespace_of_the_judgment_modules():
    import importlib

    expected = {
        "realpolitik.scenario.judgment": {"Hypothesis", "EvidenceItem", "Question",
                                          "judgment_reference_errors"},
        "realpolitik.analysis.ach": {"analyse_hypotheses", "analyse", "AchMatrix", "AchResult"},
        "realpolitik.analysis.indicators": {"evaluate", "probability", "ExpressionError",
                                            "parse_expression"},
        "realpolitik.analysis.questions": {"forecast_questions", "load_questions"},
        "realpolitik.analysis.scores": {"score_forecasts", "brier_scores", "log_scores"},
        "realpolitik.analysis.evidence": {"check_quotes", "iter_quotes", "number_evidence"},
        "realpolitik.outputs.figures_judgment": {"ach_section", "questions_section",
                                                 "reliability_diagram"},
        "realpolitik.interfaces.cli_judgment": {"hypotheses_command", "score_command",
                                                "sources_app"},
    }
    for name, names in expected.items():
        module = importlib.import_module(name)
        assert names <= set(module.__all__), name
        assert all(hasattr(module, public) for public in module.__all__), name


# ---- dependent evidence: Kish's effective number --------------------------------


def two_items(source_a, source_b, rho, rating="C"):
    """Two identical items rating ha C (or ``rating``) and hb I, full weight."""
    ratings = np.array([[rating, "I"], [rating, "I"]], dtype=object)
    return AchMatrix(("ha", "hb"), ("e1", "e2"), ratings, np.ones(2), np.array([0.5, 0.5]),
                     sources=(source_a, source_b), rho=rho, exclusive=True, exhaustive=True)


def one_item():
    return AchMatrix(("ha", "hb"), ("e1",), np.array([["C", "I"]], dtype=object), np.ones(1),
                     np.array([0.5, 0.5]), exclusive=True, exhaustive=True)


def test_two_copies_from_one_source_with_rho_one_count_as_one_item():
    twice, once = analyse(two_items("s", "s", rho=1.0)), analyse(one_item())
    np.testing.assert_allclose(twice.scale, [0.5, 0.5])
    np.testing.assert_allclose(twice.posteriors, once.posteriors)
    np.testing.assert_allclose(once.posteriors, [0.7, 0.3])  # 0.7 / (0.7 + 0.3)
    np.testing.assert_allclose(twice.likelihood_ratio, once.likelihood_ratio)
    assert twice.effective_items == pytest.approx(1.0)


def test_two_copies_with_rho_zero_or_different_sources_count_twice():
    # independent: 0.7^2 / (0.7^2 + 0.3^2) = 0.49 / 0.58
    for matrix in (two_items("s", "s", rho=0.0), two_items("s", "t", rho=1.0),
                   two_items(None, None, rho=1.0)):
        result = analyse(matrix)
        np.testing.assert_allclose(result.posteriors, [0.49 / 0.58, 0.09 / 0.58])
        np.testing.assert_allclose(result.scale, [1.0, 1.0])


def test_half_correlated_pair_counts_as_four_thirds():
    # n = 2, rho = 0.5: n_eff = 2 / 1.5 = 4/3, each item scaled by 2/3;
    # log odds = (4/3) ln(0.7 / 0.3)
    result = analyse(two_items("s", "s", rho=0.5))
    np.testing.assert_allclose(result.scale, [2 / 3, 2 / 3])
    odds = (0.7 / 0.3) ** (4 / 3)
    np.testing.assert_allclose(result.posteriors, [odds / (1 + odds), 1 / (1 + odds)])
    np.testing.assert_allclose(result.likelihood_ratio, [1.0, 1 / odds])


def test_effective_number_by_hand():
    np.testing.assert_allclose(effective_number(np.array([1, 2, 3, 23]), 0.5),
                               [1.0, 4 / 3, 1.5, 23 / 12])
    np.testing.assert_allclose(effective_number(5, 0.0), 5.0)
    np.testing.assert_allclose(effective_number(5, 1.0), 1.0)


def test_clusters_join_items_sharing_a_source_or_a_group_transitively():
    sources = ["a", None, "b", "a", None, "c"]
    groups = [None, "g", "g", None, None, None]
    # items 0 and 3 share source a; 1 and 2 share group g; 4 and 5 stand alone
    np.testing.assert_array_equal(dependence_clusters(sources, groups), [0, 1, 1, 0, 4, 5])
    linked = dependence_clusters(["a", "a", "b"], [None, "g", "g"])
    np.testing.assert_array_equal(linked, [0, 0, 0])  # 0-1 by source, 1-2 by group
    # a source and a group with the same name are different things
    np.testing.assert_array_equal(dependence_clusters(["x", None], [None, "x"]), [0, 1])
    scale = dependence_scale(np.array([0, 0, 0, 3]), np.array([0.0, 1.0]))
    np.testing.assert_allclose(scale, [[1, 1, 1, 1], [1 / 3, 1 / 3, 1 / 3, 1]])


# ---- declarations: exclusive, exhaustive, catch-all -----------------------------

UNDECLARED = HAND.replace(DECLARED, "")


def test_posteriors_are_withheld_unless_declared_exclusive_and_exhaustive():
    for declaration, reason in (("", "not declared mutually exclusive"),
                                ("ach: {exclusive: true}\n", "not exhaustive")):
        result = analyse_hypotheses(parse_scenario(BASE + declaration + HAND[len(BASE)
                                                                          + len(DECLARED):]))
        assert result.posteriors is None and result.posterior_interval is None
        assert result.posterior_ranking == []
        assert reason in result.cautions[0].text
        # the likelihood ratios still compare the hypotheses (hb best, as by hand)
        np.testing.assert_allclose(result.likelihood_ratio, [0.091 / 0.12648, 1.0])
        assert all(d.max_shift is None and d.posteriors is None for d in result.sensitivity)


def test_a_catch_all_hypothesis_makes_the_set_exhaustive():
    text = UNDECLARED.replace("hypotheses:\n", "ach: {exclusive: true}\nhypotheses:\n"
                              "  - {id: other, name: Something else, catch_all: true}\n")
    result = analyse_hypotheses(parse_scenario(text))
    assert result.posteriors is not None
    assert result.posteriors.sum() == pytest.approx(1.0)
    assert "catch-all 'other'" in result.cautions[0].text
    assert "other" in result.non_diagnostic  # nothing rates it: flagged as such


def test_only_one_catch_all():
    text = BASE + ("hypotheses:\n  - {id: ha, name: A, catch_all: true}\n"
                   "  - {id: hb, name: B, catch_all: true}\n")
    with pytest.raises(ScenarioError, match="only one hypothesis can be the catch-all"):
        parse_scenario(text)


def test_old_files_without_an_ach_section_still_load():
    scenario = parse_scenario(UNDECLARED)
    assert scenario.ach is None
    assert analyse_hypotheses(scenario).matrix.rho == 0.5


# ---- non-diagnostic hypotheses ---------------------------------------------------

UNTESTED = BASE + DECLARED + """
hypotheses:
  - {id: ha, name: First}
  - {id: hb, name: Untested}
evidence:
  - {id: e1, text: one, credibility: high, ratings: {ha: I, hb: C}}
  - {id: e2, text: two, credibility: medium, ratings: {ha: C, hb: C}}
"""


def test_a_hypothesis_nothing_rates_i_or_ii_is_flagged_non_diagnostic():
    result = analyse_hypotheses(parse_scenario(UNTESTED))
    assert result.non_diagnostic == ("hb",)
    flagged = [c for c in result.cautions if c.kind == "non_diagnostic"]
    assert len(flagged) == 1 and "'hb' is non-diagnostic" in flagged[0].text
    assert "does not support it over the others" in flagged[0].text


def test_no_evidence_flags_nothing_but_says_so():
    text = BASE + DECLARED + "hypotheses:\n  - {id: ha, name: A}\n  - {id: hb, name: B}\n"
    result = analyse_hypotheses(parse_scenario(text))
    assert result.non_diagnostic == ()
    assert [c.kind for c in result.cautions] == ["exclusivity", "no_evidence"]


def test_flagship_flags_its_catch_all_as_non_diagnostic():
    result = analyse_hypotheses(load_scenario())
    catch_all = result.matrix.catch_all
    assert catch_all is not None
    assert catch_all in result.non_diagnostic
    assert result.posteriors is not None
    # one author's brief: every item shares the source, and rho is above zero
    assert len(set(result.matrix.clusters)) == 1
    assert result.effective_items < 5


def test_tutorial_river_scenario_flags_stalling():
    result = runner.invoke(app, ["hypotheses", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "'stalling' is non-diagnostic" in _flat(result.output)
    assert "Least inconsistent (Heuer): stalling (non-diagnostic)" in _flat(result.output)


# ---- intervals, seeds, order ------------------------------------------------------

UNCERTAIN = BASE + """
ach: {exclusive: true, exhaustive: true, rho: [0.2, 0.8], draws: 500}
hypotheses:
  - {id: ha, name: First, prior: [0.2, 0.6]}
  - {id: hb, name: Second, prior: 0.3}
  - {id: hc, name: Third, prior: [0.1, 0.3]}
evidence:
  - {id: e1, text: one, source: notes, credibility: [0.3, 0.9], ratings: {ha: C, hb: I, hc: N}}
  - {id: e2, text: two, source: notes, credibility: high, ratings: {ha: II, hb: C, hc: C}}
  - {id: e3, text: three, group: g, credibility: low, ratings: {ha: CC, hb: N, hc: I}}
  - {id: e4, text: four, group: g, credibility: [0.5, 0.7], relevance: 0.5,
     ratings: {ha: N, hb: CC, hc: I}}
  - {id: e5, text: five, credibility: medium, ratings: {ha: C, hb: C, hc: II}}
"""


def test_interval_contains_the_point_posterior_and_posteriors_sum_to_one():
    result = analyse_hypotheses(parse_scenario(UNCERTAIN))
    interval = result.posterior_interval
    assert result.posteriors.sum() == pytest.approx(1.0)
    assert np.all(interval.low <= result.posteriors) and np.all(result.posteriors <= interval.high)
    assert np.all(interval.low < interval.high)  # the inputs are uncertain
    assert np.all(interval.low <= interval.median) and np.all(interval.median <= interval.high)
    ratio = result.likelihood_ratio_interval
    assert np.all(ratio.low <= result.likelihood_ratio + 1e-12)
    assert np.all(result.likelihood_ratio <= ratio.high + 1e-12)
    assert result.draws == 500 and result.seed == 0


def test_same_seed_same_result_other_seed_other_draws():
    scenario = parse_scenario(UNCERTAIN)
    a, b = analyse_hypotheses(scenario, seed=3), analyse_hypotheses(scenario, seed=3)
    c = analyse_hypotheses(scenario, seed=4)
    for name in ("median", "low", "high"):
        np.testing.assert_array_equal(getattr(a.posterior_interval, name),
                                      getattr(b.posterior_interval, name))
    assert not np.array_equal(a.posterior_interval.low, c.posterior_interval.low)
    np.testing.assert_array_equal(a.posteriors, c.posteriors)  # the point does not move


def _reordered(text: str, section: str, order: list[int]) -> str:
    """The scenario text with the entries of one section in another order."""
    head, rest = text.split(f"{section}:\n", 1)
    body, _, tail = rest.partition("\n" + ("evidence:" if section == "hypotheses" else "\0"))
    entries = re.split(r"\n(?=  - )", body.strip("\n"))
    reordered = "\n".join(entries[i] for i in order) + "\n"
    rejoined = f"{head}{section}:\n{reordered}"
    return rejoined + ("evidence:" + tail if section == "hypotheses" else "")


def test_invariant_to_the_order_of_hypotheses_and_items():
    base = analyse_hypotheses(parse_scenario(UNCERTAIN))
    for section, order in (("hypotheses", [2, 0, 1]), ("evidence", [4, 2, 0, 3, 1])):
        other = analyse_hypotheses(parse_scenario(_reordered(UNCERTAIN, section, order)))
        assert sorted(other.matrix.hypothesis_ids) == sorted(base.matrix.hypothesis_ids)
        assert len(other.matrix.evidence_ids) == 5
        if section == "evidence":
            assert other.matrix.evidence_ids != base.matrix.evidence_ids
        else:
            assert other.matrix.hypothesis_ids != base.matrix.hypothesis_ids
        for h in base.matrix.hypothesis_ids:
            i, j = base.matrix.hypothesis_ids.index(h), other.matrix.hypothesis_ids.index(h)
            for name in ("posteriors", "likelihood_ratio", "inconsistency"):
                assert getattr(other, name)[j] == pytest.approx(getattr(base, name)[i])
            for name in ("median", "low", "high"):
                assert (getattr(other.posterior_interval, name)[j]
                        == pytest.approx(getattr(base.posterior_interval, name)[i]))
        assert set(other.non_diagnostic) == set(base.non_diagnostic)


def test_a_leader_the_draws_do_not_settle_is_cautioned():
    # no evidence; ha's prior is above hb's (0.5 vs 0.45) at the point, below in ~44% of draws
    text = BASE + DECLARED + ("hypotheses:\n  - {id: ha, name: A, prior: [0.1, 0.9]}\n"
                              "  - {id: hb, name: B, prior: 0.45}\n")
    result = analyse_hypotheses(parse_scenario(text))
    assert result.posterior_ranking[0] == "ha"
    assert 0.4 < result.leader_share < 0.6  # P(U(0.1, 0.9) > 0.45) = 0.5625
    unsettled = [c.text for c in result.cautions if c.kind == "uncertain_leader"]
    assert unsettled and "'ha' has the highest posterior in only" in unsettled[0]
    settled = analyse_hypotheses(parse_scenario(HAND))
    assert settled.leader_share == 1.0
    assert not any(c.kind == "uncertain_leader" for c in settled.cautions)


def test_credibility_accepts_a_range_and_rejects_one_outside_zero_one():
    scenario = parse_scenario(UNCERTAIN)
    assert scenario.evidence[0].credibility_value == pytest.approx(0.6)
    with pytest.raises(ScenarioError, match="between 0 and 1"):
        parse_scenario(UNCERTAIN.replace("credibility: [0.3, 0.9]", "credibility: [0.3, 1.9]"))


# ---- cautions: computed once, shown by the terminal, the report and the JSON -----

def test_rho_zero_cautions_overconfidence():
    result = analyse_hypotheses(parse_scenario(UNCERTAIN.replace("rho: [0.2, 0.8]", "rho: 0")))
    texts = [c.text for c in result.cautions if c.kind == "dependence"]
    assert any(text.startswith("rho = 0") and "overstate confidence" in text for text in texts)
    np.testing.assert_allclose(result.scale, 1.0)


def test_unattributed_items_are_independent_and_cautioned():
    result = analyse_hypotheses(parse_scenario(UNTESTED))
    np.testing.assert_allclose(result.scale, [1.0, 1.0])
    assert any("name neither a source nor a group" in c.text for c in result.cautions)


@pytest.mark.parametrize("text", [UNCERTAIN, UNTESTED, UNDECLARED])
def test_terminal_and_report_show_the_same_cautions(text, tmp_path):
    path = tmp_path / "toy.yaml"
    path.write_text(text, encoding="utf-8")
    result = analyse_hypotheses(parse_scenario(text))
    assert result.cautions
    shown = runner.invoke(app, ["hypotheses", str(path)])
    assert shown.exit_code == 0, shown.output
    report = ach_section(parse_scenario(text)).body_html
    for caution in result.cautions:
        assert _flat(caution.text) in _flat(shown.output), caution.text
        assert html.escape(caution.text) in report, caution.text


def test_hypotheses_command_writes_json_with_intervals_and_cautions(tmp_path):
    path, out = tmp_path / "toy.yaml", tmp_path / "ach" / "hypotheses.json"
    path.write_text(UNCERTAIN, encoding="utf-8")
    shown = runner.invoke(app, ["hypotheses", str(path), "--out", str(out), "--seed", "5",
                                "--draws", "300"])
    assert shown.exit_code == 0, shown.output
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["seed"] == 5 and payload["draws"] == 300 and payload["posteriors_shown"]
    result = analyse_hypotheses(parse_scenario(UNCERTAIN), draws=300, seed=5)
    for h, entry in enumerate(payload["hypotheses"]):
        assert entry["posterior"]["median"] == pytest.approx(result.posterior_interval.median[h])
        assert entry["posterior"]["low"] <= entry["posterior"]["point"] <= entry["posterior"][
            "high"]
    assert [c["text"] for c in payload["cautions"]] == [c.text for c in result.cautions]
    assert payload["evidence"][0]["cluster"] == ["e1", "e2"]


def test_undeclared_scenario_shows_likelihoods_and_no_posterior(tmp_path):
    path = tmp_path / "toy.yaml"
    path.write_text(UNDECLARED, encoding="utf-8")
    shown = runner.invoke(app, ["hypotheses", str(path)])
    assert shown.exit_code == 0, shown.output
    assert "highest posterior" not in shown.output
    assert "best supported by the evidence (likelihood): hb" in _flat(shown.output)
    assert "Posteriors are not shown" in shown.output
