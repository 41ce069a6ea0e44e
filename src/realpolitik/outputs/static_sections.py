"""Report sections of the static forecast: settlements, cohesion, issues, evidence."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from realpolitik.analysis.static import StaticForecast
from realpolitik.models.registry import engine_label
from realpolitik.outputs import figures_static
from realpolitik.outputs import results_files as files
from realpolitik.outputs.html import esc, table
from realpolitik.outputs.section import Section
from realpolitik.outputs.tables import convergence_note, leaning
from realpolitik.scenario.names import field_name
from realpolitik.scenario.schema import HORIZONS, Scenario, iter_quantities


def forecast_section(forecast: StaticForecast, figure_dir: Path) -> Section:
    """Each issue's forecast by each model, with the positions map and EUM rounds."""
    arrays = forecast.arrays
    models = list(forecast.forecasts)
    lead = models[0]
    rows = []
    for k, issue in enumerate(forecast.scenario.issues):
        stated = arrays.position[arrays.active[:, k], k]
        rows.append([issue.name, issue.horizon,
                     f"{stated.min():.0f}-{stated.max():.0f}" if stated.size else "-",
                     *(f"{forecast.forecasts[m][k]:.1f}" for m in models),
                     leaning(forecast.forecasts[lead][k], issue.low, issue.high)])
    headers = ["Issue", "Horizon", "Stated span", *(engine_label(m) for m in models),
               f"Leans towards ({engine_label(lead)})"]
    body = table(headers, rows, [False, False, True, *([True] * len(models)), False],
                 data=files.csv_name(files.SETTLEMENTS))
    figures = [figures_static.issue_map(forecast, figure_dir / "issue-map.png")]
    if forecast.eum is not None:
        figures.append(figures_static.eum_trajectories(forecast, figure_dir / "eum-rounds.png"))
        rounds = forecast.eum.rounds[0]
        body += (f"<p class='muted'>The Expected Utility Model settled in {int(rounds.min())}"
                 f" to {int(rounds.max())} rounds across issues.</p>")
        body += _movement_html(forecast)
    return Section("How each issue settles", body, figures, anchor="forecast")


def _movement_html(forecast: StaticForecast) -> str:
    movement, final, arrays = forecast.movement, forecast.final_positions, forecast.arrays
    if movement is None or final is None:
        return ""
    rows = []
    for i, actor_id in enumerate(arrays.actor_ids):
        active = arrays.active[i]
        if not active.any():
            continue
        k = int(np.argmax(np.abs(movement[i])))
        issue = forecast.scenario.issues[k].name
        largest = (f"{issue}: {arrays.position[i, k]:.0f} -> {final[i, k]:.0f}"
                   if abs(movement[i, k]) >= 0.05 else "held firm")
        rows.append([forecast.scenario.actor(actor_id).name,
                     f"{np.abs(movement[i, active]).mean():.1f}", largest])
    return ("<h3>How far each actor moved while bargaining</h3>"
            + table(["Actor", "Mean |move|", "Largest move"], rows, [False, True, False],
                    data=files.csv_name(files.MOVEMENT)))


def cohesion_section(forecast: StaticForecast, figure_dir: Path) -> Section | None:
    """Each watched alliance's S-score, its terms by horizon, and a decomposition figure."""
    if not forecast.alliances:
        return None
    horizons = [issue.horizon for issue in forecast.scenario.issues]
    rows, figures = [], []
    for reading in forecast.alliances:
        parts = reading.by_horizon(horizons)
        after = "-" if reading.bargained is None else f"{float(reading.bargained.score[0]):+.2f}"
        rows.append([reading.alliance.name, f"{float(reading.stated.score[0]):+.2f}",
                     f"{float(reading.stated.s_issues[0]):+.2f}", after,
                     *(f"{parts[h]:+.2f}" for h in HORIZONS)])
        figures.append(figures_static.cohesion_decomposition(
            forecast, reading, figure_dir / f"cohesion-{reading.alliance.id}.png"))
    body = (
        "<p>The S-score of Signorino and Ritter (1999), weighted by both partners' salience: "
        "1 when a pair stands together on everything it cares about, -1 when it stands at "
        "opposite ends. Shared stakes count as dimensions on which the pair agrees. The "
        "horizon columns split the score into the terms of short-, medium- and long-term "
        "issues (negative terms divide the pair).</p>"
        + table(["Alliance", "Stated", "Issues only", "After bargaining",
                 *(f"{h} term" for h in HORIZONS)], rows,
                [False, True, True, True, True, True, True],
                data=files.csv_name(files.COHESION))
    )
    note = convergence_note(forecast)
    if note:
        body += f"<p class='muted'>{esc(note)}</p>"
    return Section("Alliance cohesion", body, figures, anchor="cohesion")


def issues_section(scenario: Scenario) -> Section:
    """What each issue's scale means at both ends."""
    rows = [[issue.name, issue.horizon, issue.low, issue.high] for issue in scenario.issues]
    return Section("The contested issues",
                   table(["Issue", "Horizon", "0 means", "100 means"], rows,
                         data=files.csv_name(files.ISSUES)), anchor="issues")


def evidence_section(scenario: Scenario) -> Section:
    """Every number with its evidence: a quotation, an analyst's estimate, or nothing."""
    rows, unjustified = [], 0
    for path, quantity in iter_quantities(scenario):
        shown = (f"{quantity.value:g}" if quantity.value is not None
                 else f"[{quantity.low:g}, {quantity.high:g}]")
        if quantity.quote:
            evidence = f"{quantity.source}: \u201c{quantity.quote}\u201d"
        elif quantity.estimate:
            evidence = f"analyst's estimate: {quantity.estimate}"
        else:
            evidence, unjustified = "no evidence given", unjustified + 1
        rows.append([field_name(scenario, path), shown, evidence])
    sources = table(["Id", "Title", "Author", "Publisher", "Date"],
                    [[s.id, s.title, s.author, s.publisher, s.date] for s in scenario.sources],
                    data=files.csv_name(files.SOURCES))
    note = (f"<p class='warn'>{unjustified} number(s) give no evidence.</p>" if unjustified
            else "<p>Every number cites a quotation or states the analyst's reason.</p>")
    return Section("Evidence behind every number",
                   "<h3>Sources</h3>" + sources + note
                   + table(["Number", "Value", "Evidence"], rows, [False, True, False],
                           data=files.csv_name(files.EVIDENCE)),
                   anchor="evidence")


def header_html(scenario: Scenario, manifest: dict) -> str:
    """The report's banner: title, date of the analysis and what made the run.

    The question opens the bottom line, the section right below.
    """
    meta = scenario.scenario
    return (f"<h1>{esc(meta.title)}</h1>"
            f"<p>Analysis as of {esc(meta.as_of.isoformat())} · scenario {esc(meta.id)} · "
            f"file hash {esc(manifest['scenario_hash'][:12])} · seed {esc(manifest['seed'])} · "
            f"draws {esc(manifest['draws'])} · realpolitik {esc(manifest['version'])} · "
            f"run {esc(manifest['created'])}</p>")
