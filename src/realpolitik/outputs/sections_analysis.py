"""Report sections of the lever, discovery and sensitivity analyses (HTML tables and figures)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from realpolitik.analysis.discovery import Discovery, Restriction
from realpolitik.analysis.levers import BASELINE, Interval, LeverReport
from realpolitik.analysis.probability import Chance
from realpolitik.analysis.sensitivity import Sensitivity
from realpolitik.outputs import figures_analysis as figures
from realpolitik.outputs import results_files as files
from realpolitik.outputs.html import table
from realpolitik.outputs.naming import Namer
from realpolitik.outputs.plotting import provenance
from realpolitik.outputs.section import Section
from realpolitik.scenario.names import input_kind

__all__ = [
    "discovery_section",
    "levers_section",
    "restriction_text",
    "sensitivity_section",
    "start_rows",
]


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], data: str) -> str:
    """An HTML table naming the results file that holds its numbers."""
    return table(header, rows, data=files.csv_name(data))


def _interval(value: Interval, digits: int = 3) -> str:
    return f"{value.mean:+.{digits}f} [{value.low:+.{digits}f}, {value.high:+.{digits}f}]"


def _paragraph(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def _provenance(scenario_id: str, seed: int, draws: int | str, model: str) -> str:
    """The closing sentence of a section: what made it (draws without thousands separators)."""
    return _paragraph(provenance(scenario_id, seed, str(draws), model, sentence=True))


# ---------------------------------------------------------------------------
def levers_section(report: LeverReport, folder: Path, names: Namer | None = None) -> Section:
    """The lever ranking, regret, effects on every outcome and the cost of acting later."""
    names = names or Namer()
    regret = {summary.option: summary for summary in report.regret}
    ranking_rows = [
        [str(rank), report.option_name(option),
         _interval(report.objective_effect(option).effect),
         f"{regret[option].mean:.3f}", f"{regret[option].p90:.3f}", f"{regret[option].max:.3f}",
         _interval(report.synergy[option]) if option in report.synergy else ""]
        for rank, option in enumerate(report.ranking, start=1)
    ]
    parts = [
        _paragraph(f"Objective: {names.outcome(report.objective)} ({report.direction}). "
                   "Each option is "
                   "simulated on the same draws as the baseline (common random numbers); "
                   "effects are option minus baseline, draw by draw, with 95% intervals "
                   f"({report.interval}). Regret per draw is the best objective any option "
                   "reaches in that draw minus the option's own."),
        _table(["rank", "option", "effect on objective [95% interval]", "mean regret",
                "90th pct regret", "max regret", "pair synergy"], ranking_rows,
               files.LEVER_RANKING),
        _paragraph(regret_sentence(report, regret)),
    ]
    others = [label for label in report.outcomes if label != report.objective]
    if others:
        rows = [[report.option_name(option.id)]
                + [_interval(report.effects[option.id][label].effect) for label in others]
                for option in report.options if option.id != BASELINE]
        headers = ["option", *(names.outcome(label, short=True) for label in others)]
        parts += [_paragraph("Effects on the other outcomes:"),
                  _table(headers, rows, files.LEVER_EFFECTS)]
    if report.delays:
        rows = [[report.option_name(d.lever), d.start, _interval(d.on_time), _interval(d.late),
                 _interval(d.loss)] for d in report.delays]
        parts += [_paragraph("What acting later costs (loss > 0: the objective is worse when "
                             "the lever starts later):"),
                  _table(["lever", "late start", "effect on time", "effect late",
                          "loss from waiting"], rows, files.LEVER_DELAYS)]
    if report.starts:
        parts += [_paragraph("Levers that wait for a condition start only in the futures where "
                             "it holds: the share of futures in which each started by the "
                             "horizon (95% interval), and the median start among them:"),
                  _table(["option", "lever waits until", "started by the horizon",
                          "median start"], start_rows(report), files.LEVER_STARTS)]
    parts.append(_provenance(report.scenario_id, report.seed, report.draws, report.model))
    figure = figures.lever_effects(report, Path(folder) / "lever-effects.png",
                                   objective=names.outcome(report.objective))
    return Section("Policy levers", "\n".join(parts), [figure], anchor="levers")


def start_rows(report: LeverReport) -> list[list[str]]:
    """One row per option and lever that waits: option, condition, share started, median start."""
    return [[report.option_name(start.option), start.condition,
             Chance(start.share, start.low, start.high, start.futures).shown(),
             start.median_start or "never"] for start in report.starts]


def regret_sentence(report: LeverReport, regret: dict) -> str:
    """Name the least-regret options; say so when maximum regret cannot tell them apart."""
    mean = f"Least mean regret: {report.option_name(report.least_mean_regret)}."
    if len({round(summary.max, 12) for summary in regret.values()}) == 1:
        return (f"{mean} Maximum regret is the same ({next(iter(regret.values())).max:.3f}) "
                "for every option, so it does not tell them apart (as happens with a yes/no "
                "objective such as a rupture).")
    return f"Least maximum regret: {report.option_name(report.minimax_regret)}. {mean}"


# ---------------------------------------------------------------------------
def restriction_text(restriction: Restriction, names: Namer | None = None) -> str:
    """A box's restriction on one input in words: ``Crisis in Idlib happened``."""
    names = names or Namer()
    low, high, kind = restriction.low, restriction.high, restriction.name.partition(":")[0]
    if kind == "fired" and ":" in restriction.name:
        shock = names.input(restriction.name).removesuffix(" happened")
        happened = low is not None and low >= 0.5
        return f"{shock} happened" if happened else f"{shock} did not happen"
    if low is not None and high is not None:
        return f"between {low:.4g} and {high:.4g}"
    return f"at least {low:.4g}" if low is not None else f"at most {high:.4g}"


def discovery_section(discovery: Discovery, folder: Path, names: Namer | None = None) -> Section:
    """The PRIM boxes with their restrictions, and the ranking of inputs by importance."""
    names = names or Namer()
    parts = [_paragraph(f"Cases of interest: {names.outcome(discovery.outcome)}"
                        + (f" (threshold {discovery.threshold:g})"
                           if discovery.threshold is not None else "")
                        + f"; base rate {discovery.base_rate:.1%} of the draws.")]
    if discovery.base_rate in (0.0, 1.0):
        parts.append(_paragraph("It happens in every draw or in none, so there is nothing to "
                                "discover."))
        return Section("Scenario discovery", "\n".join(parts), anchor="discovery")
    if not discovery.boxes:
        parts.append(_paragraph("PRIM found no box denser than the base rate."))
    for number, found in enumerate(discovery.boxes, start=1):
        box = found.box
        parts.append(_paragraph(f"Box {number}: coverage {box.coverage:.1%}, density "
                                f"{box.density:.1%}, support {box.support:.1%} "
                                f"({box.count} draws)."))
        rows = [[names.input(r.name), input_kind(r.name), restriction_text(r, names),
                 "" if r.p_value is None else f"{r.p_value:.2g}"]
                for r in found.restrictions]
        parts.append(_table(["input", "kind", "restriction", "quasi-p-value"], rows,
                            files.PRIM_BOXES))
    rows = [[names.input(item.name), input_kind(item.name), f"{item.information:.4f}",
             " / ".join(f"{rate:.0%}" for rate in item.rates)]
            for item in discovery.importance[:15]]
    parts += [_paragraph("Inputs ranked by the mutual information (bits) between the input, in "
                         "quantile bins, and the cases of interest; rates per bin from the "
                         "input's low values to its high values:"),
              _table(["input", "kind", "information (bits)", "rate per bin"], rows,
                     files.PRIM_INPUTS)]
    settings = ", ".join(f"{key} {value:g}" for key, value in discovery.settings.items())
    parts.append(_paragraph(f"PRIM settings: {settings}."))
    parts.append(_provenance(discovery.scenario_id, discovery.seed, discovery.draws,
                             discovery.model))
    return Section("Scenario discovery", "\n".join(parts),
                   figures.discovery_figures(discovery, Path(folder), names=names),
                   anchor="discovery")


# ---------------------------------------------------------------------------
SHOWN_NUMBERS = 20
"""Rows of the sensitivity tables: the numbers that matter most, not all of them."""


def sensitivity_section(sensitivity: Sensitivity, folder: Path,
                        names: Namer | None = None) -> Section:
    """Sobol indices and one-at-a-time swings of one outcome."""
    names = names or Namer()
    parts = [_paragraph(f"Outcome: {names.outcome(sensitivity.outcome)}. Inputs are the "
                        "scenario's uncertain numbers and the model choices given as ranges "
                        "(kind \"model choice\": the bargaining engine of a mixture, the "
                        "rupture rules' constants, the random walk's volatilities, the pull); "
                        "see also the section on how much the modelling choices matter.")]
    indices = sensitivity.sobol
    if indices is not None:
        ranked = list(indices.ranked())
        rows = [[names.number(indices.names[j]), input_kind(indices.names[j]),
                 f"{indices.first[j]:.3f} ± {indices.first_conf[j]:.3f}",
                 f"{indices.total[j]:.3f} ± {indices.total_conf[j]:.3f}"]
                for j in ranked[:SHOWN_NUMBERS]]
        parts += [_paragraph(f"Sobol indices from {indices.base_samples} base samples "
                             f"({indices.evaluations:,} runs, Saltelli design, "
                             f"{indices.conf_level:.0%} bootstrap intervals). Game changers "
                             "fire on the same random numbers in every design matrix, so the "
                             "indices are shares of the variance within a realisation of the "
                             "game changers, averaged over realisations."),
                  _table(["input", "kind", "first-order S1", "total ST"], rows, files.SOBOL)]
        if len(ranked) > SHOWN_NUMBERS:
            rest = ranked[SHOWN_NUMBERS:]
            parts.append(_paragraph(
                f"{len(rest)} more numbers, each with a total index of at most "
                f"{max(indices.total[j] for j in rest):.3f}, are left out of this table."))
    swings = sensitivity.tornado
    if swings is not None:
        rows = [[names.number(s.name), input_kind(s.name), f"{s.low_value:g} → {s.at_low:.3g}",
                 f"{s.high_value:g} → {s.at_high:.3g}", f"{s.width:.3g}"]
                for s in swings.swings[:SHOWN_NUMBERS]]
        parts += [_paragraph(f"One at a time, others at their point estimates (baseline "
                             f"{swings.baseline:.3g}, mean of {swings.replicates} draws):"),
                  _table(["input", "kind", "low end → outcome", "high end → outcome",
                          "swing"], rows, files.TORNADO)]
    parts.append(_provenance(sensitivity.scenario_id, sensitivity.seed, "see above",
                             sensitivity.model))
    return Section("Sensitivity", "\n".join(parts),
                   figures.sensitivity_figures(sensitivity, Path(folder), names=names),
                   anchor="sensitivity")
