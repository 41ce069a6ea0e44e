"""Figures of the DEU benchmark: forecasts against observed outcomes, and coverage."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from realpolitik._version import __version__
from realpolitik.analysis.validation.benchmark import COVERAGE_LEVELS, DeuValidation
from realpolitik.outputs.plotting import colormap, subplots

__all__ = ["coverage_plot", "scatter_predicted_observed"]


def _footer(result: DeuValidation) -> str:
    """The provenance of a validation figure: protocol, file, capability, seed, draws, version."""
    return (
        f"{result.protocol}; scored: {result.data.path.name}, {result.data.n_issues} issues, "
        f"{result.data.n_proposals} proposals; capability {result.capability}; "
        f"seed {result.seed}; bootstrap draws {result.draws}; realpolitik {__version__}"
    )


def scatter_predicted_observed(result: DeuValidation, path: Path) -> Path:
    """Write a grid of scatter plots (forecast vs observed outcome) as a PNG.

    Each panel shows one model's forecast for every issue it scores against
    the observed outcome, the diagonal of a perfect forecast, and the MAE.
    Fitted models show their held-out forecasts (cross-validated, or fitted
    on another file). The footer names the protocol, the file, capability
    scheme, seed, draws and package version.

    Parameters
    ----------
    result : DeuValidation
        Output of :func:`realpolitik.analysis.validation.benchmark.run_deu_validation`.
    path : Path
        PNG file to write.

    Returns
    -------
    Path
        ``path``.
    """
    names = list(result.forecasts)
    columns = 3
    rows = math.ceil(len(names) / columns)
    figure, axes = subplots(rows, columns, figsize=(4.0 * columns, 3.8 * rows), squeeze=False)
    observed = result.data.outcome
    for axis, name in zip(axes.flat, names, strict=False):
        forecast = result.forecasts[name]
        known = np.isfinite(forecast)
        mae = float(np.abs(forecast[known] - observed[known]).mean()) if known.any() else math.nan
        axis.scatter(forecast[known], observed[known], s=12, alpha=0.6, color="tab:blue")
        axis.plot([0, 100], [0, 100], color="grey", linewidth=0.8, linestyle="--")
        axis.set(xlim=(-3, 103), ylim=(-3, 103), xlabel="forecast", ylabel="observed outcome")
        axis.set_title(f"{name}\nMAE {mae:.1f} (n={int(known.sum())})", fontsize=9)
    for axis in list(axes.flat)[len(names):]:
        axis.set_visible(False)
    figure.suptitle("DEU: forecast against observed outcome", fontsize=11)
    figure.text(0.5, 0.005, _footer(result), ha="center", fontsize=7, color="dimgrey")
    figure.tight_layout(rect=(0, 0.02, 1, 0.97))
    figure.savefig(path, dpi=110)
    return Path(path)


def coverage_plot(result: DeuValidation, path: Path) -> Path:
    """Write a calibration plot of the predictive distributions as a PNG.

    For each model's predictive distribution (out-of-sample residual
    ensemble within a file, or split-conformal distribution calibrated on
    the fitting file) and for the actor mixture, the share of outcomes
    inside the central interval of each nominal level (10%, ..., 90%)
    against that level; a calibrated forecast follows the diagonal, one too
    narrow lies below it, one too wide above.

    Parameters
    ----------
    result : DeuValidation
        Output of :func:`realpolitik.analysis.validation.benchmark.run_deu_validation`.
    path : Path
        PNG file to write.

    Returns
    -------
    Path
        ``path``.
    """
    levels = np.array(COVERAGE_LEVELS)
    curves = [(s.name, s.probabilistic) for s in result.scores if s.probabilistic is not None]
    curves += list(result.distributions)
    figure, axis = subplots(figsize=(6.4, 5.6))
    axis.plot([0, 1], [0, 1], color="grey", linewidth=0.8, linestyle="--", label="calibrated")
    palette = colormap("tab20")
    for index, (name, score) in enumerate(curves):
        if score.coverage_curve:
            axis.plot(levels, score.coverage_curve, marker="o", markersize=3, linewidth=1,
                      color=palette((2 * index) % 20 + (2 * index) // 20),
                      label=f"{name} (CRPS {score.crps.estimate:.1f})")  # fmt: skip
    axis.set(xlim=(0, 1), ylim=(0, 1), xlabel="nominal level of the central interval",
             ylabel="share of outcomes inside")  # fmt: skip
    axis.set_title(f"DEU: coverage of the predictive distributions\n({result.protocol})",
                   fontsize=9)
    axis.legend(fontsize=6.5, loc="lower right")
    figure.text(0.5, 0.005, _footer(result), ha="center", fontsize=6, color="dimgrey")
    figure.tight_layout(rect=(0, 0.03, 1, 1))
    figure.savefig(path, dpi=110)
    return Path(path)
