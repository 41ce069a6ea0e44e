"""Terminal tables (rich) and a markdown table of the DEU benchmark."""

from __future__ import annotations

import math

from rich.table import Table
from rich.text import Text

from realpolitik.analysis.validation.benchmark import DeuValidation, ModelScore
from realpolitik.analysis.validation.scoring import IntervalEstimate

__all__ = [
    "breakdown_table",
    "choice_lines",
    "distribution_table",
    "engine_weights_table",
    "markdown_table",
    "readme_table",
    "score_table",
    "unscored_table",
    "validation_subject",
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


def validation_subject(result: DeuValidation) -> str:
    """The file scored and the protocol, e.g. ``fitted on A.csv, scored on B.csv``."""
    if result.fit_data is not None:
        return result.protocol
    return f"{result.data.path.name}, {result.protocol}"


def _caption(result: DeuValidation) -> str:
    """What the columns of the score table mean under the result's protocol."""
    common = "Intervals in brackets: 95%, bootstrap over the scored file's proposals. "
    if result.fit_data is None:
        return common + (
            "(CV): fitted, leave-one-proposal-out forecasts only. CRPS, coverage: residual "
            "ensembles from the other proposals' errors. The challengers and the predictive "
            "distributions were designed on this file: not out-of-sample figures for a new file."
        )
    return common + (
        f"(fitted): every setting chosen on {result.fit_data.path.name} only. CRPS, coverage: "
        f"split-conformal distributions calibrated on {result.fit_data.path.name}'s errors."
    )


def score_table(result: DeuValidation) -> Table:
    """One row per model: MAE [95%], gap to compromise [95%], n, CRPS, 50%/90% coverage."""
    table = Table(
        title=Text(f"DEU validation: {validation_subject(result)}; capability "
                   f"{result.capability}, EUM reading {result.eum_reading}, seed {result.seed}, "
                   f"{result.draws} bootstrap draws", style="table.title"),
        caption=Text(_caption(result), style="table.caption"),
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


def choice_lines(result: DeuValidation, top: int = 3) -> list[str]:
    """What each fitted challenger chose: on FIT, or in how many held-out folds."""
    lines = []
    for name, choices in result.fitted_choices.items():
        if result.fit_data is not None:
            scaling = result.scalings.get(name, "")
            lines.append(f"{name} chose on {result.fit_data.path.name}: {choices[0][0]}"
                         f" (conformal scaling: {scaling})")  # fmt: skip
        else:
            shown = ", ".join(f"{label} ({n} folds)" for label, n in choices[:top])
            lines.append(f"{name} chose: {shown}")
    return lines


def _coverage_cell(first: ModelScore, second: ModelScore, level: str) -> str:
    """``B / A (both)``: coverage on each TEST half, then pooled over every issue scored."""
    values = [getattr(s.probabilistic, level) if s.probabilistic else None
              for s in (first, second)]  # fmt: skip
    cells = ["-" if value is None else f"{value:.0%}" for value in values]
    one, two = values
    if one is None or two is None:
        return " / ".join(cells)
    n = first.mae.n + second.mae.n
    pooled = (one * first.mae.n + two * second.mae.n) / n
    return f"{cells[0]} / {cells[1]} ({pooled:.0%})"


def readme_table(forward: DeuValidation, backward: DeuValidation) -> str:
    """Both directions of a fit-then-test run as one markdown table (the README's).

    ``forward`` is fitted on A and scored on B, ``backward`` the reverse. One
    row per model: MAE on each TEST half with its interval, the paired
    difference to compromise, CRPS on each TEST half, and the coverage of the
    50% and 90% intervals on each TEST half (B first, then A) and, in
    parentheses, over all the issues of both (each scored once, by the model
    fitted on the other half).
    """
    if forward.fit_data is None:
        raise ValueError("the README table needs a fit-then-test run (fit_data is missing)")
    a, b = forward.fit_data.path.stem, forward.data.path.stem
    lines = [
        f"| model | MAE on {b} (fitted on {a}) | vs compromise | MAE on {a} (fitted on {b}) "
        f"| vs compromise | CRPS {b} / {a} | 50% coverage {b} / {a} (both) "
        f"| 90% coverage {b} / {a} (both) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    back = {score.name: score for score in backward.scores}
    for score in forward.scores:
        other = back[score.name]
        cells = [score.name]
        for s in (score, other):
            cells += [f"{_fmt(s.mae.estimate)} {_interval(s.mae)}",
                      f"{s.versus_compromise.estimate:+.1f} {_interval(s.versus_compromise, True)}"]
        p, q = score.probabilistic, other.probabilistic
        cells += [
            f"{_fmt(p.crps.estimate) if p else '-'} / {_fmt(q.crps.estimate) if q else '-'}",
            _coverage_cell(score, other, "coverage50"),
            _coverage_cell(score, other, "coverage90"),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def engine_weights_table(
    weights: dict[str, float],
    mse: dict[str, float] | None = None,
    title: str | Text = "Engine skill weights",
    settings: str = "",
) -> Table:
    """Bates-Granger weights ``w_m`` proportional to ``1 / MSE_m``, one row per engine."""
    rule = "w_m = (1/MSE_m) / sum_k (1/MSE_k) (Bates and Granger 1969)"
    table = Table(title=title, caption=f"{rule}; {settings}" if settings else rule)
    table.add_column("engine")
    if mse is not None:
        table.add_column("MSE", justify="right")
    table.add_column("weight", justify="right")
    for name, weight in weights.items():
        cells = [name] + ([f"{mse[name]:.1f}"] if mse is not None else []) + [f"{weight:.3f}"]
        table.add_row(*cells)
    return table
