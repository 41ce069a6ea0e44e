import subprocess
import sys

import realpolitik

PUBLIC = {
    "Scenario", "ScenarioError", "__version__", "alliance_cohesion", "analyse_hypotheses",
    "compromise", "evaluate_levers", "expected_utility", "forecast_outlook", "forecast_static",
    "load_scenario", "parse_scenario", "run_analysis", "simulate_ensemble", "spatial_model",
    "weighted_median",
}


def test_public_namespace_is_pinned():
    assert set(realpolitik.__all__) == PUBLIC
    for name in PUBLIC:
        assert hasattr(realpolitik, name), name


def test_import_has_no_plotting_side_effects():
    code = "import sys, realpolitik; print('matplotlib.pyplot' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


def test_python_api_round_trip():
    scenario = realpolitik.load_scenario("emission-standards")
    forecast = realpolitik.forecast_static(scenario, ("compromise", "median"))
    # compromise by hand: sum(c*s*x)/sum(c*s) over Table 1 of Scholz et al., on years x 10
    cs = [0.08 * 0.8, 0.08 * 0.4, 0.03 * 0.2, 0.16 * 0.8, 0.16 * 0.6, 0.16 * 0.6, 0.16 * 0.9,
          0.05 * 0.1, 0.05 * 1.0, 0.08 * 0.7]
    x = [40, 70, 40, 40, 100, 100, 100, 70, 40, 70]
    expected = sum(w * p for w, p in zip(cs, x, strict=True)) / sum(cs)
    assert abs(forecast.forecasts["compromise"][0] - expected) < 1e-9
