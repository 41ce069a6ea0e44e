"""Expected Utility Model: a hand-worked round, the scalar reference, properties, edges."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realpolitik.models.compromise import compromise
from realpolitik.models.eum import (
    EUMOptions,
    EUMResult,
    EUMStepper,
    eum_forecast,
    expected_utility,
)
from realpolitik.models.median import weighted_median
from reference_eum import Reading, reference_eum
from reference_eum import weighted_median as reference_median


def column(*values: float) -> np.ndarray:
    """One draw, one issue: shape (1, N, 1)."""
    return np.asarray(values, dtype=float)[None, :, None]


# --- a round worked by hand ---------------------------------------------------


def test_two_actor_round_by_hand():
    # x = [0, 10] (range 10, so d = 1), c = [3, 1], s = [1, 1]: w = [0.75, 0.25].
    # Votes in the 0-vs-10 contest: actor 0 gives 0.75 * 10, actor 1 gives -0.25 * 10,
    # so P(0 beats 1) = 0.75 and P(1 beats 0) = 0.25.
    # With r = 1: U_s = 2 - 4 * 0 = 2, U_f = 2 - 4 * 1 = -2, U_sq = 2 - 4 * 0.5 = 0;
    #   E_01 = 1 * (0.75 * 2 + 0.25 * -2) = 1,  E_10 = 0.25 * 2 + 0.75 * -2 = -1.
    # Dangers S_0 = E_10 = -1, S_1 = E_01 = 1 -> R_0 = -1, R_1 = +1
    #   -> r_0 = (1 + 1/3) / (1 - 1/3) = 2, r_1 = (1 - 1/3) / (1 + 1/3) = 0.5.
    # Actor 1 judges actor 0's challenge with r_1 = 0.5: U_sq = 2 - 4 / sqrt(2) = 2 - 2 sqrt(2)
    #   own   = E_01 = 1 - U_sq = 2 sqrt(2) - 1 = 1.8284 > 0
    #   other = E_10 = -1 - U_sq = 2 sqrt(2) - 3 = -0.1716 <= 0, and own > |other|
    #   -> compromise: x_1 = 10 + (0 - 10) * (3 - 2 sqrt(2)) / (2 sqrt(2) - 1) = 9.0616
    # Actor 0 judges actor 1's challenge with r_0 = 2: U_sq = 2 - 4 * 0.25 = 1,
    #   E_10 = -1 - 1 = -2 <= 0 -> no offer; actor 0 stays at 0.
    root2 = math.sqrt(2.0)
    expected = 10.0 - 10.0 * (3.0 - 2.0 * root2) / (2.0 * root2 - 1.0)
    result = expected_utility(
        column(0, 10), column(1, 1), column(3, 1), options=EUMOptions(max_rounds=1)
    )
    np.testing.assert_allclose(result.trajectory[0, 1, :, 0], [0.0, expected], rtol=1e-12)
    assert reference_eum([0, 10], [1, 1], [3, 1], max_rounds=1)[1] == pytest.approx(
        [0.0, expected], rel=1e-12
    )


def test_fixed_position_range_by_hand():
    # Same actors, distances scaled by position_range = 20, so d = 0.5.
    # r = 1: U_s = 2 - 4 * 0.25 = 1, U_f = 2 - 4 * 0.75 = -1, U_sq = 0;
    #   E_01 = 0.75 - 0.25 = 0.5, E_10 = 0.25 - 0.75 = -0.5 -> again r_0 = 2, r_1 = 0.5.
    # Actor 1 (r = 0.5): U_s = 2 - 4 sqrt(0.25) = 0, U_f = 2 - 4 sqrt(0.75) = 2 - 2 sqrt(3),
    #   U_sq = 2 - 2 sqrt(2);
    #   own   = 0.25 (2 - 2 sqrt 3) - (2 - 2 sqrt 2) = 2 sqrt 2 - 0.5 sqrt 3 - 1.5 =  0.4624
    #   other = 0.75 (2 - 2 sqrt 3) - (2 - 2 sqrt 2) = 2 sqrt 2 - 1.5 sqrt 3 - 0.5 = -0.2696
    #   -> compromise: x_1 = 10 - 10 * 0.2696 / 0.4624 = 4.168
    # Actor 0 (r = 2): E_10 = 0.25 * 1.75 + 0.75 * -0.25 - 1 = -0.75 -> no offer.
    root2, root3 = math.sqrt(2.0), math.sqrt(3.0)
    own = 2 * root2 - 0.5 * root3 - 1.5
    other = 2 * root2 - 1.5 * root3 - 0.5
    expected = 10.0 - 10.0 * (-other / own)
    result = expected_utility(
        column(0, 10), column(1, 1), column(3, 1),
        options=EUMOptions(max_rounds=1, position_range=20.0),
    )  # fmt: skip
    np.testing.assert_allclose(result.trajectory[0, 1, :, 0], [0.0, expected], rtol=1e-12)


def test_result_shapes_and_paths():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 100, (3, 5, 2))
    s = rng.uniform(0.1, 1, (3, 5, 2))
    c = rng.uniform(0.1, 1, (3, 5, 2))
    result = expected_utility(x, s, c, options=EUMOptions(max_rounds=7))
    assert isinstance(result, EUMResult)
    steps = result.trajectory.shape[1]
    assert result.trajectory.shape == (3, steps, 5, 2)
    assert steps == result.rounds.max() + 1 <= 8
    assert result.median_path.shape == result.mean_path.shape == (3, steps, 2)
    np.testing.assert_array_equal(result.trajectory[:, 0], x)
    final = result.trajectory[:, -1]
    np.testing.assert_allclose(result.forecast, weighted_median(final, s, c))
    np.testing.assert_allclose(result.mean_forecast, compromise(final, s, c))
    np.testing.assert_allclose(result.median_path[:, 0], weighted_median(x, s, c))


# --- agreement with the scalar reference ------------------------------------


def random_issue(rng: np.random.Generator, n: int) -> tuple[list, list, list]:
    return (
        list(rng.uniform(0, 100, n)),
        list(rng.uniform(0.05, 1, n)),
        list(rng.uniform(0.05, 1, n)),
    )


@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 6),
    batch=st.integers(1, 2),
    issues=st.integers(1, 3),
    vote_share=st.sampled_from(["dyad", "all"]),
    q=st.sampled_from([1.0, 0.5]),
    votes=st.sampled_from(["linear", "risk"]),
    offer_choice=st.sampled_from(["least_move", "by_type_weighted"]),
)
@settings(max_examples=60, deadline=None)
def test_engine_matches_scalar_reference(
    seed, n, batch, issues, vote_share, q, votes, offer_choice
):
    rng = np.random.default_rng(seed)
    x = np.empty((batch, n, issues))
    s = np.empty_like(x)
    c = np.empty_like(x)
    for b in range(batch):
        for k in range(issues):
            x[b, :, k], s[b, :, k], c[b, :, k] = random_issue(rng, n)
    options = EUMOptions(
        q=q, t=0.7, max_rounds=12, vote_share=vote_share, votes=votes, offer_choice=offer_choice
    )
    result = expected_utility(x, s, c, options=options)
    reading = Reading(
        probability="pair" if vote_share == "dyad" else "all_pairs",
        votes=votes,
        choice=offer_choice,
    )
    for b in range(batch):
        for k in range(issues):
            path = reference_eum(
                list(x[b, :, k]), list(s[b, :, k]), list(c[b, :, k]),
                q=q, t=0.7, max_rounds=12, reading=reading,
            )  # fmt: skip
            used = len(path) - 1
            assert result.rounds[b, k] == used
            np.testing.assert_allclose(
                result.trajectory[b, : used + 1, :, k], np.array(path), rtol=0, atol=1e-9
            )
            # after settling, the remaining rounds repeat the final positions
            tail = result.trajectory[b, used:, :, k]
            np.testing.assert_array_equal(tail, np.broadcast_to(tail[0], tail.shape))


def test_scholz_input_matches_reference_round_by_round():
    # integer positions: many exact ties in distance; both tie rules must agree
    x = [4, 7, 4, 4, 10, 10, 10, 7, 4, 7]
    c = [0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08]
    s = [0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 1.0, 0.7]
    options = [
        (vote_share, votes, choice)
        for vote_share in ("dyad", "all")
        for votes in ("linear", "risk")
        for choice in ("least_move", "by_type_weighted")
    ]
    for vote_share, votes, choice in options:
        reading = Reading(
            probability="pair" if vote_share == "dyad" else "all_pairs", votes=votes, choice=choice
        )
        path = reference_eum(x, s, c, max_rounds=20, reading=reading)
        chosen = EUMOptions(max_rounds=20, vote_share=vote_share, votes=votes, offer_choice=choice)
        result = expected_utility(column(*x), column(*s), column(*c), options=chosen)
        assert result.rounds[0, 0] == len(path) - 1
        np.testing.assert_allclose(result.trajectory[0, :, :, 0], path, rtol=0, atol=1e-9)


# --- properties ---------------------------------------------------------------


@st.composite
def scenarios(draw, min_actors=2, max_actors=6):
    """Random continuous scenarios (via a seed) with an optional inactive mask."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    shape = (draw(st.integers(1, 3)), draw(st.integers(min_actors, max_actors)), 2)
    x = rng.uniform(0, 100, shape)
    s = rng.uniform(0.05, 1, shape)
    c = rng.uniform(0.05, 1, shape)
    active = rng.uniform(size=shape) < 0.8
    active[:, :2, :] = True
    return x, s, c, active


RUN = {"max_rounds": 15}

# the published statement (defaults) and the reading reported of the program
# behind Scholz et al.'s Table 2: the properties must hold for both
READINGS = st.sampled_from(
    [
        EUMOptions(**RUN),
        EUMOptions(**RUN, vote_share="all", votes="risk", offer_choice="by_type_weighted"),
    ]
)


@given(data=scenarios(), options=READINGS)
@settings(max_examples=30, deadline=None)
def test_positions_stay_within_initial_span(data, options):
    x, s, c, active = data
    result = expected_utility(x, s, c, active, options=options)
    low = np.where(active, x, np.inf).min(axis=1)[:, None, None, :]
    high = np.where(active, x, -np.inf).max(axis=1)[:, None, None, :]
    inside = (result.trajectory >= low - 1e-9) & (result.trajectory <= high + 1e-9)
    assert np.all(inside | ~active[:, None])


@given(data=scenarios())
@settings(max_examples=30, deadline=None)
def test_converges_or_stops_at_max_rounds(data):
    x, s, c, active = data
    result = expected_utility(x, s, c, active, options=EUMOptions(tol=1e-6, **RUN))
    assert np.all(result.rounds <= RUN["max_rounds"])
    assert np.all(result.converged | (result.rounds == RUN["max_rounds"]))
    # a converged issue: its last round moved nobody by more than tol
    for b, k in zip(*np.nonzero(result.converged & (result.rounds > 0)), strict=True):
        r = result.rounds[b, k]
        step = result.trajectory[b, r, :, k] - result.trajectory[b, r - 1, :, k]
        assert np.abs(step).max() <= 1e-6


@given(data=scenarios(), seed=st.integers(0, 2**32 - 1), options=READINGS)
@settings(max_examples=30, deadline=None)
def test_invariant_to_actor_order(data, seed, options):
    x, s, c, active = data
    order = np.random.default_rng(seed).permutation(x.shape[1])
    before = expected_utility(x, s, c, active, options=options)
    shuffled = (array[:, order] for array in (x, s, c, active))
    after = expected_utility(*shuffled, options=options)
    np.testing.assert_allclose(after.trajectory, before.trajectory[:, :, order], atol=1e-9)
    np.testing.assert_allclose(after.forecast, before.forecast, atol=1e-9)


@given(data=scenarios(), factor=st.floats(1e-3, 1e3), options=READINGS)
@settings(max_examples=30, deadline=None)
def test_invariant_to_capability_scale(data, factor, options):
    x, s, c, active = data
    before = expected_utility(x, s, c, active, options=options)
    after = expected_utility(x, s, c * factor, active, options=options)
    np.testing.assert_allclose(after.trajectory, before.trajectory, atol=1e-9)


@given(data=scenarios(), copies=st.integers(2, 4))
@settings(max_examples=20, deadline=None)
def test_identical_rows_give_identical_answers(data, copies):
    x, s, c, active = (np.repeat(a[:1], copies, axis=0) for a in data)
    result = expected_utility(x, s, c, active, options=EUMOptions(**RUN))
    assert np.all(result.trajectory == result.trajectory[:1])
    assert np.all(result.rounds == result.rounds[:1])


@given(
    data=scenarios(), where=st.floats(-50, 150), salience=st.floats(0, 1), options=READINGS
)
@settings(max_examples=30, deadline=None)
def test_inactive_actor_changes_nothing(data, where, salience, options):
    x, s, c, active = data
    b, _, k = x.shape
    extra = np.ones((b, 1, k))
    x2 = np.concatenate([x, extra * where], axis=1)
    s2 = np.concatenate([s, extra * salience], axis=1)
    c2 = np.concatenate([c, extra * 1e3], axis=1)
    active2 = np.concatenate([active, np.zeros((b, 1, k), bool)], axis=1)
    before = expected_utility(x, s, c, active, options=options)
    after = expected_utility(x2, s2, c2, active2, options=options)
    np.testing.assert_allclose(after.trajectory[:, :, :-1], before.trajectory, atol=1e-9)
    assert np.all(after.trajectory[:, :, -1] == where)  # passes through unchanged
    np.testing.assert_allclose(after.forecast, before.forecast, atol=1e-9)
    np.testing.assert_allclose(after.mean_forecast, before.mean_forecast, atol=1e-9)


# --- the compiled forecast engine and the stepper -------------------------------

PROGRAM_READING = {"vote_share": "all", "votes": "risk", "offer_choice": "by_type_weighted"}


def reference_forecast(x, s, c, active, options: EUMOptions) -> float:
    """Median voter after the scalar reference's rounds, on the active actors of one issue."""
    reading = Reading(
        probability="pair" if options.vote_share == "dyad" else "all_pairs",
        votes=options.votes,
        choice=options.offer_choice,
    )
    x, s, c = (list(a[active]) for a in (x, s, c))
    path = reference_eum(
        x, s, c, q=options.q, t=options.t, max_rounds=options.max_rounds, reading=reading
    )
    weights = [ci / sum(c) * si for ci, si in zip(c, s, strict=True)]
    return reference_median(path[-1], weights)


@given(
    data=scenarios(),
    reading=st.sampled_from([{}, PROGRAM_READING]),
    q=st.sampled_from([1.0, 0.6]),
)
@settings(max_examples=60, deadline=None)
def test_compiled_forecast_matches_scalar_reference(data, reading, q):
    x, s, c, active = data
    options = EUMOptions(q=q, t=0.7, max_rounds=12, **reading)
    forecast = eum_forecast(x, s, c, active, options=options)
    for b in range(x.shape[0]):
        for k in range(x.shape[2]):
            column = (a[b, :, k] for a in (x, s, c, active))
            expected = reference_forecast(*column, options)
            assert forecast[b, k] == pytest.approx(expected, abs=1e-9)


@given(data=scenarios(), options=READINGS)
@settings(max_examples=30, deadline=None)
def test_forecast_alone_equals_the_run_with_every_round(data, options):
    # eum_forecast (a simulation's step) and expected_utility (the static forecast)
    # run the same loops: the same bits, and the kept rounds end where the forecast is read
    x, s, c, active = data
    full = expected_utility(x, s, c, active, options=options)
    np.testing.assert_array_equal(eum_forecast(x, s, c, active, options=options), full.forecast)
    np.testing.assert_array_equal(full.median_path[:, -1], full.forecast)
    settled_rounds = full.trajectory.shape[1] - 1
    assert settled_rounds == full.rounds.max()
    for b, k in np.ndindex(full.rounds.shape):  # rounds after an issue settled repeat it
        used = full.rounds[b, k]
        np.testing.assert_array_equal(full.trajectory[b, used:, :, k],
                                      np.broadcast_to(full.trajectory[b, -1, :, k],
                                                      (settled_rounds + 1 - used, x.shape[1])))


def test_compiled_forecast_on_scholz_input_matches_reference():
    x = np.array([4, 7, 4, 4, 10, 10, 10, 7, 4, 7], dtype=float)
    c = np.array([0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08])
    s = np.array([0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 1.0, 0.7])
    for reading in ({}, PROGRAM_READING):
        options = EUMOptions(max_rounds=20, **reading)
        forecast = eum_forecast(column(*x), column(*s), column(*c), options=options)
        expected = reference_forecast(x, s, c, np.ones(10, bool), options)
        assert forecast[0, 0] == pytest.approx(expected, abs=1e-9)


@given(data=scenarios(), steps=st.integers(2, 4), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=20, deadline=None)
@pytest.mark.filterwarnings("ignore:expected_utility.*nothing to bargain:RuntimeWarning")
def test_stepper_reuses_unchanged_issues_exactly(data, steps, seed):
    # each step changes a random subset of (draw, issue) cells; the stepper must
    # give, bit for bit, what a fresh computation gives on the same inputs
    x, s, c, active = data
    rng = np.random.default_rng(seed)
    stepper = EUMStepper(EUMOptions(max_rounds=10))
    for _ in range(steps):
        change = rng.uniform(size=(x.shape[0], 1, x.shape[2])) < 0.5
        x = np.where(change, np.clip(x + rng.normal(0, 5, x.shape), 0, 100), x)
        fresh = eum_forecast(x, s, c, active, options=EUMOptions(max_rounds=10))
        np.testing.assert_array_equal(stepper(x, s, c, active), fresh)


def test_stepper_bargains_only_what_changed_or_was_never_seen(monkeypatch):
    from realpolitik.models import _eum_kernel, eum

    bargained = []

    def spy(original):
        def counted(*args):
            bargained.append(len(args[5]))  # the rows handed to the compiled loop
            return original(*args)

        return counted

    for name in ("settle_rows", "settle_rows_parallel"):  # one core or all of them
        monkeypatch.setattr(_eum_kernel, name, spy(getattr(_eum_kernel, name)))
    monkeypatch.setattr(eum, "_MEMO", eum._ForecastMemo())
    rng = np.random.default_rng(3)
    x, s, c = rng.uniform(0, 100, (4, 5, 3)), rng.uniform(0.1, 1, (4, 5, 3)), np.ones((4, 5, 3))
    stepper = EUMStepper()
    stepper(x, s, c)
    stepper(x, s, c)
    c[2, 1, 0] = 2.0  # one capability of one draw's issue
    stepper(x, s, c)
    c[2, 1, 0] = 1.0  # back as it was: remembered
    stepper(x, s, c)
    EUMStepper()(x[:2], s[:2], c[:2])  # a new stepper, another shape: all remembered
    assert bargained == [12, 1]  # the compiled loop ran twice: 12 issues, then 1


def test_memory_stays_quadratic_in_actors():
    # 120 actors on one issue: the (N, N, N) vote tensor alone would be 13.8 MB;
    # the round's (N, N) tables are 0.1 MB each
    import tracemalloc

    rng = np.random.default_rng(8)
    x, s, c = (rng.uniform(lo, 100, (1, 120, 1)) for lo in (0, 10, 1))
    tracemalloc.start()
    try:
        expected_utility(x, s / 100, c, options=EUMOptions(max_rounds=3))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4e6


@given(data=scenarios(), options=READINGS)
@settings(max_examples=20, deadline=None)
def test_compiled_rows_on_all_cores_equal_one_core(data, options):
    from realpolitik.models import _eum_kernel
    from realpolitik.models._inputs import check_inputs, voting_weights
    from realpolitik.models.eum import _flatten, _position_scale

    inputs = check_inputs(*data)
    x0, active = _flatten(inputs.positions), _flatten(inputs.active)
    arguments = (x0, _flatten(voting_weights(inputs, engine="expected_utility")),
                 _flatten(inputs.salience), active, _position_scale(x0, active, None),
                 np.arange(x0.shape[0])[::-1].copy(), options.q, options.t, options.max_rounds,
                 options.tol, options.vote_share == "all", options.votes == "risk",
                 options.offer_choice == "by_type_weighted")  # fmt: skip
    results = []
    for settle in (_eum_kernel.settle_rows, _eum_kernel.settle_rows_parallel):
        out = (np.zeros(x0.shape[0]), np.zeros(x0.shape[0], dtype=np.int64),
               np.zeros(x0.shape[0], dtype=bool),
               np.zeros((x0.shape[0], options.max_rounds + 1, x0.shape[1])))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            settle(*arguments, *out)
        results.append(out)
    for one, every in zip(*results, strict=True):
        np.testing.assert_array_equal(one, every)


def test_forecast_from_a_worker_thread_equals_the_main_thread():
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(4)
    x, s, c = rng.uniform(0, 100, (6, 7, 4)), rng.uniform(0.1, 1, (6, 7, 4)), np.ones((6, 7, 4))
    with ThreadPoolExecutor(1) as pool:
        threaded = pool.submit(eum_forecast, x, s, c).result()
    np.testing.assert_array_equal(threaded, eum_forecast(x, s, c))


@pytest.mark.parametrize("options", [EUMOptions(), EUMOptions(
    vote_share="all", votes="risk", offer_choice="by_type_weighted", max_rounds=30)])
def test_issues_on_all_cores_equal_one_thread_bit_for_bit(options):
    from concurrent.futures import ThreadPoolExecutor

    from realpolitik.models import eum

    rng = np.random.default_rng(11)
    x, s = rng.uniform(0, 100, (2, 9, 5)), rng.uniform(0.1, 1, (2, 9, 5))
    c = rng.uniform(1, 10, (2, 9, 5))
    active = rng.random((2, 9, 5)) < 0.85
    assert eum._share_cores(10)  # ten issues from the main thread: on every core
    shared = expected_utility(x, s, c, active, options=options)
    with ThreadPoolExecutor(1) as pool:  # off the main thread: one issue after another
        assert not pool.submit(eum._share_cores, 10).result()
        alone = pool.submit(expected_utility, x, s, c, active, options=options).result()
    for field in ("trajectory", "rounds", "converged", "forecast", "mean_forecast",
                  "median_path", "mean_path"):
        np.testing.assert_array_equal(getattr(shared, field), getattr(alone, field))


def test_memo_forgets_the_least_recently_used():
    from realpolitik.models.eum import EUMOptions, _ForecastMemo

    memo, options = _ForecastMemo(capacity=3), EUMOptions()
    memo.remember(options, [b"a", b"b", b"c"], np.array([1.0, 2.0, 3.0]))
    assert memo.recall(options, [b"a"])[0] == 1.0  # "a" becomes the most recent
    memo.remember(options, [b"d"], np.array([4.0]))  # "b" goes
    np.testing.assert_array_equal(memo.recall(options, [b"a", b"b", b"c", b"d"]),
                                  [1.0, np.nan, 3.0, 4.0])
    assert np.isnan(memo.recall(EUMOptions(q=0.5), [b"a"])[0])  # other options, other memory


def test_compiled_forecast_degenerate_issues_warn_and_pass_through():
    with pytest.warns(RuntimeWarning, match="fewer than two active"):
        assert eum_forecast(column(37.0), column(0.5), column(1.0))[0, 0] == 37.0
    with pytest.warns(RuntimeWarning, match="identical active positions"):
        assert eum_forecast(column(60, 60, 60), column(0.3, 0.9, 1), column(1, 2, 3))[0, 0] == 60
    with pytest.warns(RuntimeWarning, match="zero total weight"):
        assert np.isfinite(eum_forecast(column(10, 50, 90), column(0, 0, 0), column(1, 1, 1)))
    with pytest.raises(TypeError, match="EUMOptions"):
        eum_forecast(column(0, 10), column(1, 1), column(1, 1), options={"q": 1.0})


# --- degenerate input and settings -------------------------------------------


def test_all_zero_salience_is_defined_and_warns():
    with pytest.warns(RuntimeWarning, match="zero total weight"):
        result = expected_utility(column(10, 50, 90), column(0, 0, 0), column(1, 1, 1))
    assert np.isfinite(result.trajectory).all()
    assert np.isfinite(result.forecast).all()


def test_single_actor_is_returned_unchanged_with_a_warning():
    with pytest.warns(RuntimeWarning, match="fewer than two active"):
        result = expected_utility(column(37.0), column(0.5), column(1.0))
    assert result.trajectory.shape == (1, 1, 1, 1)
    assert result.forecast[0, 0] == 37.0
    assert result.rounds[0, 0] == 0 and result.converged[0, 0]


def test_identical_positions_are_returned_unchanged_with_a_warning():
    with pytest.warns(RuntimeWarning, match="identical active positions"):
        result = expected_utility(column(60, 60, 60), column(0.3, 0.9, 1), column(1, 2, 3))
    assert np.all(result.trajectory == 60.0)
    assert result.forecast[0, 0] == result.mean_forecast[0, 0] == 60.0


def test_only_the_degenerate_issue_is_held_back():
    x = np.array([[[60, 10], [60, 90]]], dtype=float)  # issue 0 identical, issue 1 spread
    ones = np.ones_like(x)
    with pytest.warns(RuntimeWarning):
        result = expected_utility(x, ones * 0.5, ones, options=EUMOptions(max_rounds=5))
    assert result.rounds[0, 0] == 0
    assert result.rounds[0, 1] >= 1


def test_wider_position_range_changes_utilities_not_bounds():
    x, s, c = column(20, 40, 70), column(0.9, 0.4, 0.6), column(1, 2, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = expected_utility(
            x, s, c, options=EUMOptions(position_range=100.0, max_rounds=10)
        )
    assert np.all((result.trajectory >= 20) & (result.trajectory <= 70))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"q": 1.5}, "q is a probability"),
        ({"t": -0.1}, "t is a probability"),
        ({"max_rounds": 0}, "max_rounds must be at least 1"),
        ({"max_rounds": 2.5}, "max_rounds must be an integer"),
        ({"tol": -1.0}, "tol must be non-negative"),
        ({"position_range": 10.0}, "smaller than the spread"),
        ({"vote_share": "votes"}, "vote_share"),
        ({"votes": "quadratic"}, "votes must be"),
        ({"offer_choice": "best"}, "offer_choice must be"),
    ],
)
def test_rejects_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        expected_utility(column(0, 50), column(1, 1), column(1, 1), options=EUMOptions(**kwargs))


def test_options_are_frozen_and_typed():
    options = EUMOptions(vote_share="all")
    with pytest.raises(AttributeError):
        options.vote_share = "dyad"
    with pytest.raises(TypeError, match="options must be EUMOptions"):
        expected_utility(column(0, 50), column(1, 1), column(1, 1), options={"q": 0.5})


def test_default_options_are_the_published_statement():
    x, s, c = column(0, 40, 100), column(0.9, 0.5, 0.7), column(1, 2, 1)
    np.testing.assert_array_equal(
        expected_utility(x, s, c).trajectory,
        expected_utility(x, s, c, options=EUMOptions()).trajectory,
    )
    assert EUMOptions() == EUMOptions(
        q=1.0, t=1.0, max_rounds=100, tol=1e-6, position_range=None,
        vote_share="dyad", votes="linear", offer_choice="least_move",
    )  # fmt: skip
