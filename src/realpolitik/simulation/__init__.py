"""Simulation: scenarios stepped through time, shocks, trends, levers, Monte Carlo ensembles.

The front is :func:`simulate_ensemble`; it returns an :class:`EnsembleResult`.
Chunks of draws run on an executor: :class:`LocalExecutor` (default),
:class:`ThreadExecutor` or :class:`DaskExecutor`.
"""

from realpolitik.simulation.ensemble import DEFAULT_CHUNK_SIZE, scenario_hash, simulate_ensemble
from realpolitik.simulation.executors import (
    DaskExecutor,
    LocalExecutor,
    ThreadExecutor,
    make_executor,
)
from realpolitik.simulation.results import Band, EnsembleResult
from realpolitik.simulation.stepping import MODELS

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "MODELS",
    "Band",
    "DaskExecutor",
    "EnsembleResult",
    "LocalExecutor",
    "ThreadExecutor",
    "scenario_hash",
    "make_executor",
    "simulate_ensemble",
]
