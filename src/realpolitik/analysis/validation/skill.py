"""Skill weights of the bargaining engines: inverse mean squared error (Bates and Granger 1969).

Bates and Granger (1969), "The combination of forecasts", *Operational
Research Quarterly* 20(4):451-468, weight each forecaster by the inverse of
its error variance. With the engines' errors on observed outcomes:

    w_m = (1 / MSE_m) / sum_k (1 / MSE_k),   MSE_m = mean over issues of (f_m - y)^2

where ``f_m`` is engine ``m``'s forecast of an issue and ``y`` its observed
outcome. :func:`engine_skill_weights` computes these weights for the engines
a simulation can step with (compromise, weighted median, Expected Utility
Model, spatial model; the registry's stepping engines) on a DEU file, with
equal capabilities unless told otherwise: the weights of the engine mixture
of the simulation are meant to be checked against it.

The same rule, fitted on some outcomes and applied to others, is also one
of the challengers of the compromise model (:func:`inverse_mse_average`,
:func:`inverse_mse_average_cv`).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from realpolitik.analysis.validation.crossval import cluster_loss_totals
from realpolitik.analysis.validation.deu import DeuData, capability_weights, engine_arrays, read_deu
from realpolitik.models.eum import EUMOptions
from realpolitik.models.registry import engine, engine_names

__all__ = [
    "engine_mse",
    "engine_skill_weights",
    "inverse_mse_average",
    "inverse_mse_average_cv",
    "inverse_mse_weights",
    "weights_from_mse",
]


def inverse_mse_weights(forecasts: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Weights ``w_m`` proportional to ``1 / MSE_m``, summing to 1, shape (M,).

    Parameters
    ----------
    forecasts : numpy.ndarray, shape (M, B)
        Forecast of each of ``M`` models for each of ``B`` issues (finite).
    observed : numpy.ndarray, shape (B,)
        Observed outcomes.

    Returns
    -------
    numpy.ndarray, shape (M,)
        A model with zero error takes all the weight (shared equally among
        such models).
    """
    mse = ((np.asarray(forecasts, dtype=float) - np.asarray(observed, dtype=float)) ** 2).mean(
        axis=1
    )
    return _normalise_inverse(mse[:, None])[:, 0]


def _normalise_inverse(mse: np.ndarray) -> np.ndarray:
    """Columns of ``1 / mse`` normalised to sum 1 (axis 0); exact fits share the weight."""
    perfect = mse <= 0.0
    inverse = np.divide(1.0, mse, out=np.zeros_like(mse), where=~perfect)
    inverse = np.where(perfect.any(axis=0, keepdims=True), perfect.astype(float), inverse)
    return inverse / inverse.sum(axis=0, keepdims=True)


def inverse_mse_average(
    fit_forecasts: np.ndarray, fit_observed: np.ndarray, forecasts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Average ``forecasts`` (M, B) with the inverse-MSE weights fitted on other issues.

    Returns the averaged forecast (B,) and the weights (M,).
    """
    weights = inverse_mse_weights(fit_forecasts, fit_observed)
    return weights @ np.asarray(forecasts, dtype=float), weights


def inverse_mse_average_cv(
    forecasts: np.ndarray, observed: np.ndarray, clusters: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Leave-one-proposal-out inverse-MSE averages and their nested calibration forecasts.

    Parameters
    ----------
    forecasts : numpy.ndarray, shape (M, B)
        Model forecasts (finite).
    observed : numpy.ndarray, shape (B,)
        Observed outcomes.
    clusters : numpy.ndarray of int, shape (B,)
        Proposal code 0..P-1 of each issue.

    Returns
    -------
    forecast : numpy.ndarray, shape (B,)
        For each issue, the average with weights fitted without its proposal.
    calibration : numpy.ndarray, shape (P, B)
        Entry ``[p, b]``: the average for issue ``b`` with weights fitted
        without proposal ``p`` and without ``b``'s own proposal (as
        :func:`realpolitik.analysis.validation.crossval.leave_two_clusters_out_forecasts`).
    weights : numpy.ndarray, shape (P, M)
        The weights used for each held-out proposal.
    """
    forecasts = np.asarray(forecasts, dtype=float)
    clusters = np.asarray(clusters, dtype=int)
    squared = (forecasts - np.asarray(observed, dtype=float)) ** 2
    totals, sizes = cluster_loss_totals(squared, clusters)  # (M, P), (P,)
    grand, n_all = totals.sum(axis=1), sizes.sum()
    one_out = (grand[:, None] - totals) / np.maximum(n_all - sizes, 1.0)  # (M, P)
    weights = _normalise_inverse(one_out)  # (M, P)
    forecast = np.einsum("mb,mb->b", weights[:, clusters], forecasts)
    removed = totals[:, :, None] + totals[:, None, :]
    removed_n = sizes[:, None] + sizes[None, :]
    diagonal = np.arange(sizes.size)
    removed[:, diagonal, diagonal] = totals
    removed_n[diagonal, diagonal] = sizes
    two_out = (grand[:, None, None] - removed) / np.maximum(n_all - removed_n, 1.0)
    pair_weights = _normalise_inverse(two_out.reshape(len(forecasts), -1)).reshape(two_out.shape)
    calibration = np.einsum("mpb,mb->pb", pair_weights[:, :, clusters], forecasts)
    return forecast, calibration, weights.T


def engine_mse(
    path_or_data: str | Path | DeuData,
    *,
    capability: str = "equal",
    eum_options: EUMOptions | None = None,
) -> dict[str, float]:
    """Mean squared error of each stepping engine on a DEU file's scorable issues.

    Parameters are those of :func:`engine_skill_weights`; keys are the
    registry's stepping engines in its order.
    """
    data = path_or_data if isinstance(path_or_data, DeuData) else read_deu(path_or_data)
    if data.n_issues == 0:
        raise ValueError(f"{data.path}: no scorable issue; no weights can be estimated")
    arrays = engine_arrays(data, capability_weights(data, capability))
    inputs = (arrays.positions, arrays.salience, arrays.capability, arrays.active)
    errors = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # e.g. actors coded with salience 0
        for name in engine_names(stepping=True):
            options = eum_options if name == "eum" else None
            forecast = np.asarray(engine(name).settle(*inputs, options=options))[:, 0]
            errors[name] = float(((forecast - data.outcome) ** 2).mean())
    return errors


def engine_skill_weights(
    path_or_data: str | Path | DeuData,
    *,
    capability: str = "equal",
    eum_options: EUMOptions | None = None,
) -> dict[str, float]:
    """Bates-Granger weights ``w_m`` proportional to ``1 / MSE_m`` of the stepping engines.

    Parameters
    ----------
    path_or_data : str, Path or DeuData
        A DEU file, or data already read by
        :func:`realpolitik.analysis.validation.deu.read_deu`.
    capability : str, default "equal"
        Capability scheme of the engines (see
        :func:`realpolitik.analysis.validation.deu.capability_weights`).
    eum_options : EUMOptions, optional
        Options of the Expected Utility Model; default its published reading.

    Returns
    -------
    dict of str to float
        Engine name (``eum``, ``compromise``, ``median``, ``spatial``: the
        registry's stepping engines, in its order) to weight; the weights sum
        to 1. Each engine forecasts every scorable issue once from the
        stated positions (the EUM's forecast is its median voter after
        bargaining); ``MSE_m`` is the mean over issues of the squared
        difference to the observed outcome.

    Raises
    ------
    DeuFormatError
        If the file cannot be read.
    ValueError
        If the file has no scorable issue.
    """
    return weights_from_mse(
        engine_mse(path_or_data, capability=capability, eum_options=eum_options)
    )


def weights_from_mse(mse: dict[str, float]) -> dict[str, float]:
    """``w_m = (1 / MSE_m) / sum_k (1 / MSE_k)`` for a mapping of model to MSE."""
    names = tuple(mse)
    weights = _normalise_inverse(np.array([[mse[name]] for name in names]))[:, 0]
    return {name: float(w) for name, w in zip(names, weights, strict=True)}
