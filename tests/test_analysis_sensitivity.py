import math

import numpy as np
import pytest

from analysis_fakes import TINY_SCENARIO, fake_ensemble
from realpolitik.analysis.outcomes import Outcome
from realpolitik.analysis.sensitivity import (
    SensitivityOptions,
    analyse_sensitivity,
    from_unit,
    one_at_a_time,
    sobol_design,
    sobol_indices,
    uncertain_parameters,
)
from realpolitik.scenario.loader import parse_scenario
from realpolitik.scenario.quantity import Quantity

A, B = 7.0, 0.1
PI = Quantity(range=(-math.pi, math.pi))


def ishigami(x):
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices():
    """Analytic indices (Ishigami and Homma 1990; Sobol and Levitan 1999)."""
    v1 = 0.5 * (1 + B * math.pi**4 / 5) ** 2
    v2 = A**2 / 8
    v13 = B**2 * math.pi**8 * (1 / 18 - 1 / 50)
    total = v1 + v2 + v13
    return [v1 / total, v2 / total, 0.0], [(v1 + v13) / total, v2 / total, v13 / total]


def test_sobol_indices_of_ishigami_match_the_analytic_values():
    found = sobol_indices(ishigami, [("x1", PI), ("x2", PI), ("x3", PI)],
                          base_samples=1024, seed=1)
    first, total = ishigami_indices()
    np.testing.assert_allclose(found.first, first, atol=0.03)
    np.testing.assert_allclose(found.total, total, atol=0.03)
    assert found.evaluations == 1024 * 5
    assert np.all(found.first_conf > 0) and np.all(found.first_conf < 0.1)
    assert found.ranked() == [0, 1, 2]


def test_sobol_is_reproducible_and_evaluates_block_by_block():
    calls = []

    def model(x):
        calls.append(x.shape)
        return x[:, 0] + 2 * x[:, 1]

    unit = Quantity(range=(0, 1))
    one = sobol_indices(model, [("a", unit), ("b", unit)], base_samples=64, seed=5)
    two = sobol_indices(model, [("a", unit), ("b", unit)], base_samples=64, seed=5)
    np.testing.assert_array_equal(one.total, two.total)
    assert calls == [(64, 2)] * 8
    # additive model: S_i = ST_i = share of variance, 1/5 and 4/5
    np.testing.assert_allclose(one.first, [0.2, 0.8], atol=0.05)
    np.testing.assert_allclose(one.total, [0.2, 0.8], atol=0.05)


def test_design_blocks_are_a_then_mixes_then_b():
    design = sobol_design(3, 8, seed=0)
    a, b = design[:, 0, :], design[:, -1, :]
    for i in range(3):
        mixed = design[:, 1 + i, :]
        np.testing.assert_array_equal(mixed[:, i], b[:, i])
        others = [j for j in range(3) if j != i]
        np.testing.assert_array_equal(mixed[:, others], a[:, others])


def test_constant_outcome_gives_zero_indices_and_a_warning():
    unit = Quantity(range=(0, 1))
    with pytest.warns(RuntimeWarning, match="same value"):
        found = sobol_indices(lambda x: np.ones(len(x)), [("a", unit)], base_samples=8)
    assert found.first.tolist() == [0.0] and found.total.tolist() == [0.0]


def test_base_samples_must_be_a_power_of_two():
    with pytest.raises(ValueError, match="power of two"):
        sobol_indices(ishigami, [("x1", PI)], base_samples=100)


def test_triangular_quantities_map_through_their_inverse_cdf():
    tri = Quantity(range=(0, 10), mode=2, dist="triangular")
    u = np.array([0.0, 0.2, 1.0])
    np.testing.assert_allclose(from_unit(tri, u), [0.0, 2.0, 10.0])
    np.testing.assert_allclose(from_unit(Quantity(range=(4, 8)), u), [4.0, 4.8, 8.0])


def test_one_at_a_time_swings_by_hand():
    parameters = [("a", Quantity(range=(0, 2))), ("b", Quantity(range=(-1, 5)))]
    tornado = one_at_a_time(lambda x: x[:, 0] * 10 + x[:, 1], parameters, replicates=3)
    # points: a = 1, b = 2; baseline 12; a swings 2..22, b swings 9..15
    assert tornado.baseline == 12
    assert [s.name for s in tornado.swings] == ["a", "b"]
    assert (tornado.swings[0].at_low, tornado.swings[0].at_high) == (2, 22)
    assert (tornado.swings[1].at_low, tornado.swings[1].at_high) == (9, 15)
    assert tornado.swings[1].width == 6


def test_uncertain_parameters_of_a_scenario_leave_levers_out():
    names = [name for name, _ in uncertain_parameters(parse_scenario(TINY_SCENARIO))]
    assert "dynamics.shocks[0].hazard" in names
    assert "stances.border.north.position" in names
    assert not any(name.startswith("levers") for name in names)
    assert "actors[0].capability" not in names


def test_sensitivity_of_a_small_scenario():
    scenario = parse_scenario(TINY_SCENARIO)
    outcome = Outcome("settlement", "border")
    # one engine: the scenario's numbers alone (a mixture's engine is an input of its own)
    found = analyse_sensitivity(scenario, outcome, SensitivityOptions(
        base_samples=64, replicates=32, seed=0, model="compromise"))
    names = list(found.sobol.names)
    total = dict(zip(names, found.sobol.total, strict=True))
    # the trade issue's stance cannot move the border settlement
    assert total["stances.trade.south.position"] == pytest.approx(0.0, abs=0.02)
    assert max(total, key=total.get) in {"stances.border.north.position",
                                         "dynamics.shocks[0].hazard"}
    swings = {s.name: s for s in found.tornado.swings}
    north = swings["stances.border.north.position"]
    assert north.at_high > north.at_low
    assert swings["stances.trade.south.position"].width == pytest.approx(0.0, abs=1e-9)


def test_sensitivity_section_summary_and_figures(tmp_path):
    from rich.console import Console

    from realpolitik.outputs.sections_analysis import sensitivity_section
    from realpolitik.outputs.terminal import sensitivity_summary

    scenario = parse_scenario(TINY_SCENARIO)
    found = analyse_sensitivity(scenario, Outcome("cohesion", "north_south"),
                                SensitivityOptions(base_samples=16, replicates=8, seed=0))
    section = sensitivity_section(found, tmp_path)
    assert "first-order S1" in section.body_html and "tiny-pact" in section.body_html
    assert [f.path.name for f in section.figures] == ["sobol.png", "tornado.png"]
    assert all(f.path.stat().st_size > 5000 for f in section.figures)
    console = Console(record=True, width=140)
    console.print(sensitivity_summary(found))
    text = console.export_text()
    # six uncertain numbers and the mixture's engine: 16 * (7 + 2) runs
    assert "Sobol indices (16 base samples, 144 runs)" in text
    assert "stances.border.north.position" in text
    assert "model.engine" in text and "model choice" in text


def test_sobol_intervals_are_reproducible_with_seed_zero():
    unit = Quantity(range=(0, 1))

    def model(x):
        return x[:, 0] + 2 * x[:, 1] + x[:, 0] * x[:, 1]

    one = sobol_indices(model, [("a", unit), ("b", unit)], base_samples=64, seed=0)
    two = sobol_indices(model, [("a", unit), ("b", unit)], base_samples=64, seed=0)
    np.testing.assert_array_equal(one.first_conf, two.first_conf)
    np.testing.assert_array_equal(one.total_conf, two.total_conf)


def test_every_simulation_of_the_design_and_the_swings_runs_on_the_given_executor():
    scenario = parse_scenario(TINY_SCENARIO)
    calls, ticks = [], []
    executor = object()

    def simulate(scenario, *, draws, seed, model, levers, overrides, executor):
        calls.append((draws, seed, model, executor))
        result = fake_ensemble(draws=draws, steps=2, seed=seed)
        result.settlement = {"border": np.column_stack([np.zeros((draws, 2)),
                                                        overrides["stances.border.north.position"]])}
        return result

    options = SensitivityOptions(base_samples=4, replicates=2, seed=3, model="median")
    found = analyse_sensitivity(scenario, Outcome("settlement", "border"), options,
                                executor=executor, progress=lambda d, t: ticks.append((d, t)),
                                simulate=simulate)
    d = len(uncertain_parameters(scenario, options.model))
    assert len(calls) == (d + 2) + (2 * d + 1) == options.evaluations(d)
    assert all(call[1:] == (3, "median", executor) for call in calls)
    assert {call[0] for call in calls} == {4, 2}
    assert ticks[0] == (0, len(calls)) and ticks[-1] == (len(calls), len(calls))
    assert found.tornado.swings[0].name == "stances.border.north.position"
    assert (found.seed, found.model) == (3, "median")
