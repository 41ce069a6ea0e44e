"""Which game changers drive a rupture: the rupture rate with and without each one.

A plain, readable companion to scenario discovery: for each game changer,
the share of simulated futures in which the alliance has ruptured by the
horizon among those where the game changer happened, and among those where
it did not.  Their ratio (the lift) says how strongly the event goes with a
rupture; it is an association across the ensemble, and other game changers
that tend to fire with it share in it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from realpolitik.simulation.results import wilson_band


@dataclass(frozen=True)
class Rate:
    """A share of futures with its Wilson 95% interval and the number of futures behind it."""

    estimate: float
    low: float
    high: float
    futures: int


@dataclass(frozen=True)
class Driver:
    """Rupture rates of one alliance with and without one game changer."""

    shock: str
    fired_share: float
    with_shock: Rate | None
    without_shock: Rate | None

    @property
    def lift(self) -> float | None:
        """Rupture rate with the game changer divided by the rate without it."""
        if self.with_shock is None or self.without_shock is None:
            return None
        if self.without_shock.estimate == 0:
            return float("inf") if self.with_shock.estimate > 0 else None
        return self.with_shock.estimate / self.without_shock.estimate


def rupture_drivers(ruptured: np.ndarray, fired: dict[str, np.ndarray]) -> list[Driver]:
    """Rank game changers by the rupture rate in the futures where they happened.

    Parameters
    ----------
    ruptured
        (D,) whether the alliance has ruptured by the horizon, per draw.
    fired
        Game changer id -> (D,) whether it happened by the horizon.
    """
    ruptured = np.asarray(ruptured, dtype=bool)
    drivers = []
    for shock, happened in fired.items():
        happened = np.asarray(happened, dtype=bool)
        drivers.append(Driver(shock, float(happened.mean()),
                              _rate(ruptured[happened]), _rate(ruptured[~happened])))
    return sorted(drivers, key=lambda d: -(d.with_shock.estimate if d.with_shock else -1.0))


def _rate(cases: np.ndarray) -> Rate | None:
    if cases.size == 0:
        return None
    band = wilson_band(np.asarray(float(cases.sum())), int(cases.size))
    return Rate(float(band.estimate), float(band.low), float(band.high), int(cases.size))
