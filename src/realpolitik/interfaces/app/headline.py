"""The headline the page opens with, under the scenario's question.

:func:`build_headline` is the one place that decides what the headline
says; the page renders whatever :class:`Headline` it returns (a title, a
note, column labels and one row per line, each cell a baseline and a
what-if share with their 95% intervals).  Today it gives each watched
alliance's chance of still holding 1, 2 and 5 years after the scenario's
``as_of``; a fuller bottom line can replace this function without touching
the page or the API.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from realpolitik.scenario.schema import Scenario
from realpolitik.simulation import EnsembleResult

__all__ = ["HOLDING_YEARS", "Headline", "HeadlineCell", "HeadlineRow", "build_headline"]

HOLDING_YEARS = (1.0, 2.0, 5.0)
"""Years after ``as_of`` at which the headline reads each alliance's survival."""


@dataclass(frozen=True)
class HeadlineCell:
    """A share in the baseline and in the what-if, each with its 95% interval (None: n/a)."""

    baseline: float | None
    baseline_low: float | None
    baseline_high: float | None
    whatif: float | None
    whatif_low: float | None
    whatif_high: float | None


@dataclass(frozen=True)
class HeadlineRow:
    """One line of the headline: a label and one cell per column."""

    label: str
    cells: list[HeadlineCell]


@dataclass(frozen=True)
class Headline:
    """What the page shows first, after the question."""

    question: str
    title: str
    columns: list[str]
    rows: list[HeadlineRow]
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the page."""
        return asdict(self)


def _cell(base: EnsembleResult, what_if: EnsembleResult, alliance: str,
          years: float) -> HeadlineCell:
    values: list[float | None] = []
    for result in (base, what_if):
        step = result.step_at(years)
        if step is None:
            values += [None, None, None]
            continue
        band = result.survival(alliance)
        values += [round(float(band.estimate[step]), 6), round(float(band.low[step]), 6),
                   round(float(band.high[step]), 6)]
    return HeadlineCell(*values)


def _years(years: float) -> str:
    return "1 year" if years == 1 else f"{years:g} years"


def build_headline(scenario: Scenario, baseline: EnsembleResult,
                   whatif: EnsembleResult) -> Headline:
    """Each watched alliance's chance of holding at 1, 2 and 5 years, baseline and what-if.

    Parameters
    ----------
    scenario
        The what-if scenario (its question and alliance names are shown).
    baseline, whatif
        Ensembles of the unchanged scenario and of the what-if, on the same
        seed and number of draws.
    """
    rows = [HeadlineRow(alliance.name, [_cell(baseline, whatif, alliance.id, years)
                                        for years in HOLDING_YEARS])
            for alliance in scenario.alliances]
    note = (f"Share of {whatif.draws:,} simulated futures in which each watched alliance "
            f"still holds ({whatif.model} engine at every step, seed {whatif.seed}); "
            "95% intervals in brackets.")
    return Headline(
        question=scenario.scenario.question or scenario.scenario.title,
        title="Chance each watched alliance still holds",
        columns=[f"after {_years(years)}" for years in HOLDING_YEARS],
        rows=rows,
        note=note if rows else "The scenario watches no alliance.",
    )
