import datetime as dt

import pytest

from analysis_fakes import TINY_SCENARIO
from helpers import EXAMPLE
from realpolitik.scenario.errors import ScenarioError
from realpolitik.scenario.loader import load_scenario, parse_scenario
from realpolitik.scenario.outcomes import Outcome, parse_outcome, scenario_targets
from realpolitik.scenario.settings import DEFAULT_DRAWS, analysis_defaults, focus_alliance

WITH_SECOND_ALLIANCE = TINY_SCENARIO.replace("dynamics:\n", """\
  - id: south_west
    name: South and West
    members: [south, west]
    shared_stakes:
      - {id: trade_route, name: Trade route, weight: 0.2}
    rupture: "cohesion < 0.2 for 2 steps"
dynamics:
""", 1)


def with_analysis(text: str, section: str) -> str:
    return f"{text}analysis:\n{section}"


def test_the_analysis_layer_reexports_the_same_outcome_type():
    import realpolitik.analysis.outcomes as analysis
    import realpolitik.scenario.outcomes as scenario

    for name in ("Outcome", "OutcomeError", "parse_outcome", "OUTCOME_KINDS", "scenario_targets"):
        assert getattr(analysis, name) is getattr(scenario, name), name
    assert all(hasattr(scenario, name) for name in scenario.__all__)


def test_scenario_targets_by_kind():
    scenario = parse_scenario(TINY_SCENARIO)
    assert scenario_targets(scenario, "settlement") == ["border", "trade"]
    assert scenario_targets(scenario, "rupture") == ["north_south"]
    assert scenario_targets(scenario, "fired") == ["border_crisis"]


def test_defaults_without_an_analysis_section_centre_on_the_first_alliance():
    defaults = analysis_defaults(parse_scenario(TINY_SCENARIO))
    assert defaults.focus == "north_south"
    assert defaults.objective == Outcome("cohesion", "north_south")
    assert defaults.discovery == Outcome("rupture", "north_south")
    assert defaults.sensitivity == defaults.objective
    assert (defaults.direction, defaults.outcomes, defaults.draws) == ("minimise", (),
                                                                       DEFAULT_DRAWS)


def test_defaults_follow_the_analysis_section():
    scenario = load_scenario(EXAMPLE)
    defaults = analysis_defaults(scenario)
    assert defaults.objective == parse_outcome(scenario.analysis.objective)
    assert defaults.direction == "maximise"
    assert [o.label for o in defaults.outcomes] == scenario.analysis.outcomes
    assert defaults.draws == scenario.analysis.draws == 500
    assert defaults.sensitivity == defaults.objective


def test_the_discovery_alliance_becomes_the_focus_and_the_default_objective():
    scenario = parse_scenario(with_analysis(WITH_SECOND_ALLIANCE,
                                            "  discovery: rupture:south_west@2026-01-01\n"))
    assert focus_alliance(scenario) == "south_west"
    defaults = analysis_defaults(scenario)
    assert defaults.objective == Outcome("cohesion", "south_west")
    assert defaults.discovery == Outcome("rupture", "south_west", dt.date(2026, 1, 1))


def test_a_scenario_without_alliances_has_no_default_objective():
    scenario = load_scenario("emission-standards")
    defaults = analysis_defaults(scenario)
    assert (defaults.focus, defaults.objective, defaults.discovery) == (None, None, None)


def test_settings_keep_each_outcome_as_its_label():
    scenario = parse_scenario(with_analysis(TINY_SCENARIO, "  objective: ' settlement:border'\n"
                                                           "  outcomes: [fired:border_crisis]\n"))
    assert scenario.analysis.objective == "settlement:border"
    assert analysis_defaults(scenario).outcomes == (Outcome("fired", "border_crisis"),)


@pytest.mark.parametrize(("section", "says"), [
    ("  objective: cohesion\n", "analysis.objective: outcome 'cohesion' should look like"),
    ("  outcomes: [collapse:north_south]\n", "analysis.outcomes[0]:"),
    ("  sensitivity: settlement:border@2025-13-01\n", "is not a date"),
    ("  objective: settlement:water\n", "analysis.objective: 'water' is not a declared issue"),
    ("  outcomes: [fired:war]\n", "'war' is not a declared game changer"),
    ("  discovery: cohesion:north_south\n", "analysis.discovery: must be a yes/no outcome"),
])
def test_bad_analysis_outcomes_name_their_field(section, says):
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(with_analysis(TINY_SCENARIO, section), path="case.yaml")
    assert says in str(caught.value)
