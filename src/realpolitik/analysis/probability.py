"""Probabilities as a reader should see them: a number, its interval, and words of a named scale.

A probability estimated from simulated futures, or from uncertain inputs,
is never certain: no figure of it is shown as 0% or 100%.  A share rounds to
"<1%" or ">99%" instead, always beside its interval, and when every draw
agrees the text says so ("in none of the 1,000 draws").  Words of
estimative probability follow the US Intelligence Community Directive 203
(ICD 203, 2015, "Analytic Standards", section D.6.a), and stand next to
the number, never instead of it:

=================  ==========
words              range
=================  ==========
almost no chance   1-5%
very unlikely      5-20%
unlikely           20-45%
roughly even chance 45-55%
likely             55-80%
very likely        80-95%
almost certain     95-99%
=================  ==========

Shares below 1% read "almost no chance" and above 99% "almost certain":
ICD 203 gives no words beyond its end points.  Every text that shows a
probability (report, terminal, figure labels) goes through :class:`Chance`
or :func:`percent_text`, so they agree everywhere; data files keep the
plain numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from realpolitik.simulation.results import wilson_band

__all__ = [
    "ICD_203",
    "SCALE_NAME",
    "Chance",
    "estimative_words",
    "percent_text",
]

SCALE_NAME = "US ICD 203"
"""The scale of words of estimative probability used throughout."""

ICD_203: tuple[tuple[str, float, float], ...] = (
    ("almost no chance", 0.01, 0.05),
    ("very unlikely", 0.05, 0.20),
    ("unlikely", 0.20, 0.45),
    ("roughly even chance", 0.45, 0.55),
    ("likely", 0.55, 0.80),
    ("very likely", 0.80, 0.95),
    ("almost certain", 0.95, 0.99),
)
"""Each phrase of ICD 203 with the probability range it stands for."""


def estimative_words(probability: float) -> str:
    """The ICD 203 phrase for a probability (an upper bound belongs to the next band up)."""
    for words, _, high in ICD_203[:-1]:
        if probability < high:
            return words
    return ICD_203[-1][0]


def percent_text(share: float) -> str:
    """A share as a whole percentage that never reads 0% or 100%: ``<1%``, ``92%``, ``>99%``."""
    value = 100.0 * float(share)
    if value < 1.0:
        return "<1%"
    if value > 99.0:
        return ">99%"
    return f"{value:.0f}%"


def _bound(share: float) -> str:
    """An interval bound in percent, with the decimals it needs to stay off 0 and 100."""
    value = 100.0 * float(share)
    if value in (0.0, 100.0):
        return f"{value:.0f}"
    for digits in (0, 1, 2):
        text = f"{value:.{digits}f}"
        if float(text) not in (0.0, 100.0) and (digits or 1.0 <= value <= 99.0):
            return text
    return f"{value:.3f}"


@dataclass(frozen=True)
class Chance:
    """A probability with its interval, and how many simulated futures stand behind it.

    Attributes
    ----------
    estimate, low, high
        The probability and the bounds of its interval, in [0, 1].
    draws
        The simulated futures the share counts (None when it is not a count,
        e.g. a posterior over uncertain inputs).
    level
        Confidence level of the interval (0.95 for a Wilson interval).
    """

    estimate: float
    low: float
    high: float
    draws: int | None = None
    level: float = 0.95

    @classmethod
    def of_count(cls, successes: int, draws: int) -> Chance:
        """The share ``successes / draws`` with its Wilson 95% interval."""
        band = wilson_band(np.asarray(float(successes)), int(draws))
        return cls(float(band.estimate), float(band.low), float(band.high), int(draws))

    @classmethod
    def of_share(cls, share: float, draws: int) -> Chance:
        """A share of ``draws`` simulated futures, with its Wilson 95% interval."""
        return cls.of_count(int(round(float(share) * draws)), draws)

    @property
    def words(self) -> str:
        """The ICD 203 phrase for the estimate."""
        return estimative_words(self.estimate)

    @property
    def unanimous(self) -> bool:
        """True when every draw agrees (the share is exactly 0 or 1 of a count)."""
        return self.draws is not None and self.estimate in (0.0, 1.0)

    def percent(self) -> str:
        """The estimate alone: ``<1%``, ``92%``, ``>99%``."""
        return percent_text(self.estimate)

    def interval(self) -> str:
        """The interval: ``[90-94%]``, or for a unanimous count where it ends."""
        if self.unanimous:
            side = "below" if self.estimate == 0.0 else "above"
            edge = self.high if self.estimate == 0.0 else self.low
            return f"{self.level:.0%} interval {side} {_bound(edge)}%"
        return f"[{_bound(self.low)}-{_bound(self.high)}%]"

    def shown(self) -> str:
        """The number and its interval: ``92% [90-94%]``, ``<1% [none of the 1,000 draws; ...]``.

        A posterior or other non-count whose interval is narrower than half a
        point shows the number alone.
        """
        if self.unanimous:
            agree = "none of the" if self.estimate == 0.0 else "all"
            return f"{self.percent()} [{agree} {self.draws:,} draws; {self.interval()}]"
        if self.draws is None and self.high - self.low < 0.005:
            return self.percent()
        return f"{self.percent()} {self.interval()}"

    def text(self, *, words: bool = True) -> str:
        """The number, its interval and (``words``) the phrase: ``92% [90-94%], very likely``."""
        return f"{self.shown()}, {self.words}" if words else self.shown()

    def phrase(self) -> str:
        """The ICD 203 phrase first, the number beside it: ``very likely (92% [90-94%])``."""
        return f"{self.words} ({self.shown()})"

    def to_dict(self) -> dict[str, float | int | str | None]:
        """Plain numbers and the words, for JSON."""
        return {"estimate": self.estimate, "low": self.low, "high": self.high,
                "draws": self.draws, "level": self.level, "words": self.words}
