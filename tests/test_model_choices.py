"""Model choices as named inputs, and how much they move the answer.

The engine of a mixture is an overridable input (``model.engine``) that the
sensitivity analysis varies like any number; the rupture rule's constants
and the random walk's numbers are named model choices; the report, the
terminal and the result files say how far each choice moves the chance that
an alliance holds.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from analysis_fakes import PACT_CORE
from realpolitik.analysis.model_choices import model_choices, rule_range, threshold_grid
from realpolitik.analysis.outcomes import value
from realpolitik.analysis.outlook import OutlookOptions, forecast_outlook
from realpolitik.analysis.sensitivity import (
    engine_parameter,
    one_at_a_time,
    scenario_model,
    uncertain_parameters,
)
from realpolitik.scenario.dynamics import RuptureSpec
from realpolitik.scenario.loader import load_scenario, parse_scenario, resolve_scenario
from realpolitik.scenario.names import (
    DEFAULT_ENGINE_NAMES,
    ENGINE_INPUT,
    GAME_CHANGER,
    MODEL_CHOICE,
    SCENARIO_NUMBER,
    field_name,
    input_kind,
)
from realpolitik.scenario.outcomes import Outcome
from realpolitik.scenario.quantity import Quantity
from realpolitik.simulation import simulate_ensemble
from realpolitik.simulation.mixture import DEFAULT_MIXTURE_ENGINES

PACT = """\
scenario:
  id: pact
  title: Two partners, one rival, one crisis
  as_of: 2024-01-01
""" + PACT_CORE + """\
    rupture:
      below: [0.25, 0.35]
      for_steps: [1, 3]
dynamics:
  step: quarter
  horizon_years: 2
  volatility: {position: [2, 6], salience: 0.03}
  pull: [0.0, 0.3]
  shocks:
    - id: border_crisis
      name: Border crisis
      hazard: [0.02, 0.12]
      hazard_trend: [0.0, 0.2]
      effects:
        - {target: stances.border.south.position, shift: 30}
analysis:
  sensitivity: cohesion:north_south
  draws: 60
"""


@pytest.fixture(scope="module")
def pact():
    return parse_scenario(PACT, path="pact.yaml")


@pytest.fixture(scope="module")
def flagship():
    return load_scenario(resolve_scenario(None))


@pytest.fixture(scope="module")
def outlook(pact):
    return forecast_outlook(pact, OutlookOptions(draws=200, seed=3, levers=False,
                                                 discovery=False, sensitivity=False))


# ---------------------------------------------------------------------------
# The engine as an input
# ---------------------------------------------------------------------------
def test_an_engine_override_of_zero_bargains_every_draw_with_the_first_engine(pact):
    draws = 40
    mixed = simulate_ensemble(pact, draws=draws, seed=5,
                              overrides={ENGINE_INPUT: np.zeros(draws)})
    first = next(iter(mixed.engine_weights))
    assert set(mixed.engine) == {first}
    alone = simulate_ensemble(pact, draws=draws, seed=5, model=first)
    for issue, settlement in alone.settlement.items():
        np.testing.assert_array_equal(mixed.settlement[issue], settlement)
    np.testing.assert_array_equal(mixed.parameters[ENGINE_INPUT], np.zeros(draws))


def test_an_engine_override_of_one_bargains_with_the_last_engine(pact):
    mixed = simulate_ensemble(pact, draws=10, seed=5, overrides={ENGINE_INPUT: np.ones(10)})
    assert set(mixed.engine) == {list(mixed.engine_weights)[-1]}


def test_a_mixture_records_its_engine_numbers_and_one_engine_does_not(pact):
    mixed = simulate_ensemble(pact, draws=30, seed=1)
    numbers = mixed.parameters[ENGINE_INPUT]
    assert np.all((numbers >= 0) & (numbers < 1))
    cut = next(iter(mixed.engine_weights.values()))
    first = next(iter(mixed.engine_weights))
    np.testing.assert_array_equal(mixed.engine == first, numbers < cut)
    assert ENGINE_INPUT not in simulate_ensemble(pact, draws=5, seed=1,
                                                 model="compromise").parameters


def test_engine_overrides_are_checked(pact):
    with pytest.raises(ValueError, match="one engine"):
        simulate_ensemble(pact, draws=4, model="median", overrides={ENGINE_INPUT: np.zeros(4)})
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        simulate_ensemble(pact, draws=4, overrides={ENGINE_INPUT: np.full(4, 1.5)})


def test_the_engine_is_an_input_only_of_a_mixture_of_two_engines_or_more(pact):
    assert engine_parameter(pact)[0] == ENGINE_INPUT
    assert engine_parameter(pact, "compromise") is None
    assert engine_parameter(pact, engine_weights={"median": 1.0}) is None
    names = [name for name, _ in uncertain_parameters(pact, "median")]
    assert ENGINE_INPUT not in names


def test_the_flagships_sobol_inputs_name_the_engine_and_the_rupture_threshold(flagship):
    rule = flagship.alliances[0].rupture
    if isinstance(rule, str) or rule is None or not rule.below or not rule.below.uncertain:
        ranged = RuptureSpec(below=Quantity(range=(0.15, 0.25)), for_steps=Quantity(value=2))
        alliances = [flagship.alliances[0].model_copy(update={"rupture": ranged}),
                     *flagship.alliances[1:]]
        flagship = flagship.model_copy(update={"alliances": alliances})
    names = [name for name, _ in uncertain_parameters(flagship)]
    assert ENGINE_INPUT in names
    assert "alliances[0].rupture.below" in names
    named = [field_name(flagship, name) for name in names]
    assert "Russia and Iran: rupture threshold" in named
    assert "model choice: bargaining engine (compromise or median)" in named


def test_a_tornado_swing_of_the_engine_is_the_difference_between_the_two_engines(pact):
    replicates, seed = 24, 7
    outcome = Outcome("cohesion", "north_south")
    parameters = [("stances.border.north.position", Quantity(range=(30, 50))),
                  engine_parameter(pact)]
    model = scenario_model(pact, outcome, parameters, seed=seed)
    swing = next(s for s in one_at_a_time(model, parameters, replicates=replicates).swings
                 if s.name == ENGINE_INPUT)
    point = {"stances.border.north.position": np.full(replicates, 40.0)}
    engines = list(simulate_ensemble(pact, draws=2, seed=seed).engine_weights)
    means = [float(np.mean(value(simulate_ensemble(pact, draws=replicates, seed=seed,
                                                   model=name, overrides=point), outcome)))
             for name in (engines[0], engines[-1])]
    assert swing.at_low == pytest.approx(means[0], abs=1e-12)
    assert swing.at_high == pytest.approx(means[1], abs=1e-12)
    assert swing.width == pytest.approx(abs(means[1] - means[0]), abs=1e-12)


# ---------------------------------------------------------------------------
# Names and kinds
# ---------------------------------------------------------------------------
def test_model_choices_have_names_and_a_kind(pact, flagship):
    assert field_name(pact, "alliances[0].rupture.below") == "North and South: rupture threshold"
    assert (field_name(pact, "alliances[0].rupture.for_steps")
            == "North and South: steps below the threshold")
    assert field_name(pact, "dynamics.volatility.position") == "volatility of positions"
    assert field_name(pact, "dynamics.pull") == "pull toward the last settlement"
    assert (field_name(pact, "dynamics.shocks[0].hazard_trend")
            == "Border crisis: growth of the hazard per year")
    for name in ("model.engine", "alliances[2].rupture.below", "alliances[0].rupture.for_steps",
                 "dynamics.volatility.position", "dynamics.volatility.salience",
                 "dynamics.pull"):
        assert input_kind(name) == MODEL_CHOICE, name
    for name in ("actors[0].capability", "dynamics.shocks[0].hazard_trend",
                 "stances.x.a.position"):
        assert input_kind(name) == SCENARIO_NUMBER, name
    assert input_kind("fired:border_crisis") == GAME_CHANGER
    assert DEFAULT_ENGINE_NAMES == DEFAULT_MIXTURE_ENGINES


def test_the_pacts_model_choices_are_sensitivity_inputs(pact):
    names = [name for name, _ in uncertain_parameters(pact)]
    for name in ("alliances[0].rupture.below", "alliances[0].rupture.for_steps",
                 "dynamics.volatility.position", "dynamics.pull",
                 "dynamics.shocks[0].hazard_trend", ENGINE_INPUT):
        assert name in names


# ---------------------------------------------------------------------------
# How much the choices move the answer
# ---------------------------------------------------------------------------
def test_survival_by_threshold_in_the_report_data_is_the_results(pact, outlook):
    choices = model_choices(pact, outlook)
    assert choices.years == (1.0, 2.0)  # 5 years lie beyond the two-year horizon
    curve = choices.threshold_curve("north_south")
    rule = rule_range(pact.alliances[0])
    assert (rule.threshold_low, rule.threshold_high, rule.steps_low, rule.steps_high) == (
        0.25, 0.35, 1, 3)
    np.testing.assert_allclose(curve.thresholds, threshold_grid(rule))
    assert curve.thresholds[0] == pytest.approx(0.15)
    assert curve.thresholds[-1] == pytest.approx(0.45)
    for years in choices.years:
        expected = outlook.ensemble.survival_by_threshold("north_south", curve.thresholds, years)
        for got, want in zip(curve.holding[years], expected, strict=True):
            np.testing.assert_array_equal(got, want)
    spread = next(s for s in choices.spreads if s.choice == "threshold")
    direct = outlook.ensemble.survival_by_threshold("north_south", [0.25, 0.35], 2.0)
    assert (spread.at_low.estimate, spread.at_high.estimate) == tuple(direct.estimate)


def test_survival_by_engine_counts_each_engines_draws(pact, outlook):
    choices = model_choices(pact, outlook)
    found = next(e for e in choices.engines if e.years == 2.0)
    bands = outlook.ensemble.survival_by_engine("north_south", 2.0)
    assert list(found.by_engine) == list(bands)
    assert sum(chance.draws for chance in found.by_engine.values()) == outlook.ensemble.draws
    for name, chance in found.by_engine.items():
        assert chance.estimate == float(bands[name].estimate)


def test_the_rules_own_steps_give_the_simulated_survival(pact, outlook):
    from realpolitik.analysis.model_choices import survival_by_steps

    result = outlook.ensemble
    constant = simulate_ensemble(pact, draws=50, seed=2, overrides={
        "alliances[0].rupture.for_steps": np.full(50, 2.0)})
    band = survival_by_steps(constant, "north_south", [2], 2.0)
    assert float(band.estimate[0]) == constant.holding_at("north_south", 2.0)
    assert result.draws == 200


def test_the_section_and_the_files_of_a_small_dynamic_scenario(tmp_path, pact):
    from realpolitik.interfaces.pipeline import RunOptions, run_analysis
    from realpolitik.outputs.model_choices_view import TITLE

    path = tmp_path / "pact.yaml"
    path.write_text(PACT, encoding="utf-8")
    options = RunOptions(models=("compromise",), outlook=OutlookOptions(
        draws=40, levers=False, discovery=False, sobol_samples=2))
    outcome = run_analysis(path, out=tmp_path / "run", options=options)
    report = outcome.report.read_text(encoding="utf-8")
    assert TITLE in report and "Rupture threshold: between thresholds 0.25 and 0.35" in report
    assert "model choice" in report
    results = tmp_path / "run" / "results"
    for name in ("survival-by-threshold", "survival-by-engine"):
        assert (results / f"{name}.csv").exists() and (results / f"{name}.json").exists()
    rows = json.loads((results / "survival-by-threshold.json").read_text(encoding="utf-8"))
    curve = model_choices(pact, outcome.outlook).threshold_curve("north_south")
    assert len(rows) == len(curve.thresholds) * 2
    assert rows[0]["holds"] == float(curve.holding[1.0].estimate[0])
    sobol = json.loads((results / "sobol.json").read_text(encoding="utf-8"))
    kinds = {row["parameter"]: row["kind"] for row in sobol}
    assert kinds[ENGINE_INPUT] == MODEL_CHOICE
    assert kinds["alliances[0].rupture.below"] == MODEL_CHOICE
    assert kinds["actors[1].capability"] == SCENARIO_NUMBER
    effects = model_choices(pact, outcome.outlook).effects
    assert {effect.name for effect in effects} >= {ENGINE_INPUT, "dynamics.pull"}


def test_the_section_of_the_flagship(tmp_path, flagship):
    from realpolitik.interfaces.pipeline import outlook_report_sections
    from realpolitik.outputs.model_choices_view import TITLE, model_choice_renderables

    outlook = forecast_outlook(flagship, OutlookOptions(draws=120, levers=False,
                                                        discovery=False, sensitivity=False))
    sections = outlook_report_sections(flagship, outlook, tmp_path)
    section = next(s for s in sections if s.title == TITLE)
    assert "the chance of Russia and Iran holding 5 years on goes from" in section.body_html
    assert "Bargaining engine" in section.body_html
    assert {figure.path.name for figure in section.figures} == {
        "survival-by-threshold.png", "survival-by-engine.png"}
    assert all(figure.path.exists() for figure in section.figures)
    assert len(model_choice_renderables(flagship, model_choices(flagship, outlook))) >= 3
