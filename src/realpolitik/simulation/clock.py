"""The simulation clock: the dates of the steps from the scenario's ``as_of`` over the horizon."""

from __future__ import annotations

import calendar
import datetime as dt

from realpolitik.scenario.dynamics import STEPS_PER_YEAR

__all__ = ["add_months", "first_step_on_or_after", "step_count", "step_dates"]

MONTHS_PER_STEP = {"month": 1, "quarter": 3, "year": 12}


def add_months(date: dt.date, months: int) -> dt.date:
    """Return ``date`` moved by whole months, keeping the day where the month allows.

    The 31st of a month followed by a 30-day month lands on the 30th (and so on
    for February), so that steps stay calendar months apart.
    """
    total = date.month - 1 + months
    year, month = date.year + total // 12, total % 12 + 1
    day = min(date.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def step_count(step: str, horizon_years: float) -> int:
    """Number of steps ``T`` in the horizon (rounded to the nearest whole step, at least 1)."""
    if step not in STEPS_PER_YEAR:
        raise ValueError(f"unknown step '{step}'; expected one of {sorted(STEPS_PER_YEAR)}")
    if not horizon_years > 0:
        raise ValueError(f"the horizon must be a positive number of years, got {horizon_years}")
    return max(1, round(horizon_years * STEPS_PER_YEAR[step]))


def step_dates(as_of: dt.date, step: str, horizon_years: float) -> list[dt.date]:
    """Return the ``T + 1`` dates of the steps, ``as_of`` first.

    Each date is a whole number of months after ``as_of`` (1, 3 or 12 per
    step), counted from ``as_of`` rather than from the previous date so that
    short months do not make the clock drift.
    """
    months = MONTHS_PER_STEP[step]
    return [add_months(as_of, months * t) for t in range(step_count(step, horizon_years) + 1)]


def first_step_on_or_after(dates: list[dt.date], date: dt.date | None) -> int:
    """Index of the first step dated on or after ``date``; 0 if None; ``len(dates)`` if never."""
    if date is None:
        return 0
    return next((index for index, step_date in enumerate(dates) if step_date >= date), len(dates))
