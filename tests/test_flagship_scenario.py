"""The flagship scenario (syria-2019): complete, justified, and faithful to the brief."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from helpers import shared_path
from realpolitik.scenario.loader import load_scenario
from realpolitik.scenario.schema import Scenario, dotted, iter_quantities

ACTORS = {
    "russia", "iran", "assad_regime", "hezbollah", "israel", "turkey", "united_states",
    "france", "united_kingdom", "saudi_arabia", "uae", "idlib_opposition", "kurdish_forces",
}
HORIZONS = {
    "iran_military_presence": "short",
    "hezbollah_arms": "short",
    "security_forces": "short",
    "fate_of_assad": "long",
    "idlib": "medium",
    "north_east": "medium",
    "state_model": "long",
    "israeli_strikes": "medium",
    "economic_spoils": "short",
    "arab_normalisation": "medium",
    "militia_withdrawal": "long",
    "turkish_held_north": "medium",
}
ALLIANCES = {
    "russia_iran": ("russia", "iran"),
    "iran_assad": ("iran", "assad_regime"),
    "russia_israel": ("russia", "israel"),
}
BRIEF_NAME = "russia-iran-syria-2019.txt"
MAX_QUOTE_WORDS = 30


@pytest.fixture(scope="module")
def flagship() -> Scenario:
    return load_scenario("syria-2019")


def _brief_path() -> Path | None:
    return shared_path("brief", BRIEF_NAME)


def _normalise(text: str) -> str:
    """Undo line-break hyphenation, unify quote marks and collapse whitespace."""
    text = re.sub(r"(\w)-[ \t]*\n\s*(\w)", r"\1\2", text)
    for curly, straight in (("\u201c", '"'), ("\u201d", '"'), ("\u2018", "'"), ("\u2019", "'")):
        text = text.replace(curly, straight)
    return re.sub(r"\s+", " ", text).strip()


def _stance(scenario: Scenario, issue: str, actor: str):
    stance = scenario.stance(issue, actor)
    assert stance is not None, f"{actor} takes no stance on {issue}"
    return stance


# ---- completeness ---------------------------------------------------------


def test_default_scenario_is_the_flagship(flagship):
    default = load_scenario()
    assert default.scenario.id == "syria-2019"
    assert default == flagship


def test_flagship_metadata(flagship):
    meta = flagship.scenario
    assert meta.as_of.isoformat() == "2019-06-01"
    assert "random" in meta.question and "enduring alliance" in meta.question
    brief = next(source for source in flagship.sources if source.id == "brief")
    assert brief.author == "Michel Duclos"
    assert brief.publisher == "Atlantic Council"


def test_every_fixed_actor_is_declared_with_a_description(flagship):
    assert set(flagship.actor_ids) == ACTORS
    for actor in flagship.actors:
        assert actor.description.strip(), f"actor {actor.id} has no description"


def test_every_fixed_issue_has_its_horizon_and_both_ends(flagship):
    assert {issue.id: issue.horizon for issue in flagship.issues} == HORIZONS
    for issue in flagship.issues:
        assert issue.low.strip() and issue.high.strip(), issue.id
        assert issue.low != issue.high, issue.id


def test_watched_alliances_and_their_members(flagship):
    members = {alliance.id: alliance.members for alliance in flagship.alliances}
    assert members == ALLIANCES
    russia_iran = next(a for a in flagship.alliances if a.id == "russia_iran")
    stakes = {stake.id for stake in russia_iran.shared_stakes}
    assert stakes == {"holding_syria", "russia_needs_iran_on_ground", "cooperation_beyond_syria"}


def test_every_issue_has_stances_and_every_actor_takes_some(flagship):
    assert set(flagship.stances) == set(HORIZONS)
    for issue_id, by_actor in flagship.stances.items():
        assert len(by_actor) >= 5, f"{issue_id} has only {len(by_actor)} actors"
    actors_with_stances = {actor for by_actor in flagship.stances.values() for actor in by_actor}
    assert actors_with_stances == ACTORS


# ---- evidence -------------------------------------------------------------


def test_every_number_is_justified(flagship):
    unjustified = [dotted(path) for path, q in iter_quantities(flagship) if not q.justified]
    assert unjustified == []


def test_quotes_are_short_and_cite_the_brief(flagship):
    quoted = [(path, q) for path, q in iter_quantities(flagship) if q.quote]
    assert quoted, "the flagship should quote the brief"
    for path, quantity in quoted:
        assert quantity.source == "brief", dotted(path)
        words = len(quantity.quote.split())
        assert words <= MAX_QUOTE_WORDS, f"{dotted(path)}: quote of {words} words"


def test_every_quote_is_verbatim_in_the_brief(flagship):
    path_to_brief = _brief_path()
    if path_to_brief is None:
        pytest.skip(f"the brief {BRIEF_NAME} is not in ../shared/brief beside the repository")
    brief = _normalise(path_to_brief.read_text(encoding="utf-8"))
    missing = [
        f"{dotted(path)}: {q.quote!r}"
        for path, q in iter_quantities(flagship)
        if q.quote and _normalise(q.quote) not in brief
    ]
    assert missing == []


def test_normaliser_joins_hyphenated_line_breaks_and_quote_marks():
    assert _normalise("the follow-\ning night") == "the following night"
    curly = "\u201cholding Syria\u201d  and\n  Assad\u2019s"
    assert _normalise(curly) == "\"holding Syria\" and Assad's"


# ---- what the brief says ---------------------------------------------------


def test_russia_and_iran_both_want_assad_to_stay(flagship):
    for actor in ("russia", "iran"):
        assert _stance(flagship, "fate_of_assad", actor).position.low >= 60, actor
    # Russia "can basically keep its gains ... whatever the future of Syrian leadership".
    russia = _stance(flagship, "fate_of_assad", "russia")
    iran = _stance(flagship, "fate_of_assad", "iran")
    assert iran.salience.point > russia.salience.point


def test_israel_does_not_wish_for_assads_departure(flagship):
    assert _stance(flagship, "fate_of_assad", "israel").position.low > 50


def test_iran_cares_more_than_russia_about_arms_to_hezbollah(flagship):
    iran = _stance(flagship, "hezbollah_arms", "iran")
    russia = _stance(flagship, "hezbollah_arms", "russia")
    assert iran.salience.low > russia.salience.high
    assert iran.position.low > russia.position.high


def test_russia_and_iran_diverge_on_security_forces_and_state_model(flagship):
    for issue in ("security_forces", "state_model"):
        russia = _stance(flagship, issue, "russia").position
        iran = _stance(flagship, issue, "iran").position
        # Russia: national army, secular decentralised Syria (low end); Iran: the opposite.
        assert russia.high < 50 < iran.low, issue
        assert iran.point - russia.point >= 40, issue


def test_israel_opposes_iranian_presence_and_arms_transfers(flagship):
    for issue in ("iran_military_presence", "hezbollah_arms"):
        israel = _stance(flagship, issue, "israel")
        assert israel.position.high <= 10, issue
        assert israel.salience.point >= 0.9, issue
    iran = _stance(flagship, "iran_military_presence", "iran")
    assert iran.position.low >= 70


def test_russia_lets_israel_strike(flagship):
    russia = _stance(flagship, "israeli_strikes", "russia").position
    israel = _stance(flagship, "israeli_strikes", "israel").position
    iran = _stance(flagship, "israeli_strikes", "iran").position
    assert russia.low > 50 and israel.point > russia.point and iran.high < 50


def test_economic_spoils_are_disputed_between_russia_and_iran(flagship):
    russia = _stance(flagship, "economic_spoils", "russia").position
    iran = _stance(flagship, "economic_spoils", "iran").position
    assert russia.high < 50 < iran.low


def test_russia_courts_arab_normalisation_more_than_iran(flagship):
    russia = _stance(flagship, "arab_normalisation", "russia").position
    iran = _stance(flagship, "arab_normalisation", "iran").position
    assert russia.point > iran.point
    assert _stance(flagship, "arab_normalisation", "assad_regime").position.low >= 70


def test_iran_keeps_its_militias_while_the_west_wants_them_out(flagship):
    iran = _stance(flagship, "militia_withdrawal", "iran").position
    assert iran.high < 50
    for actor in ("united_states", "france", "united_kingdom", "israel"):
        assert _stance(flagship, "militia_withdrawal", actor).position.low >= 75, actor


def test_holding_syria_binds_more_than_cooperation_beyond_syria(flagship):
    russia_iran = next(a for a in flagship.alliances if a.id == "russia_iran")
    weights = {stake.id: stake.weight for stake in russia_iran.shared_stakes}
    assert weights["holding_syria"].point > weights["cooperation_beyond_syria"].point


def test_local_clout_overrides_where_the_brief_implies_it(flagship):
    def clout(issue: str, actor: str) -> float:
        stance = _stance(flagship, issue, actor)
        capability = stance.capability or flagship.actor(actor).capability
        return capability.point

    general = {actor.id: actor.capability.point for actor in flagship.actors}
    assert clout("israeli_strikes", "israel") > general["israel"]
    assert clout("idlib", "turkey") > general["turkey"]
    assert clout("north_east", "turkey") > general["turkey"]
    # "they have limited leverage with the Syrian system"
    assert clout("security_forces", "russia") < general["russia"]


def test_russias_bases_are_what_binds_it_to_iran_on_the_ground(flagship):
    # "limited objectives, such as keeping a naval facility in Tartus and an air base in
    # Khmeimim"; "Russia cannot do without Iran on the ground if it wants to maintain a
    # military presence in Syria".
    russia_iran = next(a for a in flagship.alliances if a.id == "russia_iran")
    stake = next(s for s in russia_iran.shared_stakes if s.id == "russia_needs_iran_on_ground")
    assert "bases" in stake.name and "military presence" in stake.weight.quote
    weights = {s.id: s.weight.point for s in russia_iran.shared_stakes}
    assert weights["russia_needs_iran_on_ground"] > weights["cooperation_beyond_syria"]


def test_the_regime_wants_the_turkish_held_north_back_more_than_russia_does(flagship):
    regime = _stance(flagship, "turkish_held_north", "assad_regime").position
    russia = _stance(flagship, "turkish_held_north", "russia").position
    turkey = _stance(flagship, "turkish_held_north", "turkey").position
    assert turkey.high < russia.low and russia.high < regime.low


def test_russia_and_iran_each_build_clout_on_the_security_forces(flagship):
    trends = {trend.target: trend for trend in flagship.dynamics.trends}
    russia = trends["stances.security_forces.russia.capability"].drift
    iran = trends["stances.security_forces.iran.capability"].drift
    # Russia's instrument may go nowhere ("limited leverage"); Iran's counter-move is steady.
    assert russia.low == 0 and iran.low > 0


def test_arab_normalisation_may_leave_assads_ties_to_iran_untouched(flagship):
    shock = next(s for s in flagship.dynamics.shocks if s.id == "gulf_returns_to_damascus")
    effects = {effect.target: effect for effect in shock.effects}
    distance = effects["stances.iran_military_presence.assad_regime.position"].shift
    # "he cannot envisage emancipating himself from his ties with Hezbollah and Iran"
    assert distance.high == 0 and distance.low < 0
    assert effects["alliances.iran_assad.shared_stakes.resistance_axis.weight"].scale.high == 1.0


# ---- the self-regulation loop and the brief's sequence -------------------------------


def _shock(flagship, shock_id):
    return next(shock for shock in flagship.dynamics.shocks if shock.id == shock_id)


def test_the_strike_loop_can_damp_or_escalate_as_its_ranges_allow(flagship):
    # "the Russian gamble is ... a kind of self-regulation mechanism"; "the Iranians feel
    # compelled to double down": the ranges must leave both answers open.
    strikes = _shock(flagship, "israeli_strike_wave")
    assert strikes.recurring and "settlement(iran_military_presence)" in strikes.hazard_factor
    push_back, double_down = (effect.scale for effect in strikes.effects)
    doubling = flagship.dynamics.parameters["doubling_down"]
    # Russia-Israel cohesion near its mid-2019 level (0.5): the factor is doubling_down itself.
    assert doubling.low == 0 and push_back.high < 1  # no doubling down: each wave pushes back
    assert push_back.high * double_down.high ** doubling.high > 1  # strong doubling down wins
    assert flagship.dynamics.parameters["strike_response"].low > 0  # more presence, more strikes


def test_doubling_down_turns_the_loop_from_damping_to_escalating(flagship):
    """The same futures with no doubling down and with the most: the predicted opposite ways."""
    from realpolitik.simulation import simulate_ensemble

    draws = 200

    def run(doubling: float):
        overrides = {"dynamics.parameters.doubling_down": np.full(draws, doubling)}
        return simulate_ensemble(flagship, draws=draws, seed=3, model="compromise",
                                 overrides=overrides)

    gamble, brief = run(0.0), run(2.0)
    presence = {name: result.settlement["iran_military_presence"][:, -1].mean()
                for name, result in (("gamble", gamble), ("brief", brief))}
    strikes = {name: result.shock_count["israeli_strike_wave"][:, -1].mean()
               for name, result in (("gamble", gamble), ("brief", brief))}
    assert presence["brief"] > presence["gamble"] and strikes["brief"] > strikes["gamble"]
    hazard = gamble.shock_hazard["israeli_strike_wave"]
    assert (hazard[:, -1] < hazard[:, 1]).mean() > 0.5  # without doubling down, mostly damps


def test_reopening_the_fate_of_assad_can_wait_for_israel_to_be_persuaded(flagship):
    levers = {lever.id: lever for lever in flagship.levers}
    waiting = levers["reopen_fate_of_assad_once_israel_persuaded"]
    at_once, persuade = levers["reopen_fate_of_assad"], levers["persuade_israel"]
    assert waiting.when == "position(fate_of_assad.israel) < 50"
    # Persuading Israel moves what the condition reads; as stated, Israel wants Assad kept.
    assert "stances.fate_of_assad.israel.position" in {e.target for e in persuade.effects}
    assert _stance(flagship, "fate_of_assad", "israel").position.low > 50
    # The same course of action as reopening at once, so the report pairs the two.
    assert sorted(waiting.actors) == sorted(at_once.actors)
    assert sorted(e.target for e in waiting.effects) == sorted(e.target for e in at_once.effects)
