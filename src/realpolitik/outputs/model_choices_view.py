"""How much the modelling choices matter: the report section, its figures and terminal tables.

Renders :class:`~realpolitik.analysis.model_choices.ModelChoices`: one
sentence per choice saying how far it moves the answer (the rupture
threshold, the steps below it, the bargaining engine, and every model
choice of the sensitivity analysis), a figure of each watched alliance's
chance of holding against the threshold, a figure and a table of survival
by engine, and the same tables for the terminal (``run --detail``).
Chances are worded by :class:`~realpolitik.analysis.probability.Chance`.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from rich.console import RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from realpolitik.analysis.model_choices import (
    ChoiceEffect,
    EngineSurvival,
    FixedChoice,
    ModelChoices,
    Spread,
    ThresholdSurvival,
)
from realpolitik.analysis.probability import Chance
from realpolitik.models.registry import engine_label
from realpolitik.outputs import results_files as files
from realpolitik.outputs.html import table
from realpolitik.outputs.naming import Namer
from realpolitik.outputs.plotting import provenance, save_figure, subplots, wrap
from realpolitik.outputs.section import Figure, Section
from realpolitik.scenario.names import ENGINE_INPUT
from realpolitik.scenario.schema import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "ANCHOR",
    "TITLE",
    "choice_sentences",
    "engine_figure",
    "model_choice_renderables",
    "model_choices_section",
    "threshold_figure",
]

TITLE = "How much do the modelling choices matter?"
ANCHOR = "model-choices"

TABLE_STEP = 0.05
"""Spacing of the thresholds the tables show (the files hold the whole grid)."""

YEAR_STYLES = ("-", "--", ":")
"""Line style of the chance of holding 1, 2 and 5 years on."""

INTRO = ("The chances above rest on choices about how the model works, not only on what is "
         "known of the actors: when a drop in cohesion counts as a rupture, which bargaining "
         "engine settles the issues, how far stances wander and how much the last settlement "
         "pulls them. Each line says how far one choice moves the answer, from the same "
         "simulated futures; the figures and tables show every watched alliance.")


# ---------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------
def _alliances(scenario: Scenario) -> dict[str, str]:
    return {alliance.id: alliance.name for alliance in scenario.alliances}


def _lead(choices: ModelChoices) -> str | None:
    """The alliance the sentences speak of: the focus, else the first with a spread."""
    if choices.focus is not None:
        return choices.focus
    return choices.spreads[0].alliance_id if choices.spreads else None


def _years(years: float) -> str:
    return f"{years:g} year{'' if years == 1 else 's'} on"


def _threshold_sentence(spread: Spread, name: str, choices: ModelChoices) -> str:
    curve = choices.threshold_curve(spread.alliance_id)
    rule = "" if curve is None else (
        f" (its rule: {curve.rule.threshold_low:g})"
        if curve.rule.threshold_low == curve.rule.threshold_high
        else " (the range of its rule)")
    return (f"Rupture threshold: between thresholds {spread.low:g} and {spread.high:g}{rule}, "
            f"the chance of {name} holding {_years(spread.years)} goes from "
            f"{spread.at_low.shown()} to {spread.at_high.shown()}.")


def _steps_sentence(spread: Spread, name: str) -> str:
    few, many = int(spread.low), int(spread.high)
    return (f"Steps below the threshold: counting a rupture after {few} step"
            f"{'' if few == 1 else 's'} below it rather than {many}, the chance of {name} "
            f"holding {_years(spread.years)} is {spread.at_low.shown()} rather than "
            f"{spread.at_high.shown()}.")


def _engine_sentence(found: EngineSurvival, name: str, draws: int) -> str:
    parts = [f"with {engine_label(engine)} ({chance.draws or 0:,} of the {draws:,} draws), "
             f"{chance.shown()}" for engine, chance in found.by_engine.items()]
    return (f"Bargaining engine: the chance of {name} holding {_years(found.years)} is, "
            f"among the draws that bargained {'; '.join(parts)}.")


def _effect_sentence(effect: ChoiceEffect, names: Namer, outcome: str,
                     engines: list[str]) -> str:  # fmt: skip
    parts = []
    if effect.total is not None:
        parts.append(f"total Sobol index {effect.total:.2f} ± {effect.total_conf or 0:.2f} of "
                     f"the variance of {outcome}")
    swing = effect.swing
    if swing is not None and effect.name == ENGINE_INPUT and engines:
        parts.append(f"bargaining with {engine_label(engines[0])} gives {swing.at_low:.3g}, "
                     f"with {engine_label(engines[-1])} {swing.at_high:.3g}")
    elif swing is not None:
        parts.append(f"from the low end of its range ({swing.low_value:g}) to the high end "
                     f"({swing.high_value:g}) the outcome goes from {swing.at_low:.3g} to "
                     f"{swing.at_high:.3g}")
    text = names.number(effect.name)
    return f"{text[:1].upper()}{text[1:]}: {'; '.join(parts) or 'no effect measured'}."


def _fixed_text(fixed: FixedChoice, names: Namer) -> str:
    note = "" if fixed.stated else (" (not set)" if fixed.name == "dynamics.pull"
                                    else " (the default)")
    return f"{names.number(fixed.name)} {fixed.value:g}{note}"


def choice_sentences(scenario: Scenario, choices: ModelChoices,
                     names: Namer | None = None) -> list[str]:  # fmt: skip
    """One sentence per modelling choice: how far it moves the answer."""
    names = names or Namer(scenario)
    alliances, lead = _alliances(scenario), _lead(choices)
    sentences = []
    for spread in choices.spreads:
        if spread.alliance_id != lead:
            continue
        name = alliances.get(spread.alliance_id, spread.alliance_id)
        if spread.choice == "threshold":
            sentences.append(_threshold_sentence(spread, name, choices))
        elif spread.choice == "steps":
            sentences.append(_steps_sentence(spread, name))
    engine = next((e for e in reversed(choices.engines) if e.alliance_id == lead), None)
    if engine is not None and lead is not None:
        sentences.append(_engine_sentence(engine, alliances.get(lead, lead), choices.draws))
    elif choices.single_engine is not None:
        sentences.append(f"Bargaining engine: every draw bargained with "
                         f"{engine_label(choices.single_engine)}; the mixture of engines (the "
                         "default) shows how much the engine matters.")
    if choices.effects and choices.sensitivity_outcome is not None:
        outcome = names.outcome(choices.sensitivity_outcome)
        sentences += [_effect_sentence(effect, names, outcome, list(choices.engine_weights))
                      for effect in choices.effects]
    if choices.fixed:
        listed = ", ".join(_fixed_text(fixed, names) for fixed in choices.fixed)
        sentences.append(f"Held fixed in this scenario, so nothing here varies them: {listed}. "
                         "A [low, high] range in the scenario makes each an input of the "
                         "sensitivity analysis and of scenario discovery.")
    return sentences


def other_alliance_sentences(scenario: Scenario, choices: ModelChoices) -> list[str]:
    """The threshold's spread for each alliance other than the lead one, one sentence each."""
    alliances, lead = _alliances(scenario), _lead(choices)
    return [f"{alliances.get(s.alliance_id, s.alliance_id)}: between thresholds {s.low:g} and "
            f"{s.high:g}, {s.at_low.shown()} to {s.at_high.shown()} {_years(s.years)}."
            for s in choices.spreads if s.choice == "threshold" and s.alliance_id != lead]


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------
def _shown_rows(curve: ThresholdSurvival) -> list[int]:
    """Indices of the grid's thresholds on multiples of :data:`TABLE_STEP`, and the rule's."""
    rule = {curve.rule.threshold_low, curve.rule.threshold_high}
    return [g for g, threshold in enumerate(curve.thresholds)
            if abs(threshold / TABLE_STEP - round(threshold / TABLE_STEP)) < 1e-6
            or any(abs(threshold - value) < 1e-9 for value in rule if value is not None)]


def _threshold_label(curve: ThresholdSurvival, threshold: float) -> str:
    low, high = curve.rule.threshold_low, curve.rule.threshold_high
    if low is None or high is None:
        return f"{threshold:.2f}"
    if abs(threshold - low) < 1e-9 and low == high:
        return f"{threshold:.2f} (the rule)"
    if low - 1e-9 <= threshold <= high + 1e-9 and low != high:
        return f"{threshold:.2f} (in the rule's range)"
    return f"{threshold:.2f}"


def threshold_rows(scenario: Scenario, choices: ModelChoices) -> list[list[str]]:
    """Rows of alliance, threshold and the chance of holding at each year."""
    alliances = _alliances(scenario)
    rows = []
    for curve in choices.thresholds:
        for g in _shown_rows(curve):
            rows.append([alliances.get(curve.alliance_id, curve.alliance_id),
                         _threshold_label(curve, float(curve.thresholds[g])),
                         *(_band_chance(curve, years, g).shown() for years in choices.years)])
    return rows


def _band_chance(curve: ThresholdSurvival, years: float, g: int) -> Chance:
    band = curve.holding[years]
    return Chance(float(band.estimate[g]), float(band.low[g]), float(band.high[g]), curve.draws)


def engine_rows(scenario: Scenario, choices: ModelChoices) -> list[list[str]]:
    """Rows of alliance, engine, weight, draws and the chance of holding at each year."""
    alliances = _alliances(scenario)
    by_key = {(e.alliance_id, e.years): e for e in choices.engines}
    rows = []
    for alliance in dict.fromkeys(e.alliance_id for e in choices.engines):
        for engine, weight in choices.engine_weights.items():
            chances = [by_key[(alliance, y)].by_engine.get(engine) for y in choices.years]
            draws = next((c.draws for c in chances if c is not None), 0) or 0
            rows.append([alliances.get(alliance, alliance), engine_label(engine),
                         f"{weight:.2f}", f"{draws:,}",
                         *("-" if c is None else c.shown() for c in chances)])
    return rows


def _year_headers(choices: ModelChoices) -> list[str]:
    return [f"holds after {years:g} yr" for years in choices.years]


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------
def _footer(choices: ModelChoices) -> str:
    return provenance(choices.scenario_id, choices.seed, choices.draws, choices.model)


def threshold_figure(scenario: Scenario, choices: ModelChoices, path: Path) -> Figure:
    """Each alliance's chance of holding 1, 2 and 5 years on against the rupture threshold."""
    alliances, curves = _alliances(scenario), choices.thresholds
    columns = min(3, len(curves))
    rows = -(-len(curves) // columns)
    fig, axes = subplots(rows, columns, figsize=(4.2 * columns, 3.4 * rows), squeeze=False)
    for index, curve in enumerate(curves):
        _threshold_panel(axes[index // columns][index % columns], curve, choices,
                         alliances.get(curve.alliance_id, curve.alliance_id))
    for index in range(len(curves), rows * columns):
        axes[index // columns][index % columns].set_visible(False)
    axes[0][0].legend(fontsize=7, loc="lower left")
    fig.suptitle("Chance of holding against the rupture threshold", fontsize=10)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save_figure(fig, path, _footer(choices))
    return Figure(Path(path), "Share of the simulated futures in which each watched alliance "
                              "still holds 1, 2 and 5 years on (Wilson 95% band) if its "
                              "rupture threshold were each value on the axis, recomputed from "
                              "the same cohesion paths; grey marks the rule's own threshold or "
                              "range.")


def _threshold_panel(ax: Axes, curve: ThresholdSurvival, choices: ModelChoices,
                     name: str) -> None:  # fmt: skip
    low, high = curve.rule.threshold_low, curve.rule.threshold_high
    if low is not None and high is not None:
        if high > low:
            ax.axvspan(low, high, color="lightgray", alpha=0.6, label="rule's range")
        else:
            ax.axvline(low, color="gray", lw=1, label="rule's threshold")
    for years, style in zip(choices.years, YEAR_STYLES, strict=False):
        band = curve.holding[years]
        ax.fill_between(curve.thresholds, band.low, band.high, alpha=0.2)
        ax.plot(curve.thresholds, band.estimate, ls=style, label=f"after {years:g} yr")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(f"threshold of {curve.rule.metric}", fontsize=8)
    ax.set_ylabel("chance of holding", fontsize=8)
    ax.set_title(wrap(name + (" (focus)" if curve.alliance_id == choices.focus else ""), 40),
                 fontsize=9)
    ax.tick_params(labelsize=7)


def engine_figure(scenario: Scenario, choices: ModelChoices, path: Path) -> Figure | None:
    """Each alliance's chance of holding at the last year, among each engine's draws."""
    if not choices.engines or not choices.years:
        return None
    last = [e for e in choices.engines if e.years == choices.years[-1]]
    alliances, engines = _alliances(scenario), list(choices.engine_weights)
    fig, ax = subplots(figsize=(8, 0.5 * len(last) * len(engines) + 1.6))
    height = 0.8 / max(len(engines), 1)
    centres = np.arange(len(last))[::-1]
    for e, engine in enumerate(engines):
        chances = [found.by_engine.get(engine) for found in last]
        values = np.array([np.nan if c is None else c.estimate for c in chances])
        errors = np.array([[0.0 if c is None else c.estimate - c.low for c in chances],
                           [0.0 if c is None else c.high - c.estimate for c in chances]])
        ax.barh(centres + ((len(engines) - 1) / 2 - e) * height, values, height=height,
                xerr=errors, capsize=3, alpha=0.8, label=engine_label(engine))
    ax.set_yticks(centres)
    ax.set_yticklabels([wrap(alliances.get(f.alliance_id, f.alliance_id), 28) for f in last],
                       fontsize=8)
    ax.set_xlim(0, 1.02)
    ax.set_xlabel(f"chance of holding after {choices.years[-1]:g} years", fontsize=8)
    ax.set_title("Chance of holding among the draws of each bargaining engine", fontsize=9)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save_figure(fig, path, _footer(choices))
    return Figure(Path(path), "Among the draws that bargained with each engine of the "
                              "mixture, the share in which each alliance still holds at the "
                              "last date shown, with its Wilson 95% interval.")


# ---------------------------------------------------------------------------
# The report section and the terminal
# ---------------------------------------------------------------------------
def _paragraph(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def model_choices_section(scenario: Scenario, choices: ModelChoices, folder: Path,
                          names: Namer | None = None) -> Section:  # fmt: skip
    """The section "How much do the modelling choices matter?"."""
    names = names or Namer(scenario)
    sentences = choice_sentences(scenario, choices, names)
    parts = [_paragraph(INTRO)]
    if sentences:
        parts.append("<ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in sentences)
                     + "</ul>")
    others = other_alliance_sentences(scenario, choices)
    if others:
        parts.append(_paragraph("The other watched alliances, threshold by threshold: "
                                + " ".join(others)))
    figures = []
    if choices.thresholds and choices.years:
        parts.append(table(["alliance", "threshold", *_year_headers(choices)],
                           threshold_rows(scenario, choices), data=files.csv_name(
                               files.BY_THRESHOLD)))
        figures.append(threshold_figure(scenario, choices,
                                        Path(folder) / "survival-by-threshold.png"))
    if choices.engines:
        parts.append(table(["alliance", "engine", "weight", "draws", *_year_headers(choices)],
                           engine_rows(scenario, choices),
                           data=files.csv_name(files.BY_ENGINE)))
        figure = engine_figure(scenario, choices, Path(folder) / "survival-by-engine.png")
        if figure is not None:
            figures.append(figure)
    parts.append(_paragraph(provenance(choices.scenario_id, choices.seed, choices.draws,
                                       choices.model, sentence=True)))
    return Section(TITLE, "\n".join(parts), figures, anchor=ANCHOR)


def model_choice_renderables(scenario: Scenario, choices: ModelChoices,
                             names: Namer | None = None) -> list[RenderableType]:  # fmt: skip
    """The terminal's view: the sentences, survival by threshold and by engine."""
    parts: list[RenderableType] = [Rule(f"[bold]{TITLE}[/]")]
    parts += [Text(f"• {sentence}") for sentence in choice_sentences(scenario, choices, names)]
    if choices.thresholds and choices.years:
        threshold_table = Table(title="Chance of holding against the rupture threshold "
                                      "(95% interval)", title_justify="left")
        for header in ("alliance", "threshold", *_year_headers(choices)):
            threshold_table.add_column(header, justify="left" if header == "alliance"
                                       else "right")
        for row in threshold_rows(scenario, choices):
            threshold_table.add_row(*row)
        parts.append(threshold_table)
    if choices.engines:
        engine_table = Table(title="Chance of holding by bargaining engine (95% interval)",
                             title_justify="left")
        for header in ("alliance", "engine", "weight", "draws", *_year_headers(choices)):
            engine_table.add_column(header, justify="left" if header in ("alliance", "engine")
                                    else "right")
        for row in engine_rows(scenario, choices):
            engine_table.add_row(*row)
        parts.append(engine_table)
    return parts
