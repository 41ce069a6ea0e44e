"""Validation of the bargaining engines against observed outcomes.

The DEU data (Decision-making in the European Union; Thomson et al. 2006,
Arregui and Perarnaud 2022) give, for contested issues of EU legislative
proposals, every actor's position and salience and the observed outcome.
:func:`read_deu` reads such a file. :func:`run_deu_holdout` fits every
challenger and predictive distribution on one file and scores them on
another (:func:`split_deu` makes two halves of a file by proposal;
:func:`run_deu_both_ways` scores both directions);
:func:`run_deu_validation` cross-validates within one file.
:func:`engine_skill_weights` gives the Bates-Granger weights
``w_m ~ 1 / MSE_m`` of the stepping engines on a file.
"""

from realpolitik.analysis.validation.benchmark import (
    WITHIN_FILE,
    DeuValidation,
    run_deu_validation,
)
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
from realpolitik.analysis.validation.holdout import run_deu_both_ways, run_deu_holdout
from realpolitik.analysis.validation.skill import engine_skill_weights
from realpolitik.analysis.validation.split import DeuSplit, split_deu

__all__ = [
    "ACTOR_CODES",
    "CAPABILITY_SCHEMES",
    "WITHIN_FILE",
    "DeuData",
    "DeuFormatError",
    "DeuSplit",
    "DeuValidation",
    "UnscoredIssue",
    "capability_weights",
    "engine_arrays",
    "engine_skill_weights",
    "read_deu",
    "run_deu_both_ways",
    "run_deu_holdout",
    "run_deu_validation",
    "split_deu",
]
