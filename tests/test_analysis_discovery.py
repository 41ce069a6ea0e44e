import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reference_prim
from analysis_fakes import TINY_SCENARIO, fake_ensemble
from helpers import REPO
from realpolitik.analysis._case_order import BoxTally, CaseOrder
from realpolitik.analysis.discovery import (
    _quantile_edges,
    box_statistics,
    choose_box,
    discover,
    discovery_inputs,
    feature_importance,
    mutual_information,
    peel,
    prim,
    prim_covering,
)
from realpolitik.analysis.outcomes import Outcome, OutcomeError
from realpolitik.scenario.loader import parse_scenario
from realpolitik.simulation import simulate_ensemble

NAMES = ("x1", "x2", "x3")


def corner_box_data(n=2000, seed=1):
    x = np.random.default_rng(seed).uniform(size=(n, 3))
    y = ((x[:, 0] > 0.7) & (x[:, 1] < 0.3)).astype(float)
    return x, y


def test_statistics_of_a_box_by_hand():
    x = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    tight = box_statistics(x, y, np.array([1.0]), np.array([2.0]), y.sum())
    assert (tight.coverage, tight.density, tight.support, tight.count) == (1.0, 1.0, 0.5, 2)
    wide = box_statistics(x, y, np.array([0.0]), np.array([2.0]), y.sum())
    assert wide.coverage == 1.0
    assert wide.density == pytest.approx(2 / 3)
    assert wide.support == 0.75
    half = box_statistics(x, y, np.array([2.0]), np.array([3.0]), y.sum())
    assert (half.coverage, half.density, half.support) == (0.5, 0.5, 0.5)


def test_first_peel_removes_the_end_that_leaves_the_higher_mean():
    x = np.arange(10.0)[:, None]
    y = np.array([0, 1, 1, 1, 1, 1, 1, 0, 0, 1], dtype=float)
    trajectory = peel(x, y, x.min(axis=0), x.max(axis=0), alpha=0.1, min_count=5)
    # low peel drops x=0 (y=0): 7/9; high peel drops x=9 (y=1): 6/9
    first = trajectory[1]
    assert (first.lows[0], first.highs[0]) == (1.0, 9.0)
    assert first.density == pytest.approx(7 / 9)
    assert first.coverage == 1.0
    assert first.support == pytest.approx(0.9)
    assert min(box.count for box in trajectory) >= 5


def test_prim_recovers_a_known_box():
    x, y = corner_box_data()
    found = prim(x, y, NAMES, min_coverage=0.8)
    bounds = {r.name: (r.low, r.high) for r in found.restrictions}
    assert set(bounds) == {"x1", "x2"}
    assert bounds["x1"][0] == pytest.approx(0.7, abs=0.03)
    assert bounds["x1"][1] is None
    assert bounds["x2"][0] is None
    assert bounds["x2"][1] == pytest.approx(0.3, abs=0.03)
    assert found.box.density >= 0.95
    assert found.box.coverage >= 0.9
    assert all(r.p_value < 1e-10 for r in found.restrictions)
    assert found.base_rate == pytest.approx(y.mean())


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), a=st.floats(0.2, 0.7), b=st.floats(0.3, 0.8))
def test_density_never_falls_along_the_trajectory_without_noise(seed, a, b):
    x = np.random.default_rng(seed).uniform(size=(600, 3))
    y = ((x[:, 0] > a) & (x[:, 2] < b)).astype(float)
    trajectory = prim(x, y, NAMES).trajectory
    densities = np.array([box.density for box in trajectory])
    coverages = np.array([box.coverage for box in trajectory])
    supports = np.array([box.support for box in trajectory])
    assert np.all(np.diff(densities) >= -1e-12)
    assert np.all(np.diff(coverages) <= 1e-12)
    assert np.all(np.diff(supports) < 0)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), alpha=st.floats(0.02, 0.2))
def test_peeling_respects_the_minimum_support_and_the_choice_rule(seed, alpha):
    x = np.random.default_rng(seed).uniform(size=(300, 2))
    y = (np.random.default_rng(seed + 1).uniform(size=300) < 0.2 + 0.6 * x[:, 0]).astype(float)
    found = prim(x, y, ("a", "b"), alpha=alpha, mass_min=0.1, min_coverage=0.4)
    assert all(box.count >= math.ceil(0.1 * 300) for box in found.trajectory)
    eligible = [box.density for box in found.trajectory if box.coverage >= 0.4 - 1e-12]
    assert found.chosen.density == max(eligible)
    assert found.box.density >= found.chosen.density
    assert found.box.coverage >= found.chosen.coverage - 1e-12


def test_choose_box_falls_back_to_the_whole_data():
    x, y = corner_box_data(n=400)
    trajectory = prim(x, y, NAMES).trajectory
    assert choose_box(trajectory, min_coverage=1.01) == 0


def test_a_yes_no_input_is_peeled_as_a_whole():
    rng = np.random.default_rng(3)
    fired = (rng.uniform(size=1000) < 0.5).astype(float)
    level = rng.uniform(size=1000)
    y = ((fired == 1) & (level > 0.6)).astype(float)
    found = prim(np.column_stack([fired, level]), y, ("fired", "level"), min_coverage=0.8)
    bounds = {r.name: (r.low, r.high) for r in found.restrictions}
    assert bounds["fired"] == (1.0, None)
    assert bounds["level"][0] == pytest.approx(0.6, abs=0.03)


def test_covering_finds_both_boxes_and_coverages_add_up():
    x = np.random.default_rng(7).uniform(size=(3000, 3))
    first = (x[:, 0] > 0.7) & (x[:, 1] < 0.3)
    second = (x[:, 0] < 0.2) & (x[:, 2] > 0.85)
    y = (first | second).astype(float)
    # the second box holds 3% of the cases: the minimum support must allow it
    boxes = prim_covering(x, y, NAMES, max_boxes=2, mass_min=0.02)
    assert len(boxes) == 2
    one, two = ({r.name: (r.low, r.high) for r in box.restrictions} for box in boxes)
    assert one["x1"][0] == pytest.approx(0.7, abs=0.03)
    assert one["x2"][1] == pytest.approx(0.3, abs=0.03)
    assert two["x1"][1] == pytest.approx(0.2, abs=0.03)
    assert two["x3"][0] == pytest.approx(0.85, abs=0.03)
    assert all(box.box.density >= 0.95 for box in boxes)
    assert boxes[0].box.coverage == pytest.approx(first.sum() / y.sum(), abs=0.05)
    assert sum(box.box.coverage for box in boxes) == pytest.approx(1.0, abs=0.08)
    assert sum(box.box.coverage for box in boxes) <= 1.0 + 1e-12


def test_covering_stops_when_nothing_beats_the_base_rate():
    x = np.random.default_rng(11).uniform(size=(800, 2))
    y = (np.random.default_rng(12).uniform(size=800) < 0.3).astype(float)
    assert len(prim_covering(x, y, ("a", "b"), max_boxes=3)) <= 1


def test_mutual_information_by_hand():
    y = np.array([0.0, 1.0] * 500)
    bias = 1 / (2 * 1000 * math.log(2))
    assert mutual_information(y, y) == pytest.approx(1.0 - bias)
    assert mutual_information(np.zeros(1000), y) == 0.0


def test_importance_ranks_the_inputs_that_matter_first():
    x, y = corner_box_data()
    ranked = feature_importance(x, y, NAMES)
    assert {ranked[0].name, ranked[1].name} == {"x1", "x2"}
    assert ranked[2].name == "x3"
    assert ranked[2].information < 0.01 < ranked[1].information
    x1 = next(item for item in ranked if item.name == "x1")
    assert x1.rates[0] == 0.0
    assert x1.rates[-1] == pytest.approx(0.3, abs=0.05)  # P(x2 < 0.3)


def test_inputs_of_an_ensemble_include_shock_timing():
    result = fake_ensemble(draws=4, steps=4)
    inputs = discovery_inputs(result)
    assert inputs.names == ("p", "fired:s", "fired_year:s")
    np.testing.assert_array_equal(inputs.x[:, 1], [1, 0, 1, 0])
    # fired at step 1 (0.25 years); never: one step past the 1-year horizon
    np.testing.assert_allclose(inputs.x[:, 2], [0.2491, 1.2498, 0.2491, 1.2498], atol=2e-3)


def test_discovery_needs_a_threshold_for_a_graded_outcome():
    with pytest.raises(OutcomeError, match="give a threshold"):
        discover(fake_ensemble(), Outcome("settlement", "a"))
    found = discover(fake_ensemble(draws=40, steps=4), Outcome("settlement", "a"),
                     threshold=200.0)
    assert found.base_rate == pytest.approx(0.5)
    assert found.boxes[0].restrictions[0].name == "p"


def test_discovery_warns_when_the_outcome_never_varies():
    with pytest.warns(RuntimeWarning, match="nothing to discover"):
        found = discover(fake_ensemble(), Outcome("rupture", "ab"))
    assert found.boxes == []


def test_discovery_on_a_small_scenario():
    scenario = parse_scenario(TINY_SCENARIO)
    result = simulate_ensemble(scenario, draws=1000, seed=0)
    found = discover(result, Outcome("rupture", "north_south"))
    assert 0 < found.base_rate < 1
    assert found.boxes and found.boxes[0].box.density > 3 * found.base_rate
    top = {item.name for item in found.importance[:4]}
    assert top & {"fired:border_crisis", "fired_year:border_crisis"}
    assert found.importance[-1].information < found.importance[0].information


def test_discovery_section_summary_and_figures(tmp_path):
    from rich.console import Console

    from realpolitik.outputs.sections_analysis import discovery_section
    from realpolitik.outputs.terminal import discovery_summary

    result = simulate_ensemble(parse_scenario(TINY_SCENARIO), draws=400, seed=3)
    found = discover(result, Outcome("rupture", "north_south"), max_boxes=1)
    section = discovery_section(found, tmp_path)
    assert "coverage" in section.body_html and "quasi-p-value" in section.body_html
    assert "tiny-pact" in section.body_html
    assert [f.path.name for f in section.figures] == ["prim-trajectory-1.png", "prim-box-1.png"]
    assert all(f.path.stat().st_size > 5000 for f in section.figures)
    console = Console(record=True, width=120)
    console.print(discovery_summary(result, max_boxes=1))
    text = console.export_text()
    assert "rupture of north_south" in text and "box 1" in text


def test_discovery_summary_says_when_nothing_varies():
    from rich.console import Console

    from realpolitik.outputs.terminal import discovery_summary

    console = Console(record=True, width=120)
    console.print(discovery_summary(fake_ensemble(draws=4, steps=4)))
    assert "nothing to discover" in console.export_text()


# ---------------------------------------------------------------------------
# The boxes do not depend on how the peeling is bookkept
# ---------------------------------------------------------------------------
def pinned_case(seed=2024, n=1500):
    """A continuous input, a 0/1 input, one with six values and a rounded normal one (ties)."""
    rng = np.random.default_rng(seed)
    x = np.column_stack([rng.uniform(size=n), rng.integers(0, 2, n), rng.integers(0, 6, n) / 4,
                         rng.normal(size=n).round(1)])
    y = (((x[:, 0] > 0.6) & (x[:, 1] == 1)) | ((x[:, 2] < 0.3) & (x[:, 3] > 0.8))
         | (rng.uniform(size=n) < 0.05)).astype(float)
    return x, y


PINNED_NAMES = ("a", "b", "c", "d")

# computed by the implementation that re-sorted and re-masked the box at every peel
PINNED_BOXES = [
    (18, [1500, 732, 695, 660, 627, 595, 565, 536, 509, 483, 458, 435, 413, 392, 372, 353, 335,
          318, 302, 288, 277, 267, 257, 244, 231, 225, 214, 207, 198, 193, 184, 182, 172, 163,
          154, 146, 138, 131, 124, 117, 111, 105, 99, 94, 89, 84, 79, 75, 71, 67, 63, 59, 56,
          53, 50, 47],
     0.6801801801801802, 1.0, 0.20133333333333334, 302,
     [("a", 0.6204991172128015, None, 2.2162285613458958e-96),
      ("b", 1.0, None, 1.6427853882470215e-78)]),
    (4, [1198, 995, 805, 605, 402, 213, 202, 191, 185, 178, 174, 163, 154, 147, 139, 133, 124,
         112, 102, 95, 82, 70, 60, 56, 45],
     0.22972972972972974, 0.2537313432835821, 0.268, 402,
     [("c", None, 0.25, 7.105933279242361e-14)]),
]
PINNED_IMPORTANCE = [
    ("a", 0.15144767421113262, (0.12, 0.11, 0.14666666666666667, 0.56, 0.5433333333333333)),
    ("b", 0.11950770008306938, (0.11848958333333333, 0.4822404371584699)),
    ("d", 0.02570305391146947, (0.2893772893772894, 0.23529411764705882, 0.23026315789473684,
                                0.25076452599388377, 0.4723127035830619)),
    ("c", 0.021212439901573645, (0.4, 0.41700404858299595, 0.25196850393700787,
                                 0.2677165354330709, 0.21649484536082475)),
]
PINNED_REAL_VALUED = (
    26, [1500, 732, 695, 660, 627, 595, 565, 536, 509, 483, 458, 435, 413, 392, 372, 353, 335,
         318, 302, 286, 271, 257, 244, 231, 219, 208, 197, 169, 160, 152, 144, 136, 129, 122,
         115, 109, 83, 80, 76],
    0.33893708772020775, 1.3199430159683754, 0.13133333333333333, 197,
    [("a", 0.7542369531705431, None, None), ("b", 1.0, None, None)])


def pinned(found):
    box = found.box
    return (found.chosen_index, [step.count for step in found.trajectory], box.coverage,
            box.density, box.support, box.count,
            [(r.name, r.low, r.high, r.p_value) for r in found.restrictions])


def everything(found):
    """Every number of a PRIM result: each box of the trajectory, the chosen and pasted box."""
    boxes = [*found.trajectory, found.box]
    return (found.chosen_index, found.base_rate,
            [(b.count, b.coverage, b.density, b.support, tuple(b.lows), tuple(b.highs))
             for b in boxes],
            [(r.name, r.low, r.high, r.p_value) for r in found.restrictions])


def test_the_boxes_of_a_fixed_case_are_pinned_to_the_last_digit():
    x, y = pinned_case()
    boxes = prim_covering(x, y, PINNED_NAMES, max_boxes=3, mass_min=0.03)
    assert [pinned(found) for found in boxes] == PINNED_BOXES
    ranked = feature_importance(x, y, PINNED_NAMES)
    assert [(item.name, item.information, item.rates) for item in ranked] == PINNED_IMPORTANCE
    real_valued = x[:, 0] * (x[:, 1] + 0.5) + 0.3 * np.sin(7 * x[:, 3])
    assert pinned(prim(x, real_valued, PINNED_NAMES, min_coverage=0.3)) == PINNED_REAL_VALUED


def mixed_inputs(seed):
    """Random inputs of every kind PRIM meets, and a 0/1 outcome that depends on some of them."""
    rng = np.random.default_rng(seed)
    n, d = int(rng.integers(5, 600)), int(rng.integers(1, 6))
    kinds = [lambda: rng.uniform(size=n), lambda: rng.integers(0, 2, n).astype(float),
             lambda: rng.integers(0, int(rng.integers(2, 12)), n).astype(float),
             lambda: rng.normal(size=n).round(1)]
    x = np.column_stack([kinds[int(rng.integers(0, 4))]() for _ in range(d)])
    score = x @ rng.normal(size=d) + rng.normal(size=n) * rng.uniform(0, 2)
    y = (score > np.quantile(score, rng.uniform(0.5, 0.95))).astype(float)
    return x, y, tuple(f"v{j}" for j in range(d))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), alpha=st.sampled_from([0.02, 0.05, 0.1, 0.3]),
       mass_min=st.sampled_from([0.02, 0.05, 0.1, 0.3]), min_coverage=st.floats(0.2, 0.9),
       paste_alpha=st.sampled_from([0.05, 0.2]), bins=st.integers(2, 6))
def test_same_boxes_and_ranking_as_the_reference(seed, alpha, mass_min, min_coverage,
                                                 paste_alpha, bins):
    x, y, names = mixed_inputs(seed)
    chosen = dict(max_boxes=3, alpha=alpha, mass_min=mass_min, min_coverage=min_coverage,
                  paste_alpha=paste_alpha)
    expected = reference_prim.prim_covering(x, y, names, **chosen)
    assert [everything(found) for found in prim_covering(x, y, names, **chosen)] == [
        everything(found) for found in expected]
    assert feature_importance(x, y, names, bins=bins) == reference_prim.feature_importance(
        x, y, names, bins=bins)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 400), bins=st.integers(2, 8),
       distinct=st.sampled_from([2, 5, 30, None]))
def test_quantile_edges_are_numpys_to_the_last_digit(seed, n, bins, distinct):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)) * 10.0 ** rng.integers(-3, 4)
    if distinct is not None:
        x = rng.integers(0, distinct, size=(n, 3)) / 7.0
    expected = np.quantile(x, np.linspace(0, 1, bins + 1)[1:-1], axis=0)
    np.testing.assert_array_equal(_quantile_edges(CaseOrder.of(x), bins), expected)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 700), distinct=st.integers(1, 50))
def test_box_tallies_agree_with_a_fresh_mask(seed, n, distinct):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, distinct, size=(n, 3)).astype(float)
    y = (rng.uniform(size=n) < 0.3).astype(float)
    inside = rng.uniform(size=n) < 0.7
    tally = BoxTally(CaseOrder.of(x), y, inside)
    tally.remove(np.flatnonzero(inside & (rng.uniform(size=n) < 0.4)))
    mask = tally.inside
    assert tally.count == mask.sum()
    for rank in range(tally.count):
        np.testing.assert_array_equal(tally.order.values(tally.nth(np.full(3, rank))),
                                      np.sort(x[mask], axis=0)[rank])
    for value in np.unique(x):
        below, total = tally.below(tally.order.search(np.full(3, value), "left"))
        np.testing.assert_array_equal(below, (mask[:, None] & (x < value)).sum(axis=0))
        np.testing.assert_array_equal(total, ((mask * y)[:, None] * (x < value)).sum(axis=0))


# ---------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------
def test_discovery_reports_its_progress_peel_by_peel():
    result = simulate_ensemble(parse_scenario(TINY_SCENARIO), draws=400, seed=3)
    reports = []
    discover(result, Outcome("rupture", "north_south"),
             progress=lambda done, total: reports.append((done, total)))
    total = 3 * math.ceil(math.log(0.05) / math.log(0.95)) + 1
    assert {t for _, t in reports} == {total}
    done = [d for d, _ in reports]
    assert done[0] == 0 and done[-1] == total
    assert done == sorted(done)
    assert len(set(done)) > 10  # a report per peel, not only at the start and the end


def test_discovery_of_a_constant_outcome_still_completes_its_progress():
    reports = []
    with pytest.warns(RuntimeWarning, match="nothing to discover"):
        discover(fake_ensemble(), Outcome("rupture", "ab"), max_boxes=2,
                 progress=lambda done, total: reports.append((done, total)))
    assert reports[0][0] == 0 and reports[-1][0] == reports[-1][1]


def test_prim_benchmark_quick():
    result = subprocess.run([sys.executable, "benchmarks/bench_prim.py", "--quick"], cwd=REPO,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "same boxes: True" in result.stdout and "faster" in result.stdout
