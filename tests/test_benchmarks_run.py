"""The benchmark scripts still run (in their quick modes); their figures are not asserted."""

import subprocess
import sys

import pytest

from helpers import REPO, shared_path


def run_script(*args: str) -> str:
    result = subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_eum_benchmark_quick():
    output = run_script("benchmarks/bench_eum.py", "--quick")
    assert "vs scalar" in output


def test_ensemble_benchmark_quick():
    output = run_script("benchmarks/bench_ensemble.py", "--quick", "--no-dask")
    assert "draws/s" in output and "identical to in-process: True" in output


def test_ktab_benchmark():
    if shared_path("data", "ktab", "dummyData-a080.csv") is None:
        pytest.skip("data/ktab is not available beside the repo")
    output = run_script("benchmarks/bench_ktab.py", "--repeat", "1", "--batch", "4")
    assert "scaling exponent" in output


def test_static_scale_benchmark_quick():
    output = run_script("benchmarks/bench_static_scale.py", "--quick")
    assert "ratio all four / compromise" in output


def test_honest_cost_benchmark_quick():
    output = run_script("benchmarks/bench_honest_cost.py", "--quick")
    assert "before (92104ac flagship" in output and "x the time per draw" in output


def test_eum_step_benchmark_quick():
    output = run_script("benchmarks/bench_eum_step.py", "--quick")
    assert "ratio stepper / afresh" in output and "identical: True" in output
    assert "largest difference on the 2 draws both ran: 0.00e+00" in output


def test_start_benchmark():
    output = run_script("benchmarks/bench_start.py", "--repeat", "1")
    assert "realpolitik --help" in output


def test_stream_benchmark_quick():
    output = run_script("benchmarks/bench_stream.py", "--quick")
    assert "vs whole at the same draws" in output and "us/draw" in output
