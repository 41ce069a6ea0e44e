"""Compromise (weighted mean) and median voter engines: known answers and properties."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from realpolitik.models.compromise import compromise
from realpolitik.models.median import weighted_median

ENGINES = [compromise, weighted_median]


def column(*values: float) -> np.ndarray:
    """One draw, one issue: shape (1, N, 1)."""
    return np.asarray(values, dtype=float)[None, :, None]


# --- hand-worked cases -------------------------------------------------------


def test_compromise_two_actors_by_hand():
    # w = c*s = [1*1, 3*1]; (0*1 + 100*3) / (1 + 3) = 75
    assert compromise(column(0, 100), column(1, 1), column(1, 3))[0, 0] == pytest.approx(75.0)


def test_compromise_salience_enters_the_weight():
    # w = [2*0.5, 1*1.0, 1*0.5] = [1, 1, 0.5]; (20 + 60 + 0.5*80) / 2.5 = 120 / 2.5 = 48
    result = compromise(column(20, 60, 80), column(0.5, 1.0, 0.5), column(2, 1, 1))
    assert result[0, 0] == pytest.approx(48.0)


def test_median_by_hand():
    # sorted positions 10, 40, 90 with weights 0.3, 0.3, 0.4 -> cumulative 0.3, 0.6, 1.0;
    # the first position whose cumulative weight reaches half (0.5) is 40.
    result = weighted_median(column(90, 10, 40), column(1, 1, 1), column(0.4, 0.3, 0.3))
    assert result[0, 0] == 40.0


def test_median_ignores_distance_unlike_the_mean():
    # An extreme actor pulls the mean but not the median:
    # weights 1, 1, 1 at 10, 20, 100 -> median 20, mean 130 / 3
    x, s, c = column(10, 20, 100), column(1, 1, 1), column(1, 1, 1)
    assert weighted_median(x, s, c)[0, 0] == 20.0
    assert compromise(x, s, c)[0, 0] == pytest.approx(130.0 / 3.0)


def test_median_exact_half_split_takes_midpoint():
    # weights 1, 1 at 0 and 100: cumulative 1, 2; half = 1 is reached exactly at 0,
    # exceeded first at 100 -> lower median 0, upper median 100, forecast 50.
    assert weighted_median(column(0, 100), column(1, 1), column(1, 1))[0, 0] == 50.0
    # four equal weights at 10, 20, 30, 40: cumulative 1, 2, 3, 4, half = 2 -> (20 + 30) / 2
    four = weighted_median(column(40, 10, 30, 20), column(1, 1, 1, 1), column(1, 1, 1, 1))
    assert four[0, 0] == 25.0


def test_scholz_initial_positions():
    # Bueno de Mesquita (1994) emission-standards input. Weights c*s:
    # NL .064 BE .032 LU .006 DE .128 FR .096 IT .096 UK .144 IE .005 DK .050 GR .056
    # total .677; at 4 years: .064+.006+.128+.050 = .248 < .3385 = half;
    # at 7 years: + .032+.005+.056 = .341 >= half -> median 7.
    # mean: (4*.248 + 7*.093 + 10*.336) / .677 = (0.992 + 0.651 + 3.36) / .677 = 7.3900
    x = column(4, 7, 4, 4, 10, 10, 10, 7, 4, 7)
    c = column(0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08)
    s = column(0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 1.0, 0.7)
    assert weighted_median(x, s, c)[0, 0] == 7.0
    assert compromise(x, s, c)[0, 0] == pytest.approx(5.003 / 0.677)


def test_batch_and_issue_axes_are_independent():
    # two draws x two issues, each a hand case from above
    x = np.array([[[0, 20], [100, 60]], [[10, 0], [90, 100]]], dtype=float)  # (B=2, N=2, K=2)
    s = np.ones_like(x)
    c = np.array([[[1, 1], [3, 1]], [[1, 1], [1, 3]]], dtype=float)
    np.testing.assert_allclose(compromise(x, s, c), [[75.0, 40.0], [50.0, 75.0]])
    np.testing.assert_allclose(weighted_median(x, s, c), [[100.0, 40.0], [50.0, 100.0]])


# --- degenerate input and errors ---------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_all_zero_salience_warns_and_weights_actors_equally(engine):
    x = column(10, 20, 60)
    with pytest.warns(RuntimeWarning, match="zero total weight"):
        result = engine(x, column(0, 0, 0), column(1, 2, 3))
    expected = 30.0 if engine is compromise else 20.0
    assert result[0, 0] == pytest.approx(expected)


@pytest.mark.parametrize("engine", ENGINES)
def test_no_active_actor_warns_and_stays_finite(engine):
    with pytest.warns(RuntimeWarning):
        result = engine(column(10, 30), column(1, 1), column(1, 1), np.zeros((1, 2, 1), bool))
    assert np.isfinite(result).all()


@pytest.mark.parametrize("engine", ENGINES)
def test_single_actor_gets_its_position(engine):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert engine(column(42.0), column(0.5), column(3.0))[0, 0] == 42.0


@pytest.mark.parametrize("engine", ENGINES)
def test_identical_positions(engine):
    assert engine(column(33, 33, 33), column(0.2, 0.9, 0.5), column(1, 5, 2))[0, 0] == 33.0


@pytest.mark.parametrize("engine", ENGINES)
def test_rejects_bad_shapes_and_values(engine):
    x = np.zeros((1, 3, 2))
    with pytest.raises(ValueError, match=r"\(B, N, K\)"):
        engine(np.zeros((3, 2)), np.zeros((3, 2)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="salience has shape"):
        engine(x, np.zeros((1, 3, 1)), x)
    with pytest.raises(ValueError, match="salience must lie"):
        engine(x, np.full_like(x, 1.5), np.ones_like(x))
    with pytest.raises(ValueError, match="capability must be non-negative"):
        engine(x, np.ones_like(x), -np.ones_like(x))
    with pytest.raises(ValueError, match="NaN"):
        engine(np.full_like(x, np.nan), np.ones_like(x), np.ones_like(x))
    with pytest.raises(ValueError, match="boolean"):
        engine(x, np.ones_like(x), np.ones_like(x), np.ones_like(x))


# --- properties ---------------------------------------------------------------


@st.composite
def scenarios(draw, min_actors=1, max_actors=7):
    """Random (positions, salience, capability, active) with >= 1 active weighted actor."""
    b = draw(st.integers(1, 3))
    n = draw(st.integers(min_actors, max_actors))
    k = draw(st.integers(1, 3))
    shape = (b, n, k)
    x = draw(arrays(float, shape, elements=st.floats(0, 100)))
    s = draw(arrays(float, shape, elements=st.floats(0.05, 1)))
    c = draw(arrays(float, shape, elements=st.floats(0.01, 10)))
    active = draw(arrays(bool, shape))
    active[:, 0, :] = True
    return x, s, c, active


def active_span(x: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    low = np.where(active, x, np.inf).min(axis=1)
    high = np.where(active, x, -np.inf).max(axis=1)
    return low, high


@pytest.mark.parametrize("engine", ENGINES)
@given(data=scenarios())
@settings(max_examples=60, deadline=None)
def test_outcome_within_span_of_active_positions(engine, data):
    x, s, c, active = data
    result = engine(x, s, c, active)
    low, high = active_span(x, active)
    assert np.all(result >= low - 1e-9)
    assert np.all(result <= high + 1e-9)


@pytest.mark.parametrize("engine", ENGINES)
@given(data=scenarios(), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=60, deadline=None)
def test_invariant_to_actor_order(engine, data, seed):
    x, s, c, active = data
    order = np.random.default_rng(seed).permutation(x.shape[1])
    before = engine(x, s, c, active)
    after = engine(x[:, order], s[:, order], c[:, order], active[:, order])
    np.testing.assert_allclose(after, before, rtol=0, atol=1e-9)


@pytest.mark.parametrize("engine", ENGINES)
@given(data=scenarios(), factor=st.floats(1e-3, 1e3))
@settings(max_examples=60, deadline=None)
def test_invariant_to_capability_scale(engine, data, factor):
    x, s, c, active = data
    np.testing.assert_allclose(
        engine(x, s, c * factor, active), engine(x, s, c, active), rtol=0, atol=1e-9
    )


@pytest.mark.parametrize("engine", ENGINES)
@given(data=scenarios(min_actors=2), who=st.integers(0, 6))
@settings(max_examples=60, deadline=None)
def test_dominant_actor_gets_its_position(engine, data, who):
    x, s, _, _ = data
    who = who % x.shape[1]
    c = np.full(x.shape, 1e-9)
    c[:, who, :] = 1.0
    result = engine(x, s, c)
    tolerance = 1e-4 if engine is compromise else 0.0  # the median is exactly the position
    np.testing.assert_allclose(result, x[:, who, :], rtol=0, atol=tolerance)


@pytest.mark.parametrize("engine", ENGINES)
@given(data=scenarios(), copies=st.integers(2, 5))
@settings(max_examples=40, deadline=None)
def test_identical_rows_give_identical_answers(engine, data, copies):
    x, s, c, active = (np.repeat(a[:1], copies, axis=0) for a in data)
    result = engine(x, s, c, active)
    assert np.all(result == result[:1])


@pytest.mark.parametrize("engine", ENGINES)
@given(data=scenarios(), where=st.floats(0, 100), salience=st.floats(0, 1))
@settings(max_examples=60, deadline=None)
def test_inactive_actor_changes_nothing(engine, data, where, salience):
    x, s, c, active = data
    b, _, k = x.shape
    extra = np.full((b, 1, k), 1.0)
    x2 = np.concatenate([x, extra * where], axis=1)
    s2 = np.concatenate([s, extra * salience], axis=1)
    c2 = np.concatenate([c, extra * 1e6], axis=1)
    active2 = np.concatenate([active, np.zeros((b, 1, k), bool)], axis=1)
    np.testing.assert_allclose(
        engine(x2, s2, c2, active2), engine(x, s, c, active), rtol=0, atol=1e-9
    )
