"""Field paths and outcomes named in the scenario's own words."""

import json
import re

import pytest

from helpers import EXAMPLE
from realpolitik.scenario.loader import load_scenario
from realpolitik.scenario.names import (
    field_name,
    input_name,
    outcome_name,
    parse_path,
    target_name,
)
from realpolitik.scenario.schema import dotted, iter_quantities
from realpolitik.simulation.parameters import resolve_levers, simulated_quantities

INDEXED = re.compile(r"\w+\[\d+\]")


@pytest.fixture(scope="module")
def flagship():
    return load_scenario()


@pytest.mark.parametrize(("path", "name"), [
    ("actors[0].capability", "Russia's capability"),
    ("stances.idlib.russia.position", "Russia's position on Idlib"),
    ("dynamics.shocks[0].hazard", "High-level showdown between Israel and Iran: hazard"),
    ("levers[5].effects[0].shift", "Persuade Israel that Assad is no longer \"the devil they "
                                   "know\": effect 1 on Israel's position on Fate of Assad"),
    ("alliances[0].shared_stakes[1].weight", "Russia and Iran: weight of Russia needs Iran on "
                                             "the ground to keep its bases"),
    ("dynamics.trends[0].drift", "Iran embeds itself in the security apparatus: drift per step"),
    ("hypotheses[0].prior", "A random partnership that a divergence of interests would break: "
                            "prior"),
    ("ach.rho", "dependence between evidence items from one source (rho)"),
    ("dynamics.parameters.doubling_down", "doubling_down (mechanism parameter)"),
])
def test_field_paths_read_as_the_scenario_names_them(flagship, path, name):
    assert field_name(flagship, path) == name


def test_every_number_of_both_scenarios_has_a_name_without_an_index(flagship):
    river = load_scenario(EXAMPLE)
    for scenario in (flagship, river):
        applied = resolve_levers(scenario, [lever.id for lever in scenario.levers])
        paths = [dotted(path) for path, _ in iter_quantities(scenario)]
        paths += list(simulated_quantities(scenario, applied))
        for path in paths:
            assert not INDEXED.search(field_name(scenario, path)), path


def test_effect_targets_and_discovery_inputs(flagship):
    assert target_name(flagship, "actors.iran.capability") == "Iran's capability"
    assert target_name(flagship, "shocks.idlib_crisis.hazard") == (
        "Serious crisis around Idlib: hazard")
    assert input_name(flagship, "fired:idlib_crisis") == "Serious crisis around Idlib happened"
    assert input_name(flagship, "fired_year:idlib_crisis").endswith("years until it happened")
    assert parse_path("alliances[0].shared_stakes[1].weight") == (
        "alliances", 0, "shared_stakes", 1, "weight")


def test_unknown_paths_are_returned_as_given(flagship):
    assert field_name(flagship, "actors[99].capability") == "actors[99].capability"
    assert field_name(flagship, "dynamics.parameters.nowhere") == "dynamics.parameters.nowhere"
    assert field_name(flagship, "nowhere.at_all") == "nowhere.at_all"


def test_outcomes_read_as_phrases_and_headers(flagship):
    import datetime as dt

    horizon = dt.date(2024, 6, 1)
    assert outcome_name(flagship, "rupture:russia_iran", horizon) == (
        "Russia-Iran rupture by 2024-06-01")
    assert outcome_name(flagship, "settlement:idlib") == "settlement of Idlib at the horizon"
    assert outcome_name(flagship, "cohesion:russia_iran@2021-06-01") == (
        "Russia-Iran cohesion on 2021-06-01")
    assert outcome_name(flagship, "rupture:russia_iran", short=True) == "Russia and Iran: rupture"


def test_parameter_names_file_maps_every_column(tmp_path):
    from realpolitik.outputs.results_files import parameter_names
    from realpolitik.simulation import simulate_ensemble

    scenario = load_scenario(EXAMPLE)
    result = simulate_ensemble(scenario, draws=20, seed=0)
    frame = parameter_names(scenario, result)
    assert list(frame["column"]) == list(result.parameters)
    assert not frame["name"].str.contains(INDEXED).any()
    assert json.dumps(list(frame["name"]))


def test_every_sampled_number_of_the_flagship_has_a_name_of_its_own(flagship):
    """The numbers the simulation samples, mechanism parameters included, are all named."""
    from realpolitik.analysis.sensitivity import uncertain_parameters

    unnamed = [name for name, _ in uncertain_parameters(flagship)
               if field_name(flagship, name) == name]
    assert unnamed == []
