import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from realpolitik.models.cohesion import alliance_cohesion


def cohesion(a, b, sa, sb, **kwargs):
    row = [np.atleast_2d(np.asarray(v, dtype=float)) for v in (a, b, sa, sb)]
    return alliance_cohesion(*row, **kwargs)


def test_hand_worked_pair():
    # Issue 1: distance 20/100, weight (0.8+0.4)/2 = 0.6 -> term 0.6 * (1 - 0.4) = 0.36
    # Issue 2: distance 80/100, weight (1.0+0.6)/2 = 0.8 -> term 0.8 * (1 - 1.6) = -0.48
    # S = (0.36 - 0.48) / 1.4 = -0.0857...
    result = cohesion([30, 10], [50, 90], [0.8, 1.0], [0.4, 0.6])
    assert result.score[0] == pytest.approx(-0.12 / 1.4)
    assert result.s_issues[0] == pytest.approx(-0.12 / 1.4)
    assert result.issue_contributions[0] == pytest.approx([0.36 / 1.4, -0.48 / 1.4])


def test_shared_stake_enters_as_agreement():
    # Same pair plus one stake of weight 0.6: S = (0.36 - 0.48 + 0.6) / (1.4 + 0.6) = 0.24
    result = cohesion([30, 10], [50, 90], [0.8, 1.0], [0.4, 0.6], stake_weights=[[0.6]])
    assert result.score[0] == pytest.approx(0.24)
    assert result.s_issues[0] == pytest.approx(-0.12 / 1.4)
    assert result.stake_contributions[0] == pytest.approx([0.3])


def test_extremes():
    assert cohesion([20, 70], [20, 70], [0.5, 0.9], [0.3, 0.2]).score[0] == pytest.approx(1.0)
    assert cohesion([0, 100], [100, 0], [0.5, 0.9], [0.3, 0.2]).score[0] == pytest.approx(-1.0)


def test_issue_without_both_partners_is_ignored():
    with_mask = cohesion([30, 10], [50, 90], [0.8, 1.0], [0.4, 0.6],
                         active_b=np.array([[True, False]]))
    only_first = cohesion([30], [50], [0.8], [0.4])
    assert with_mask.score[0] == pytest.approx(only_first.score[0])


def test_nothing_weighed_gives_zero_with_warning():
    with pytest.warns(RuntimeWarning, match="no weighed issue"):
        result = cohesion([30], [50], [0.0], [0.0])
    assert result.score[0] == 0.0
    assert np.isfinite(result.issue_contributions).all()


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match=r"\(B, K\)"):
        alliance_cohesion(np.zeros((2, 3)), np.zeros((2, 2)), np.zeros((2, 3)), np.zeros((2, 3)))


pair = st.integers(1, 6).flatmap(
    lambda k: st.tuples(
        arrays(float, (3, k), elements=st.floats(0, 100)),
        arrays(float, (3, k), elements=st.floats(0, 100)),
        arrays(float, (3, k), elements=st.floats(0.01, 1)),
        arrays(float, (3, k), elements=st.floats(0.01, 1)),
        arrays(float, (3, 2), elements=st.floats(0, 1)),
    )
)


@settings(max_examples=80, deadline=None)
@given(pair)
def test_properties(case):
    a, b, sa, sb, stakes = case
    result = alliance_cohesion(a, b, sa, sb, stake_weights=stakes)
    # bounded
    assert np.all(result.score >= -1 - 1e-12) and np.all(result.score <= 1 + 1e-12)
    # symmetric in the two partners
    swapped = alliance_cohesion(b, a, sb, sa, stake_weights=stakes)
    np.testing.assert_allclose(result.score, swapped.score, atol=1e-12)
    # the decomposition adds up exactly
    total = result.issue_contributions.sum(axis=1) + result.stake_contributions.sum(axis=1)
    np.testing.assert_allclose(total, result.score, atol=1e-12)
    # invariant to the order of issues
    order = np.arange(a.shape[1])[::-1]
    reordered = alliance_cohesion(a[:, order], b[:, order], sa[:, order], sb[:, order],
                                  stake_weights=stakes)
    np.testing.assert_allclose(reordered.score, result.score, atol=1e-12)
    # shared stakes never lower cohesion: (A + G) / (W + G) >= A / W since A <= W
    assert np.all(result.score >= result.s_issues - 1e-12)
