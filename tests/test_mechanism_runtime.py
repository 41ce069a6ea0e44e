"""Mechanism expressions that are valid but give NaN or infinity when read.

Dividing by a difference that is zero in the simulated state is legal in
the language and happens in real scenarios.  What each reader makes of it:

* a hazard factor: the hazard stays within [0, 1]; +infinity gives 1, a
  negative factor or NaN gives 0 (docs/model.md, "Mechanisms");
* an effect factor: NaN counts as 0 and an infinite factor as the largest
  number a scenario may write (1e15), so that ``0 x inf`` and ``inf - inf``
  never put a NaN in the state; a stacked ``scale`` multiplies by at most
  1e15;
* a lever's ``when``: a comparison with NaN is false (so ``not`` of it is
  true), as in an indicator.

The scenarios are the toy of ``simulation_toy.py`` with the random walk
off: ``solo`` has one actor, ``a``, so its settlement is ``a``'s position
and every effect on it is known by hand.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from realpolitik.interfaces.cli import app
from realpolitik.scenario.loader import parse_scenario
from realpolitik.scenario.quantity import MAX_MAGNITUDE
from realpolitik.simulation import simulate_ensemble
from realpolitik.simulation.results import EnsembleResult
from simulation_toy import STILL, TOY, every_step


def run(text: str, draws: int = 40, **options: object) -> EnsembleResult:
    scenario = parse_scenario(text, path="toy.yaml")
    return simulate_ensemble(scenario, draws=draws, seed=5, model="compromise", **options)


def finite(result: EnsembleResult) -> None:
    for name in ("settlement", "cohesion", "issue_cohesion"):
        for key, values in getattr(result, name).items():
            assert np.isfinite(values).all(), (name, key)


# ---------------------------------------------------------------------------
# Effect factors
# ---------------------------------------------------------------------------


def test_an_infinite_factor_on_a_shift_moves_the_position_to_its_bound():
    result = run(every_step('{target: stances.solo.a.position, shift: 10, factor: "1 / 0"}'))
    finite(result)
    np.testing.assert_array_equal(result.settlement["solo"][0], [10] + [100] * 20)


def test_an_infinite_factor_on_a_zero_shift_changes_nothing():
    """``0 x inf`` is NaN: the factor, bounded first, makes it 0 x 1e15 = 0."""
    result = run(every_step('{target: stances.solo.a.position, shift: 0, factor: "1 / 0"}'))
    assert (result.settlement["solo"] == 10).all()


def test_infinite_factors_of_opposite_signs_cancel_instead_of_making_nan():
    """Firing k has factor (k - 1.5) / 0: -inf at the first, +inf after; two in force.

    With ``duration: 2`` the firings in force at step t are t - 1 and t:
    step 1: {-1e15}, position 10 - 1e16 -> 0; step 2: {-1e15, +1e15}, sum 0,
    position 10; from step 3 on: {+1e15, +1e15} -> 100.
    """
    result = run(every_step('{target: stances.solo.a.position, shift: 10, '
                            'factor: "(count(s) - 1.5) / 0"}', "      duration: 2\n"))
    np.testing.assert_array_equal(result.settlement["solo"][0], [10, 0, 10] + [100] * 18)


def test_a_nan_factor_counts_as_zero():
    result = run(every_step('{target: stances.solo.a.position, shift: 10, factor: "0 / 0"}'))
    assert (result.settlement["solo"] == 10).all()


def test_an_infinite_factor_on_a_scale_of_capability_keeps_it_finite():
    """c's capability times at most 1e15: c alone decides issue x (a and b weigh 10 each)."""
    result = run(every_step('{target: actors.c.capability, scale: 2, factor: "1 / 0"}'))
    finite(result)
    position = result.parameters["stances.x.c.position"]
    # compromise: the capability- and salience-weighted mean; c's weight is about 1e15 x 2.5
    share = 20 / (20 + MAX_MAGNITUDE * result.parameters["actors[2].capability"] * 0.5)
    expected = position[:, None] * (1 - share[:, None]) + 50 * share[:, None]
    np.testing.assert_allclose(result.settlement["x"][:, 1:], np.repeat(expected, 20, axis=1),
                               rtol=1e-12)


def test_an_infinite_factor_on_a_scale_of_a_salience_keeps_it_within_bounds():
    """``0.5 x 2 ** inf`` would be infinite, and a zero salience times it NaN."""
    result = run(every_step('{target: stances.x.c.salience, scale: 2, factor: "1 / 0"}'))
    finite(result)
    zero = run(every_step('{target: stances.x.c.salience, scale: 0, factor: "1 / 0"}'))
    finite(zero)
    # salience 0: c drops out of issue x; a and b, both at 50, settle it at 50
    np.testing.assert_allclose(zero.settlement["x"][:, 1:], 50)


def test_a_factor_on_a_hazard_effect_keeps_the_other_hazard_within_bounds():
    text = TOY + f"""
dynamics:
{STILL}  shocks:
    - id: s
      name: S
      hazard: 1
      recurring: true
      effects:
        - {{target: shocks.t.hazard, scale: 3, factor: "1 / 0"}}
    - id: t
      name: T
      hazard: 0.1
      recurring: true
"""
    result = run(text)
    hazard = result.shock_hazard["t"]
    assert np.isnan(hazard[:, 0]).all()
    np.testing.assert_array_equal(hazard[:, 1], 0.1)  # s fires at step 1; t reads it at 2
    np.testing.assert_array_equal(hazard[:, 2:], 1.0)


# ---------------------------------------------------------------------------
# Hazard factors
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("factor", "hazard"), [
    ("settlement(solo) / (settlement(x) - settlement(x))", 1.0),  # 10 / 0: +infinity
    ("-settlement(solo) / (settlement(x) - settlement(x))", 0.0),  # -infinity
    ("(settlement(x) - settlement(x)) / (settlement(x) - settlement(x))", 0.0),  # NaN
    ("1e15 * 1e15 * 1e15 * 1e15 * 1e15 * 1e15 * 1e15 * 1e15 * 1e15 * 1e15 * 1e15", 1.0),
])
def test_a_hazard_factor_that_is_infinite_or_nan_gives_a_hazard_of_one_or_zero(factor, hazard):
    text = TOY + f"""
dynamics:
{STILL}  shocks:
    - id: s
      name: S
      hazard: 0.3
      hazard_factor: "{factor}"
      recurring: true
"""
    result = run(text)
    np.testing.assert_array_equal(result.shock_hazard["s"][:, 1:], hazard)
    assert (result.shock_count["s"][:, -1] == (20 if hazard else 0)).all()


# ---------------------------------------------------------------------------
# Conditions
# ---------------------------------------------------------------------------


def lever_on(when: str) -> EnsembleResult:
    text = TOY + f"""
dynamics:
{STILL}levers:
  - id: later
    name: Later
    when: "{when}"
    effects:
      - {{target: stances.solo.a.position, shift: 10}}
"""
    return run(text, levers=["later"])


@pytest.mark.parametrize(("when", "starts"), [
    ("0 / 0 > 1", False),
    ("0 / 0 == 0 / 0", False),
    ("0 / 0 != 0 / 0", True),
    ("not (0 / 0 > 1)", True),
    ("settlement(x) / (settlement(x) - settlement(x)) > 1e15", True),  # +infinity
    ("(settlement(x) - settlement(x)) / (settlement(x) - settlement(x)) >= 0", False),
])
def test_a_condition_reading_nan_is_false_and_its_negation_true(when, starts):
    result = lever_on(when)
    solo = result.settlement["solo"]
    assert (solo == (20 if starts else 10)).all()  # from step 0, or never


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------

HOSTILE = TOY + f"""
dynamics:
  horizon_years: 2
{STILL}  parameters:
    response: {{range: [0, 2], estimate: "a guess"}}
  shocks:
    - id: s
      name: S
      hazard: 0.5
      hazard_factor: "response * settlement(solo) / (settlement(x) - settlement(x))"
      recurring: true
      duration: 2
      effects:
        - {{target: stances.solo.a.position, shift: 5, factor: "(count(s) - 1.5) / 0"}}
        - {{target: actors.c.capability, scale: 2, factor: "0 / 0 + 1 / 0"}}
levers:
  - id: later
    name: Later
    when: "not (0 / 0 > count(s))"
    effects:
      - {{target: stances.x.a.position, shift: 10}}
analysis:
  objective: settlement:solo
  direction: maximise
"""


def test_the_results_of_a_run_reading_nan_and_infinity_hold_numbers(tmp_path):
    result = run(HOSTILE, draws=30, levers=["later"])
    finite(result)
    hazard = result.shock_hazard["s"]
    assert np.isnan(hazard[:, 0]).all() and np.isin(hazard[:, 1:], [0.0, 1.0]).all()
    back = EnsembleResult.from_parquet(result.to_parquet(tmp_path / "ensemble"))
    np.testing.assert_array_equal(back.shock_hazard["s"], hazard)
    path, out = tmp_path / "hostile.yaml", tmp_path / "run"
    path.write_text(HOSTILE, encoding="utf-8")
    done = CliRunner().invoke(app, ["run", str(path), "--draws", "20", "--sobol-samples", "4",
                                    "--model", "compromise", "--out", str(out)])
    assert done.exit_code == 0, done.output
    files = list(out.rglob("*.json"))
    assert len(files) > 10
    for file in files:
        # NaN, Infinity and -Infinity are the constants json reads: the results hold none
        constants: list[str] = []
        json.loads(file.read_text(encoding="utf-8"), parse_constant=constants.append)
        assert not constants, (file.name, constants)
