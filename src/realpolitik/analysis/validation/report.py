"""Tables and files of the DEU benchmark: rich tables, JSON summary, per-issue CSV."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
from rich.table import Table

from realpolitik.analysis.validation.benchmark import (
    COVERAGE_LEVELS,
    PREDICTIVE_PROBABILITIES,
    DeuValidation,
    ModelScore,
)
from realpolitik.analysis.validation.scoring import IntervalEstimate

__all__ = [
    "breakdown_table",
    "distribution_table",
    "markdown_table",
    "score_table",
    "summary_dict",
    "unscored_table",
    "write_issue_csv",
    "write_predictive_csv",
]


def _fmt(value: float, digits: int = 1) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def _interval(estimate: IntervalEstimate, signed: bool = False) -> str:
    if math.isnan(estimate.low):
        return "-"
    form = "+.1f" if signed else ".1f"
    return f"[{estimate.low:{form}}, {estimate.high:{form}}]"


def score_table(result: DeuValidation) -> Table:
    """One row per model: MAE [95%], gap to compromise [95%], n, CRPS, 50%/90% coverage."""
    table = Table(
        title=f"DEU validation: {result.data.path.name} (capability {result.capability}, "
        f"seed {result.seed}, {result.draws} bootstrap draws)",
        caption="Intervals in brackets: 95%, bootstrap over proposals. (CV): fitted, "
        "leave-one-proposal-out forecasts only. CRPS, coverage: out-of-sample residual "
        "ensembles.",
    )
    table.add_column("model", no_wrap=True)
    for header in ("MAE [95%]", "vs compromise", "n", "CRPS", "50%", "90%"):
        table.add_column(header, justify="right")
    for score in result.scores:
        table.add_row(*_score_cells(score))
    return table


def _score_cells(score: ModelScore) -> list[str]:
    p = score.probabilistic
    versus = score.versus_compromise
    return [
        score.name,
        f"{_fmt(score.mae.estimate)} {_interval(score.mae)}",
        f"{versus.estimate:+.1f} {_interval(versus, signed=True)}",
        str(score.mae.n),
        _fmt(p.crps.estimate) if p else "-",
        f"{p.coverage50:.0%}" if p else "-",
        f"{p.coverage90:.0%}" if p else "-",
    ]


def markdown_table(result: DeuValidation) -> str:
    """The score table as GitHub markdown (for docs and the README)."""
    lines = [
        "| model | MAE | 95% interval | vs compromise [95%] | n | CRPS | 50% cov. | 90% cov. |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for score in result.scores:
        cells = _score_cells(score)
        mae, interval = cells[1].split(" ", 1)
        lines.append("| " + " | ".join([cells[0], mae, interval, *cells[2:]]) + " |")
    return "\n".join(lines)


def distribution_table(result: DeuValidation) -> Table:
    """Predictive distributions that have no point forecast of their own."""
    table = Table(title="Other predictive distributions (no fitting)")
    for header in ("distribution", "CRPS", "95% interval", "50% cov.", "90% cov."):
        table.add_column(header, justify="left" if header == "distribution" else "right")
    for name, score in result.distributions:
        table.add_row(
            name, _fmt(score.crps.estimate), _interval(score.crps),
            f"{score.coverage50:.0%}", f"{score.coverage90:.0%}",
        )  # fmt: skip
    return table


def breakdown_table(result: DeuValidation, dimension: str) -> Table:
    """MAE per model (rows) and group of ``dimension`` (columns), with issue counts."""
    rows = [g for g in result.breakdowns if g.dimension == dimension]
    groups = sorted({g.group for g in rows})
    table = Table(title=f"MAE by {dimension} (95% interval)")
    table.add_column("model", no_wrap=True)
    for group in groups:
        n = next(g.mae.n for g in rows if g.group == group)
        table.add_column(f"{group} (n={n})", justify="right")
    for model in result.forecasts:
        cells = []
        for group in groups:
            score = next(g.mae for g in rows if g.group == group and g.model == model)
            cells.append(f"{_fmt(score.estimate)} {_interval(score)}" if score.n else "-")
        table.add_row(model, *cells)
    return table


def unscored_table(result: DeuValidation) -> Table | None:
    """Issues read but not scored, with line and reason; ``None`` when every issue scored."""
    if not result.data.unscored:
        return None
    table = Table(title=f"Issues not scored ({len(result.data.unscored)})")
    for header in ("line", "issue", "proposal", "reason"):
        table.add_column(header)
    for issue in result.data.unscored:
        table.add_row(str(issue.line), issue.issue_id, issue.proposal_id, issue.reason)
    return table


def summary_dict(result: DeuValidation) -> dict:
    """Everything but the per-issue forecasts, as plain JSON-ready data."""
    data = result.data
    return {
        "file": str(data.path),
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
