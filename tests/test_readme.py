import re

from helpers import REPO
from realpolitik.scenario.loader import parse_scenario

README = (REPO / "README.md").read_text(encoding="utf-8")


def tutorial_blocks() -> list[str]:
    tutorial = README.split("## Tutorial")[1].split("\n## ")[0]
    return re.findall(r"```yaml\n(.*?)```", tutorial, flags=re.DOTALL)


def test_tutorial_steps_make_a_valid_scenario():
    blocks = tutorial_blocks()
    assert len(blocks) >= 6
    scenario = parse_scenario("\n".join(blocks), path="README tutorial")
    assert scenario.actor_ids == ["upstream", "downstream", "mediator"]
    assert [shock.id for shock in scenario.dynamics.shocks] == ["drought"]
    assert [lever.id for lever in scenario.levers] == ["donor_fund"]


def test_readme_names_the_two_setup_commands_and_ci_runs_the_test_one():
    install_and_run = "python3 -m pip install . && python3 -m realpolitik run"
    install_and_test = 'python3 -m pip install ".[test]" && python3 -m pytest'
    assert install_and_run in README and install_and_test in README
    assert install_and_test in (REPO / ".ci" / "run").read_text(encoding="utf-8")
