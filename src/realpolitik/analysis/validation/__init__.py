"""Validation of the bargaining engines against observed outcomes.

The DEU data (Decision-making in the European Union; Thomson et al. 2006,
Arregui and Perarnaud 2022) give, for contested issues of EU legislative
proposals, every actor's position and salience and the observed outcome.
:func:`read_deu` reads such a file; :func:`run_deu_validation` scores every
engine, the status quo and cross-validated challengers on it.
"""

from realpolitik.analysis.validation.benchmark import DeuValidation, run_deu_validation
from realpolitik.analysis.validation.deu import (
    ACTOR_CODES,
    CAPABILITY_SCHEMES,
    DeuData,
    DeuFormatError,
    UnscoredIssue,
    capability_weights,
    engine_arrays,
    read_deu,
)

__all__ = [
    "ACTOR_CODES",
    "CAPABILITY_SCHEMES",
    "DeuData",
    "DeuFormatError",
    "DeuValidation",
    "UnscoredIssue",
    "capability_weights",
    "engine_arrays",
    "read_deu",
    "run_deu_validation",
]
