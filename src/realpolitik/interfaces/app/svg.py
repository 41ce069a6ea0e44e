"""Survival charts as inline SVG: written here, nothing loaded from anywhere.

One small chart per watched alliance: the share of futures in which it still
holds at each step, as a step line, the baseline dashed in grey and the
what-if in blue over its 95% band.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from html import escape

import numpy as np

from realpolitik.simulation import Band

__all__ = ["survival_chart"]

WIDTH, HEIGHT = 420, 210
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 26, 30
BASE_COLOUR, WHAT_IF_COLOUR = "#6e7781", "#0969da"


def _x_scale(dates: Sequence[dt.date]) -> Callable[[dt.date], float]:
    first, last = dates[0].toordinal(), dates[-1].toordinal()
    span = max(last - first, 1)
    return lambda date: LEFT + (date.toordinal() - first) / span * (WIDTH - LEFT - RIGHT)


def _y(share: float) -> float:
    return TOP + (1.0 - float(share)) * (HEIGHT - TOP - BOTTOM)


def _steps(xs: Sequence[float], values: np.ndarray) -> list[tuple[float, float]]:
    """Corner points of a step line that holds each value until the next step."""
    points = [(xs[0], _y(values[0]))]
    for t in range(1, len(xs)):
        points += [(xs[t], _y(values[t - 1])), (xs[t], _y(values[t]))]
    return points


def _path(points: list[tuple[float, float]]) -> str:
    return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points)


def _axes(dates: Sequence[dt.date], x: Callable[[dt.date], float]) -> list[str]:
    parts = []
    for share in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = _y(share)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#d0d7de" stroke-width="0.6"/>')
        parts.append(f'<text x="{LEFT - 4}" y="{y + 3:.1f}" text-anchor="end">'
                     f"{share:.0%}</text>")
    for date in dates:
        if date.month == dates[0].month and date.day == dates[0].day:
            parts.append(f'<text x="{x(date):.1f}" y="{HEIGHT - BOTTOM + 14}" '
                         f'text-anchor="middle">{date.year}</text>')
    return parts


def survival_chart(name: str, dates: Sequence[dt.date], baseline: Band, whatif: Band) -> str:
    """An SVG chart of one alliance's survival, baseline and what-if.

    Parameters
    ----------
    name
        The alliance's name, shown as the chart's title.
    dates
        The T + 1 step dates.
    baseline, whatif
        Survival shares with their 95% bands, each of shape (T + 1,).
    """
    x = _x_scale(dates)
    xs = [x(date) for date in dates]
    upper = _steps(xs, whatif.high)
    lower = _steps(xs, whatif.low)
    band = _path(upper + lower[::-1]) + " Z"
    title = escape(f"{name}: share of futures in which the alliance still holds")
    return "".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{title}" class="survival" font-size="10" '
        'font-family="sans-serif">',
        f"<title>{title}</title>",
        f'<text x="{LEFT}" y="14" font-size="12" font-weight="bold">{escape(name)}</text>',
        *_axes(dates, x),
        f'<path d="{band}" fill="{WHAT_IF_COLOUR}" fill-opacity="0.15" stroke="none"/>',
        f'<path d="{_path(_steps(xs, baseline.estimate))}" fill="none" '
        f'stroke="{BASE_COLOUR}" stroke-width="1.6" stroke-dasharray="5 3" class="baseline"/>',
        f'<path d="{_path(_steps(xs, whatif.estimate))}" fill="none" '
        f'stroke="{WHAT_IF_COLOUR}" stroke-width="2" class="whatif"/>',
        f'<g transform="translate({WIDTH - RIGHT - 130},11)">'
        f'<line x1="0" x2="18" y1="0" y2="0" stroke="{BASE_COLOUR}" stroke-width="1.6" '
        'stroke-dasharray="5 3"/><text x="22" y="3">baseline</text>'
        f'<line x1="70" x2="88" y1="0" y2="0" stroke="{WHAT_IF_COLOUR}" stroke-width="2"/>'
        '<text x="92" y="3">what-if</text></g>',
        "</svg>",
    ])
