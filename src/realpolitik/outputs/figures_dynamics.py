"""Figures and report section of an ensemble over time: survival, fan charts, game changers."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from realpolitik.analysis.outlook import HOLDING_YEARS
from realpolitik.analysis.probability import Chance
from realpolitik.outputs import results_files as files
from realpolitik.outputs.plotting import provenance, save_figure, subplots, wrap
from realpolitik.outputs.section import Figure, Section
from realpolitik.scenario.schema import Scenario
from realpolitik.simulation.results import EnsembleResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as PlotFigure

__all__ = [
    "dynamics_section",
    "fan_chart",
    "fan_charts",
    "shock_probability_chart",
    "survival_chart",
]

FAN_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
"""Settlement quantiles drawn in fan charts: the 90% and 50% bands and the median."""

LINE_STYLES = (("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"), ((0, (5, 1, 1, 1)), "v"))
"""Dash pattern and marker of each line in turn, so that overlapping lines stay apart."""

def footer(result: EnsembleResult) -> str:
    """The provenance line every figure carries: scenario, seed, draws, model, version."""
    return provenance(result.scenario_id, result.seed, result.futures, result.model,
                      levers=result.levers, version=result.version)


def _save(fig: PlotFigure, result: EnsembleResult, path: str | Path) -> Path:
    return save_figure(fig, path, footer(result))


def _dates(result: EnsembleResult) -> np.ndarray:
    return np.array(result.dates, dtype="datetime64[D]")


def survival_chart(
    result: EnsembleResult,
    path: str | Path,
    alliances: list[str] | None = None,
    names: dict[str, str] | None = None,
) -> Path:
    """Plot the share of draws in which each watched alliance still holds, with its 95% band.

    Returns the path of the PNG written.
    """
    bands = {(names or {}).get(a, a): result.survival(a)
             for a in alliances or list(result.ruptured)}
    return _banded_steps(result, path, bands, band_alpha=0.2,
                         ylabel="share of draws in which the alliance holds",
                         title="Do the watched alliances hold? (Wilson 95% band)",
                         legend=("lower left", 8))


def _fan(ax: Axes, result: EnsembleResult, issue_id: str, title: str) -> None:
    q05, q25, q50, q75, q95 = result.quantiles(issue_id, FAN_QUANTILES)
    x = _dates(result)
    ax.fill_between(x, q05, q95, alpha=0.2, color="tab:blue", label="5-95%")
    ax.fill_between(x, q25, q75, alpha=0.4, color="tab:blue", label="25-75%")
    ax.plot(x, q50, color="tab:blue", lw=1.5, label="median")
    ax.set_ylim(0, 100)
    ax.set_title(title, fontsize=8)
    ax.grid(alpha=0.3)


def fan_chart(
    result: EnsembleResult, issue_id: str, path: str | Path, title: str | None = None
) -> Path:
    """Plot one issue's settlement over time: median, 25-75% and 5-95% bands.

    Returns the path of the PNG written.
    """
    fig, ax = subplots(figsize=(7, 3.6))
    _fan(ax, result, issue_id, title or f"Settlement of {issue_id}")
    ax.set_ylabel("settlement (0-100)")
    ax.legend(fontsize=7, frameon=False)
    fig.autofmt_xdate()
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return _save(fig, result, path)


def fan_charts(
    result: EnsembleResult,
    path: str | Path,
    issues: list[str] | None = None,
    names: dict[str, str] | None = None,
) -> Path:
    """Plot every issue's fan chart as small multiples in one PNG; returns its path."""
    issues = issues or list(result.settlement)
    columns = min(3, len(issues))
    rows = -(-len(issues) // columns)
    fig, axes = subplots(rows, columns, figsize=(4 * columns, 2.4 * rows + 0.8),
                             sharex=True, squeeze=False)
    for ax, issue in zip(axes.flat, issues, strict=False):
        _fan(ax, result, issue, (names or {}).get(issue, issue))
    for index in range(len(issues), rows * columns):
        axes.flat[index].set_visible(False)
        axes.flat[index - columns].xaxis.set_tick_params(labelbottom=True)
    axes.flat[0].legend(fontsize=6, frameon=False, loc="upper left")
    fig.suptitle("Forecast settlement of each issue over time (0-100)", fontsize=10)
    fig.autofmt_xdate()
    fig.tight_layout(rect=(0, 0.03, 1, 0.97))
    return _save(fig, result, path)


def shock_probability_chart(
    result: EnsembleResult, path: str | Path, names: dict[str, str] | None = None
) -> Path:
    """Plot the probability that each game changer has fired by each date; returns the path."""
    bands = {(names or {}).get(shock, shock): result.fired_probability(shock)
             for shock in result.shock_fired}
    return _banded_steps(result, path, bands, band_alpha=0.15,
                         ylabel="probability the game changer has happened",
                         title="Game changers: probability of having fired by each date",
                         legend=("upper left", 7))


def _banded_steps(result: EnsembleResult, path: str | Path, bands: dict, *, band_alpha: float,
                  ylabel: str, title: str, legend: tuple[str, int]) -> Path:
    """Plot shares over time as steps, each with its 95% band, on a 0-1 axis."""
    fig, ax = subplots(figsize=(8, 4.2))
    x = _dates(result)
    for number, (label, band) in enumerate(bands.items()):
        dash, marker = LINE_STYLES[number % len(LINE_STYLES)]
        (line,) = ax.step(x, band.estimate, where="post", label=label, ls=dash, lw=1.6,
                          marker=marker, markersize=4, markevery=max(1, len(x) // 8) + number)
        ax.fill_between(x, band.low, band.high, step="post", alpha=band_alpha,
                        color=line.get_color())
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel(ylabel)
    ax.set_title(wrap(title, 80), fontsize=10)
    ax.legend(fontsize=legend[1], frameon=False, loc=legend[0])
    ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return _save(fig, result, path)


def _holding_table(result: EnsembleResult, names: dict[str, str]) -> str:
    """HTML table: share of draws in which each alliance still holds after 1, 2 and 5 years."""
    data = files.csv_name(files.SURVIVAL)
    head = "".join(f"<th>after {years:g} year{'s' if years > 1 else ''}</th>"
                   for years in HOLDING_YEARS)
    rows = []
    for alliance in result.ruptured:
        cells = [_holding_cell(result, alliance, years) for years in HOLDING_YEARS]
        name = html.escape(names.get(alliance, alliance))
        rows.append(f"<tr><td>{name}</td>{''.join(cells)}</tr>")
    return (
        f"<table class='dynamics' data-file='{data}'><thead><tr><th>alliance</th>{head}</tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
        f"<p class='data'>Data: <code>{data}</code> (and .json), every step.</p>"
    )


def _holding_cell(result: EnsembleResult, alliance: str, years: float) -> str:
    step = result.step_at(years)
    if step is None:
        return "<td>beyond the horizon</td>"
    band = result.survival(alliance)
    chance = Chance(float(band.estimate[step]), float(band.low[step]), float(band.high[step]),
                    result.futures)
    return html.escape(chance.text())


def dynamics_section(
    result: EnsembleResult, out_dir: str | Path, scenario: Scenario | None = None
) -> Section:
    """Build the report section on dynamics: figures and the alliance-holding table.

    Parameters
    ----------
    result
        An ensemble from :func:`realpolitik.simulation.simulate_ensemble`.
    out_dir
        Folder the PNG files are written to.
    scenario
        Optional; when given, its names label alliances, issues and shocks.
    """
    folder = Path(out_dir)
    names: dict[str, str] = {}
    if scenario is not None:
        names.update({a.id: a.name for a in scenario.alliances})
        names.update({i.id: i.name for i in scenario.issues})
        if scenario.dynamics is not None:
            names.update({s.id: s.name for s in scenario.dynamics.shocks})
    figures = []
    if result.ruptured:
        figures.append(Figure(
            survival_chart(result, folder / "survival.png", names=names),
            "Share of draws in which each watched alliance still holds (its rupture rule not "
            "met), with a Wilson 95% band.",
        ))
    figures.append(Figure(
        fan_charts(result, folder / "fan_charts.png", names=names),
        "Forecast settlement of each issue: median, 25-75% and 5-95% of the draws.",
    ))
    if result.shock_fired:
        figures.append(Figure(
            shock_probability_chart(result, folder / "game_changers.png", names=names),
            "Probability that each game changer has happened by each date, with a Wilson 95% "
            "band.",
        ))
    intro = (
        f"<p>{result.futures:,} simulated futures of {html.escape(result.scenario_id)} from "
        f"{result.dates[0].isoformat()} to {result.dates[-1].isoformat()} "
        f"({len(result.dates) - 1} steps, engine: {html.escape(result.model)}, "
        f"seed {result.seed}). Share of futures in which each alliance still holds, with its "
        "95% band:</p>"
    )
    if result.summary is not None:
        intro += (f"<p>Streamed ensemble: survival, game changers, settlement ranges, questions "
                  f"and levers count all {result.futures:,} futures (settlement quantiles to "
                  f"0.01 points); scenario discovery and survival at other rupture thresholds "
                  f"or by engine read the first {result.draws:,}.</p>")
    body = intro + (_holding_table(result, names) if result.ruptured else "")
    return Section("Over time: alliances, settlements, game changers", body, figures,
                   anchor="dynamics")
