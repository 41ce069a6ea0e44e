"""Numbers in a scenario: a value or an uncertain range, each with its evidence.

Every number an analyst writes may be

* a plain value: ``70``;
* a range, sampled uniformly in ensembles: ``[60, 80]``;
* a mapping with evidence: ``{value: 70, source: brief, quote: "..."}``,
  ``{range: [60, 80], estimate: "why this range"}``, or a triangular
  distribution ``{range: [60, 90], mode: 70, dist: triangular}``.

The point estimate of a range is its midpoint (the mode for a triangular one).
Numbers are finite and at most :data:`MAX_MAGNITUDE` in size; text is never
read as a number (``"70"`` in quotes is refused, so that a typo such as
``seventy`` gets the same plain answer: "a number is expected").
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator

from realpolitik.scenario.errors import shorten

MAX_MAGNITUDE = 1e15
"""Largest size of any number (a GDP in dollars fits; beyond, sums lose their precision)."""


def _not_a_number(value: Any) -> str | None:
    """Why ``value`` cannot be read as a number, or None when it can."""
    if isinstance(value, bool):
        return "a number is expected, got a yes/no value"
    if isinstance(value, int | float):
        return None
    if value is None:
        return "a number is expected, got nothing"
    if isinstance(value, str):
        return f"a number is expected, got '{shorten(value)}'"
    if isinstance(value, dict):
        return "a number is expected, got a mapping"
    return f"a number is expected, got a {type(value).__name__}"


def _range_problem(value: Any) -> str | None:
    """Why ``value`` is not a ``[low, high]`` pair of numbers, or None when it is."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        count = f"{len(value)} item(s)" if isinstance(value, list | tuple) else "one value"
        return f"a range is written [low, high], got {count}"
    for end, item in zip(("low", "high"), value, strict=True):
        problem = _not_a_number(item)
        if problem is not None:
            return f"{end} end of the range: {problem}"
    return None


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
        """Accept ``70`` for a value and ``[60, 80]`` for a range; refuse text plainly."""
        if isinstance(data, bool):
            raise ValueError("expected a number or a [low, high] range, got a yes/no value")
        if isinstance(data, int | float):
            return {"value": data}
        if isinstance(data, list | tuple):
            problem = _range_problem(data)
            if problem is not None:
                raise ValueError(problem)
            return {"range": data}
        if isinstance(data, dict):
            _check_numbers(data)
            return data
        if isinstance(data, cls):
            return data
        raise ValueError(_not_a_number(data) or "a number is expected")

    @model_validator(mode="after")
    def _check_consistency(self) -> Quantity:
        if (self.value is None) == (self.range is None):
            raise ValueError("give either 'value' or 'range' (a [low, high] pair), not both")
        if self.range is not None:
            low, high = self.range
            _check_size(low)
            _check_size(high)
            if low > high:
                raise ValueError(f"range [{low:g}, {high:g}] has its low end above its high end")
        elif self.value is not None:
            _check_size(self.value)
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


def _check_numbers(data: dict) -> None:
    """Refuse text or yes/no where a quantity's mapping expects numbers."""
    for key in ("value", "mode"):
        if data.get(key) is not None:
            problem = _not_a_number(data[key])
            if problem is not None:
                raise ValueError(f"{key}: {problem}")
    if data.get("range") is not None:
        problem = _range_problem(data["range"])
        if problem is not None:
            raise ValueError(f"range: {problem}")


def _check_size(number: float) -> None:
    """Refuse infinity, not-a-number and numbers beyond :data:`MAX_MAGNITUDE`."""
    if not math.isfinite(number):
        raise ValueError(f"must be a finite number, got {number}")
    if abs(number) > MAX_MAGNITUDE:
        raise ValueError(f"must be at most {MAX_MAGNITUDE:g} in size, got {number:g}")


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
        shown = quantity.value if quantity.value is not None else list(_bounds(quantity))
        raise ValueError(f"must be a whole number of steps of at least 1, got {shown}")
    return quantity


StepCount = Annotated[Quantity, AfterValidator(_whole_steps)]
"""A whole number of steps, at least 1; a range ``[2, 4]`` is sampled as 2, 3 or 4."""
