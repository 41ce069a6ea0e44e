"""Terminal tables (rich) and a markdown table of the DEU benchmark."""

from __future__ import annotations

import math

from rich.table import Table
from rich.text import Text

from realpolitik.analysis.validation.benchmark import DeuValidation, ModelScore
from realpolitik.analysis.validation.scoring import IntervalEstimate

__all__ = [
    "breakdown_table",
    "distribution_table",
    "markdown_table",
    "score_table",
    "unscored_table",
]


def _fmt(value: float, digits: int = 1) -> str:
    """A number with ``digits`` decimals, or ``-`` when it is missing."""
    return "-" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def _interval(estimate: IntervalEstimate, signed: bool = False) -> str:
    """An interval as ``[low, high]``, or ``-`` when it could not be estimated."""
    if math.isnan(estimate.low):
        return "-"
    form = "+.1f" if signed else ".1f"
    return f"[{estimate.low:{form}}, {estimate.high:{form}}]"


def score_table(result: DeuValidation) -> Table:
    """One row per model: MAE [95%], gap to compromise [95%], n, CRPS, 50%/90% coverage."""
    table = Table(
        title=Text(f"DEU validation: {result.data.path.name} (capability {result.capability}, "
                   f"seed {result.seed}, {result.draws} bootstrap draws)", style="table.title"),
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
        table.add_column(Text(f"{group} (n={n})"), justify="right")
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
        table.add_row(str(issue.line), Text(issue.issue_id), Text(issue.proposal_id),
                      Text(issue.reason))
    return table
