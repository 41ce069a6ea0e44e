import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis_fakes import TINY_SCENARIO, fake_ensemble
from realpolitik.analysis.outcomes import (
    Outcome,
    OutcomeError,
    check_outcome,
    parse_outcome,
    step_index,
    value,
    values,
)
from realpolitik.scenario.loader import parse_scenario


def test_parse_reads_kind_target_and_date():
    outcome = parse_outcome("settlement:iran_military_presence@2024-06-01")
    assert outcome == Outcome("settlement", "iran_military_presence", dt.date(2024, 6, 1))
    assert parse_outcome(" rupture:russia_iran ") == Outcome("rupture", "russia_iran")
    assert parse_outcome("fired:idlib_crisis").binary
    assert not parse_outcome("cohesion:russia_iran").binary


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("rupture", "should look like"),
        ("rupture:", "should look like"),
        ("collapse:russia_iran", "unknown kind 'collapse'"),
        ("rupture:russia_iran@2024-13-01", "is not a date"),
        ("rupture:@2024-01-01", "needs the id of a alliance"),
    ],
)
def test_parse_errors_say_what_is_wrong(text, says):
    with pytest.raises(OutcomeError, match=says):
        parse_outcome(text)


@given(
    kind=st.sampled_from(["settlement", "cohesion", "rupture", "fired"]),
    target=st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True),
    at=st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1))),
)
def test_label_round_trips_through_parse(kind, target, at):
    outcome = Outcome(kind, target, at)
    assert parse_outcome(outcome.label) == outcome


def test_value_reads_the_last_step_by_default():
    result = fake_ensemble(draws=4, steps=4)
    np.testing.assert_array_equal(value(result, Outcome("settlement", "a")), [4, 14, 24, 34])
    np.testing.assert_array_equal(value(result, Outcome("rupture", "ab")), [1, 1, 1, 1])
    np.testing.assert_array_equal(value(result, Outcome("fired", "s")), [1, 0, 1, 0])
    np.testing.assert_allclose(value(result, Outcome("cohesion", "ab")), [0.6] * 4)


def test_value_reads_the_last_step_at_or_before_the_date():
    result = fake_ensemble(draws=4, steps=4)  # steps on 1 Jan, 1 Apr, 1 Jul, 1 Oct, 1 Jan
    in_may = Outcome("settlement", "a", dt.date(2024, 5, 15))
    np.testing.assert_array_equal(value(result, in_may), [1, 11, 21, 31])
    on_step = Outcome("rupture", "ab", dt.date(2024, 7, 1))
    np.testing.assert_array_equal(value(result, on_step), [1, 1, 1, 0])
    beyond = Outcome("settlement", "a", dt.date(2030, 1, 1))
    np.testing.assert_array_equal(value(result, beyond), [4, 14, 24, 34])


def test_value_errors_name_what_is_missing():
    result = fake_ensemble()
    with pytest.raises(OutcomeError, match="no alliance 'xy'.*has: ab"):
        value(result, Outcome("rupture", "xy"))
    with pytest.raises(OutcomeError, match="before the first simulated step"):
        step_index(result.dates, dt.date(2023, 1, 1))


def test_values_keys_by_label():
    result = fake_ensemble()
    found = values(result, [Outcome("fired", "s"), Outcome("settlement", "a")])
    assert list(found) == ["fired:s", "settlement:a"]


def test_check_outcome_against_the_scenario():
    scenario = parse_scenario(TINY_SCENARIO)
    assert check_outcome(scenario, parse_outcome("fired:border_crisis"))
    assert check_outcome(scenario, parse_outcome("settlement:trade@2025-01-01"))
    with pytest.raises(OutcomeError, match="no issue 'water'.*known: border, trade"):
        check_outcome(scenario, parse_outcome("settlement:water"))
    with pytest.raises(OutcomeError, match="before the scenario's as_of"):
        check_outcome(scenario, parse_outcome("rupture:north_south@2020-01-01"))
