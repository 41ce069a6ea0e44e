import re

import yaml

from helpers import REPO
from realpolitik.scenario.loader import parse_scenario

README = (REPO / "README.md").read_text(encoding="utf-8")


def tutorial_blocks() -> list[str]:
    tutorial = README.split("## Tutorial")[1].split("\n## ")[0]
    return re.findall(r"```yaml\n(.*?)```", tutorial, flags=re.DOTALL)


def merged(into: dict, block: dict) -> dict:
    """Add a step's block to the file so far, as the tutorial tells the reader to.

    A section the file already has gains the block's entries: a mapping is
    merged key by key, a list (shocks, levers) gets the new items appended.
    """
    for key, value in block.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merged(into[key], value)
        elif isinstance(value, list) and isinstance(into.get(key), list):
            into[key].extend(value)
        else:
            into[key] = value
    return into


def tutorial_text() -> str:
    """The scenario the tutorial's steps build, as one YAML text."""
    document: dict = {}
    for block in tutorial_blocks():
        merged(document, yaml.safe_load(block))
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def test_merging_appends_to_lists_and_merges_mappings():
    text = merged({"a": {"b": 1, "l": [1]}, "c": 2}, {"a": {"d": 3, "l": [2]}, "e": 4})
    assert text == {"a": {"b": 1, "l": [1, 2], "d": 3}, "c": 2, "e": 4}


def test_tutorial_steps_make_a_valid_scenario():
    blocks = tutorial_blocks()
    assert len(blocks) >= 6
    scenario = parse_scenario(tutorial_text(), path="README tutorial")
    assert scenario.actor_ids == ["upstream", "downstream", "mediator"]
    assert [shock.id for shock in scenario.dynamics.shocks] == ["drought", "protests"]
    assert [lever.id for lever in scenario.levers] == ["donor_fund", "mediation_after_protests"]


def test_the_first_eight_steps_are_one_file_as_before():
    """Steps 1-8 still concatenate into a valid scenario: only step 9 adds to earlier sections."""
    blocks = tutorial_blocks()
    step_nine = next(i for i, block in enumerate(blocks) if "recurring: true" in block)
    scenario = parse_scenario("\n".join(blocks[:step_nine]), path="README tutorial")
    assert [lever.id for lever in scenario.levers] == ["donor_fund"]


def test_readme_names_the_two_setup_commands_and_ci_runs_the_test_one():
    install_and_run = "python3 -m pip install . && python3 -m realpolitik run"
    install_and_test = 'python3 -m pip install ".[test]" && python3 -m pytest'
    assert install_and_run in README and install_and_test in README
    assert install_and_test in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_the_tutorial_loop_damps_when_upstream_concedes_and_escalates_when_it_digs_in():
    """Step 9's loop, run: the parameter decides the direction, the condition starts the lever."""
    import numpy as np

    from realpolitik.simulation import simulate_ensemble

    scenario = parse_scenario(tutorial_text(), path="README tutorial")
    draws = 300

    def run(defiance: float, levers: tuple[str, ...] = ()):
        overrides = {"dynamics.parameters.defiance": np.full(draws, defiance)}
        return simulate_ensemble(scenario, draws=draws, seed=5, model="compromise",
                                 overrides=overrides, levers=list(levers))

    conceding, digging_in = run(0.0), run(2.0)
    # Same random numbers: digging in leaves a smaller share and more protests.
    share = {name: result.settlement["flow_share"][:, -1].mean()
             for name, result in (("concede", conceding), ("dig in", digging_in))}
    assert share["dig in"] < share["concede"]
    protests = {name: result.shock_count["protests"][:, -1].mean()
                for name, result in (("concede", conceding), ("dig in", digging_in))}
    assert protests["dig in"] > protests["concede"]
    assert digging_in.shock_count["protests"][:, -1].max() >= 2  # it recurs
    # The mediation waits for two waves: where fewer broke out, it changes nothing.
    waiting = run(2.0, ("mediation_after_protests",))
    calm = digging_in.shock_count["protests"][:, -1] < 2
    assert calm.any() and (~calm).any()
    np.testing.assert_array_equal(waiting.settlement["dam_filling"][calm],
                                  digging_in.settlement["dam_filling"][calm])
    second = np.argmax(digging_in.shock_count["protests"] >= 2, axis=1)  # step of the 2nd wave
    stormy = np.flatnonzero(~calm)
    before = [np.array_equal(waiting.settlement["dam_filling"][d, :second[d]],
                             digging_in.settlement["dam_filling"][d, :second[d]]) for d in stormy]
    assert all(before)  # nothing changes before the condition holds
    assert (waiting.settlement["dam_filling"][stormy, -1]
            > digging_in.settlement["dam_filling"][stormy, -1]).mean() > 0.5
