"""Mechanisms: state-dependent hazards and effects, recurring shocks, condition-started levers.

The scenarios are the small toy of ``simulation_toy.py``.  Its issue
``solo`` has one actor, ``a``, so the compromise engine settles it exactly at
``a``'s stated position: with the random walk off, ``settlement(solo)`` shows
every effect on that position as it happens, and a hazard that reads it is
known by hand.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from realpolitik.analysis.feedback import FLAT_TOLERANCE, feedback_loops
from realpolitik.analysis.indicators import evaluate
from realpolitik.scenario.errors import ScenarioError
from realpolitik.scenario.loader import parse_scenario
from realpolitik.simulation import simulate_ensemble
from realpolitik.simulation.results import EnsembleResult
from simulation_toy import STILL, TOY, every_step, toy

PRESENCE = TOY.replace("a: {position: 10, salience: 1}", "a: {position: 50, salience: 1}")
"""The toy with ``a`` (alone on ``solo``) at 50: a presence a loop can raise or lower."""


def loop(direction: str, extra: str = "") -> str:
    """A recurring strike whose hazard rises with the presence (settlement of ``solo``).

    Each strike shifts the presence by ``direction`` 10 points for good: a
    strike that lowers it lowers the next hazard (damping), one that raises
    it raises the next hazard (escalation).
    """
    return PRESENCE + f"""
dynamics:
{STILL}  shocks:
    - id: strike
      name: A strike
      hazard: 0.3
      hazard_factor: "settlement(solo) / 50"
      recurring: true
      effects:
        - {{target: stances.solo.a.position, shift: {direction}10}}
{extra}"""


def run(text: str, draws: int = 400, seed: int = 3, **options: object) -> EnsembleResult:
    scenario = parse_scenario(text, path="toy.yaml")
    return simulate_ensemble(scenario, draws=draws, seed=seed, model="compromise", **options)


def same_bytes(one: EnsembleResult, other: EnsembleResult) -> None:
    """Every path and parameter of two results equal, byte for byte."""
    for name in ("settlement", "cohesion", "issue_cohesion", "ruptured", "shock_fired"):
        first, second = getattr(one, name), getattr(other, name)
        assert list(first) == list(second)
        for key in first:
            assert first[key].tobytes() == second[key].tobytes(), (name, key)
    assert list(one.parameters) == list(other.parameters)
    for key in one.parameters:
        assert one.parameters[key].tobytes() == other.parameters[key].tobytes(), key


# ---------------------------------------------------------------------------
# (a) a damping loop and an escalating loop
# ---------------------------------------------------------------------------


def test_strikes_that_lower_the_presence_damp_and_strikes_that_raise_it_escalate():
    damping, escalating = run(loop("-")), run(loop("+"))
    for result, sign in ((damping, -1), (escalating, 1)):
        hazard = result.shock_hazard["strike"]
        counts = result.shock_count["strike"][:, -1]
        assert np.isnan(hazard[:, 0]).all()
        np.testing.assert_allclose(hazard[:, 1], 0.3)  # the presence at as_of: 50
        # by hand: after k strikes the presence is 50 + sign * 10k, within [0, 100]
        presence = np.clip(50 + sign * 10 * counts, 0, 100)
        np.testing.assert_allclose(result.settlement["solo"][:, -1], presence)
        change = np.sign(hazard[:, -1] - hazard[:, 1])
        moved = counts > 0
        assert moved.mean() > 0.99  # 0.7 ** 20 of the futures see no strike
        assert (change[moved] == sign).all()
    # escalation strikes more often: its hazard grows while the other's shrinks
    assert escalating.shock_count["strike"][:, -1].mean() > (
        2 * damping.shock_count["strike"][:, -1].mean())
    # a damped loop stops once the presence is gone: 5 strikes take it to 0
    assert damping.shock_count["strike"][:, -1].max() <= 5


def test_the_feedback_analysis_tells_the_damping_loop_from_the_escalating_one():
    for direction, verdict in (("-", "damps"), ("+", "escalates")):
        text = loop(direction)
        result = run(text)
        feedback = feedback_loops(parse_scenario(text, path="toy.yaml"), result)
        (strike,) = feedback.loops
        assert strike.shock == "strike" and strike.recurring and strike.verdict == verdict
        expected = np.sign(result.shock_hazard["strike"][:, -1] - 0.3)
        np.testing.assert_array_equal(strike.direction, expected)
        share = getattr(strike, verdict)
        assert share.estimate == (expected != 0).mean() > 0.99
        assert share.low < share.estimate <= share.high <= 1
        assert strike.flat.estimate == pytest.approx(1 - share.estimate)
        np.testing.assert_array_equal(strike.firings, result.shock_count["strike"][:, -1])
        assert sum(strike.firing_counts().values()) == 400
        (presence,) = strike.responses
        assert presence.term == "settlement(solo)"
        assert presence.firings == int(result.shock_count["strike"][:, -1].sum())
        assert presence.otherwise == 0  # the walk is off: only strikes move the presence
        if direction == "-":
            assert presence.after_firing == -10  # 50 -> 0 in five strikes, then none
        else:  # +10 a strike until the presence reaches 100, then no room left
            assert 0 < presence.after_firing < 10
    assert json.loads(json.dumps(feedback.to_dict()))["loops"][0]["verdict"] == "escalates"


def test_a_loop_within_the_tolerance_is_flat():
    text = loop("+").replace("settlement(solo) / 50", "1 + 0.0001 * count(strike)")
    scenario = parse_scenario(text, path="toy.yaml")
    result = run(text, draws=50)
    assert (result.shock_count["strike"][:, -1] * 0.0001 * 0.3 < FLAT_TOLERANCE).all()
    feedback = feedback_loops(scenario, result)
    assert feedback.loop("strike").flat.estimate == 1
    assert feedback.loop("strike").responses == ()  # it reads no state the ensemble keeps
    assert feedback_loops(scenario, result, tolerance=0).loop("strike").escalates.estimate > 0.9


def test_terms_the_ensemble_does_not_keep_are_listed_as_unread():
    text = loop("-").replace("settlement(solo) / 50", "position(solo.a) / 50")
    feedback = feedback_loops(parse_scenario(text, path="toy.yaml"), run(text, draws=50))
    assert feedback.loop("strike").unread_terms == ("position(solo.a)",)
    assert feedback.loop("strike").verdict == "damps"


# ---------------------------------------------------------------------------
# (b) a state-dependent hazard at a constant state is the plain hazard
# ---------------------------------------------------------------------------

PLAIN = """
dynamics:
  shocks:
    - id: s
      name: S
      hazard: {range: [0.1, 0.3], estimate: "a guess"}
HAZARD_FACTOR
      duration: 3
      effects:
        - {target: stances.x.c.position, shift: {range: [5, 15], estimate: "a guess"}EFFECT_FACTOR}
        - {target: stances.x.a.salience, scale: 0.5EFFECT_FACTOR}
"""


@pytest.mark.parametrize("factor", [
    "(settlement(x) + 1) / (settlement(x) + 1)",  # a ratio of the state to itself: exactly 1
    "1 + 0 * cohesion(ab)",
])
def test_a_hazard_factor_of_one_gives_the_plain_results_byte_for_byte(factor):
    plain = run(TOY + PLAIN.replace("HAZARD_FACTOR\n", "").replace("EFFECT_FACTOR", ""))
    factored = run(TOY + PLAIN.replace("HAZARD_FACTOR", f'      hazard_factor: "{factor}"')
                   .replace("EFFECT_FACTOR", ""))
    same_bytes(plain, factored)
    assert 0 < plain.shock_fired["s"][:, -1].mean() < 1
    # the factored shock's hazard is the sampled hazard at every step
    np.testing.assert_array_equal(
        factored.shock_hazard["s"][:, 1:],
        np.repeat(factored.parameters["dynamics.shocks[0].hazard"][:, None], 20, axis=1))


def test_an_issue_nobody_moves_read_by_a_factor_changes_nothing():
    """With the walk off, ``solo`` stays at 10: a factor ``settlement(solo) / 10`` is 1."""
    still = PLAIN.replace("dynamics:\n", "dynamics:\n" + STILL).replace("EFFECT_FACTOR", "")
    plain = run(TOY + still.replace("HAZARD_FACTOR\n", ""))
    factored = run(TOY + still.replace("HAZARD_FACTOR",
                                       '      hazard_factor: "settlement(solo) / 10"'))
    same_bytes(plain, factored)


def test_an_effect_factor_of_one_gives_the_plain_results_byte_for_byte():
    """A factor keeps a firing's effects firing by firing; at 1 they are the plain effects."""
    plain = run(TOY + PLAIN.replace("HAZARD_FACTOR\n", "").replace("EFFECT_FACTOR", ""))
    factored = run(TOY + PLAIN.replace("HAZARD_FACTOR\n", "")
                   .replace("EFFECT_FACTOR", ', factor: "count(s)"'))
    same_bytes(plain, factored)


def test_an_effect_factor_is_fixed_when_the_shock_fires():
    """A factor reading ``years`` at the firing: the shift keeps the size it had then."""
    text = TOY + f"""
dynamics:
{STILL}  shocks:
    - id: s
      name: S
      hazard: 0.2
      effects:
        - {{target: stances.solo.a.position, shift: 10, factor: "1 + years"}}
"""
    result = run(text)
    fired_step = np.argmax(result.shock_fired["s"], axis=1)
    fired = result.shock_fired["s"][:, -1]
    assert 0.5 < fired.mean() < 1
    size = 10 * (1 + fired_step[fired] / 4)  # quarterly steps: years = step / 4
    final = result.settlement["solo"][fired, -1]
    np.testing.assert_allclose(final, np.minimum(10 + size, 100))


# ---------------------------------------------------------------------------
# (c) a condition-started lever starts at the step its condition first holds
# ---------------------------------------------------------------------------

LEVERS = """
levers:
  - id: after
    name: After the event
    when: "WHEN"
    START
    effects:
      - {target: stances.solo.a.position, shift: 10}
"""


def lever_run(shock: str, when: str, start: str = "", draws: int = 200) -> EnsembleResult:
    text = TOY + f"\ndynamics:\n{STILL}  shocks:\n{shock}" + LEVERS.replace(
        "WHEN", when).replace("START", start)
    return run(text, draws=draws, levers=["after"])


def test_a_lever_on_a_dated_event_starts_exactly_at_its_step():
    result = lever_run("    - {id: s, name: S, date: 2021-01-01}\n", "fired(s)")
    step = result.dates.index(np.datetime64("2021-01-01", "D").item())
    assert step == 4
    solo = result.settlement["solo"]
    assert (solo[:, :step] == 10).all() and (solo[:, step:] == 20).all()


def test_a_lever_on_a_random_event_starts_in_each_future_where_it_fires():
    result = lever_run("    - {id: s, name: S, hazard: 0.15}\n", "fired(s)")
    fired = result.shock_fired["s"]
    assert 0.2 < fired[:, -1].mean() < 1
    np.testing.assert_array_equal(result.settlement["solo"], np.where(fired, 20.0, 10.0))


def test_a_started_lever_stays_on_when_its_condition_stops_holding():
    """Latched: ``count(s) == 1`` holds at step 1 only (the shock fires every step)."""
    result = lever_run("    - {id: s, name: S, hazard: 1, recurring: true}\n", "count(s) == 1")
    assert (result.shock_count["s"][:, 1:] == np.arange(1, 21)).all()
    assert (result.settlement["solo"][:, 0] == 10).all()
    assert (result.settlement["solo"][:, 1:] == 20).all()


def test_a_condition_is_read_only_from_the_levers_start():
    result = lever_run("    - {id: s, name: S, date: 2020-04-01}\n", "fired(s)",
                       start="start: 2020-10-01")
    assert result.dates[1].isoformat() == "2020-04-01" and result.shock_fired["s"][0, 1]
    solo = result.settlement["solo"]
    assert (solo[:, :3] == 10).all() and (solo[:, 3:] == 20).all()


def test_a_condition_on_the_state_reads_the_previous_step():
    """``settlement(solo) >= 20`` holds from the step after the shock moved ``solo`` to 20."""
    shock = ("    - id: s\n      name: S\n      date: 2020-07-01\n      effects:\n"
             "        - {target: stances.solo.a.position, shift: 10}\n")
    result = lever_run(shock, "settlement(solo) >= 20")
    solo = result.settlement["solo"][0]
    np.testing.assert_array_equal(solo[:4], [10, 10, 20, 30])
    assert (solo[3:] == 30).all()


# ---------------------------------------------------------------------------
# (d) recurring shocks: counts and stacking
# ---------------------------------------------------------------------------


def recurring(duration: str, shift: float = 2) -> EnsembleResult:
    return run(every_step(f"{{target: stances.solo.a.position, shift: {shift}}}", duration),
               draws=50)


def test_a_recurring_shock_with_hazard_one_fires_at_every_step():
    result = recurring("")
    assert (result.shock_count["s"] == np.arange(21)).all()
    assert result.shock_fired["s"][:, 1:].all() and not result.shock_fired["s"][:, 0].any()
    assert evaluate("count(s) @ 2021-01-01 == 4", result).all()
    assert evaluate("count(s) == 20", result).all()


def test_the_effects_of_firings_in_force_stack():
    stacked = recurring("")
    np.testing.assert_array_equal(stacked.settlement["solo"][0], 10 + 2 * np.arange(21))
    one_step = recurring("      duration: 1\n")
    np.testing.assert_array_equal(one_step.settlement["solo"][0], [10] + [12] * 20)
    three_steps = recurring("      duration: 3\n")
    np.testing.assert_array_equal(three_steps.settlement["solo"][0],
                                  [10, 12, 14] + [16] * 18)


def test_a_scale_effect_of_stacked_firings_multiplies_by_the_power():
    text = every_step("{target: stances.solo.a.position, scale: 1.5}", "      duration: 2\n")
    result = run(text, draws=10)
    np.testing.assert_allclose(result.settlement["solo"][0, :4], [10, 15, 22.5, 22.5])


# ---------------------------------------------------------------------------
# (e) bounds: a hazard stays in [0, 1]
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("factor", "hazard"), [
    ("1e9", 1.0),
    ("settlement(x) * 1e15" + " * 1e15" * 20, 1.0),  # overflows to infinity
    ("-5", 0.0),
    ("0 / 0", 0.0),  # NaN
    ("1 - 2 * count(s)", None),  # 1 until the first firing, then negative: never again
])
def test_a_hazard_stays_within_zero_and_one(factor, hazard):
    text = TOY + f"""
dynamics:
  shocks:
    - id: s
      name: S
      hazard: 0.4
      hazard_factor: "{factor}"
      recurring: true
"""
    result = run(text, draws=100)
    values = result.shock_hazard["s"][:, 1:]
    assert ((values >= 0) & (values <= 1)).all()
    counts = result.shock_count["s"]
    if hazard is not None:
        assert (values == hazard).all()
        assert (counts[:, -1] == (20 if hazard == 1 else 0)).all()
    else:
        assert counts.max() == 1 and counts[:, -1].mean() > 0.9
        fired = counts[:, :-1] > 0
        np.testing.assert_array_equal(values, np.where(fired, 0.0, 0.4))


# ---------------------------------------------------------------------------
# (f) errors are located
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("extra", "message", "line"), [
    ('      hazard_factor: "fired(s)"\n', "dynamics.shocks[0].hazard_factor: must give a number",
     29),
    ('      hazard_factor: "settlement(y)"\n',
     "dynamics.shocks[0].hazard_factor: column 12: undeclared issue 'y'", 29),
    ('      hazard_factor: "position(solo.b)"\n', "column 10: actor 'b' takes no stance on "
     "issue 'solo'", 29),
    ('      hazard_factor: "cohesion(ab) @ 2021-01-01"\n', "'@ DATE' cannot be used", 29),
    ('      hazard_factor: "1 + strength"\n', "column 5: 'strength' is neither 'years' nor a "
     "parameter", 29),
    ('      hazard_factor: "1 + cohesion(ab)(2)"\n', "expected an operator", 29),
    ('      hazard_factor: "2 * ruptured(ab)"\n', "'ruptured(...)' is not available here", 29),
    ('      hazard_factor: "settle(x)"\n', "unknown function 'settle'", 29),
])
def test_a_bad_mechanism_is_one_located_problem(extra, message, line):
    text = TOY + "dynamics:\n  shocks:\n    - id: s\n      name: S\n      hazard: 0.1\n" + extra
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, path="toy.yaml")
    rendered = caught.value.render()
    assert message in rendered
    assert rendered.startswith(f"toy.yaml:{line}:")


def test_a_lever_with_a_bad_when_made_outside_the_scenario_is_refused():
    from realpolitik.scenario.levers import Lever

    scenario = toy()
    lever = Lever(id="late", name="Late", when="fired(nothing)")
    with pytest.raises(ValueError, match="lever 'late', when: column 7: undeclared shock"):
        simulate_ensemble(scenario, draws=10, levers=[lever], model="compromise")


def test_parameter_names_cannot_be_words_of_the_language():
    for word in ("and", "years", "count", "settlement"):
        with pytest.raises(ScenarioError, match=f"parameter name '{word}' is a word"):
            toy(f"dynamics:\n  parameters:\n    {word}: 1\n")


# ---------------------------------------------------------------------------
# (g) parameters by name, same seed same bytes, actor order, files
# ---------------------------------------------------------------------------

TUNED = """
  parameters:
    response: {range: [0.5, 2.0], estimate: "how strongly strikes answer the presence"}
"""


def test_parameters_are_sampled_by_name_and_can_be_overridden():
    text = loop("-").replace(STILL, STILL + TUNED).replace(
        '"settlement(solo) / 50"', '"response * settlement(solo) / 50"')
    result = run(text, draws=200)
    drawn = result.parameters["dynamics.parameters.response"]
    assert 0.5 <= drawn.min() and drawn.max() <= 2.0 and drawn.std() > 0.3
    np.testing.assert_allclose(result.shock_hazard["strike"][:, 1], np.minimum(0.3 * drawn, 1))
    fixed = run(text, draws=200, overrides={"dynamics.parameters.response": np.full(200, 2.0)})
    np.testing.assert_allclose(fixed.shock_hazard["strike"][:, 1], 0.6)


def test_same_seed_same_bytes_and_chunking_changes_nothing():
    text = loop("+")
    first, second = run(text, seed=11), run(text, seed=11, chunk_size=37)
    same_bytes(first, second)
    assert first.shock_count["strike"].tobytes() == second.shock_count["strike"].tobytes()
    assert first.shock_hazard["strike"].tobytes() == second.shock_hazard["strike"].tobytes()
    other = run(text, seed=12)
    assert not np.array_equal(first.shock_count["strike"], other.shock_count["strike"])


def test_the_order_of_actors_changes_nothing():
    text = loop("+", LEVERS.replace("WHEN", "count(strike) >= 2").replace("START", ""))
    swapped = text.replace("  - {id: a, name: A, capability: 10}\n  - {id: b, name: B, "
                           "capability: 10}\n", "  - {id: b, name: B, capability: 10}\n"
                           "  - {id: a, name: A, capability: 10}\n")
    assert swapped != text
    one, other = run(text, levers=["after"]), run(swapped, levers=["after"])
    np.testing.assert_array_equal(one.shock_count["strike"], other.shock_count["strike"])
    np.testing.assert_array_equal(one.shock_hazard["strike"], other.shock_hazard["strike"])
    for issue in one.settlement:
        np.testing.assert_allclose(one.settlement[issue], other.settlement[issue], atol=1e-12)


def test_counts_and_hazards_go_to_parquet_and_back(tmp_path):
    result = run(loop("+"), draws=60)
    back = EnsembleResult.from_parquet(result.to_parquet(tmp_path / "ensemble"))
    np.testing.assert_array_equal(back.shock_count["strike"], result.shock_count["strike"])
    assert back.shock_count["strike"].dtype == np.int64
    np.testing.assert_array_equal(back.shock_hazard["strike"], result.shock_hazard["strike"])
    assert back.manifest()["mechanism_shocks"] == ["strike"]


def test_a_result_without_mechanisms_writes_the_columns_it_always_had(tmp_path):
    result = run(TOY + PLAIN.replace("HAZARD_FACTOR\n", "").replace("EFFECT_FACTOR", ""),
                 draws=30)
    assert result.shock_hazard == {}
    columns = list(result.to_frame().columns)
    assert not any(column.startswith(("shock_count", "shock_hazard")) for column in columns)
    assert "mechanism_shocks" not in result.manifest()
    back = EnsembleResult.from_parquet(result.to_parquet(tmp_path / "ensemble"))
    np.testing.assert_array_equal(back.shock_count["s"], result.shock_fired["s"].astype(int))
