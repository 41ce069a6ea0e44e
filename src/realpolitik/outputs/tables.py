"""Terminal tables (rich) of the static forecast."""

from __future__ import annotations

import numpy as np
from rich.table import Table
from rich.text import Text

from realpolitik.analysis.static import StaticForecast
from realpolitik.models.registry import engine
from realpolitik.scenario.schema import HORIZONS


def forecast_table(forecast: StaticForecast, wide: bool = False) -> Table:
    """How each issue settles under each model, beside the span of stated positions.

    ``wide`` adds a column saying which end of the scale the forecast leans to.
    """
    table = Table(title="How each issue settles (0-100)", title_justify="left")
    table.add_column("Issue")
    table.add_column("Horizon")
    table.add_column("Stated span", justify="right")
    for model in forecast.forecasts:
        table.add_column(engine(model).short_label, justify="right")
    if wide:
        table.add_column("Leans towards", overflow="fold", max_width=40)
    arrays = forecast.arrays
    lead = next(iter(forecast.forecasts))
    for k, issue in enumerate(forecast.scenario.issues):
        stated = arrays.position[arrays.active[:, k], k]
        span = f"{stated.min():.0f}-{stated.max():.0f}" if stated.size else "-"
        values = [f"{forecast.forecasts[model][k]:.1f}" for model in forecast.forecasts]
        lean = ([Text(leaning(forecast.forecasts[lead][k], issue.low, issue.high))]
                if wide else [])
        table.add_row(Text(issue.name), issue.horizon, span, *values, *lean)
    return table


def leaning(value: float, low: str, high: str) -> str:
    """Describe a 0-100 value by the end of the scale it is nearer to."""
    if 40 <= value <= 60:
        return "midway between the two ends"
    return high if value > 50 else low


def movement_table(forecast: StaticForecast, limit: int = 3) -> Table | None:
    """How far each actor moved while bargaining, and its largest moves."""
    movement, final = forecast.movement, forecast.final_positions
    if movement is None or final is None:
        return None
    arrays = forecast.arrays
    table = Table(title="How far each actor moved in the Expected Utility Model",
                  title_justify="left")
    table.add_column("Actor")
    table.add_column("Mean |move|", justify="right")
    table.add_column("Largest moves (from -> to)", overflow="fold")
    order = np.argsort(-np.abs(movement).mean(axis=1), kind="stable")
    for i in order:
        moves = np.abs(movement[i])
        largest = [k for k in np.argsort(-moves, kind="stable")[:limit] if moves[k] >= 0.05]
        text = "; ".join(
            f"{forecast.scenario.issues[k].name} {arrays.position[i, k]:.0f}->{final[i, k]:.0f}"
            for k in largest
        ) or "held firm"
        active = arrays.active[i]
        mean_move = np.abs(movement[i, active]).mean() if active.any() else 0.0
        table.add_row(Text(forecast.scenario.actor(arrays.actor_ids[i]).name), f"{mean_move:.1f}",
                      text)
    return table


def cohesion_table(forecast: StaticForecast) -> Table | None:
    """Each watched alliance's S-score, by horizon, with its strongest bond and rift."""
    if not forecast.alliances:
        return None
    horizons = [issue.horizon for issue in forecast.scenario.issues]
    table = Table(title="Cohesion of watched alliances (S-score, -1 to 1)", title_justify="left")
    table.add_column("Alliance")
    table.add_column("Stated", justify="right")
    table.add_column("Issues only", justify="right")
    table.add_column("Bargained", justify="right")
    for horizon in HORIZONS:
        table.add_column(horizon.capitalize(), justify="right")
    table.add_column("Most divisive issue", overflow="fold")
    for reading in forecast.alliances:
        stated = reading.stated
        after = "-" if reading.bargained is None else f"{float(reading.bargained.score[0]):+.2f}"
        parts = reading.by_horizon(horizons)
        contributions = stated.issue_contributions[0]
        worst = int(np.argmin(contributions))
        divisive = (forecast.scenario.issues[worst].name if contributions[worst] < 0
                    else "none (they converge everywhere)")
        table.add_row(Text(reading.alliance.name), f"{float(stated.score[0]):+.2f}",
                      f"{float(stated.s_issues[0]):+.2f}", after,
                      *(f"{parts[h]:+.2f}" for h in HORIZONS), divisive)
    return table


def convergence_note(forecast: StaticForecast) -> str | None:
    """Explain a bargained S-score near +1: the Expected Utility Model ended in consensus."""
    converged = [reading.alliance.name for reading in forecast.alliances
                 if reading.bargained is not None and reading.bargained.score[0] >= 0.99]
    if not converged:
        return None
    return ("Bargained cohesion near +1 (" + ", ".join(converged) + "): the Expected Utility "
            "Model ended with both partners at nearly the same position on every issue they "
            "share, close to the forecast settlement. It says the bargaining converged, not "
            "that their interests did; the stated column keeps the interests.")
