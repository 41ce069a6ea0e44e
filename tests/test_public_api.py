import subprocess
import sys

import pytest

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


def test_import_loads_only_the_version():
    code = (
        "import sys, realpolitik\n"
        "heavy = ('realpolitik.interfaces', 'realpolitik.analysis', 'realpolitik.outputs', "
        "'rich', 'pandas', 'scipy', 'matplotlib')\n"
        "print(sorted(m for m in sys.modules if m.startswith('realpolitik')))\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    loaded, heavy = result.stdout.splitlines()
    assert loaded == "['realpolitik', 'realpolitik._version']"
    assert heavy == "[]"


def test_every_public_name_resolves_in_a_fresh_process():
    code = (
        "import realpolitik\n"
        "missing = [n for n in realpolitik.__all__ if getattr(realpolitik, n, None) is None]\n"
        "print(missing, set(realpolitik.__all__) <= set(dir(realpolitik)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[] True"


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nowhere'"):
        realpolitik.nowhere  # noqa: B018
