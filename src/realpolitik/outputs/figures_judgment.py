"""Report sections and figures of the analyst's judgment: ACH matrix, questions, scores."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np

from realpolitik._version import __version__
from realpolitik.analysis.ach import AchResult, Interval, analyse_hypotheses
from realpolitik.analysis.indicators import EnsembleOutputs
from realpolitik.analysis.probability import Chance, percent_text
from realpolitik.analysis.questions import QuestionForecast, forecast_questions
from realpolitik.analysis.scores import ScoreSummary
from realpolitik.outputs import results_files as files
from realpolitik.outputs.html import data_note
from realpolitik.outputs.plotting import provenance, save_figure, shorten, subplots
from realpolitik.outputs.section import Figure, Section
from realpolitik.scenario.schema import Scenario

__all__ = [
    "RATING_COLOURS",
    "ach_section",
    "question_chart",
    "questions_section",
    "reliability_diagram",
]

RATING_COLOURS = {"CC": "#1a7f37", "C": "#7bc77e", "N": "#d0d0d0", "I": "#f08a80",
                  "II": "#c0392b"}
"""Cell colours of the ACH matrix: greens for consistent, grey neutral, reds inconsistent."""

_TEXT_ON = {"CC": "white", "C": "black", "N": "black", "I": "black", "II": "white"}


def _footer(scenario_id: str, seed: int | None, draws: int | None) -> str:
    """The provenance of the questions figure; ``none`` where the result has no seed or draws."""
    return provenance(scenario_id, seed="none" if seed is None else seed,
                      draws="none" if draws is None else draws)


# ---------------------------------------------------------------------------
# ACH
# ---------------------------------------------------------------------------


def ach_section(scenario: Scenario, seed: int = 0, result: AchResult | None = None) -> Section:
    """The ACH matrix colour-coded, cautions, scores, likelihood ratios, posteriors, sensitivity.

    ``seed`` seeds the draws over uncertain priors, credibilities and ``rho``
    (as many as the scenario's ``ach.draws``) behind the intervals; a
    ``result`` already computed is shown as it is.
    """
    title = "Competing hypotheses"
    if not scenario.hypotheses:
        return Section(title, "<p>This scenario declares no competing hypotheses.</p>",
                       anchor="hypotheses")
    if result is None:
        result = analyse_hypotheses(scenario, seed=seed)
    body = (_ach_intro(result) + _cautions_html(result) + _ach_matrix_html(scenario, result)
            + _ach_summary_html(scenario, result) + _sensitivity_html(result))
    return Section(title, body, anchor="hypotheses")


def _ach_intro(result: AchResult) -> str:
    least = html.escape(result.inconsistency_ranking[0])
    if result.inconsistency_ranking[0] in result.non_diagnostic:
        least += "</b> (non-diagnostic)<b>"
    if result.posteriors is not None:
        leader = f"highest posterior: <b>{html.escape(result.posterior_ranking[0])}</b>"
    else:
        leader = ("best supported by the evidence (likelihood): "
                  f"<b>{html.escape(result.likelihood_ranking[0])}</b>")
    return (
        "<p>Each evidence item is rated against every hypothesis: CC very consistent, "
        "C consistent, N neutral, I inconsistent, II very inconsistent. Heuer's rule "
        "favours the hypothesis with the least evidence against it; the Bayesian reading "
        "turns ratings into likelihoods tempered by each item's credibility x relevance, "
        "and counts items that share a source or group as fewer independent ones "
        f"(n<sub>eff</sub>/n). Least inconsistent: <b>{least}</b>; {leader}. "
        f"Intervals are {result.likelihood_ratio_interval.level:.0%} intervals over "
        f"{result.draws:,} draws (seed {result.seed}) of the uncertain priors, credibilities "
        f"and rho; realpolitik {__version__}.</p>"
    )


def _cautions_html(result: AchResult) -> str:
    items = "".join(f"<li>{html.escape(c.text)}</li>" for c in result.cautions)
    return f"<p><b>Cautions</b></p><ul class='cautions'>{items}</ul>"


def _ach_matrix_html(scenario: Scenario, result: AchResult) -> str:
    ids = result.matrix.hypothesis_ids
    head = "".join(f"<th>{html.escape(h)}</th>" for h in ids)
    rows = []
    for e, item in enumerate(scenario.evidence):
        cells = "".join(_rating_cell(item.rating(h)) for h in ids)
        text = html.escape(item.text)
        credibility = item.credibility_quantity
        weight = (f"{credibility.low * item.relevance:.2f}-"
                  f"{credibility.high * item.relevance:.2f}" if credibility.uncertain
                  else f"{item.weight:.2f}")
        rows.append(f"<tr><td><b>{html.escape(item.id)}</b><br><small>{text}</small></td>"
                    f"<td>{weight}</td><td>{result.scale[e]:.2f}</td>"
                    f"<td>{result.diagnosticity[e]:.2f}</td>{cells}</tr>")
    data = files.csv_name(files.ACH_MATRIX)
    return (f"<table class='ach' data-file='{data}'><thead><tr><th>evidence</th><th>weight</th>"
            "<th>n<sub>eff</sub>/n</th>"
            f"<th>diagnosticity</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            + data_note(data))


def _rating_cell(rating: str) -> str:
    return (f"<td style='background:{RATING_COLOURS[rating]};color:{_TEXT_ON[rating]};"
            f"text-align:center'>{rating}</td>")


def _ach_summary_html(scenario: Scenario, result: AchResult) -> str:
    shown = result.posteriors is not None
    rows = []
    ratio = result.likelihood_ratio_interval
    for h, hypothesis in enumerate(scenario.hypotheses):
        flag = ("<br><small style='color:#b8860b'>non-diagnostic: nothing rates it I or II"
                "</small>" if hypothesis.id in result.non_diagnostic else "")
        cells = (f"<td>{result.inconsistency_count[h]:g}</td>"
                 f"<td>{result.inconsistency[h]:.2f}</td>"
                 f"<td>{_interval_html(ratio, h)}</td>")
        if result.prior_interval is not None and result.posterior_interval is not None:
            cells += (f"<td>{_interval_html(result.prior_interval, h)}</td>"
                      f"<td>{_interval_html(result.posterior_interval, h)}</td>")
        rows.append(f"<tr><td><b>{html.escape(hypothesis.id)}</b> "
                    f"{html.escape(hypothesis.name)}{flag}</td>{cells}</tr>")
    head = ("<th>hypothesis</th><th>I/II count</th><th>weighted inconsistency</th>"
            "<th>likelihood ratio to the best-supported</th>")
    if shown:
        head += "<th>prior</th><th>posterior</th>"
    data = files.csv_name(files.HYPOTHESES)
    return (f"<table data-file='{data}'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{data_note(data)}"
            "<p class='muted'>Medians, with the interval in brackets where the inputs are "
            "uncertain.</p>")


def _interval_html(interval: Interval, h: int) -> str:
    median, low, high = interval.median[h], interval.low[h], interval.high[h]
    if high - low < 0.005:
        return f"{median:.2f}"
    return f"{median:.2f} <small>({low:.2f}-{high:.2f})</small>"


def _sensitivity_html(result: AchResult) -> str:
    pivotal = [d for d in result.sensitivity
               if d.ranking_changes or d.inconsistency_ranking_changes]
    if not pivotal:
        return ("<p>Drop-one sensitivity: leaving out any single item changes neither "
                "ranking.</p>")
    basis = "posterior" if result.posteriors is not None else "likelihood"
    rows = "".join(
        f"<tr><td>{html.escape(d.evidence_id)}</td>"
        f"<td>{'-' if d.max_shift is None else f'{d.max_shift:.3f}'}</td>"
        f"<td>{'yes' if d.ranking_changes else 'no'}</td>"
        f"<td>{'yes' if d.inconsistency_ranking_changes else 'no'}</td>"
        f"<td>{'yes' if d.leader_changes else 'no'}</td></tr>"
        for d in pivotal
    )
    data = files.csv_name(files.ACH_SENSITIVITY)
    return ("<p>Drop-one sensitivity: items whose removal changes a ranking.</p>"
            f"<table data-file='{data}'><thead><tr><th>item left out</th>"
            f"<th>largest posterior shift</th><th>{basis} ranking changes</th>"
            "<th>inconsistency ranking changes</th>"
            f"<th>leader changes</th></tr></thead><tbody>{rows}</tbody></table>"
            + data_note(data))


# ---------------------------------------------------------------------------
# Questions
# ---------------------------------------------------------------------------


def questions_section(scenario: Scenario, result: EnsembleOutputs, out_dir: Path,
                      forecasts: list[QuestionForecast] | None = None) -> Section:
    """Each forecast question with its probability in the ensemble; warnings flagged.

    ``forecasts`` are the questions' forecasts when already made (a streamed
    ensemble's, counted over all its draws); else they are read from ``result``.
    """
    title = "Forecast questions"
    if not scenario.questions:
        return Section(title, "<p>This scenario asks no forecast questions.</p>",
                       anchor="questions")
    if forecasts is None:
        forecasts = forecast_questions(scenario, result)
    draws = getattr(result, "futures", getattr(result, "draws", None))
    footer = _footer(scenario.scenario.id, getattr(result, "seed", None), draws)
    figure = question_chart(forecasts, Path(out_dir) / "questions.png", footer)
    flagged = [f for f in forecasts if f.flagged]
    lead = (f"<p><b>{len(flagged)} warning(s)</b>: "
            + ", ".join(html.escape(f.id) for f in flagged) + "</p>") if flagged else (
        "<p>No question has reached its warning threshold.</p>")
    rows = "".join(_question_row(f, draws) for f in forecasts)
    bargained_by = getattr(result, "bargained_by", None)
    if bargained_by is not None and any("settlement(" in f.indicator for f in forecasts):
        lead += (f"<p class='muted'>Probabilities are shares of the simulated futures, each "
                 f"bargained with {html.escape(bargained_by)} at every step. Questions "
                 "on where a settlement lands depend on which engine bargains (the compromise "
                 "model averages and moves little; the median voter and the Expected Utility "
                 "Model jump): see how much in the section on modelling choices, or compare "
                 "with <code>realpolitik run --step-model</code>.</p>")
    data = files.csv_name(files.QUESTIONS)
    table = (f"<table data-file='{data}'><thead><tr><th>question</th><th>resolves</th>"
             "<th>indicator</th><th>probability</th><th>threshold</th></tr></thead>"
             f"<tbody>{rows}</tbody></table>{data_note(data)}")
    return Section(title, lead + table, figures=[figure], anchor="questions")


def _question_row(forecast: QuestionForecast, draws: int | None) -> str:
    style = " style='background:#fde2df'" if forecast.flagged else ""
    threshold = "" if forecast.threshold is None else f"{forecast.threshold:.0%}"
    if forecast.flagged:
        threshold += " <b>reached</b>"
    note = ""
    if forecast.beyond_horizon:
        dates = ", ".join(str(d) for d in forecast.beyond_horizon)
        note = (f"<br><small>reads {dates}, after the simulated horizon: "
                "the value at the last step is used</small>")
    return (f"<tr{style}><td><b>{html.escape(forecast.id)}</b><br>"
            f"{html.escape(forecast.text)}{note}</td><td>{forecast.resolution_date}</td>"
            f"<td><code>{html.escape(forecast.indicator)}</code></td>"
            f"<td>{html.escape(_probability(forecast.probability, draws))}</td>"
            f"<td>{threshold}</td></tr>")


def _probability(share: float, draws: int | None) -> str:
    """A question's probability, its Wilson interval and words (without draws: the share)."""
    if draws is None:
        return percent_text(share)
    return Chance.of_share(share, int(draws)).text()


def question_chart(forecasts: list[QuestionForecast], path: Path, footer: str) -> Figure:
    """Horizontal bars of each question's probability, thresholds marked, warnings in red."""
    fig, ax = subplots(figsize=(8, 0.4 * len(forecasts) + 1.4))
    rows = np.arange(len(forecasts))[::-1]
    colours = ["tab:red" if f.flagged else "tab:blue" for f in forecasts]
    ax.barh(rows, [f.probability for f in forecasts], color=colours)
    for row, forecast in zip(rows, forecasts, strict=True):
        inside = forecast.probability > 0.85
        ax.text(forecast.probability - 0.01 if inside else forecast.probability + 0.01, row,
                percent_text(forecast.probability), va="center", fontsize=7,
                ha="right" if inside else "left", color="white" if inside else "black")
        if forecast.threshold is not None:
            ax.plot([forecast.threshold] * 2, [row - 0.4, row + 0.4], color="black", lw=2)
    ax.set_yticks(rows, [shorten(f.text, 60) for f in forecasts], fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("probability in the ensemble (black tick: warning threshold)")
    ax.set_title("Forecast questions")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save_figure(fig, path, footer)
    return Figure(path, "Probability of each forecast question; red bars have reached "
                        "their warning threshold.")


# ---------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------


def reliability_diagram(summary: ScoreSummary, path: Path, label: str) -> Figure:
    """Mean forecast against observed frequency per probability bin, sized by count.

    ``label`` names what was scored (the questions file) and goes in the footer
    with the package version.
    """
    fig, ax = subplots(figsize=(5.5, 6.4))
    ax.plot([0, 1], [0, 1], color="gray", ls="--", lw=1, label="perfect reliability")
    ax.axhline(summary.base_rate, color="tab:orange", lw=1, ls=":",
               label=f"base rate {summary.base_rate:.0%} (in-sample)")
    filled = [b for b in summary.bins if b.count]
    ax.scatter([b.mean_forecast for b in filled], [b.observed_frequency for b in filled],
               s=[40 + 40 * b.count for b in filled], color="tab:blue", zorder=3,
               label="bins (area ~ number of questions)")
    for b in filled:
        ax.annotate(str(b.count), (b.mean_forecast, b.observed_frequency),
                    textcoords="offset points", xytext=(8, -4), fontsize=8)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("forecast probability (bin mean)")
    ax.set_ylabel("observed frequency of yes")
    ax.set_title(f"Reliability: {summary.count} questions, Brier {summary.brier:.3f}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, fontsize=8,
              frameon=False)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save_figure(fig, path, provenance(label=label))
    return Figure(path, "Reliability diagram: points on the diagonal are well calibrated.")
