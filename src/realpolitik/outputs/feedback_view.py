"""Feedback loops and levers that wait for a condition: report section, terminal table, data.

A scenario with mechanisms (docs/scenario-format.md) has shocks whose hazard
reads the simulated state, and levers that start when a condition holds.
The report answers two questions about them, the answer first:

* **Does each loop damp or escalate?**  For every mechanism shock
  (:func:`realpolitik.analysis.feedback.feedback_loops`): the share of
  futures in which its hazard ends higher than it began (escalates), lower
  (damps) or the same (flat), each with its 95% Wilson interval; how often
  it fires (a histogram of the firings per future for a recurring shock);
  and how the state its hazard reads moves over a step in which it fires,
  beside a step in which it does not.
* **Does waiting pay?**  A lever with a ``when`` condition is compared with
  the same course of action taken at once: the lever of the same actors on
  the same targets without a condition, in the same company (alone, or
  paired with the same other lever).  Both are options of the lever
  analysis, simulated on the same futures, so their ranks and effects on
  the objective stand side by side (:func:`sequences`).

Everything here reads results; nothing is simulated.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from realpolitik.analysis.bottom_line import effect_unit
from realpolitik.analysis.feedback import Feedback, Loop, SequencePair, Share, sequences
from realpolitik.analysis.levers import Interval, LeverReport
from realpolitik.analysis.probability import Chance
from realpolitik.outputs.html import table
from realpolitik.outputs.naming import Namer
from realpolitik.outputs.plotting import provenance, save_figure, subplots
from realpolitik.outputs.results_files import Records, csv_name
from realpolitik.outputs.section import Figure, Section
from realpolitik.scenario.schema import Scenario
from realpolitik.simulation.results import EnsembleResult

if TYPE_CHECKING:
    from rich.console import RenderableType

__all__ = [
    "FEEDBACK",
    "FEEDBACK_FIRINGS",
    "FEEDBACK_RESPONSES",
    "LEVER_SEQUENCES",
    "SequencePair",
    "feedback_renderables",
    "feedback_section",
    "feedback_tables",
    "firing_histogram",
    "loop_sentence",
    "sequence_sentence",
    "sequences",
]

FEEDBACK, FEEDBACK_RESPONSES = "feedback", "feedback-responses"
FEEDBACK_FIRINGS, LEVER_SEQUENCES = "feedback-firings", "lever-sequences"
"""Names of the result tables (``results/<name>.csv`` and ``.json``)."""

_WAYS = (("damps", "damps"), ("escalates", "escalates"), ("flat", "stays flat"))


# ---------------------------------------------------------------------------
# Loops
# ---------------------------------------------------------------------------
def _chance(share: Share, draws: int) -> Chance:
    return Chance(share.estimate, share.low, share.high, draws)


def _shock(scenario: Scenario | None, shock_id: str) -> str:
    """The shock's name, or its id when the scenario is unknown."""
    if scenario is None or scenario.dynamics is None:
        return shock_id
    found = next((shock for shock in scenario.dynamics.shocks if shock.id == shock_id), None)
    return shock_id if found is None else found.name


def _has_trend(scenario: Scenario, shock_id: str) -> bool:
    shocks = scenario.dynamics.shocks if scenario.dynamics is not None else []
    found = next((shock for shock in shocks if shock.id == shock_id), None)
    return found is not None and found.hazard_trend is not None


def term_name(scenario: Scenario, term: str) -> str:
    """``settlement(idlib)`` -> "the settlement of Idlib"; other terms as written."""
    function, _, rest = term.partition("(")
    target = rest.removesuffix(")")
    if function == "settlement" and (issue := next(
            (item for item in scenario.issues if item.id == target), None)):
        return f"the settlement of {issue.name}"
    if function == "cohesion" and (alliance := next(
            (item for item in scenario.alliances if item.id == target), None)):
        return f"the cohesion of {alliance.name}"
    return term


def loop_sentence(scenario: Scenario, loop: Loop, draws: int) -> str:
    """One loop's answer: ``A wave of ... damps in 62% [59-65%] of the futures, ...``."""
    name = _shock(scenario, loop.shock)
    shares = {key: _chance(getattr(loop, key), draws) for key, _ in _WAYS}
    verdict = loop.verdict
    lead = dict(_WAYS)[verdict]
    others = ", ".join(f"{words} in {shares[key].shown()}"
                       for key, words in _WAYS if key != verdict)
    text = (f"{name}: its hazard {lead} in {shares[verdict].shown()} of the futures "
            f"(first quarter to last), {others}.")
    if loop.recurring:
        low, median, high = np.quantile(loop.firings, [0.05, 0.5, 0.95], method="inverted_cdf")
        text += (f" It fires {loop.mean_firings:.1f} times per future on average "
                 f"(median {median:g}, 90% of futures between {low:g} and {high:g}).")
    for response in loop.responses:
        if np.isfinite(response.after_firing) and np.isfinite(response.otherwise):
            text += (f" Over a quarter in which it fires, {term_name(scenario, response.term)} "
                     "moves by "
                     f"{response.after_firing:+.2f} on average, against "
                     f"{response.otherwise:+.2f} over the other quarters.")
    if _has_trend(scenario, loop.shock):
        text += " Its hazard also grows with time (hazard_trend), which counts as escalating."
    return text


def feedback_tables(scenario: Scenario, feedback: Feedback,
                    levers: LeverReport | None = None) -> dict[str, Records]:
    """The result tables of the loops (and of the levers that wait, when levers were tested)."""
    tables: dict[str, Records] = {}
    if feedback.loops:
        tables[FEEDBACK] = [_loop_record(scenario, loop, feedback.draws)
                            for loop in feedback.loops]
        tables[FEEDBACK_RESPONSES] = [
            {"shock_id": loop.shock, "shock": _shock(scenario, loop.shock),
             "term": response.term, "change_when_fired": response.after_firing,
             "change_otherwise": response.otherwise, "firing_steps": response.firings}
            for loop in feedback.loops for response in loop.responses]
        tables[FEEDBACK_FIRINGS] = [
            {"shock_id": loop.shock, "shock": _shock(scenario, loop.shock), "firings": count,
             "futures": futures, "share": futures / feedback.draws}
            for loop in feedback.loops for count, futures in loop.firing_counts().items()]
    if levers is not None and (pairs := sequences(levers)):
        tables[LEVER_SEQUENCES] = [_sequence_record(levers, pair) for pair in pairs]
    return tables


def _loop_record(scenario: Scenario, loop: Loop, draws: int) -> dict[str, object]:
    record: dict[str, object] = {
        "shock_id": loop.shock, "shock": _shock(scenario, loop.shock),
        "hazard_factor": loop.hazard_factor, "recurring": loop.recurring,
        "verdict": loop.verdict, "mean_firings": loop.mean_firings,
        "first_hazard_mean": float(np.nanmean(loop.first_hazard)),
        "last_hazard_mean": float(np.nanmean(loop.last_hazard)), "draws": draws,
    }
    for key, _ in _WAYS:
        share = getattr(loop, key)
        record |= {key: share.estimate, f"{key}_low": share.low, f"{key}_high": share.high}
    return record


# ---------------------------------------------------------------------------
# Levers that wait
# ---------------------------------------------------------------------------
def _effect(report: LeverReport, option: str) -> str:
    scale, unit = effect_unit(report.objective)
    digits = 1 if scale != 1.0 else 2
    effect: Interval = report.objective_effect(option).effect
    return (f"{scale * effect.mean:+.{digits}f} [{scale * effect.low:+.{digits}f}, "
            f"{scale * effect.high:+.{digits}f}] {unit}")


def _rank(report: LeverReport, option: str) -> int:
    return report.ranking.index(option) + 1


def sequence_sentence(report: LeverReport, pair: SequencePair) -> str:
    """Where the option that waits ranks against the same levers at once, in one sentence."""
    total = len(report.ranking)
    wait, now = _rank(report, pair.option), _rank(report, pair.at_once)
    better = "above" if wait < now else "below"
    return (f"\u201c{report.option_name(pair.option)}\u201d (the lever waits until "
            f"{pair.condition}) ranks {wait} of {total}: {_effect(report, pair.option)}. "
            f"The same levers at once, \u201c{report.option_name(pair.at_once)}\u201d, rank "
            f"{now}: {_effect(report, pair.at_once)}. Waiting ranks {better} acting at once.")


def _sequence_record(report: LeverReport, pair: SequencePair) -> dict[str, object]:
    record: dict[str, object] = {"lever_id": pair.lever, "condition": pair.condition,
                                 "sequence": pair.sequence, "objective": report.objective}
    for side, option in (("waiting", pair.option), ("at_once", pair.at_once)):
        effect = report.objective_effect(option).effect
        record |= {f"{side}_option_id": option, f"{side}_option": report.option_name(option),
                   f"{side}_rank": _rank(report, option), f"{side}_effect": effect.mean,
                   f"{side}_low": effect.low, f"{side}_high": effect.high}
    record["options"] = len(report.ranking)
    return record


# ---------------------------------------------------------------------------
# The figure
# ---------------------------------------------------------------------------
def firing_histogram(scenario: Scenario, feedback: Feedback, ensemble: EnsembleResult,
                     path: str | Path) -> Path | None:
    """Bars of the share of futures by number of firings, one panel per recurring shock.

    Returns None when no mechanism shock recurs (a shock that fires once
    has nothing to count beyond yes or no).
    """
    loops = [loop for loop in feedback.loops if loop.recurring]
    if not loops:
        return None
    fig, axes = subplots(1, len(loops), figsize=(5.2 * len(loops), 3.4), squeeze=False)
    for axis, loop in zip(axes[0], loops, strict=True):
        counts = loop.firing_counts()
        values = np.arange(max(counts) + 1)
        shares = np.array([counts.get(int(v), 0) for v in values]) / feedback.draws
        axis.bar(values, 100.0 * shares, color="#1f3349", width=0.8)
        axis.set_xlabel("times it fired over the horizon")
        axis.set_ylabel("share of futures (%)")
        axis.set_title(_shock(scenario, loop.shock), fontsize=10, wrap=True)
        axis.axvline(loop.mean_firings, color="#cf222e", linestyle="--", linewidth=1,
                     label=f"mean {loop.mean_firings:.1f}")
        axis.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    footer = provenance(ensemble.scenario_id, ensemble.seed, ensemble.draws, ensemble.model,
                        levers=ensemble.levers, version=ensemble.version)
    return save_figure(fig, path, footer)


# ---------------------------------------------------------------------------
# The section
# ---------------------------------------------------------------------------
def _paragraph(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def feedback_section(scenario: Scenario, feedback: Feedback, ensemble: EnsembleResult,
                     levers: LeverReport | None, folder: Path,
                     names: Namer | None = None) -> Section | None:
    """The loops' verdicts and the levers that wait; None when the scenario has neither."""
    names = names or Namer(scenario)
    pairs = sequences(levers) if levers is not None else []
    if not feedback.loops and not pairs:
        return None
    parts = [_paragraph(loop_sentence(scenario, loop, feedback.draws))
             for loop in feedback.loops]
    if levers is not None:
        parts += [_paragraph(sequence_sentence(levers, pair)) for pair in pairs
                  if pair.sequence]
    if feedback.loops:
        parts.append(_paragraph(
            "A loop escalates in a future when its hazard at the last quarter exceeds its "
            f"hazard at the first by more than {feedback.tolerance:g}, damps when it falls "
            "short of it by as much, and stays flat otherwise; shares of "
            f"{feedback.draws:,} futures with 95% Wilson intervals."))
        rows = [[_shock(scenario, loop.shock), loop.hazard_factor or "",
                 "yes" if loop.recurring else "no",
                 *(_chance(getattr(loop, key), feedback.draws).shown() for key, _ in _WAYS),
                 f"{loop.mean_firings:.2f}"] for loop in feedback.loops]
        parts.append(table(["game changer", "hazard factor", "recurs", "damps", "escalates",
                            "flat", "firings per future"], rows, data=csv_name(FEEDBACK)))
        responses = [[_shock(scenario, loop.shock), term_name(scenario, response.term),
                      f"{response.after_firing:+.3f}", f"{response.otherwise:+.3f}",
                      f"{response.firings:,}"]
                     for loop in feedback.loops for response in loop.responses]
        if responses:
            parts += [_paragraph("How the state the hazard reads moves over a quarter (mean "
                                 "change, from the quarter the hazard read to the next):"),
                      table(["game changer", "state term", "when it fires", "otherwise",
                             "quarters with a firing"], responses,
                            data=csv_name(FEEDBACK_RESPONSES))]
    if levers is not None and pairs:
        rows = [[levers.option_name(pair.option), str(_rank(levers, pair.option)),
                 _effect(levers, pair.option), levers.option_name(pair.at_once),
                 str(_rank(levers, pair.at_once)), _effect(levers, pair.at_once)]
                for pair in pairs]
        parts += [_paragraph(f"Every option with a lever that waits for a condition, against "
                             f"the same levers at once, on {names.outcome(levers.objective)} "
                             f"({levers.direction}):"),
                  table(["waiting", "rank", "effect", "at once", "rank", "effect"], rows,
                        data=csv_name(LEVER_SEQUENCES))]
    parts.append(_paragraph(provenance(ensemble.scenario_id, ensemble.seed,
                                       str(ensemble.draws), ensemble.model, sentence=True)))
    figure = firing_histogram(scenario, feedback, ensemble, Path(folder) / "feedback-firings.png")
    figures = [] if figure is None else [Figure(
        figure, "How often each recurring game changer fires per future (share of futures; "
                "dashed: the mean).")]
    return Section("Feedback loops", "\n".join(parts), figures, anchor="feedback")


# ---------------------------------------------------------------------------
# The terminal
# ---------------------------------------------------------------------------
def feedback_renderables(scenario: Scenario, feedback: Feedback,
                         levers: LeverReport | None) -> list[RenderableType]:
    """The loops' verdicts and the levers that wait, as lines for the terminal."""
    from rich.text import Text

    parts: list[RenderableType] = []
    if feedback.loops:
        parts.append(Text("Feedback loops", style="bold"))
        parts += [Text(loop_sentence(scenario, loop, feedback.draws))
                  for loop in feedback.loops]
    if levers is not None:
        parts += [Text(sequence_sentence(levers, pair)) for pair in sequences(levers)
                  if pair.sequence]
    return parts
