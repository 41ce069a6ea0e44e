"""Report sections and figures of the analyst's judgment: ACH matrix, questions, scores."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np

from realpolitik.analysis.ach import AchResult, analyse_hypotheses
from realpolitik.analysis.indicators import EnsembleOutputs
from realpolitik.analysis.questions import QuestionForecast, forecast_questions
from realpolitik.analysis.scores import ScoreSummary
from realpolitik.outputs.plotting import provenance, save_figure, subplots
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


def ach_section(scenario: Scenario) -> Section:
    """The ACH matrix colour-coded, scores, posteriors, diagnosticity and drop-one sensitivity."""
    title = "Competing hypotheses"
    if not scenario.hypotheses:
        return Section(title, "<p>This scenario declares no competing hypotheses.</p>",
                       anchor="hypotheses")
    result = analyse_hypotheses(scenario)
    body = (_ach_intro(result) + _ach_matrix_html(scenario, result)
            + _ach_summary_html(scenario, result) + _sensitivity_html(result))
    return Section(title, body, anchor="hypotheses")


def _ach_intro(result: AchResult) -> str:
    leader = result.posterior_ranking[0]
    least = result.inconsistency_ranking[0]
    return (
        "<p>Each evidence item is rated against every hypothesis: CC very consistent, "
        "C consistent, N neutral, I inconsistent, II very inconsistent. Heuer's rule "
        "favours the hypothesis with the least evidence against it; the Bayesian reading "
        "turns ratings into likelihoods tempered by each item's credibility x relevance. "
        f"Least inconsistent: <b>{html.escape(least)}</b>; highest posterior: "
        f"<b>{html.escape(leader)}</b>. The posteriors treat items as independent, so "
        "they overstate confidence when items echo one another: read them as a ranking.</p>"
    )


def _ach_matrix_html(scenario: Scenario, result: AchResult) -> str:
    ids = result.matrix.hypothesis_ids
    head = "".join(f"<th>{html.escape(h)}</th>" for h in ids)
    rows = []
    for e, item in enumerate(scenario.evidence):
        cells = "".join(_rating_cell(item.rating(h)) for h in ids)
        text = html.escape(item.text)
        rows.append(f"<tr><td><b>{html.escape(item.id)}</b><br><small>{text}</small></td>"
                    f"<td>{item.weight:.2f}</td><td>{result.diagnosticity[e]:.2f}</td>"
                    f"{cells}</tr>")
    return ("<table class='ach'><thead><tr><th>evidence</th><th>weight</th>"
            f"<th>diagnosticity</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _rating_cell(rating: str) -> str:
    return (f"<td style='background:{RATING_COLOURS[rating]};color:{_TEXT_ON[rating]};"
            f"text-align:center'>{rating}</td>")


def _ach_summary_html(scenario: Scenario, result: AchResult) -> str:
    rows = []
    for h, hypothesis in enumerate(scenario.hypotheses):
        rows.append(
            f"<tr><td><b>{html.escape(hypothesis.id)}</b> {html.escape(hypothesis.name)}</td>"
            f"<td>{result.inconsistency_count[h]:g}</td><td>{result.inconsistency[h]:.2f}</td>"
            f"<td>{result.matrix.priors[h]:.2f}</td><td>{result.posteriors[h]:.2f}</td></tr>"
        )
    return ("<table><thead><tr><th>hypothesis</th><th>I/II count</th>"
            "<th>weighted inconsistency</th><th>prior</th><th>posterior</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _sensitivity_html(result: AchResult) -> str:
    pivotal = [d for d in result.sensitivity
               if d.posterior_ranking_changes or d.inconsistency_ranking_changes]
    if not pivotal:
        return ("<p>Drop-one sensitivity: leaving out any single item changes neither "
                "ranking.</p>")
    rows = "".join(
        f"<tr><td>{html.escape(d.evidence_id)}</td><td>{d.max_shift:.3f}</td>"
        f"<td>{'yes' if d.posterior_ranking_changes else 'no'}</td>"
        f"<td>{'yes' if d.inconsistency_ranking_changes else 'no'}</td>"
        f"<td>{'yes' if d.leader_changes else 'no'}</td></tr>"
        for d in pivotal
    )
    return ("<p>Drop-one sensitivity: items whose removal changes a ranking.</p>"
            "<table><thead><tr><th>item left out</th><th>largest posterior shift</th>"
            "<th>posterior ranking changes</th><th>inconsistency ranking changes</th>"
            f"<th>leader changes</th></tr></thead><tbody>{rows}</tbody></table>")


# ---------------------------------------------------------------------------
# Questions
# ---------------------------------------------------------------------------


def questions_section(scenario: Scenario, result: EnsembleOutputs, out_dir: Path) -> Section:
    """Each forecast question with its probability in the ensemble; warnings flagged."""
    title = "Forecast questions"
    if not scenario.questions:
        return Section(title, "<p>This scenario asks no forecast questions.</p>",
                       anchor="questions")
    forecasts = forecast_questions(scenario, result)
    footer = _footer(scenario.scenario.id, getattr(result, "seed", None),
                     getattr(result, "draws", None))
    figure = question_chart(forecasts, Path(out_dir) / "questions.png", footer)
    flagged = [f for f in forecasts if f.flagged]
    lead = (f"<p><b>{len(flagged)} warning(s)</b>: "
            + ", ".join(html.escape(f.id) for f in flagged) + "</p>") if flagged else (
        "<p>No question has reached its warning threshold.</p>")
    rows = "".join(_question_row(f) for f in forecasts)
    model = getattr(result, "model", None)
    if model is not None and any("settlement(" in f.indicator for f in forecasts):
        lead += (f"<p class='muted'>Probabilities are shares of the simulated futures, each "
                 f"bargained with the {html.escape(str(model))} model at every step. Questions "
                 "on where a settlement lands depend on that choice (the compromise model "
                 "averages and moves little; the median voter and the Expected Utility Model "
                 "jump): compare with <code>realpolitik run --step-model</code>.</p>")
    table = ("<table><thead><tr><th>question</th><th>resolves</th><th>indicator</th>"
             "<th>probability</th><th>threshold</th></tr></thead>"
             f"<tbody>{rows}</tbody></table>")
    return Section(title, lead + table, figures=[figure], anchor="questions")


def _question_row(forecast: QuestionForecast) -> str:
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
            f"<td>{forecast.probability:.0%}</td><td>{threshold}</td></tr>")


def question_chart(forecasts: list[QuestionForecast], path: Path, footer: str) -> Figure:
    """Horizontal bars of each question's probability, thresholds marked, warnings in red."""
    fig, ax = subplots(figsize=(8, 0.4 * len(forecasts) + 1.4))
    rows = np.arange(len(forecasts))[::-1]
    colours = ["tab:red" if f.flagged else "tab:blue" for f in forecasts]
    ax.barh(rows, [f.probability for f in forecasts], color=colours)
    for row, forecast in zip(rows, forecasts, strict=True):
        ax.text(min(forecast.probability, 0.9) + 0.01, row, f"{forecast.probability:.0%}",
                va="center", fontsize=7,
                color="white" if forecast.probability > 0.9 else "black")
        if forecast.threshold is not None:
            ax.plot([forecast.threshold] * 2, [row - 0.4, row + 0.4], color="black", lw=2)
    ax.set_yticks(rows, [f.id for f in forecasts], fontsize=8)
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
