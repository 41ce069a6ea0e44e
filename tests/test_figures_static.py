"""Static figures on many actors and issues: a readable subset, and what is left out said."""

from types import SimpleNamespace

import numpy as np
import pytest

from helpers import EXAMPLE
from realpolitik.analysis.static import forecast_static
from realpolitik.outputs import figures_static
from realpolitik.outputs.figures_static import (
    MAX_FIGURE_ACTORS,
    MAX_TRAJECTORY_ISSUES,
    _left_out,
    _named_actors,
)
from realpolitik.scenario.loader import load_scenario


def _arrays(capability: np.ndarray, salience: np.ndarray, active: np.ndarray):
    count = capability.shape[0]
    return SimpleNamespace(actor_ids=tuple(f"a{i}" for i in range(count)),
                           capability=capability, salience=salience, active=active)


def test_few_actors_are_all_named_in_file_order():
    n = MAX_FIGURE_ACTORS
    arrays = _arrays(np.ones((n, 2)), np.ones((n, 2)), np.ones((n, 2), dtype=bool))
    assert _named_actors(arrays, np.arange(2)).tolist() == list(range(n))


def test_many_actors_named_by_weight_on_the_issues_shown():
    n = MAX_FIGURE_ACTORS + 3
    capability = np.ones((n, 2))
    salience = np.full((n, 2), 0.5)
    active = np.ones((n, 2), dtype=bool)
    # on issue 0 the three lightest are actors 4, 9 and 17; issue 1 is not shown
    salience[[4, 9, 17], 0] = 0.1
    salience[[4, 9, 17], 1] = 1.0
    # actor 2 is heavy but takes no stance on issue 0: its weight there is nothing
    capability[2] = 50.0
    active[2, 0] = False
    named = _named_actors(_arrays(capability, salience, active), np.array([0]))
    assert len(named) == MAX_FIGURE_ACTORS
    assert named.tolist() == sorted(named.tolist())
    # actor 2 weighs 0, less than 4, 9 and 17 (0.1 each): it is the one left out with two of them
    assert 2 not in named.tolist()
    assert len({4, 9, 17} - set(named.tolist())) == 2
    # ties go to the actor listed first: 4 stays, 9 and 17 go
    assert 4 in named.tolist()


def test_left_out_says_what_is_shown_of_the_whole():
    assert _left_out(13, 13, 12, 12) == ""
    assert _left_out(200, 20) == ("the 20 actors of greatest weight (capability x salience) "
                                  "of 200")
    assert _left_out(13, 13, 40, 12) == "the first 12 of 40 issues"


def _scenario_text(actors: int, issues: int) -> str:
    """A valid scenario where every actor takes a stance on every issue."""
    lines = ["scenario:", "  id: wide", "  title: Wide", "  as_of: 2024-01-01", "actors:"]
    lines += [f"  - {{id: a{a}, name: Actor {a}, capability: {a % 7 + 1}}}" for a in range(actors)]
    lines.append("issues:")
    lines += [f"  - {{id: i{k}, name: Issue {k}, low: none, high: all, horizon: short}}"
              for k in range(issues)]
    lines.append("stances:")
    for k in range(issues):
        lines.append(f"  i{k}:")
        lines += [f"    a{a}: {{position: {(a * 37 + k * 11) % 101}, "
                  f"salience: {((a * 13 + k * 7) % 9 + 1) / 10}}}" for a in range(actors)]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def wide_forecast(tmp_path_factory):
    path = tmp_path_factory.mktemp("wide") / "wide.yaml"
    path.write_text(_scenario_text(MAX_FIGURE_ACTORS + 5, MAX_TRAJECTORY_ISSUES + 2))
    return forecast_static(load_scenario(path), models=("eum", "median"))


def test_wide_scenario_figures_say_what_they_leave_out(wide_forecast, tmp_path):
    rounds = figures_static.eum_trajectories(wide_forecast, tmp_path / "rounds.png")
    assert rounds.path.is_file()
    assert (f"Shown: the first {MAX_TRAJECTORY_ISSUES} of {MAX_TRAJECTORY_ISSUES + 2} issues "
            f"and the {MAX_FIGURE_ACTORS} actors") in rounds.caption
    assert "eum-rounds.parquet" in rounds.caption
    issue_map = figures_static.issue_map(wide_forecast, tmp_path / "map.png")
    assert issue_map.path.is_file()
    assert (f"Named in colour: the {MAX_FIGURE_ACTORS} actors of greatest weight "
            f"(capability x salience) of {MAX_FIGURE_ACTORS + 5}") in issue_map.caption


def test_small_scenario_figures_leave_nothing_out(tmp_path):
    forecast = forecast_static(load_scenario(EXAMPLE), models=("eum",))
    assert "Shown" not in figures_static.eum_trajectories(forecast, tmp_path / "r.png").caption
    assert "Named" not in figures_static.issue_map(forecast, tmp_path / "m.png").caption
