"""Dynamics and lever sections: rupture rules, effect targets and reference errors."""

from __future__ import annotations

import pytest

from realpolitik.scenario.dynamics import (
    DEFAULT_RUPTURE_RULE,
    RuptureRuleError,
    parse_rupture_rule,
    parse_target,
)
from realpolitik.scenario.errors import ScenarioError
from realpolitik.scenario.loader import load_scenario, parse_scenario
from simulation_toy import TOY, toy


def test_rupture_rule_is_read() -> None:
    rule = parse_rupture_rule("s_score <= -0.25 for 3 steps")
    assert (rule.metric, rule.comparison, rule.threshold, rule.steps) == ("s_score", "<=", -0.25, 3)
    assert parse_rupture_rule("cohesion<0.2 for 1 step").steps == 1


def test_default_rule_parses() -> None:
    rule = parse_rupture_rule(DEFAULT_RUPTURE_RULE)
    assert (rule.metric, rule.threshold, rule.steps) == ("cohesion", 0.0, 2)


@pytest.mark.parametrize(
    ("text", "position", "expected"),
    [
        ("cohesoin < 0.2 for 2 steps", 1, "'cohesion' or 's_score'"),
        ("cohesion > 0.2 for 2 steps", 10, "'<' or '<='"),
        ("cohesion < high for 2 steps", 12, "a threshold number"),
        ("cohesion < 1.5 for 2 steps", 12, "between -1 and 1"),
        ("cohesion < 0.2 during 2 steps", 16, "'for'"),
        ("cohesion < 0.2 for 0 steps", 20, "at least 1"),
        ("cohesion < 0.2 for 2.5 steps", 20, "whole number"),
        ("cohesion < 0.2 for 2 weeks", 22, "'steps'"),
        ("cohesion < 0.2 for 2 steps!", 27, "the end of the rule"),
    ],
)
def test_bad_rupture_rule_names_the_character(text: str, position: int, expected: str) -> None:
    with pytest.raises(RuptureRuleError) as caught:
        parse_rupture_rule(text)
    assert caught.value.position == position
    assert f"at character {position}" in str(caught.value)
    assert expected in str(caught.value)


def test_targets_are_parsed() -> None:
    target = parse_target("alliances.ab.shared_stakes.bond.weight")
    assert target == ("stake_weight", ("ab", "bond"), "weight")
    with pytest.raises(ValueError, match="unknown target 'actors.a.position'"):
        parse_target("actors.a.position")


def _rendered_error(extra: str, base: str = "") -> str:
    with pytest.raises(ScenarioError) as caught:
        toy(base + extra)
    return caught.value.render()


def test_unknown_actor_in_lever_names_the_field() -> None:
    message = _rendered_error(
        "levers:\n  - {id: aid, name: Aid, actors: [nobody], effects: []}\n"
    )
    assert "levers[0].actors[0]: undeclared actor 'nobody'" in message
    assert message.startswith("toy.yaml:")


def test_unknown_shock_in_requires_names_the_field() -> None:
    message = _rendered_error(
        "dynamics:\n  shocks:\n"
        "    - {id: first, name: First, hazard: 0.1}\n"
        "    - {id: second, name: Second, hazard: 0.1, requires: [frist]}\n"
    )
    assert "dynamics.shocks[1].requires[0]: undeclared shock 'frist'" in message


def test_effect_on_missing_stance_is_reported() -> None:
    message = _rendered_error(
        "levers:\n  - id: aid\n    name: Aid\n    effects:\n"
        "      - {target: stances.solo.b.position, shift: 5}\n"
        "      - {target: shocks.nothing.hazard, scale: 0.5}\n"
        "      - {target: alliances.ab.shared_stakes.glue.weight, set: 0.5}\n"
    )
    assert "levers[0].effects[0].target: actor 'b' takes no stance on issue 'solo'" in message
    assert "levers[0].effects[1].target: undeclared shock 'nothing'" in message
    assert "levers[0].effects[2].target: alliance 'ab' has no shared stake 'glue'" in message


def test_bad_rupture_rule_in_scenario_names_alliance() -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(TOY.replace("cohesion < 0 for 3 steps", "x < 1"), path="toy.yaml")
    assert "alliances[0].rupture" in caught.value.render()
    assert "at character 1" in caught.value.render()


@pytest.mark.parametrize(
    ("shock", "expected"),
    [
        ("{id: s, name: S, hazard: 1.5}", "between 0 and 1"),
        ("{id: s, name: S, hazard: 0.1, date: 2020-06-01}", "either a 'hazard'"),
        ("{id: s, name: S}", "either a 'hazard'"),
        ("{id: s, name: S, hazard: 0.1, effects: [{target: actors.a.capability}]}", "exactly one"),
    ],
)
def test_bad_shock_is_explained(shock: str, expected: str) -> None:
    message = _rendered_error(f"dynamics:\n  shocks:\n    - {shock}\n")
    assert "dynamics.shocks[0]" in message
    assert expected in message


def test_requirement_cycle_is_reported() -> None:
    message = _rendered_error(
        "dynamics:\n  shocks:\n"
        "    - {id: p, name: P, hazard: 0.1, requires: [q]}\n"
        "    - {id: q, name: Q, hazard: 0.1, requires: [p]}\n"
    )
    assert "cycle" in message and "p -> q -> p" in message


def test_flagship_dynamics_and_levers_load() -> None:
    scenario = load_scenario()
    shocks = {shock.id for shock in scenario.dynamics.shocks}
    assert {"israel_iran_showdown", "idlib_crisis", "north_east_crisis", "economic_collapse",
            "russia_gulf_courtship"} <= shocks
    assert "russia_war_elsewhere" not in shocks  # not knowable in June 2019
    levers = {lever.id for lever in scenario.levers}
    assert {"red_lines", "militia_withdrawal", "unsc_code_of_conduct", "p3_offer_to_russia",
            "reopen_fate_of_assad", "persuade_israel"} <= levers
    for shock in scenario.dynamics.shocks:
        assert shock.hazard is None or shock.hazard.justified, shock.id
