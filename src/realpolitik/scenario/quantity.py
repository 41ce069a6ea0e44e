"""Numbers in a scenario: a value or an uncertain range, each with its evidence.

Every number an analyst writes may be

* a plain value: ``70``;
* a range, sampled uniformly in ensembles: ``[60, 80]``;
* a mapping with evidence: ``{value: 70, source: brief, quote: "..."}``,
  ``{range: [60, 80], estimate: "why this range"}``, or a triangular
  distribution ``{range: [60, 90], mode: 70, dist: triangular}``.

The point estimate of a range is its midpoint (the mode for a triangular one).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator


class Quantity(BaseModel):
    """A number that may be uncertain and may cite its evidence."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float | None = None
    range: tuple[float, float] | None = None
    dist: Literal["uniform", "triangular"] = "uniform"
    mode: float | None = None
    source: str | None = None
    quote: str | None = None
    estimate: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_shorthand(cls, data: Any) -> Any:
        """Accept ``70`` for a value and ``[60, 80]`` for a range."""
        if isinstance(data, bool):
            raise ValueError("expected a number or a [low, high] range, got a yes/no value")
        if isinstance(data, int | float):
            return {"value": data}
        if isinstance(data, list | tuple):
            return {"range": data}
        return data

    @model_validator(mode="after")
    def _check_consistency(self) -> Quantity:
        if (self.value is None) == (self.range is None):
            raise ValueError("give either 'value' or 'range' (a [low, high] pair), not both")
        if self.range is not None:
            low, high = self.range
            if not (np.isfinite(low) and np.isfinite(high)):
                raise ValueError("range bounds must be finite numbers")
            if low > high:
                raise ValueError(f"range [{low:g}, {high:g}] has its low end above its high end")
        elif not np.isfinite(self.value):
            raise ValueError("value must be a finite number")
        if self.dist == "triangular":
            if self.range is None or self.mode is None:
                raise ValueError("a triangular distribution needs 'range' and 'mode'")
            if not self.range[0] <= self.mode <= self.range[1]:
                raise ValueError(f"mode {self.mode:g} lies outside range {list(self.range)}")
        elif self.mode is not None:
            raise ValueError("'mode' is only used with dist: triangular")
        if self.quote is not None and self.source is None:
            raise ValueError("a quote needs the 'source' it comes from")
        return self

    @property
    def low(self) -> float:
        """Lowest value the number can take."""
        return self.range[0] if self.range is not None else float(self.value)

    @property
    def high(self) -> float:
        """Highest value the number can take."""
        return self.range[1] if self.range is not None else float(self.value)

    @property
    def point(self) -> float:
        """Point estimate: the value, the mode of a triangular range, else the midpoint."""
        if self.value is not None:
            return float(self.value)
        if self.mode is not None:
            return float(self.mode)
        return 0.5 * (self.low + self.high)

    @property
    def uncertain(self) -> bool:
        """True when the number is a range wider than a point."""
        return self.high > self.low

    @property
    def justified(self) -> bool:
        """True when the number cites a quotation or states an analyst's reason."""
        return bool(self.quote) or bool(self.estimate)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` values from the number's distribution (a constant if certain)."""
        if not self.uncertain:
            return np.full(size, self.point)
        if self.dist == "triangular":
            return rng.triangular(self.low, self.point, self.high, size)
        return rng.uniform(self.low, self.high, size)

    def sample_whole(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` whole numbers, for counts such as a number of steps.

        A uniform range ``[2, 4]`` gives 2, 3 or 4, equally likely; a
        triangular one the nearest whole number to a triangular draw.  The
        values come back as floats, like every sampled number.
        """
        if not self.uncertain:
            return np.full(size, self.point)
        if self.dist == "triangular":
            return np.rint(rng.triangular(self.low, self.point, self.high, size))
        return rng.integers(round(self.low), round(self.high), size, endpoint=True).astype(float)


def _bounded(low: float, high: float | None, *, low_open: bool = False):
    """Return a validator that keeps every possible value of a quantity in bounds."""

    def check(quantity: Quantity) -> Quantity:
        too_low = quantity.low <= low if low_open else quantity.low < low
        too_high = high is not None and quantity.high > high
        if too_low or too_high:
            shown = quantity.value if quantity.value is not None else list(quantity.range)
            if high is None:
                expected = f"above {low:g}" if low_open else f"at least {low:g}"
            else:
                expected = f"between {low:g} and {high:g}"
            raise ValueError(f"must be {expected}, got {shown}")
        return quantity

    return AfterValidator(check)


Position = Annotated[Quantity, _bounded(0.0, 100.0)]
"""A position on an issue's 0-100 scale."""

Salience = Annotated[Quantity, _bounded(0.0, 1.0)]
"""How much an issue matters to an actor, 0-1."""

Weight = Annotated[Quantity, _bounded(0.0, 1.0)]
"""A weight or probability in [0, 1]."""

Capability = Annotated[Quantity, _bounded(0.0, None, low_open=True)]
"""Relative clout: any positive scale, normalised inside the engines."""

Amount = Annotated[Quantity, _bounded(-float("inf"), None)]
"""Any real number (a shift or a drift, which may be negative)."""

Threshold = Annotated[Quantity, _bounded(-1.0, 1.0)]
"""A value on the S-score's [-1, 1] scale (a rupture threshold)."""

PositionSpread = Annotated[Quantity, _bounded(0.0, 100.0)]
"""A standard deviation of positions, in points of the 0-100 scale."""

SalienceSpread = Annotated[Quantity, _bounded(0.0, 1.0)]
"""A standard deviation of saliences, on the 0-1 scale."""

Growth = Annotated[Quantity, _bounded(-1.0, None)]
"""A relative change per year: 0.1 is +10% a year, -1 the most a quantity can fall."""


def _whole_steps(quantity: Quantity) -> Quantity:
    """Keep a count of steps whole and at least 1 (a range then means whole numbers)."""
    ends = [quantity.low, quantity.high] + ([quantity.mode] if quantity.mode is not None else [])
    if quantity.low < 1 or any(end != round(end) for end in ends):
        shown = quantity.value if quantity.value is not None else list(quantity.range)
        raise ValueError(f"must be a whole number of steps of at least 1, got {shown}")
    return quantity


StepCount = Annotated[Quantity, AfterValidator(_whole_steps)]
"""A whole number of steps, at least 1; a range ``[2, 4]`` is sampled as 2, 3 or 4."""
