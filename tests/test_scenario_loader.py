import pytest

from helpers import EXAMPLE
from realpolitik.scenario.errors import ScenarioError
from realpolitik.scenario.loader import load_scenario, parse_scenario
from realpolitik.scenario.quantity import Quantity
from realpolitik.scenario.schema import iter_quantities


def errors_of(text: str) -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, path="case.yaml")
    return caught.value.render()


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_example_loads_with_its_numbers():
    scenario = load_scenario(EXAMPLE)
    assert scenario.actor_ids == ["upstream", "downstream", "mediator"]
    assert scenario.issue_ids == ["flow_share", "dam_filling"]
    stance = scenario.stance("dam_filling", "downstream")
    assert stance.position.range == (70, 90)
    assert stance.position.point == 80
    assert scenario.actor("mediator").capability.point == 22.5
    assert scenario.stance("flow_share", "nobody") is None


def test_unknown_actor_names_file_line_and_field(example_text):
    bad = example_text.replace("    mediator: {position: 55", "    mediatr: {position: 55")
    message = errors_of(bad)
    assert message == (f"case.yaml:{line_of(bad, 'mediatr:')}: stances.flow_share.mediatr: "
                       "undeclared actor 'mediatr'")


def test_stance_for_undeclared_issue(example_text):
    bad = example_text.replace("  dam_filling:\n    upstream", "  dam_filing:\n    upstream")
    assert "stances.dam_filing: stance for undeclared issue 'dam_filing'" in errors_of(bad)


def test_out_of_range_salience_points_at_its_line(example_text):
    bad = example_text.replace("salience: 0.8}", "salience: 1.8}")
    message = errors_of(bad)
    line = line_of(bad, "salience: 1.8")
    assert message == (f"case.yaml:{line}: stances.flow_share.upstream.salience: "
                       "must be between 0 and 1, got 1.8")


def test_duplicate_actor_id(example_text):
    bad = example_text.replace("  - id: mediator\n", "  - id: upstream\n")
    message = errors_of(bad)
    assert "actors[2].id: duplicate id 'upstream'" in message


def test_quote_citing_undeclared_source(example_text):
    bad = example_text.replace("source: notes", "source: memo")
    assert "actors[1].capability.source: cites undeclared source 'memo'" in errors_of(bad)


def test_malformed_yaml_gives_line():
    message = errors_of("scenario:\n  id: x\n  title: [unclosed\n")
    assert message.startswith("case.yaml:4: malformed YAML")


def test_duplicate_key_rejected(example_text):
    bad = example_text.replace("    upstream: {position: 20, salience: 0.8}\n",
                               "    upstream: {position: 20, salience: 0.8}\n"
                               "    upstream: {position: 30, salience: 0.8}\n")
    message = errors_of(bad)
    assert "duplicate key 'upstream'" in message
    assert f"case.yaml:{line_of(bad, 'upstream: {position: 30')}:" in message


def test_missing_section_and_unknown_field(example_text):
    message = errors_of(example_text.replace("issues:\n", "isues:\n", 1))
    assert "issues: is required but missing" in message
    assert "isues: is not a known field here" in message


def test_empty_file_and_non_mapping():
    assert "the file is empty" in errors_of("")
    assert "expected a mapping" in errors_of("- just\n- a list\n")


def test_missing_file_names_builtins(tmp_path):
    with pytest.raises(ScenarioError, match="no built-in scenario of that name"):
        load_scenario(tmp_path / "nothing.yaml")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (70, (70, 70, 70)),
        ([60, 80], (60, 80, 70)),
        ({"range": [60, 90], "mode": 65, "dist": "triangular"}, (60, 90, 65)),
    ],
)
def test_quantity_shorthands(raw, expected):
    quantity = Quantity.model_validate(raw)
    assert (quantity.low, quantity.high, quantity.point) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ([80, 60], "low end above its high end"),
        ({"value": 1, "range": [0, 2]}, "not both"),
        ({"range": [0, 10], "dist": "triangular"}, "needs 'range' and 'mode'"),
        ({"value": 3, "quote": "words"}, "needs the 'source'"),
        (True, "yes/no"),
    ],
)
def test_quantity_rejects(raw, fragment):
    with pytest.raises(ValueError, match=fragment):
        Quantity.model_validate(raw)


def test_samples_stay_in_range_and_repeat_with_seed():
    import numpy as np

    quantity = Quantity.model_validate({"range": [10, 20], "mode": 12, "dist": "triangular"})
    first = quantity.sample(np.random.default_rng(0), 1000)
    again = quantity.sample(np.random.default_rng(0), 1000)
    assert np.array_equal(first, again)
    assert first.min() >= 10 and first.max() <= 20
    assert abs(np.median(first) - 14.0) < 1.0  # median of triangular(10, 12, 20) is 14.0


def test_every_number_is_visited():
    scenario = load_scenario(EXAMPLE)
    paths = {".".join(map(str, path)) for path, _ in iter_quantities(scenario)}
    assert "actors.0.capability" in paths
    assert "stances.dam_filling.downstream.position" in paths
    assert "alliances.0.shared_stakes.0.weight" in paths
    assert "dynamics.shocks.0.hazard" in paths
    assert "levers.0.effects.0.shift" in paths
    # before the dynamics: 3 capabilities + 6 stances x 2 numbers + 1 stake weight
    assert len([p for p in paths if p.split(".")[0] in ("actors", "stances", "alliances")]) == 16


def test_ktab_csv_is_read_as_a_scenario():
    from helpers import shared_path

    path = shared_path("data", "ktab", "SOE-Pol-Comp.csv")
    if path is None:
        pytest.skip("data/ktab/SOE-Pol-Comp.csv is not available beside the repo")
    scenario = load_scenario(path)
    assert len(scenario.actors) == 13
    assert scenario.issue_ids == ["policy", "competitive"]
    xi = scenario.actor("xj")
    assert xi.name == "Xi Jinping" and xi.capability.point == 100.0
    stance = scenario.stance("competitive", "lk")
    assert (stance.position.point, stance.salience.point) == (65.0, pytest.approx(0.413))
