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
        elif self.value is not None and not np.isfinite(self.value):
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
        return _bounds(self)[0]

    @property
    def high(self) -> float:
        """Highest value the number can take."""
        return _bounds(self)[1]

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


def _bounds(quantity: Quantity) -> tuple[float, float]:
    """The range of a quantity, or its value twice (validation sets exactly one of them)."""
    if quantity.range is not None:
        return quantity.range
    if quantity.value is None:
        raise ValueError("a quantity needs a 'value' or a 'range'")
    return float(quantity.value), float(quantity.value)


def _bounded(low: float, high: float | None, *, low_open: bool = False) -> AfterValidator:
    """Return a validator that keeps every possible value of a quantity in bounds."""

    def check(quantity: Quantity) -> Quantity:
        too_low = quantity.low <= low if low_open else quantity.low < low
        too_high = high is not None and quantity.high > high
        if too_low or too_high:
            shown = quantity.value if quantity.value is not None else list(_bounds(quantity))
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

Rate = Annotated[Quantity, _bounded(0.0, 10.0)]
"""A non-negative rate per year (at most 10: faster change belongs in the model itself)."""
