"""Honest futures: stances that wander, the pull of the last settlement, hazards that change,
a mixture of engines and rupture rules with uncertain constants and observable events."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import shared_path
from realpolitik.scenario.errors import ScenarioErrors
from realpolitik.scenario.loader import load_scenario, parse_scenario
from realpolitik.simulation import EnsembleResult, LocalExecutor, ThreadExecutor, simulate_ensemble
from realpolitik.simulation.mixture import (
    DEFAULT_ENGINE_WEIGHTS,
    DEFAULT_MIXTURE_ENGINES,
    DEU_MSE,
    inverse_mse_weights,
)
from realpolitik.simulation.parameters import sample_values, simulated_quantities
from realpolitik.simulation.state import Layout, base_state, clip_state, copy_state
from realpolitik.simulation.walk import stance_walks
from simulation_toy import TOY, toy

DATA = Path(__file__).parent / "data"
STILL = "  volatility: {position: 0, salience: 0}\n"
"""A dynamics entry that turns the random walk off."""


def still(text: str) -> str:
    """Scenario text with the random walk turned off (the text must have one dynamics section)."""
    assert text.count("\ndynamics:\n") == 1
    return text.replace("\ndynamics:\n", "\ndynamics:\n" + STILL)


def first_true(flags: np.ndarray) -> np.ndarray:
    return np.where(flags.any(axis=1), flags.argmax(axis=1), flags.shape[1])


def assert_same(left: EnsembleResult, right: EnsembleResult) -> None:
    for table in ("settlement", "cohesion", "issue_cohesion", "ruptured", "shock_fired",
                  "parameters"):
        a, b = getattr(left, table), getattr(right, table)
        assert a.keys() == b.keys(), table
        for key in a:
            np.testing.assert_array_equal(a[key], b[key], err_msg=f"{table}.{key}")
    np.testing.assert_array_equal(left.engine, right.engine)


# ---------------------------------------------------------------------------
# (a) with the new features off, the numbers of the code before them
# ---------------------------------------------------------------------------
GOLDEN = {"water": "water-treaty-at-92104ac.yaml", "syria": "syria-2019-at-92104ac.yaml"}


def golden_tables(result: EnsembleResult) -> dict[str, dict[str, np.ndarray]]:
    return {"settlement": result.settlement, "cohesion": result.cohesion,
            "ruptured": result.ruptured, "fired": result.shock_fired}


@pytest.mark.parametrize("case", sorted(GOLDEN))
@pytest.mark.parametrize("model", ["compromise", "median"])
def test_features_off_reproduce_the_code_before_them(case: str, model: str) -> None:
    text = still((DATA / GOLDEN[case]).read_text(encoding="utf-8"))
    off = parse_scenario(text.replace(STILL, STILL + "  pull: 0\n"), path=GOLDEN[case])
    golden = np.load(DATA / f"{case}-{model}.npz")
    for result in (simulate_ensemble(off, draws=300, seed=7, model=model),
                   simulate_ensemble(off, draws=300, seed=7, model="mixture",
                                     engine_weights={model: 1.0})):
        tables = golden_tables(result)
        assert sorted(golden.files) == sorted(
            f"{kind}.{key}" for kind, table in tables.items() for key in table
        )
        for name in golden.files:
            kind, key = name.split(".", 1)
            np.testing.assert_array_equal(tables[kind][key], golden[name], err_msg=name)


def test_unused_options_leave_the_scenario_hash_alone() -> None:
    from realpolitik.simulation import scenario_hash

    text = (DATA / GOLDEN["syria"]).read_text(encoding="utf-8")
    flagship = parse_scenario(text)
    for option in ('"volatility"', '"pull"', '"hazard_trend"', '"engines"',
                   '"unmodelled_change"'):
        assert option not in flagship.model_dump_json()
    assert scenario_hash(parse_scenario(still(text))) != scenario_hash(flagship)


# ---------------------------------------------------------------------------
# (b), (c) the random walk
# ---------------------------------------------------------------------------
CENTRE = """
scenario: {id: centre, title: Centre, as_of: 2020-01-01}
actors:
  - {id: a, name: A, capability: 10}
  - {id: b, name: B, capability: 10}
issues:
  - {id: x, name: X, low: "none", high: "all", horizon: short}
stances:
  x:
    a: {position: 50, salience: 0.5}
dynamics:
  horizon_years: 5
"""


def test_default_walk_matches_its_stated_principle() -> None:
    result = simulate_ensemble(parse_scenario(CENTRE), draws=4000, seed=2)
    path = result.settlement["x"]
    np.testing.assert_array_equal(path[:, 0], 50.0)
    one_year, five_years = result.step_at(1), result.step_at(5)
    assert abs(path[:, one_year].std() - 4.0) < 0.2
    assert abs(path[:, five_years].std() - 4.0 * np.sqrt(5)) < 0.4
    assert 0.87 < np.mean(np.abs(path[:, five_years] - 50) < 15) < 0.93


def test_spread_of_a_settlement_grows_with_the_horizon() -> None:
    # one engine, so that the spread is the walk's and not the engines' disagreement
    flagship = simulate_ensemble(load_scenario(), draws=1000, seed=4, model="compromise")
    for issue in ("fate_of_assad", "idlib", "iran_military_presence"):
        low, high = flagship.quantiles(issue, [0.05, 0.95])
        width = high - low
        assert width[flagship.step_at(5)] > width[flagship.step_at(2)] > width[1], issue
    text = (DATA / GOLDEN["syria"]).read_text("utf-8")  # a flagship without a volatility section
    walking = simulate_ensemble(parse_scenario(text), draws=1000, seed=4, model="compromise")
    frozen = simulate_ensemble(parse_scenario(still(text)), draws=1000, seed=4,
                               model="compromise")
    low, high = frozen.quantiles("fate_of_assad", [0.05, 0.95])
    low_walk, high_walk = walking.quantiles("fate_of_assad", [0.05, 0.95])
    assert (high_walk - low_walk)[-1] > (high - low)[-1]


@settings(max_examples=25, deadline=None)
@given(
    position=st.floats(0, 100).map(lambda x: round(x, 4)),
    salience=st.floats(0, 1).map(lambda x: round(x, 4)),
    start=st.sampled_from([0.0, 3.0, 50.0, 100.0]), weight=st.sampled_from([0.0, 0.02, 1.0]),
)
def test_walk_keeps_positions_and_saliences_in_bounds(position, salience, start, weight):
    text = CENTRE.replace("a: {position: 50, salience: 0.5}",
                          f"a: {{position: {start}, salience: {weight}}}\n"
                          f"    b: {{position: [0, 100], salience: [0, 1]}}")
    text += f"  step: month\n  volatility: {{position: {position:.4f}, salience: {salience:.4f}}}\n"
    scenario = parse_scenario(text)
    quantities = simulated_quantities(scenario)
    values = sample_values(quantities, 5, 0, 64)
    layout = Layout.of(scenario)
    base, _ = base_state(scenario, layout, values, 64)
    walks = stance_walks(scenario, layout, values, (5, 0, 64), 1 / 12)
    assert len(walks) == (position > 0) + (salience > 0)
    for _ in range(60):
        state = copy_state(base)
        clip_state(state)
        for walk in walks:
            walk.step(state)
        assert np.all((state["positions"] >= 0) & (state["positions"] <= 100))
        assert np.all((state["salience"] >= 0) & (state["salience"] <= 1))
        assert np.all(np.isfinite(state["positions"]))


def test_stance_override_and_bad_volatility_input() -> None:
    text = CENTRE + """  volatility:
    position: 0
    salience: 0
    by_stance:
      - {target: stances.x.a.position, volatility: 10}
"""
    result = simulate_ensemble(parse_scenario(text), draws=2000, seed=1)
    assert abs(result.settlement["x"][:, result.step_at(1)].std() - 10) < 0.6
    for bad, message in [
        ("{target: stances.x.b.position, volatility: 1}", "takes no stance"),
        ("{target: stances.x.a.capability, volatility: 1}", "position or salience"),
        ("{target: stances.x.a.salience, volatility: 2}", "between 0 and 1"),
    ]:
        wrong = text.replace("{target: stances.x.a.position, volatility: 10}", bad)
        with pytest.raises(ScenarioErrors, match=message):
            parse_scenario(wrong)


def test_volatility_is_a_named_parameter_like_any_number() -> None:
    text = CENTRE + "  volatility: {position: [2, 6], salience: 0}\n"
    result = simulate_ensemble(parse_scenario(text), draws=200, seed=1)
    sigma = result.parameters["dynamics.volatility.position"]
    assert sigma.min() >= 2 and sigma.max() <= 6 and sigma.std() > 0.5
    overridden = simulate_ensemble(parse_scenario(CENTRE), draws=50, seed=1,
                                   overrides={"dynamics.volatility.position": np.zeros(50),
                                              "dynamics.volatility.salience": np.zeros(50)})
    np.testing.assert_array_equal(overridden.settlement["x"], 50.0)


# ---------------------------------------------------------------------------
# the pull of the last settlement, hazards that change
# ---------------------------------------------------------------------------
PAIR = """
scenario: {id: pair, title: Pair, as_of: 2020-01-01}
actors:
  - {id: a, name: A, capability: 10}
  - {id: b, name: B, capability: 10}
issues:
  - {id: x, name: X, low: "none", high: "all", horizon: short}
stances:
  x:
    a: {position: 20, salience: 0.2}
    b: {position: 80, salience: 0.2}
alliances:
  - {id: ab, name: A and B, members: [a, b]}
dynamics:
  horizon_years: 5
  volatility: {position: 0, salience: 0}
  pull: 0.9
"""


def test_pull_leans_on_the_last_settlement_without_collapsing() -> None:
    result = simulate_ensemble(parse_scenario(PAIR), draws=3, seed=0)
    np.testing.assert_allclose(result.settlement["x"], 50.0)
    weight = 0.9 * (1 - 0.2)
    a, b = (1 - weight) * 20 + weight * 50, (1 - weight) * 80 + weight * 50
    cohesion = result.cohesion["ab"]
    np.testing.assert_allclose(cohesion[:, 0], 1 - 2 * 60 / 100)
    np.testing.assert_allclose(cohesion[:, 1:], 1 - 2 * (b - a) / 100, rtol=1e-12)


def test_pull_follows_its_recurrence() -> None:
    text = PAIR.replace("    b: {position: 80, salience: 0.2}\n", "").replace(
        "alliances:\n  - {id: ab, name: A and B, members: [a, b]}\n", "").replace(
        "salience: 0.2", "salience: 0.5").replace("pull: 0.9", "pull: 0.5") + """  trends:
    - {id: up, name: Up, target: stances.x.a.position, drift: 1}
"""
    result = simulate_ensemble(parse_scenario(text), draws=2, seed=0)
    weight, expected = 0.5 * 0.5, [20.0]
    for t in range(1, len(result.dates)):
        expected.append((1 - weight) * (20.0 + t) + weight * expected[-1])
    np.testing.assert_allclose(result.settlement["x"][0], expected, rtol=1e-12)


TREND = """
dynamics:
  horizon_years: 5
  shocks:
    - {{id: rising, name: Rising, hazard: 0.05, hazard_trend: {growth}}}
"""


def test_hazard_trend_changes_the_hazard_year_by_year() -> None:
    draws = 20000
    result = simulate_ensemble(toy(TREND.format(growth=0.5)), draws=draws, seed=3)
    years = np.arange(1, len(result.dates)) / 4
    hazard = np.clip(0.05 * 1.5 ** years, 0, 1)
    never = np.concatenate([[1.0], np.cumprod(1 - hazard)])
    observed = 1 - result.fired_probability("rising").estimate
    assert np.all(np.abs(observed - never) < 4 * np.sqrt(never * (1 - never) / draws) + 1e-9)
    vanishing = simulate_ensemble(toy(TREND.format(growth=-1)), draws=500, seed=3)
    assert not vanishing.shock_fired["rising"].any()
    with pytest.raises(ScenarioErrors, match="fixed date"):
        toy("""
dynamics:
  shocks:
    - {id: dated, name: Dated, date: 2020-07-01, hazard_trend: 0.1}
""")


def test_a_lever_set_overrides_the_hazard_trend() -> None:
    text = TREND.format(growth=3) + """
levers:
  - id: calm
    name: Calm
    effects:
      - {target: shocks.rising.hazard, set: 0}
"""
    result = simulate_ensemble(toy(text), draws=300, seed=1, levers=["calm"])
    assert not result.shock_fired["rising"].any()


# ---------------------------------------------------------------------------
# (d) same seed, same bytes, whatever the executor and the chunking
# ---------------------------------------------------------------------------
EVERYTHING = """
dynamics:
  horizon_years: 2
  volatility:
    position: [2, 6]
    salience: 0.05
    by_stance:
      - {target: stances.x.c.position, volatility: 12}
  pull: [0.2, 0.6]
  shocks:
    - {id: sometimes, name: Sometimes, hazard: [0.05, 0.2], hazard_trend: [0, 0.5],
       effects: [{target: stances.x.a.position, shift: -30}]}
"""


def test_same_bytes_across_executors_and_chunk_sizes() -> None:
    scenario = toy(EVERYTHING)
    options = {"draws": 1100, "seed": 11, "model": "mixture",
               "engine_weights": {"compromise": 0.5, "median": 0.5}}
    reference = simulate_ensemble(scenario, **options)
    for executor, chunk in ((LocalExecutor(), 7), (ThreadExecutor(3), 100),
                            (ThreadExecutor(2), 1100), (LocalExecutor(), 1025)):
        assert_same(reference, simulate_ensemble(scenario, executor=executor,
                                                 chunk_size=chunk, **options))
    shorter = simulate_ensemble(toy(EVERYTHING.replace("horizon_years: 2", "horizon_years: 1")),
                                **options)
    steps = len(shorter.dates)
    for issue in reference.settlement:
        np.testing.assert_array_equal(shorter.settlement[issue],
                                      reference.settlement[issue][:, :steps])


def test_fewer_draws_are_a_prefix_and_levers_share_the_walk() -> None:
    scenario = toy(EVERYTHING)
    many = simulate_ensemble(scenario, draws=300, seed=5)
    few = simulate_ensemble(scenario, draws=40, seed=5)
    np.testing.assert_array_equal(few.settlement["x"], many.settlement["x"][:40])
    np.testing.assert_array_equal(few.settlement["solo"], many.settlement["solo"][:40])


# ---------------------------------------------------------------------------
# (e) the mixture of engines
# ---------------------------------------------------------------------------
def test_mixture_shares_match_the_weights() -> None:
    draws = 4000
    result = simulate_ensemble(toy(), draws=draws, seed=8, model="mixture",
                               engine_weights={"compromise": 3, "median": 1, "eum": 0})
    assert result.engine_weights == {"compromise": 0.75, "median": 0.25}
    share = np.mean(result.engine == "compromise")
    assert abs(share - 0.75) < 4 * np.sqrt(0.75 * 0.25 / draws)
    assert set(result.engine) == {"compromise", "median"}
    median = simulate_ensemble(toy(), draws=draws, seed=8, model="median")
    compromise = simulate_ensemble(toy(), draws=draws, seed=8, model="compromise")
    for engine, single in (("median", median), ("compromise", compromise)):
        rows = result.engine == engine
        np.testing.assert_array_equal(result.settlement["x"][rows], single.settlement["x"][rows])


def test_one_engine_mixture_equals_that_engine() -> None:
    scenario = toy(EVERYTHING)
    single = simulate_ensemble(scenario, draws=200, seed=3, model="median")
    mixed = simulate_ensemble(scenario, draws=200, seed=3, model="mixture",
                              engine_weights={"median": 2.0})
    for issue in single.settlement:
        np.testing.assert_array_equal(mixed.settlement[issue], single.settlement[issue])
    assert (mixed.engine == "median").all() and (single.engine == "median").all()


def test_mixture_weights_from_the_scenario_and_bad_weights() -> None:
    text = "\nanalysis:\n  engines: {median: 1, compromise: 1}\n"
    result = simulate_ensemble(toy(text), draws=50, seed=0, model="mixture")
    assert result.engine_weights == {"compromise": 0.5, "median": 0.5}
    default = simulate_ensemble(toy(), draws=50, seed=0, model="mixture")
    assert default.engine_weights == pytest.approx(DEFAULT_ENGINE_WEIGHTS)
    with pytest.raises(ValueError, match="analysis.engines: unknown engine"):
        simulate_ensemble(toy("\nanalysis:\n  engines: {medain: 1}\n"), draws=5,
                          model="mixture")
    with pytest.raises(ScenarioErrors, match="at least 0"):
        toy("\nanalysis:\n  engines: {median: -1}\n")
    with pytest.raises(ScenarioErrors, match="above 0"):
        toy("\nanalysis:\n  engines: {median: 0}\n")
    with pytest.raises(ValueError, match="only|engine_weights are for"):
        simulate_ensemble(toy(), draws=5, model="compromise", engine_weights={"median": 1})


def test_engine_per_draw_goes_to_parquet_and_back(tmp_path) -> None:
    result = simulate_ensemble(toy(EVERYTHING), draws=30, seed=1, model="mixture")
    frame = result.to_frame()
    assert list(frame.columns[:4]) == ["draw", "step", "date", "engine"]
    reopened = EnsembleResult.from_parquet(result.to_parquet(tmp_path / "run"))
    np.testing.assert_array_equal(reopened.engine, result.engine)
    assert reopened.engine_weights == result.engine_weights
    assert reopened.manifest()["engine_weights"] == result.engine_weights
    plain = simulate_ensemble(toy(), draws=5, seed=1, model="compromise")
    assert "engine" not in plain.to_frame() and "engine_weights" not in plain.manifest()


def test_default_weights_follow_bates_and_granger_on_deu() -> None:
    assert DEFAULT_MIXTURE_ENGINES == ("compromise", "median")
    assert {name: round(w, 4) for name, w in DEFAULT_ENGINE_WEIGHTS.items()} == {
        "compromise": 0.6726, "median": 0.3274}
    with_eum = inverse_mse_weights(DEU_MSE)
    assert {name: round(w, 4) for name, w in with_eum.items()} == {
        "compromise": 0.4978, "median": 0.2423, "eum": 0.2598}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_deu_errors_behind_the_default_weights() -> None:
    path = shared_path("data", "deu3", "deu3-dev.csv")
    if path is None:
        pytest.skip("the DEU III development file is not available")
    from realpolitik.analysis.validation import capability_weights, read_deu
    from realpolitik.analysis.validation.benchmark import engine_forecasts

    data = read_deu(path)
    forecasts, _ = engine_forecasts(data, capability_weights(data, "equal"))
    names = {"compromise": "compromise", "median": "weighted median", "eum": "EUM (median)"}
    measured = {}
    for engine, column in names.items():
        errors = forecasts[column] - data.outcome
        assert np.isfinite(errors).sum() == 157
        measured[engine] = round(float(np.mean(errors**2)), 2)
    assert measured == DEU_MSE


# ---------------------------------------------------------------------------
# (f), (g) rupture rules with uncertain constants and observable events
# ---------------------------------------------------------------------------
EVENT = """
dynamics:
  horizon_years: 2
  shocks:
    - {id: split, name: Split, date: 2020-07-01}
    - {id: random, name: Random, hazard: 0.2}
"""


def with_rule(rule: str, extra: str = EVENT):
    """The toy scenario with its alliance's rupture rule replaced by ``rule``."""
    return parse_scenario(TOY.replace('rupture: "cohesion < 0 for 3 steps"', f"rupture: {rule}")
                          + extra, path="toy.yaml")


def test_rupture_event_fires_at_the_shocks_step() -> None:
    dated = simulate_ensemble(with_rule("{events: [split]}"), draws=50, seed=0)
    assert (first_true(dated.ruptured["ab"]) == 2).all()
    random = simulate_ensemble(with_rule("{events: [random]}"), draws=400, seed=0)
    np.testing.assert_array_equal(random.ruptured["ab"], random.shock_fired["random"])
    # a and b start together (cohesion 1 at step 0) and wander apart: below 1 from step 1 on
    both = simulate_ensemble(with_rule("{below: 1, for_steps: 3, events: [random]}"),
                             draws=200, seed=0)
    assert (first_true(both.ruptured["ab"]) == np.minimum(
        3, first_true(both.shock_fired["random"]))).all()


def test_rupture_mapping_input_errors() -> None:
    for rule, message in [
        ("{events: [nope]}", "undeclared shock 'nope'"),
        ("{for_steps: 2, events: [split]}", "give 'below' too"),
        ("{below: 0.1, for_steps: 1.5}", "whole number of steps"),
        ("{below: [0.1, 1.2]}", "between -1 and 1"),
        ("{metric: s_score}", "needs 'below'"),
    ]:
        with pytest.raises(ScenarioErrors, match=message) as caught:
            with_rule(rule)
        assert "alliances[0].rupture" in caught.value.render()


def flagship_with_rule(rule: str):
    """The flagship as it stood at 92104ac (a single rupture rule text) with another rule."""
    text = (DATA / GOLDEN["syria"]).read_text("utf-8")
    old = 'rupture: "cohesion < 0.2 for 2 steps"'
    assert text.count(old) == 1
    return parse_scenario(text.replace(old, f"rupture: {rule}"))


def test_threshold_range_gives_survival_between_its_ends() -> None:
    options = {"draws": 600, "seed": 2}
    low = simulate_ensemble(flagship_with_rule("{below: 0.2}"), **options)
    high = simulate_ensemble(flagship_with_rule("{below: 0.3}"), **options)
    ranged = simulate_ensemble(flagship_with_rule("{below: [0.2, 0.3]}"), **options)
    held = [result.holding_at("russia_iran", 5) for result in (high, ranged, low)]
    assert held[0] < held[1] < held[2]
    thresholds = ranged.parameters["alliances[0].rupture.below"]
    assert thresholds.min() >= 0.2 and thresholds.max() <= 0.3
    as_string = simulate_ensemble(flagship_with_rule('"cohesion < 0.2 for 2 steps"'), **options)
    np.testing.assert_array_equal(as_string.ruptured["russia_iran"], low.ruptured["russia_iran"])


def test_step_count_range_samples_whole_numbers() -> None:
    result = simulate_ensemble(flagship_with_rule("{below: 0.25, for_steps: [1, 3]}"),
                               draws=1500, seed=1, horizon_years=1)
    steps = result.parameters["alliances[0].rupture.for_steps"]
    values, counts = np.unique(steps, return_counts=True)
    np.testing.assert_array_equal(values, [1, 2, 3])
    assert np.all(np.abs(counts / 1500 - 1 / 3) < 0.05)


def test_survival_by_threshold_agrees_with_a_rerun(tmp_path) -> None:
    rule = "{below: [0.15, 0.3], for_steps: [1, 3], events: [economic_collapse]}"
    options = {"draws": 400, "seed": 5}
    result = simulate_ensemble(flagship_with_rule(rule), **options)
    reopened = EnsembleResult.from_parquet(result.to_parquet(tmp_path / "run"))
    thresholds = [0.1, 0.2, 0.3]
    reruns = [simulate_ensemble(flagship_with_rule(rule.replace("[0.15, 0.3]", str(value))),
                                **options) for value in thresholds]
    for years in (2, 5):
        expected = [rerun.holding_at("russia_iran", years) for rerun in reruns]
        for source in (result, reopened):
            band = source.survival_by_threshold("russia_iran", thresholds, years)
            np.testing.assert_array_equal(band.estimate, expected)
            assert (band.low <= band.estimate).all() and (band.estimate <= band.high).all()
    plain = simulate_ensemble(flagship_with_rule('"cohesion < 0.2 for 2 steps"'), **options)
    other = simulate_ensemble(flagship_with_rule('"cohesion < 0.25 for 2 steps"'), **options)
    band = plain.survival_by_threshold("russia_iran", [0.2, 0.25], 5)
    assert band.estimate[0] == plain.holding_at("russia_iran", 5)
    assert band.estimate[1] == other.holding_at("russia_iran", 5)
    with pytest.raises(ValueError, match="beyond the horizon"):
        plain.survival_by_threshold("russia_iran", [0.2], 50)


def test_survival_by_engine_splits_the_draws() -> None:
    result = simulate_ensemble(flagship_with_rule("{below: 0.25}"), draws=600, seed=3,
                               model="mixture", engine_weights={"compromise": 1, "median": 1})
    bands = result.survival_by_engine("russia_iran", 5)
    assert list(bands) == ["compromise", "median"]
    counts = {name: int(np.sum(result.engine == name)) for name in bands}
    total = sum(float(bands[name].estimate) * counts[name] for name in bands)
    assert total == pytest.approx(result.holding_at("russia_iran", 5) * 600)
    single = simulate_ensemble(load_scenario(), draws=100, seed=3, model="compromise")
    assert list(single.survival_by_engine("russia_iran", 1)) == ["compromise"]
