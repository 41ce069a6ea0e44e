"""Files of the DEU benchmark: the JSON summary, the per-issue CSV tables, the split halves."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

from realpolitik.analysis.validation.benchmark import (
    COVERAGE_LEVELS,
    PREDICTIVE_PROBABILITIES,
    DeuValidation,
)
from realpolitik.analysis.validation.split import DeuSplit, split_text

__all__ = ["summary_dict", "write_issue_csv", "write_predictive_csv", "write_split"]


def summary_dict(result: DeuValidation) -> dict:
    """Everything but the per-issue forecasts, as plain JSON-ready data."""
    data = result.data
    return {
        "file": str(data.path),
        "protocol": result.protocol,
        "fit_file": None if result.fit_data is None else str(result.fit_data.path),
        "fit_issues": None if result.fit_data is None else result.fit_data.n_issues,
        "eum_reading": result.eum_reading,
        "capability": result.capability,
        "seed": result.seed,
        "bootstrap_draws": result.draws,
        "issues_scored": data.n_issues,
        "proposals_scored": data.n_proposals,
        "models": [
            {
                "name": s.name,
                "kind": s.kind,
                "note": s.note,
                "conformal_scaling": result.scalings.get(s.name),
                "mae": s.mae.as_dict(),
                "mae_minus_compromise": s.versus_compromise.as_dict(),
                "crps": s.probabilistic.crps.as_dict() if s.probabilistic else None,
                "coverage50": s.probabilistic.coverage50 if s.probabilistic else None,
                "coverage90": s.probabilistic.coverage90 if s.probabilistic else None,
                "coverage_curve": dict(zip(
                    COVERAGE_LEVELS, s.probabilistic.coverage_curve, strict=True
                )) if s.probabilistic else None,
            }
            for s in result.scores
        ],
        "distributions": [
            {"name": name, "crps": d.crps.as_dict(), "coverage50": d.coverage50,
             "coverage90": d.coverage90}
            for name, d in result.distributions
        ],  # fmt: skip
        "breakdowns": [
            {"dimension": g.dimension, "group": g.group, "model": g.model, "mae": g.mae.as_dict()}
            for g in result.breakdowns
        ],
        "fitted_choices": {
            name: [{"candidate": label, "folds": n} for label, n in choices]
            for name, choices in result.fitted_choices.items()
        },
        "unscored": [
            {"line": u.line, "issue": u.issue_id, "proposal": u.proposal_id, "reason": u.reason}
            for u in data.unscored
        ],
        "imputed_salience": [{"issue": i, "actor": a} for i, a in data.imputed_salience],
        "engine_warnings": result.engine_warnings,
        "timings_seconds": result.timings,
    }


def write_issue_csv(result: DeuValidation, path: Path) -> Path:
    """Write one row per scored issue: ids, groups, outcome, status quo and every forecast."""
    data = result.data
    names = list(result.forecasts)
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "proposal", "issue", "proc", "counvte", "out", *names])
        for b in range(data.n_issues):
            writer.writerow([
                data.lines[b], data.proposal_ids[b], data.issue_ids[b], data.procedures[b],
                data.voting_rules[b], f"{data.outcome[b]:g}",
                *("" if math.isnan(result.forecasts[n][b]) else f"{result.forecasts[n][b]:.4f}"
                  for n in names),
            ])  # fmt: skip
    return Path(path)


def write_predictive_csv(result: DeuValidation, path: Path) -> Path:
    """Write the predictive quantiles per issue and model (long format, one row each).

    Columns: ``issue``, ``proposal``, ``model``, ``forecast``, ``q05`` ... ``q95``
    (the out-of-sample residual ensemble's quantiles) and ``out``. Issues a
    model does not forecast (the status quo where ``rp`` is blank) are left out.
    """
    data = result.data
    names = [f"q{round(100 * p):02d}" for p in PREDICTIVE_PROBABILITIES]
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["issue", "proposal", "model", "forecast", *names, "out"])
        for model, quantiles in result.predictive.items():
            forecast = result.forecasts[model]
            for b in np.flatnonzero(np.isfinite(quantiles).all(axis=1)):
                writer.writerow([
                    data.issue_ids[b], data.proposal_ids[b], model, f"{forecast[b]:.4f}",
                    *(f"{q:.4f}" for q in quantiles[b]), f"{data.outcome[b]:g}",
                ])  # fmt: skip
    return Path(path)


def write_split(split: DeuSplit, folder: Path) -> tuple[Path, Path]:
    """Write the two halves of a split as ``A.csv`` and ``B.csv`` in ``folder`` (created).

    Refuses to overwrite: raises ``FileExistsError`` if either file exists.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = folder / "A.csv", folder / "B.csv"
    existing = [str(path) for path in paths if path.exists()]
    if existing:
        raise FileExistsError(f"{existing[0]} exists; choose another --out folder")
    for half, path in zip("AB", paths, strict=True):
        path.write_text(split_text(split, half), encoding="utf-8")
    return paths
