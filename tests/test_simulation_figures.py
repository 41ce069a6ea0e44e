"""Figures and the report section of an ensemble over time."""

from __future__ import annotations

from realpolitik.outputs.figures_dynamics import dynamics_section, fan_chart, footer
from realpolitik.scenario.loader import parse_scenario
from realpolitik.simulation import simulate_ensemble
from simulation_toy import TOY

DYNAMICS = """
dynamics:
  horizon_years: 5
  shocks:
    - id: split
      name: Split <fast>
      hazard: 0.2
      effects:
        - {target: stances.x.a.position, set: 0}
        - {target: stances.x.b.position, set: 100}
"""


def test_section_has_figures_and_holding_table(tmp_path) -> None:
    scenario = parse_scenario(TOY.replace("name: A and B", "name: A & B") + DYNAMICS)
    result = simulate_ensemble(scenario, draws=200, seed=3)
    section = dynamics_section(result, tmp_path, scenario=scenario)
    assert len(section.figures) == 3
    for figure in section.figures:
        assert figure.path.exists() and figure.path.stat().st_size > 1000
    assert "A &amp; B" in section.body_html
    assert "after 5 years" in section.body_html
    assert "seed 3" in section.body_html
    share_after_one_year = result.holding_at("ab", 1)
    # the split must have fired at least three steps running before the rule counts a break
    assert 0.0 < share_after_one_year < 1.0
    assert f"{100 * share_after_one_year:.0f}%" in section.body_html


def test_every_figure_names_scenario_seed_draws_and_version(tmp_path) -> None:
    result = simulate_ensemble(parse_scenario(TOY + DYNAMICS), draws=20, seed=7)
    text = footer(result)
    for part in ("scenario toy", "seed 7", "draws 20", f"realpolitik {result.version}"):
        assert part in text
    path = fan_chart(result, "x", tmp_path / "fan.png")
    assert path.exists()


def test_wilson_band_matches_hand_computation() -> None:
    import numpy as np

    from realpolitik.simulation.results import wilson_band

    band = wilson_band(np.array([0, 5, 10]), 10)
    z2 = 1.959963984540054**2
    # 0 of 10: [0, z^2 / (n + z^2)]; 10 of 10 mirrors it; 5 of 10 is centred on 0.5
    np.testing.assert_allclose(band.high[0], z2 / (10 + z2))
    np.testing.assert_allclose(band.low[2], 10 / (10 + z2))
    np.testing.assert_allclose(band.low[1] + band.high[1], 1.0)
    np.testing.assert_allclose(band.estimate, [0.0, 0.5, 1.0])


def test_public_namespace_is_pinned() -> None:
    import realpolitik.simulation as simulation

    assert sorted(simulation.__all__) == sorted([
        "DEFAULT_CHUNK_SIZE", "MODELS", "Band", "DaskExecutor", "EnsembleResult",
        "LocalExecutor", "ThreadExecutor", "make_executor", "scenario_hash", "simulate_ensemble",
    ])
