"""Figures of the lever, discovery and sensitivity analyses.

Each function draws one PNG with matplotlib's file backend and returns a
:class:`~realpolitik.outputs.section.Figure`; every figure's footer names
the scenario, seed, draws and package version that made it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from realpolitik.analysis.discovery import Discovery, PrimResult
from realpolitik.analysis.levers import BASELINE, LeverReport
from realpolitik.analysis.sensitivity import Sensitivity, SobolIndices, Tornado
from realpolitik.outputs.naming import Namer
from realpolitik.outputs.plotting import provenance, save_figure, shorten, subplots, wrap
from realpolitik.outputs.section import Figure
from realpolitik.scenario.names import MODEL_CHOICE, input_kind

__all__ = [
    "discovery_figures",
    "lever_effects",
    "peeling_trajectory",
    "prim_box",
    "sensitivity_figures",
    "sobol_bars",
    "tornado",
]

GOOD, BAD, NEUTRAL = "tab:green", "tab:red", "tab:gray"


def _short(name: str, width: int = 48) -> str:
    return shorten(name, width)


def _marked(label: str, name: str) -> str:
    """A tick label, ending in " [model choice]" for an input that is one."""
    return f"{label} [model choice]" if input_kind(name) == MODEL_CHOICE else label


# ---------------------------------------------------------------------------
# Levers
# ---------------------------------------------------------------------------
def lever_effects(report: LeverReport, path: Path, objective: str | None = None) -> Figure:
    """Each option's mean effect on the objective with its interval, best first.

    ``objective`` names the objective in words (default: its ``kind:id`` label).
    """
    objective = objective or report.objective
    ids = [option for option in report.ranking if option != BASELINE]
    effects = [report.objective_effect(option).effect for option in ids]
    fig, ax = subplots(figsize=(9, 0.42 * len(ids) + 1.8))
    rows = np.arange(len(ids))[::-1]
    better = [(e.mean > 0) == (report.direction == "maximise") for e in effects]
    colours = [NEUTRAL if not e.excludes_zero() else GOOD if ok else BAD
               for e, ok in zip(effects, better, strict=True)]
    means = np.array([e.mean for e in effects])
    errors = np.array([[e.mean - e.low for e in effects], [e.high - e.mean for e in effects]])
    ax.barh(rows, means, color=colours, alpha=0.8)
    ax.errorbar(means, rows, xerr=errors, fmt="none", ecolor="black", capsize=3, lw=1)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(rows)
    ax.set_yticklabels([_short(report.option_name(option), 64) for option in ids], fontsize=8)
    ax.set_xlabel(wrap(f"effect on {objective} (option minus baseline, draw by draw)", 80))
    ax.set_title(wrap(f"Levers ranked by their effect on {objective} ({report.direction})", 80)
                 + "\nbars: mean effect; whiskers: 95% interval", fontsize=9)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save_figure(fig, path, provenance(report.scenario_id, report.seed, report.draws))
    return Figure(Path(path), f"Mean effect of each lever and pair of levers on "
                              f"{objective}, with its 95% interval from the paired "
                              "draws; green helps, red hurts, grey is not distinguishable "
                              "from no effect.")


# ---------------------------------------------------------------------------
# Discovery
# ---------------------------------------------------------------------------
def peeling_trajectory(
    found: PrimResult, path: Path, *, title: str, scenario_id: str, seed: int, draws: int
) -> Figure:
    """Coverage against density of every box on the peeling trajectory, chosen box marked."""
    coverage = [box.coverage for box in found.trajectory]
    density = [box.density for box in found.trajectory]
    restricted = [int(np.sum((box.lows > found.data_lows) | (box.highs < found.data_highs)))
                  for box in found.trajectory]
    fig, ax = subplots(figsize=(7, 5))
    points = ax.scatter(coverage, density, c=restricted, cmap="viridis", s=18)
    fig.colorbar(points, ax=ax, label="inputs restricted")
    chosen = found.chosen
    ax.scatter([chosen.coverage], [chosen.density], s=140, facecolors="none",
               edgecolors="tab:red", lw=1.5, label="chosen on the trajectory")
    ax.scatter([found.box.coverage], [found.box.density], marker="*", s=160,
               color="tab:red", label="after pasting")
    ax.axhline(found.base_rate, color="gray", lw=0.8, ls="--", label="base rate")
    ax.set_xlabel("coverage (share of the cases of interest inside the box)")
    ax.set_ylabel("density (share of the box's cases that are of interest)")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=8, loc="lower left")
    ax.set_title(wrap(title, 70), fontsize=9)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save_figure(fig, path, provenance(scenario_id, seed, draws))
    return Figure(Path(path), "PRIM peeling trajectory: each dot is a box, from the whole "
                              "ensemble (right) to the smallest box allowed (left); the "
                              "circle is the chosen box, the star the box after pasting.")


def prim_box(
    found: PrimResult, path: Path, *, title: str, scenario_id: str, seed: int, draws: int,
    names: Namer | None = None,
) -> Figure:
    """The chosen box's range on each restricted input, as a share of the input's full range."""
    rows = found.restrictions
    fig, ax = subplots(figsize=(8, 0.5 * max(len(rows), 1) + 1.6))
    for row, restriction in enumerate(reversed(rows)):
        j = found.names.index(restriction.name)
        low, high = found.data_lows[j], found.data_highs[j]
        span = (high - low) or 1.0
        start, stop = (found.box.lows[j] - low) / span, (found.box.highs[j] - low) / span
        ax.plot([0, 1], [row, row], color="lightgray", lw=6, solid_capstyle="butt")
        ax.plot([start, stop], [row, row], color="tab:blue", lw=6, solid_capstyle="butt")
        if stop - start < 0.01:  # a single value, e.g. a game changer that fired
            ax.plot([start], [row], marker="D", color="tab:blue", ms=7)
        ax.text(1.02, row, f"{found.box.lows[j]:.3g} to {found.box.highs[j]:.3g}",
                va="center", fontsize=7)
    ax.set_yticks(range(len(rows)))
    names = names or Namer()
    ax.set_yticklabels([_marked(_short(names.input(r.name), 56), r.name)
                        for r in reversed(rows)], fontsize=8)
    ax.set_xlim(0, 1.25)
    ax.set_xticks([0, 0.5, 1])
    ax.set_xticklabels(["input's lowest", "middle", "highest"], fontsize=8)
    ax.set_title(wrap(f"{title}: coverage {found.box.coverage:.0%}, density "
                      f"{found.box.density:.0%} (base rate {found.base_rate:.0%})", 80),
                 fontsize=9)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save_figure(fig, path, provenance(scenario_id, seed, draws))
    return Figure(Path(path), "The box's range (blue) on each input it restricts, against "
                              "the input's whole range (grey), most significant first.")


def discovery_figures(discovery: Discovery, folder: Path,
                      names: Namer | None = None) -> list[Figure]:
    """Trajectory and box figures of every box found, written into ``folder``."""
    names = names or Namer()
    figures = []
    for number, found in enumerate(discovery.boxes, start=1):
        title = f"{names.outcome(discovery.outcome)}: box {number}"
        figures.append(peeling_trajectory(
            found, Path(folder) / f"prim-trajectory-{number}.png", title=title,
            scenario_id=discovery.scenario_id, seed=discovery.seed, draws=discovery.draws))
        if found.restrictions:
            figures.append(prim_box(
                found, Path(folder) / f"prim-box-{number}.png", title=title,
                scenario_id=discovery.scenario_id, seed=discovery.seed, draws=discovery.draws,
                names=names))
    return figures


# ---------------------------------------------------------------------------
# Sensitivity
# ---------------------------------------------------------------------------
def tornado(
    swings: Tornado,
    path: Path,
    *,
    outcome: str,
    scenario_id: str,
    seed: int,
    top: int = 15,
    names: Namer | None = None,
) -> Figure:
    """One-at-a-time swings of the outcome, widest first, around the point-estimate baseline."""
    names = names or Namer()
    shown = swings.swings[:top]
    fig, ax = subplots(figsize=(9, 0.42 * max(len(shown), 1) + 1.8))
    rows = np.arange(len(shown))[::-1]
    for row, swing in zip(rows, shown, strict=True):
        ax.barh(row, swing.at_low - swings.baseline, left=swings.baseline, color="tab:blue",
                alpha=0.8, label="parameter at its low end" if row == rows[0] else None)
        ax.barh(row, swing.at_high - swings.baseline, left=swings.baseline, color="tab:orange",
                alpha=0.8, label="parameter at its high end" if row == rows[0] else None)
    ax.axvline(swings.baseline, color="black", lw=0.8)
    ax.set_yticks(rows)
    ax.set_yticklabels([_marked(f"{_short(names.number(s.name), 60)} [{s.low_value:g}, "
                                f"{s.high_value:g}]", s.name) for s in shown], fontsize=7)
    ax.set_xlabel(wrap(f"{outcome}, mean of {swings.replicates} draws", 80)
                  + f"\n(line: all at point estimates, {swings.baseline:.3g})", fontsize=9)
    ax.set_title(wrap(f"Tornado: {outcome}", 80)
                 + "\none number at a time at its low and high end", fontsize=9)
    if shown:
        ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save_figure(fig, path, provenance(scenario_id, seed, f"{swings.replicates} per point"))
    return Figure(Path(path), "Tornado plot: how far the outcome moves when one uncertain "
                              "number goes to the low (blue) or high (orange) end of its range "
                              "while every other number stays at its point estimate.")


def sobol_bars(
    indices: SobolIndices, path: Path, *, outcome: str, scenario_id: str, top: int = 15,
    names: Namer | None = None,
) -> Figure:
    """First-order and total Sobol indices with their confidence intervals, largest first."""
    names = names or Namer()
    order = indices.ranked()[:top]
    fig, ax = subplots(figsize=(9, 0.42 * max(len(order), 1) + 1.8))
    rows = np.arange(len(order))[::-1]
    ax.barh(rows + 0.2, indices.total[order], height=0.4, xerr=indices.total_conf[order],
            color="tab:purple", alpha=0.8, label="total index ST")
    ax.barh(rows - 0.2, indices.first[order], height=0.4, xerr=indices.first_conf[order],
            color="tab:cyan", alpha=0.8, label="first-order index S1")
    ax.set_yticks(rows)
    ax.set_yticklabels([_marked(_short(names.number(indices.names[j]), 64), indices.names[j])
                        for j in order], fontsize=7)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel(wrap(f"share of the variance of {outcome}", 80))
    ax.set_title(wrap(f"Sobol indices of {outcome} ({indices.base_samples} base samples, "
                      f"{indices.evaluations:,} runs, {indices.conf_level:.0%} intervals)", 80),
                 fontsize=9)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save_figure(fig, path, provenance(scenario_id, indices.seed, f"{indices.evaluations:,}"))
    return Figure(Path(path), "Sobol indices: the first-order index is the share of the "
                              "outcome's variance a number explains alone, the total index the "
                              "share it takes part in, interactions included.")


def sensitivity_figures(sensitivity: Sensitivity, folder: Path,
                        names: Namer | None = None) -> list[Figure]:
    """Sobol bars and tornado of a sensitivity analysis, written into ``folder``."""
    names = names or Namer()
    label = names.outcome(sensitivity.outcome)
    figures = []
    if sensitivity.sobol is not None:
        figures.append(sobol_bars(sensitivity.sobol, Path(folder) / "sobol.png", outcome=label,
                                  scenario_id=sensitivity.scenario_id, names=names))
    if sensitivity.tornado is not None:
        figures.append(tornado(sensitivity.tornado, Path(folder) / "tornado.png", outcome=label,
                               scenario_id=sensitivity.scenario_id, seed=sensitivity.seed,
                               names=names))
    return figures
