"""Tests of the KTAB-style Spatial Model of Politics and of the KTAB CSV reader.

The reference traces are KTAB ``smpc`` 1.4 runs (positions printed to 0.1 on
0-100, win probabilities to 4 decimals), so "equal to the trace" means
within half a printed unit.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import realpolitik.models.ktab as ktab
from helpers import shared_path
from realpolitik.models.ktab import SpatialResult, spatial_forecast, spatial_model
from realpolitik.scenario.errors import ScenarioError
from realpolitik.scenario.ktab_csv import read_ktab_csv

POSITION_PRINT = 0.05 + 1e-9  # trace positions are printed to one decimal
PROBABILITY_PRINT = 0.5e-4 + 1e-9  # trace probabilities are printed to four decimals


# ---------------------------------------------------------------------------
# data helpers
# ---------------------------------------------------------------------------


def ktab_file(name: str) -> Path:
    path = shared_path("data", "ktab", name)
    if path is None:
        pytest.skip(f"shared KTAB data not available: {name}")
    return path


def parse_trace(path: Path, n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Return positions (S, N, K) on 0-100 and win probabilities (S, N) of a KTAB trace."""
    lines = [line.rstrip() for line in path.read_text().splitlines()]
    split = next(i for i, line in enumerate(lines) if line.startswith("History of actors'"))
    position_rows = [line.split(":", 1)[1].split() for line in lines[1:split] if ":" in line]
    probability_rows = [line.split(":", 1)[1].split() for line in lines[split + 1 :] if ":" in line]
    positions = np.array(position_rows, dtype=float).reshape(n, k, -1).transpose(2, 0, 1)
    probabilities = np.array(probability_rows, dtype=float).T
    return positions, probabilities


def run_case(csv_name: str) -> tuple[SpatialResult, np.ndarray, np.ndarray]:
    scenario = read_ktab_csv(ktab_file(csv_name))
    result = spatial_model(
        scenario.positions[None], scenario.salience[None], scenario.capability[None]
    )
    return result, scenario.positions, scenario.salience


@pytest.fixture(scope="module")
def soe():
    result, x, _ = run_case("SOE-Pol-Comp.csv")
    trace = parse_trace(ktab_file("SOE-Pol-Comp.ktab-trace.txt"), *x.shape)
    return result, trace


@pytest.fixture(scope="module")
def dim3():
    result, x, _ = run_case("dummyData_3Dim.csv")
    trace = parse_trace(ktab_file("dummyData_3Dim.ktab-trace.txt"), *x.shape)
    return result, trace


# ---------------------------------------------------------------------------
# reproduction of KTAB's traces
# ---------------------------------------------------------------------------


def test_soe_trace_parses_as_documented(soe):
    _, (positions, probabilities) = soe
    assert positions.shape == (28, 13, 2)
    assert probabilities.shape == (28, 13)


@pytest.mark.parametrize("case", ["soe", "dim3"])
def test_every_state_matches_ktab(case, request):
    result, (positions, probabilities) = request.getfixturevalue(case)
    assert int(result.states[0]) == positions.shape[0]
    assert np.all(np.abs(result.trajectory[0] - positions) <= POSITION_PRINT)
    assert np.all(np.abs(result.win_probability[0] - probabilities) <= PROBABILITY_PRINT)


@pytest.mark.parametrize("case", ["soe", "dim3"])
def test_final_positions_within_one_point_and_states_within_one(case, request):
    result, (positions, _) = request.getfixturevalue(case)
    assert abs(int(result.states[0]) - positions.shape[0]) <= 1
    assert np.all(np.abs(result.trajectory[0, -1] - positions[-1]) <= 1.0)


@pytest.mark.parametrize(
    ("name", "states"), [("dummyData-a040.csv", 21), ("dummyData-a080.csv", 18)]
)
def test_scaling_cases_run_as_many_states_as_ktab(name, states):
    result, _, _ = run_case(name)
    assert int(result.states[0]) == states


def test_sides_of_a_bargain_can_end_one_rounding_unit_apart(soe):
    # After SOE step 15, XJ and MOF accept XJ's bargain; each side's anchor on its own
    # position leaves MOF one 4-decimal unit (0.01 on 0-100) above XJ, as in KTAB.
    result, (positions, _) = soe
    xj, mof = result.trajectory[0, 16, 0], result.trajectory[0, 16, 9]
    assert xj[1] == pytest.approx(25.04) and mof[1] == pytest.approx(25.05)
    assert positions[16, 0, 1] == 25.0 and positions[16, 9, 1] == 25.1


def test_stopping_rule_reproduces_ktab_state_counts_on_its_own_trajectories(soe, dim3):
    # KTAB's trajectories, fed through the stopping rule, stop where KTAB stopped
    # (movement is measured on printed positions, so the rule's 2% margin matters).
    for (positions, _), expected in ((soe[1], 28), (dim3[1], 11)):
        moves = np.sqrt((np.diff(positions, axis=0) ** 2).sum(axis=2)).sum(axis=1)
        quiet = np.flatnonzero(moves[1:] < 0.02 * moves[0])
        assert quiet[0] + 2 + 1 == expected


# ---------------------------------------------------------------------------
# hand-worked cases
# ---------------------------------------------------------------------------


def test_two_opposed_actors_first_election_is_their_capability_share():
    # d = 1 between them, so each one's utility of the other's position is 0 and the
    # conditional election gives P[1 > 2] = (c1 + 1e-8) / (c1 + c2 + 2e-8).
    x = np.array([[[0.0], [100.0]]])
    s = np.array([[[0.6], [0.4]]])
    c = np.array([[3.0, 1.0]])
    result = spatial_model(x, s, c)
    expected = np.array([3.0 + 1e-8, 1.0 + 1e-8]) / (4.0 + 2e-8)
    np.testing.assert_allclose(result.win_probability[0, 0], expected, rtol=1e-12)


def test_two_opposed_actors_bargain_by_squared_salience_and_odds():
    # One issue, no third parties. The strong actor (c=3) challenges the weak one with
    # P = S1 c1 / (S1 c1 + S2 c2) = 1.8 / 2.2 (u = 0 at distance 1); each side moves to
    # (s1^2 P^2 * 0 + s2^2 (1-P)^2 * 1 + 1e-6 * own) / (s1^2 P^2 + s2^2 (1-P)^2 + 1e-6).
    # The weak actor's counter-challenge has a negative gain, so both take this bargain.
    x = np.array([[[0.0], [100.0]]])
    s = np.array([[[0.6], [0.4]]])
    c = np.array([[3.0, 1.0]])
    result = spatial_model(x, s, c)
    p = (1.8 + 1e-8) / (2.2 + 2e-8)
    w1, w2 = 0.36 * p**2, 0.16 * (1 - p) ** 2
    strong = round(w2 / (w1 + w2 + 1e-6), 4) * 100
    weak = round((w2 + 1e-6) / (w1 + w2 + 1e-6), 4) * 100
    assert result.trajectory[0, 1, 0, 0] == pytest.approx(strong, abs=1e-9)
    assert result.trajectory[0, 1, 1, 0] == pytest.approx(weak, abs=1e-9)


def test_a_side_with_no_salience_on_an_issue_stays_there():
    # Both actors ignore issue 1, so neither moves on it, whatever they agree on issue 0.
    x = np.array([[[0.0, 10.0], [100.0, 90.0]]])
    s = np.array([[[0.6, 0.0], [0.4, 0.0]]])
    result = spatial_model(x, s, np.array([[3.0, 1.0]]))
    np.testing.assert_allclose(result.trajectory[0, :, :, 1], [[10.0, 90.0]] * result.states[0])


def test_one_actor_is_its_own_forecast_with_a_warning():
    with pytest.warns(RuntimeWarning, match="fewer than two active"):
        result = spatial_model([[[42.0, 7.0]]], [[[0.5, 0.5]]], [[2.0]])
    np.testing.assert_allclose(result.forecast, [[42.0, 7.0]])
    assert result.states[0] == 2
    assert np.all(np.isfinite(result.win_probability))


def test_identical_positions_warn_and_stand_still():
    x = np.full((1, 3, 2), 30.0)
    with pytest.warns(RuntimeWarning, match="same position"):
        result = spatial_model(x, np.full((1, 3, 2), 0.4), np.ones((1, 3)))
    np.testing.assert_allclose(result.trajectory[0, -1], x[0])
    np.testing.assert_allclose(result.forecast, [[30.0, 30.0]])


def test_a_row_without_active_actors_is_defined_and_warned():
    x, s, c = random_problem(2, 2, 4, 2)
    active = np.ones((2, 4), dtype=bool)
    active[1] = False
    with pytest.warns(RuntimeWarning) as caught:
        result = spatial_model(x, s, c, active)
    messages = " ".join(str(w.message) for w in caught)
    assert "fewer than two active" in messages and "no active actor" in messages
    assert np.all(np.isfinite(result.forecast)) and np.all(np.isfinite(result.win_probability))
    assert np.all(result.win_probability[1] == 0.0)
    np.testing.assert_allclose(result.trajectory[1, -1], x[1])
    np.testing.assert_allclose(result.forecast[1], x[1].mean(axis=0))
    alone = spatial_model(x[:1], s[:1], c[:1])
    np.testing.assert_array_equal(result.forecast[0], alone.forecast[0])


def test_max_states_of_one_returns_the_input():
    x, s, c = random_problem(4, 1, 3, 1)
    result = spatial_model(x, s, c, max_states=1)
    assert result.states[0] == 1 and result.trajectory.shape == (1, 1, 3, 1)
    np.testing.assert_allclose(result.trajectory[0, 0], x[0])


def test_bad_inputs_raise_clear_errors():
    x, s, c = np.full((1, 2, 2), 50.0), np.full((1, 2, 2), 0.4), np.ones((1, 2))
    with pytest.raises(ValueError, match="one capability per actor"):
        spatial_model(x, s, np.ones((1, 2, 2)))
    with pytest.raises(ValueError, match="sum to at most 1"):
        spatial_model(x, np.full((1, 2, 2), 0.6), c)
    with pytest.raises(ValueError, match="0-100"):
        spatial_model(x + 60.0, s, c)
    with pytest.raises(ValueError, match="boolean"):
        spatial_model(x, s, c, active=np.ones((1, 2)))


# ---------------------------------------------------------------------------
# properties on small random problems
# ---------------------------------------------------------------------------


def random_problem(seed: int, batch: int, n: int, k: int):
    rng = np.random.default_rng(seed)
    x = np.round(rng.uniform(0.0, 100.0, (batch, n, k)), 2)
    s = rng.dirichlet(np.ones(k + 1), (batch, n))[..., :k]
    c = rng.uniform(0.5, 100.0, (batch, n))
    return x, s, c


problems = st.tuples(
    st.integers(0, 2**32 - 1), st.integers(1, 2), st.integers(2, 6), st.integers(1, 3)
)
fast = settings(max_examples=25, deadline=None)


@fast
@given(problems)
def test_positions_stay_on_the_scale_and_probabilities_are_probabilities(problem):
    x, s, c = random_problem(*problem)
    result = spatial_model(x, s, c)
    assert np.all((result.trajectory >= 0.0) & (result.trajectory <= 100.0))
    assert np.all((result.forecast >= 0.0) & (result.forecast <= 100.0))
    assert np.all((result.win_probability >= 0.0) & (result.win_probability <= 1.0 + 1e-12))
    assert np.all(result.states >= 2)
    # padding repeats each row's final state
    for row, count in enumerate(result.states):
        tail = result.trajectory[row, count - 1 :]
        assert np.array_equal(tail, np.broadcast_to(tail[0], tail.shape))


@fast
@given(problems, st.randoms(use_true_random=False))
def test_forecast_does_not_depend_on_actor_order(problem, random):
    x, s, c = random_problem(*problem)
    order = list(range(x.shape[1]))
    random.shuffle(order)
    first = spatial_model(x, s, c)
    second = spatial_model(x[:, order], s[:, order], c[:, order])
    np.testing.assert_allclose(second.forecast, first.forecast, atol=1e-6)
    np.testing.assert_array_equal(second.states, first.states)
    np.testing.assert_allclose(second.trajectory, first.trajectory[:, :, order], atol=1e-6)


@fast
@given(problems)
def test_same_input_same_output_and_identical_rows_agree(problem):
    seed, _, n, k = problem
    x, s, c = random_problem(seed, 1, n, k)
    once = spatial_model(x, s, c)
    again = spatial_model(x.copy(), s.copy(), c.copy())
    np.testing.assert_array_equal(once.trajectory, again.trajectory)
    np.testing.assert_array_equal(once.forecast, again.forecast)
    stacked = spatial_model(np.repeat(x, 3, 0), np.repeat(s, 3, 0), np.repeat(c, 3, 0))
    for row in range(3):
        np.testing.assert_array_equal(stacked.trajectory[row], once.trajectory[0])
        np.testing.assert_array_equal(stacked.forecast[row], once.forecast[0])


def test_rows_of_a_batch_are_independent_of_each_other_and_of_chunking(monkeypatch):
    x, s, c = random_problem(5, 4, 5, 2)
    together = spatial_model(x, s, c)
    monkeypatch.setattr(ktab, "_ELEMENT_BUDGET", 1)  # one row per chunk
    chunked = spatial_model(x, s, c)
    np.testing.assert_array_equal(chunked.trajectory, together.trajectory)
    for row in range(4):
        alone = spatial_model(x[row : row + 1], s[row : row + 1], c[row : row + 1])
        count = int(alone.states[0])
        assert together.states[row] == count
        np.testing.assert_array_equal(together.trajectory[row, :count], alone.trajectory[0])
        np.testing.assert_array_equal(
            together.win_probability[row, :count], alone.win_probability[0]
        )
        np.testing.assert_array_equal(together.forecast[row], alone.forecast[0])


def test_challengers_shared_among_cores_give_the_same_bits_as_one_thread(monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    x, s, c = random_problem(9, 2, 9, 3)
    monkeypatch.setattr(ktab, "_BLOCK_ELEMENTS", 2 * 2 * 9 * 9)  # blocks of two challengers
    monkeypatch.setattr(ktab, "_SHARED_ELEMENTS", 0)  # shared whatever the size
    shared = spatial_model(x, s, c)  # the main thread shares the blocks
    with ThreadPoolExecutor(1) as pool:  # a worker thread runs them one after another
        alone = pool.submit(spatial_model, x, s, c).result()
    np.testing.assert_array_equal(shared.states, alone.states)
    np.testing.assert_array_equal(shared.trajectory, alone.trajectory)
    np.testing.assert_array_equal(shared.win_probability, alone.win_probability)
    np.testing.assert_array_equal(shared.forecast, alone.forecast)


@fast
@given(problems, st.integers(1, 3))
def test_inactive_actors_change_nothing(problem, extra):
    seed, batch, n, k = problem
    x, s, c = random_problem(seed, batch, n, k)
    more_x, more_s, more_c = random_problem(seed + 1, batch, extra, k)
    spots = np.random.default_rng(seed).permutation(n + extra)
    active_rows = np.sort(spots[:n])  # the inactive actors are scattered among the others
    idle_rows = np.setdiff1d(np.arange(n + extra), active_rows)
    big_x = np.empty((batch, n + extra, k))
    big_s = np.empty((batch, n + extra, k))
    big_c = np.empty((batch, n + extra))
    big_x[:, active_rows], big_x[:, idle_rows] = x, more_x
    big_s[:, active_rows], big_s[:, idle_rows] = s, more_s
    big_c[:, active_rows], big_c[:, idle_rows] = c, more_c
    mask = np.zeros((batch, n + extra), dtype=bool)
    mask[:, active_rows] = True
    alone = spatial_model(x, s, c)
    crowd = spatial_model(big_x, big_s, big_c, active=mask)
    np.testing.assert_array_equal(crowd.states, alone.states)
    np.testing.assert_allclose(crowd.forecast, alone.forecast, atol=1e-9)
    np.testing.assert_allclose(crowd.trajectory[:, :, active_rows], alone.trajectory, atol=1e-9)
    np.testing.assert_allclose(
        crowd.win_probability[:, :, active_rows], alone.win_probability, atol=1e-12
    )
    idle = crowd.trajectory[:, :, idle_rows]
    assert np.array_equal(idle, np.broadcast_to(big_x[:, None, idle_rows], idle.shape))
    assert np.all(crowd.win_probability[:, :, idle_rows] == 0.0)


# ---------------------------------------------------------------------------
# the common-contract front
# ---------------------------------------------------------------------------


def test_spatial_forecast_matches_the_model_on_per_actor_inputs():
    x, s, c = random_problem(7, 2, 5, 2)
    per_issue_c = np.repeat(c[:, :, None], 2, axis=2)
    np.testing.assert_allclose(
        spatial_forecast(x, s, per_issue_c), spatial_model(x, s, c).forecast, atol=1e-12
    )


def test_spatial_forecast_rescales_saliences_that_sum_above_one():
    x, _, c = random_problem(11, 1, 4, 2)
    heavy = np.array([[[0.9, 0.6], [0.3, 0.2], [0.8, 0.8], [0.1, 0.5]]])
    total = heavy.sum(axis=2, keepdims=True)
    shares = np.where(total > 1.0, heavy / total, heavy)
    per_issue_c = np.repeat(c[:, :, None], 2, axis=2)
    np.testing.assert_allclose(
        spatial_forecast(x, heavy, per_issue_c),
        spatial_model(x, shares, c).forecast,
        atol=1e-12,
    )


def test_spatial_forecast_drops_actors_inactive_everywhere():
    x, s, c = random_problem(3, 1, 4, 2)
    per_issue_c = np.repeat(c[:, :, None], 2, axis=2)
    mask = np.ones((1, 5, 2), dtype=bool)
    mask[:, 4] = False
    wide = lambda a, fill: np.concatenate([a, np.full((1, 1, 2), fill)], axis=1)  # noqa: E731
    np.testing.assert_allclose(
        spatial_forecast(wide(x, 99.0), wide(s, 0.3), wide(per_issue_c, 50.0), mask),
        spatial_forecast(x, s, per_issue_c),
        atol=1e-9,
    )


# ---------------------------------------------------------------------------
# the KTAB CSV reader
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "n", "k", "issues"),
    [
        ("SOE-Pol-Comp.csv", 13, 2, ("Policy", "Competitive")),
        ("dummyData_3Dim.csv", 7, 3, ("Pstn1", "Pstn2", "Pstn3")),
        ("dummyData-a040.csv", 40, 1, ("XYZ",)),
        ("dummyData-a080.csv", 80, 1, ("XYZ",)),
    ],
)
def test_reader_reads_every_shipped_file(name, n, k, issues):
    scenario = read_ktab_csv(ktab_file(name))
    assert len(scenario.actors) == len(scenario.actor_descriptions) == n
    assert scenario.positions.shape == scenario.salience.shape == (n, k)
    assert scenario.capability.shape == (n,)
    assert scenario.issues == issues
    assert np.all((scenario.positions >= 0) & (scenario.positions <= 100))
    assert np.all(scenario.salience.sum(axis=1) <= 1.0 + 1e-9)


def test_reader_values_from_the_soe_file():
    scenario = read_ktab_csv(ktab_file("SOE-Pol-Comp.csv"))
    assert scenario.name == "China Policy/Competitive; scen 2"
    assert scenario.actors[0] == "XJ" and scenario.actor_descriptions[0] == "Xi Jinping"
    assert scenario.capability[1] == pytest.approx(60.2)
    np.testing.assert_allclose(scenario.positions[1], [45.0, 65.0])
    np.testing.assert_allclose(scenario.salience[1], [0.447, 0.413])


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "case.csv"
    path.write_text(text)
    return path


GOOD = (
    "Case, A test case, 2, 1,\n"
    "Actor, Description, Power, X Position, X Salience,\n"
    "A, First, 10, 20, 50,\n"
    "B, Second, 5, 80, 40,\n"
)


def test_reader_accepts_a_semicolon_first_line(tmp_path):
    text = GOOD.replace("Case, A test case, 2, 1,", "Case;Desc;2;1")
    scenario = read_ktab_csv(write(tmp_path, text))
    assert scenario.name == "Case" and scenario.issues == ("X",)


def test_reader_accepts_a_file_separated_by_semicolons(tmp_path):
    text = "\n".join(line.replace(",", ";") for line in GOOD.splitlines())
    scenario = read_ktab_csv(write(tmp_path, text))
    assert scenario.actors == ("A", "B")
    np.testing.assert_allclose(scenario.positions, [[20.0], [80.0]])
    np.testing.assert_allclose(scenario.salience, [[0.5], [0.4]])


def test_reader_names_file_line_and_column_of_a_bad_cell(tmp_path):
    path = write(tmp_path, GOOD.replace("B, Second, 5, 80, 40,", "B, Second, 5, eighty, 40,"))
    with pytest.raises(ScenarioError) as caught:
        read_ktab_csv(path)
    message = str(caught.value)
    assert str(path) in message and ":4:" in message and "column 4" in message
    assert "X Position" in message


def test_reader_rejects_a_missing_column(tmp_path):
    path = write(tmp_path, GOOD.replace("B, Second, 5, 80, 40,", "B, Second, 5, 80,"))
    with pytest.raises(ScenarioError, match=r":4: .*expected 5 columns"):
        read_ktab_csv(path)


def test_reader_rejects_a_wrong_actor_count_and_bad_ranges(tmp_path):
    with pytest.raises(ScenarioError, match="announces 3 actor"):
        read_ktab_csv(write(tmp_path, GOOD.replace(" 2, 1,", " 3, 1,", 1)))
    with pytest.raises(ScenarioError, match="0-100"):
        read_ktab_csv(write(tmp_path, GOOD.replace("80, 40", "180, 40")))
    with pytest.raises(ScenarioError, match="whole number"):
        read_ktab_csv(write(tmp_path, GOOD.replace(" 2, 1,", " two, 1,", 1)))
    with pytest.raises(ScenarioError, match="cannot read"):
        read_ktab_csv(tmp_path / "absent.csv")


def test_reader_output_runs_in_the_model_without_warnings():
    scenario = read_ktab_csv(ktab_file("dummyData_3Dim.csv"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = spatial_model(
            scenario.positions[None], scenario.salience[None], scenario.capability[None]
        )
    assert result.forecast.shape == (1, 3)


# ---------------------------------------------------------------------------
# the merge rule: robust to rounding noise, same forecast from the CLI and the API
# ---------------------------------------------------------------------------


def test_positions_exactly_one_tolerance_apart_merge_whatever_the_rounding_noise():
    # 0.6903 and 0.6913 are SAME_POSITION apart on the grid of bargained positions; the gap
    # computed in floating point lands a few 1e-16 either side of 1e-3 depending on the path.
    for x in (np.array([0.6903, 0.6913]), np.array([69.03, 69.13]) / 100.0):
        for noise in (0.0, 1e-13, -1e-13):
            positions = (x + np.array([0.0, noise]))[None, :, None]
            first, representative = ktab._groups(
                positions, np.ones((1, 2), dtype=bool), by_position=True
            )
            assert first.tolist() == [[0, 0]] and representative.tolist() == [[True, False]]
    apart = np.array([[[0.6903], [0.6914]]])  # 11 grid units: two options
    first, _ = ktab._groups(apart, np.ones((1, 2), dtype=bool), by_position=True)
    assert first.tolist() == [[0, 1]]


@pytest.fixture(scope="module")
def a080():
    return read_ktab_csv(ktab_file("dummyData-a080.csv"))


def test_a_perturbation_of_1e_12_keeps_the_80_actor_forecast(a080):
    # Final positions of this case hold 34 pairs exactly 1e-3 apart: a merge rule that
    # compared raw floating-point gaps forecast 65.04 or 65.16 depending on noise.
    x, s, c = a080.positions[None], a080.salience[None], a080.capability[None]
    base = spatial_model(x, s, c)
    signs = np.random.default_rng(0).choice([-1.0, 1.0], x.shape)
    for scale in (1e-12, -1e-12):
        moved = spatial_model(x + scale * signs, s, c)
        assert int(moved.states[0]) == int(base.states[0]) == 18
        np.testing.assert_allclose(moved.forecast, base.forecast, atol=1e-9)
    final = base.trajectory[0, -1, :, 0] / 100.0
    gaps = np.abs(final[:, None] - final[None, :])
    assert int((np.abs(gaps - ktab.SAME_POSITION) < 1e-9).sum()) // 2 == 34
    # The forecast from the final state itself, each position moved by 1e-12 either way.
    # Actors sharing a position exactly tie (P = 1/2) in the risk-neutral election; split by
    # 1e-12 their tie moves smoothly but steeply (the forecast by about 1e-4). A flip of the
    # merge rule would move it by 0.12.
    on_issue = np.ones((1, final.size, 1), dtype=bool)
    for scale in (1e-12, -1e-12):
        nudged = (final + scale * signs[0, :, 0])[None, :, None]
        forecast = ktab._forecast(nudged, s, c, on_issue[:, :, 0], on_issue) * 100.0
        np.testing.assert_allclose(forecast, base.forecast, atol=1e-3)


def test_the_command_line_and_the_api_forecast_the_80_actor_case_alike(a080, tmp_path):
    import json

    from typer.testing import CliRunner

    from realpolitik.interfaces.cli import app

    out = tmp_path / "run"
    result = CliRunner().invoke(app, [
        "run", str(ktab_file("dummyData-a080.csv")), "--static", "--model", "spatial",
        "--out", str(out),
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    record = json.loads((out / "forecast.json").read_text(encoding="utf-8"))
    from_cli = record["issues"][0]["forecast"]["spatial"]
    api = spatial_model(a080.positions[None], a080.salience[None], a080.capability[None])
    assert from_cli == pytest.approx(float(api.forecast[0, 0]), abs=1e-9)
