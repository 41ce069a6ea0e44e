"""Figures of the static forecast: where actors stand, how they move, what binds a pair."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from realpolitik.analysis.static import AllianceReading, StaticForecast
from realpolitik.models.registry import engine, engine_label
from realpolitik.outputs.plotting import colormap, provenance, save_figure, subplots, wrap
from realpolitik.outputs.section import Figure
from realpolitik.scenario.arrays import StanceArrays


def _footer(scenario_id: str) -> str:
    """The provenance of a static figure: point estimates, so no seed and one draw."""
    return provenance(scenario_id, seed="none (point estimates)", draws="1 (point estimates)")


def _actor_colours(count: int) -> list:
    """Distinct colours: the strong half of tab20 first, then the pale half."""
    cmap = colormap("tab20")
    order = list(range(0, 20, 2)) + list(range(1, 20, 2))
    return [cmap(order[i % 20]) for i in range(count)]


MAX_FIGURE_ACTORS = 20
"""Most actors a static figure names and colours apart (tab20 has 20 distinct colours)."""

OTHER_ACTORS = "darkgray"
"""Edge colour of the rings that stand for the actors a figure does not name."""

MAX_TRAJECTORY_ISSUES = 12
"""Most issues the EUM's rounds figure draws a panel for (the first ones, in file order)."""


def _named_actors(arrays: StanceArrays, issues: np.ndarray) -> np.ndarray:
    """Indices of the actors a figure names: all of them, or the heaviest :data:`MAX_FIGURE_ACTORS`.

    Weight is capability x salience summed over the issues shown (where the
    actor takes a stance), the votes an actor brings; ties go to the actor
    listed first. Returned in file order.
    """
    count = len(arrays.actor_ids)
    if count <= MAX_FIGURE_ACTORS:
        return np.arange(count)
    weight = np.where(arrays.active, arrays.capability * arrays.salience, 0.0)[:, issues]
    heaviest = np.argsort(-weight.sum(axis=1), kind="stable")[:MAX_FIGURE_ACTORS]
    return np.sort(heaviest)


def _left_out(actors: int, shown_actors: int, issues: int = 0, shown_issues: int = 0) -> str:
    """What a capped figure shows of the whole, in words; empty when it shows everything."""
    parts = []
    if shown_issues < issues:
        parts.append(f"the first {shown_issues} of {issues} issues")
    if shown_actors < actors:
        parts.append(f"the {shown_actors} actors of greatest weight (capability x salience) "
                     f"of {actors}")
    return " and ".join(parts)


def issue_map(forecast: StaticForecast, path: Path) -> Figure:
    """Each issue's scale with every actor's stated position and each model's forecast."""
    from matplotlib.lines import Line2D

    scenario, arrays = forecast.scenario, forecast.arrays
    n_issues = len(arrays.issue_ids)
    fig, ax = subplots(figsize=(11, 0.55 * n_issues + 1.6))
    named = _named_actors(arrays, np.arange(n_issues))
    is_named = np.zeros(len(arrays.actor_ids), dtype=bool)
    is_named[named] = True
    colours: list = [OTHER_ACTORS] * len(arrays.actor_ids)
    for colour, i in zip(_actor_colours(len(named)), named, strict=True):
        colours[i] = colour
    rows = np.broadcast_to(n_issues - 1 - np.arange(n_issues), arrays.position.shape)
    for row in range(n_issues):
        ax.axhline(row, color="lightgray", lw=0.8, zorder=0)
    others = arrays.active & ~is_named[:, None]  # unnamed actors: grey rings behind the named
    if others.any():
        ax.scatter(arrays.position[others], rows[others], s=20 + 160 * arrays.salience[others],
                   facecolor="none", edgecolor=OTHER_ACTORS, linewidth=0.6, alpha=0.8)
    shown = arrays.active & is_named[:, None]
    ax.scatter(arrays.position[shown], rows[shown], s=20 + 160 * arrays.salience[shown],
               color=[colours[i] for i in np.nonzero(shown)[0]], alpha=0.8, edgecolor="white",
               linewidth=0.5)
    for model, value in forecast.forecasts.items():
        style = engine(model)
        ax.scatter(value, rows[0] + 0.3, marker=style.marker, facecolor=style.marker_fill,
                   edgecolor="black", s=45, zorder=3)
    handles = [
        Line2D(
            [],
            [],
            ls="",
            marker="o",
            markersize=7,
            color=colours[i],
            label=scenario.actor(arrays.actor_ids[i]).name,
        )
        for i in named
    ]
    unnamed = len(arrays.actor_ids) - len(named)
    if unnamed:
        handles.append(Line2D([], [], ls="", marker="o", markersize=7, markerfacecolor="none",
                              markeredgecolor=OTHER_ACTORS, label=f"{unnamed} other actors"))
    handles += [
        Line2D(
            [],
            [],
            ls="",
            marker=engine(m).marker,
            markerfacecolor=engine(m).marker_fill,
            markeredgecolor="black",
            markersize=7,
            label=f"forecast: {engine_label(m)}",
        )
        for m in forecast.forecasts
    ]
    ax.set_yticks(range(n_issues))
    ax.set_yticklabels([issue.name for issue in reversed(scenario.issues)], fontsize=8)
    ax.set_xlim(-3, 103)
    ax.set_xlabel("position (0-100; each issue's ends are described in the report)")
    ax.set_title(
        wrap(f"{scenario.scenario.title}: stated positions (dot size = salience) and "
             "forecasts", 90),
        fontsize=10,
    )
    ax.legend(
        handles=handles, fontsize=7, bbox_to_anchor=(1.01, 1), loc="upper left", frameon=False
    )
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save_figure(fig, path, _footer(scenario.scenario.id))
    left_out = _left_out(len(arrays.actor_ids), len(named))
    caption = ("Stated positions of every actor on every issue (dot size shows "
               "salience) and each model's forecast of the settlement.")
    return Figure(path, caption if not left_out else
                  f"{caption} Named in colour: {left_out}; the others as grey rings.")


def eum_trajectories(forecast: StaticForecast, path: Path) -> Figure:
    """Position of each actor on each issue over the Expected Utility Model's rounds.

    A panel per issue, for the first :data:`MAX_TRAJECTORY_ISSUES` issues, with
    a line per actor for at most :data:`MAX_FIGURE_ACTORS` actors (the heaviest,
    see :func:`_named_actors`): more lines than that cannot be told apart. What
    is left out is said under the title and in the caption; every round of
    every actor is in ``eum-rounds.parquet``.
    """
    if forecast.eum is None:
        raise ValueError("the Expected Utility Model was not run")
    scenario, arrays = forecast.scenario, forecast.arrays
    trajectory = forecast.eum.trajectory[0]  # (R+1, N, K)
    median_path = forecast.eum.median_path[0]  # (R+1, K)
    n_issues = min(len(arrays.issue_ids), MAX_TRAJECTORY_ISSUES)
    actors = _named_actors(arrays, np.arange(n_issues))
    columns = 3
    rows = int(np.ceil(n_issues / columns))
    fig, axes = subplots(
        rows, columns, figsize=(12, 2.6 * rows + 0.8), squeeze=False, sharex=True
    )
    colours = _actor_colours(len(actors))
    last_round = int(forecast.eum.rounds[0].max())
    rounds = np.arange(trajectory.shape[0])[: last_round + 1]
    for k, issue in enumerate(scenario.issues[:n_issues]):
        ax = axes[k // columns][k % columns]
        for colour, i in zip(colours, actors, strict=True):
            if arrays.active[i, k]:
                ax.plot(
                    rounds,
                    trajectory[: last_round + 1, i, k],
                    color=colour,
                    lw=1.2,
                    label=scenario.actor(arrays.actor_ids[i]).name,
                )
        ax.plot(
            rounds,
            median_path[: last_round + 1, k],
            color="black",
            lw=2.2,
            ls="--",
            label="forecast (median voter)",
        )
        ax.set_title(wrap(issue.name, 40), fontsize=9)
        ax.set_ylim(-3, 103)
        ax.tick_params(labelsize=7)
    for k in range(n_issues, rows * columns):
        axes[k // columns][k % columns].axis("off")
    handles, labels = {}, []
    for ax in axes.flat:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in handles:
                handles[label] = handle
                labels.append(label)
    left_out = _left_out(len(arrays.actor_ids), len(actors), len(arrays.issue_ids), n_issues)
    title = "Positions over the rounds of the Expected Utility Model"
    if left_out:
        title += "\n" + wrap(f"Shown: {left_out}; every actor's rounds are in "
                              "eum-rounds.parquet.", 110)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=(0, 0.03, 1, 0.97))
    fig.legend(
        [handles[label] for label in labels],
        labels,
        loc="center left",
        bbox_to_anchor=(1.0, 0.5),
        fontsize=8,
        frameon=False,
    )
    save_figure(fig, path, _footer(scenario.scenario.id))
    caption = ("How each actor's position moves over the bargaining rounds of the "
               "Expected Utility Model; the dashed line is the forecast.")
    return Figure(path, caption if not left_out else f"{caption} Shown: {left_out}; every "
                  "actor's rounds are in eum-rounds.parquet.")


def _cohesion_legend(bargained: bool) -> list:
    """Legend entries of the bars: stated ones by sign (green binds, red divides), then hatched."""
    from matplotlib.patches import Patch

    entries = [Patch(facecolor="tab:green", alpha=0.85, label="stated positions: binds"),
               Patch(facecolor="tab:red", alpha=0.85, label="stated positions: divides")]
    if bargained:
        entries.append(Patch(facecolor="none", edgecolor="dimgray", hatch="///",
                             label="after bargaining (EUM)"))
    return entries


def cohesion_decomposition(
    forecast: StaticForecast, reading: AllianceReading, path: Path
) -> Figure:
    """Each issue's and shared stake's part of a pair's S-score, stated and bargained."""
    scenario = forecast.scenario
    issues = scenario.issues
    stakes = reading.alliance.shared_stakes
    labels = [wrap(f"{issue.name} ({issue.horizon})", 48) for issue in issues]
    labels += [wrap(f"shared stake: {stake.name}", 48) for stake in stakes]
    stated = np.concatenate(
        [reading.stated.issue_contributions[0], reading.stated.stake_contributions[0]]
    )
    fig, ax = subplots(figsize=(9, 0.38 * len(labels) + 1.8))
    y = np.arange(len(labels))[::-1]
    height = 0.38 if reading.bargained is not None else 0.7
    ax.barh(
        y + (height / 2 if reading.bargained is not None else 0),
        stated,
        height=height,
        color=np.where(stated >= 0, "tab:green", "tab:red"),
        alpha=0.85,
        label="stated positions",
    )
    if reading.bargained is not None:
        bargained = np.concatenate(
            [reading.bargained.issue_contributions[0], reading.bargained.stake_contributions[0]]
        )
        ax.barh(
            y - height / 2,
            bargained,
            height=height,
            color="none",
            edgecolor=np.where(bargained >= 0, "darkgreen", "darkred"),
            hatch="///",
            label="after bargaining (EUM)",
        )
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlabel(wrap("contribution to the S-score (right: binds the pair; left: divides it)",
                       70))
    members = " & ".join(scenario.actor(member).name for member in reading.alliance.members)
    after = (
        ""
        if reading.bargained is None
        else f", after bargaining {float(reading.bargained.score[0]):+.2f}"
    )
    ax.set_title(
        wrap(f"{reading.alliance.name} ({members}): cohesion "
             f"{float(reading.stated.score[0]):+.2f} stated{after}", 70),
        fontsize=10,
    )
    ax.legend(handles=_cohesion_legend(reading.bargained is not None), fontsize=8,
              loc="lower right")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save_figure(fig, path, _footer(scenario.scenario.id))
    return Figure(
        path,
        f"Where {members} converge (right) and diverge (left): each issue's "
        "term of the salience-weighted S-score, and each shared stake's.",
    )
