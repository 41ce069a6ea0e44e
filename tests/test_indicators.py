"""Indicator language: parsing, precedence, dates, errors with columns, evaluation."""

from __future__ import annotations

import builtins
import datetime as dt
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realpolitik.analysis.indicators import (
    ExpressionError,
    dates_beyond_horizon,
    evaluate,
    parse_expression,
    probability,
)
from realpolitik.scenario.errors import ScenarioError
from realpolitik.scenario.indicator_syntax import BinaryOp, Compare, Logical, Not, Term
from realpolitik.scenario.loader import parse_scenario

DATES = [dt.date(2020, 1, 1), dt.date(2020, 4, 1), dt.date(2020, 7, 1), dt.date(2020, 10, 1),
         dt.date(2021, 1, 1)]


def fake_result():
    """Four draws over five quarterly steps."""
    return SimpleNamespace(
        dates=DATES,
        cohesion={"ab": np.array([
            [0.8, 0.7, 0.6, 0.5, 0.4],
            [0.8, 0.8, 0.8, 0.8, 0.8],
            [0.8, 0.3, 0.1, 0.0, -0.2],
            [0.8, 0.9, 0.9, 0.9, 0.9],
        ])},
        ruptured={"ab": np.array([
            [0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0],
            [0, 0, 1, 1, 1],
            [0, 0, 0, 0, 0],
        ], dtype=bool)},
        settlement={"k": np.array([
            [50, 55, 60, 65, 70],
            [50, 50, 50, 50, 50],
            [50, 40, 30, 20, 10],
            [50, 60, 70, 80, 90],
        ], dtype=float)},
        shock_fired={"s": np.array([
            [0, 1, 1, 1, 1],
            [0, 0, 0, 0, 0],
            [0, 0, 0, 0, 1],
            [0, 0, 0, 1, 1],
        ], dtype=bool)},
        seed=0, draws=4, scenario_id="fake",
    )


# ---- parsing ---------------------------------------------------------------


def test_multiplication_binds_tighter_than_addition():
    node = parse_expression("1 + 2 * 3 == 7")
    assert isinstance(node, Compare)
    assert isinstance(node.left, BinaryOp) and node.left.op == "+"
    assert isinstance(node.left.right, BinaryOp) and node.left.right.op == "*"
    assert evaluate(node, fake_result()).all()


def test_and_binds_tighter_than_or_and_not_tighter_than_and():
    node = parse_expression("fired(s) or not ruptured(ab) and cohesion(ab) > 0.5")
    assert isinstance(node, Logical) and node.op == "or"
    assert isinstance(node.right, Logical) and node.right.op == "and"
    assert isinstance(node.right.left, Not)


def test_not_applies_to_a_whole_comparison():
    values = evaluate("not cohesion(ab) < 0.5", fake_result())
    np.testing.assert_array_equal(values, [False, True, False, True])


def test_parentheses_override_precedence():
    assert not evaluate("(1 + 2) * 3 == 7", fake_result()).any()
    np.testing.assert_array_equal(
        evaluate("(fired(s) or ruptured(ab)) and settlement(k) < 60", fake_result()),
        [False, False, True, False])


def test_unary_minus_and_division():
    np.testing.assert_allclose(evaluate("-settlement(k) / 10", fake_result()),
                               [-7, -5, -1, -9])


def test_date_reads_last_step_on_or_before_it():
    result = fake_result()
    # 2020-08-15 lies between the third (2020-07-01) and fourth step: read the third.
    np.testing.assert_allclose(evaluate("cohesion(ab) @ 2020-08-15", result),
                               [0.6, 0.8, 0.1, 0.9])
    np.testing.assert_allclose(evaluate("settlement(k) @ 2020-07-01", result), [60, 50, 30, 70])


def test_events_by_a_date():
    result = fake_result()
    np.testing.assert_array_equal(evaluate("fired(s) @ 2020-06-30", result),
                                  [True, False, False, False])
    np.testing.assert_array_equal(evaluate("fired(s)", result), [True, False, True, True])
    assert probability("ruptured(ab) @ 2020-04-01", result) == 0.0
    assert probability("ruptured(ab) @ 2020-07-01", result) == 0.25


def test_events_are_counted_even_when_a_series_is_not_cumulative():
    result = fake_result()
    result.shock_fired["s"] = np.array([[0, 1, 0, 0, 0]] * 4, dtype=bool)
    assert probability("fired(s) @ 2020-12-31", result) == 1.0


def test_undated_terms_read_the_final_step():
    np.testing.assert_allclose(evaluate("cohesion(ab)", fake_result()), [0.4, 0.8, -0.2, 0.9])


def test_probability_is_the_share_of_true_draws():
    assert probability("settlement(k) > 50", fake_result()) == 0.5
    assert probability("1 < 2", fake_result()) == 1.0


def test_dates_beyond_the_horizon_are_reported():
    result = fake_result()
    assert dates_beyond_horizon("fired(s) @ 2030-01-01 or fired(s) @ 2020-02-01", result) == [
        dt.date(2030, 1, 1)]
    np.testing.assert_array_equal(evaluate("fired(s) @ 2030-01-01", result),
                                  evaluate("fired(s)", result))


# ---- errors ----------------------------------------------------------------


@pytest.mark.parametrize(("text", "column", "fragment"), [
    ("cohesion(ab) <", 15, "expected a number"),
    ("cohesion(ab) @ 2021-06", 16, "expected a date"),
    ("cohesion(ab) @ 2021-02-30", 16, "not a calendar date"),
    ("cohesion(ab > 1", 13, "expected ')'"),
    ("cohesio(ab) > 1", 1, "unknown function 'cohesio'"),
    ("ruptured(ab) and 3", 18, "'and' needs conditions"),
    ("not settlement(k)", 5, "'not' needs conditions"),
    ("fired(s) > 1", 1, "'>' compares numbers"),
    ("0.1 < cohesion(ab) < 0.5", 20, "cannot be chained"),
    ("cohesion(ab) > 1 ;", 18, "unexpected character ';'"),
    ("cohesion(ab) 1", 14, "expected an operator"),
    ("", 1, "expected an expression"),
    ("ruptured(Russia)", 10, "expected an alliance id"),
])
def test_errors_name_the_column_and_what_was_expected(text, column, fragment):
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text)
    assert caught.value.column == column
    assert fragment in caught.value.message


@pytest.mark.parametrize("text", [
    "__import__('os').system('true')",
    "__import__",
    "open('x')",
    "().__class__",
    "cohesion(ab).__class__",
    "lambda: 1",
])
def test_python_code_is_a_parse_error_and_never_evaluated(text, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("the indicator language must not call eval/exec")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    with pytest.raises(ExpressionError):
        parse_expression(text)


def test_unknown_ids_are_reported_at_evaluation():
    with pytest.raises(ExpressionError) as caught:
        evaluate("cohesion(ab) > cohesion(zz)", fake_result())
    assert "no alliance 'zz'" in str(caught.value)
    assert caught.value.column == 25


def test_date_before_the_first_step_is_an_error():
    with pytest.raises(ExpressionError, match="before the first simulated date"):
        evaluate("fired(s) @ 2019-01-01", fake_result())


def test_probability_needs_a_condition():
    with pytest.raises(ExpressionError, match="needs a condition"):
        probability("cohesion(ab) + 1", fake_result())


def test_term_records_its_date_and_columns():
    node = parse_expression("  ruptured(ab)@2021-06-30")
    assert node == Term("ruptured", "ab", dt.date(2021, 6, 30), 3, 12)


# ---- scenario questions are checked on load --------------------------------

SCENARIO = """
scenario: {{id: toy, title: Toy, as_of: 2020-01-01}}
actors:
  - {{id: a, name: A, capability: 1}}
  - {{id: b, name: B, capability: 1}}
issues:
  - {{id: k, name: K, low: none, high: all, horizon: short}}
stances:
  k: {{a: {{position: 50, salience: 1}}}}
alliances:
  - {{id: ab, name: AB, members: [a, b]}}
questions:
  - id: q1
    text: Will it break?
    resolution_date: 2021-01-01
    indicator: "{indicator}"
"""


def test_a_question_with_a_malformed_indicator_fails_to_load_with_its_line():
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(SCENARIO.format(indicator="ruptured(ab) @"), path="toy.yaml")
    text = caught.value.render()
    assert "toy.yaml:16: questions[0].indicator: column 15" in text


def test_a_question_naming_an_undeclared_alliance_fails_to_load():
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(SCENARIO.format(indicator="cohesion(ab) < 0.2 or ruptured(xy)"))
    assert "column 32: undeclared alliance 'xy' (known: ab)" in caught.value.render()


def test_a_question_with_outcome_yes_from_yaml_boolean():
    text = SCENARIO.format(indicator="ruptured(ab)") + "    outcome: yes\n    threshold: 0.3\n"
    question = parse_scenario(text).questions[0]
    assert question.outcome == "yes" and question.threshold == 0.3


# ---- property: arithmetic follows the usual precedence ------------------------


def reference_value(numbers, operators):
    """Evaluate n0 op0 n1 op1 ... with * before + and -, left to right."""
    terms, signs, current = [], [], numbers[0]
    for op, number in zip(operators, numbers[1:], strict=True):
        if op == "*":
            current *= number
        else:
            terms.append(current)
            signs.append(op)
            current = number
    terms.append(current)
    total = terms[0]
    for sign, term in zip(signs, terms[1:], strict=True):
        total = total + term if sign == "+" else total - term
    return total


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=1, max_size=7), st.data())
def test_flat_arithmetic_matches_usual_precedence(numbers, data):
    operators = data.draw(st.lists(st.sampled_from("+-*"), min_size=len(numbers) - 1,
                                   max_size=len(numbers) - 1))
    text = " ".join(f"{n} {op}" for n, op in zip(numbers, operators, strict=False))
    text = f"{text} {numbers[-1]}" if operators else str(numbers[0])
    value = evaluate(f"{text} == {reference_value(numbers, operators)}", fake_result())
    assert value.all(), text
