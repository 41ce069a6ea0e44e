"""The one list of bargaining engines: names, labels, options and how to run each.

Every engine settles issues on the common array contract of
:mod:`realpolitik.models._inputs`: ``positions``, ``salience`` and
``capability`` of shape (B, N, K), an optional boolean ``active`` mask of
the same shape, and a forecast of shape (B, K). The command line, the
static forecast, the report and the simulation read the engines from
:data:`ENGINES`, so an engine added here appears in all of them.

The mapping is written out by hand: nothing registers itself at import and
no package is searched for engines. The order of :data:`ENGINES` is the
order in which tables, figures and choices list the engines.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike

from realpolitik.models.compromise import compromise
from realpolitik.models.eum import EUMOptions, EUMStepper, eum_forecast, expected_utility
from realpolitik.models.ktab import SpatialOptions, spatial_bargaining, spatial_forecast
from realpolitik.models.median import weighted_median

__all__ = ["ENGINES", "Engine", "Run", "Settle", "engine", "engine_label", "engine_names"]


class Settle(Protocol):
    """An engine's forecast on the common contract: (B, N, K) inputs -> (B, K)."""

    def __call__(
        self,
        positions: ArrayLike,
        salience: ArrayLike,
        capability: ArrayLike,
        active: ArrayLike | None = None,
        *,
        options: Any = None,
    ) -> np.ndarray:
        """Return each issue's settlement, shape (B, K)."""


class Run(Protocol):
    """An engine's full result on the common contract (it has a ``forecast`` (B, K))."""

    def __call__(
        self,
        positions: ArrayLike,
        salience: ArrayLike,
        capability: ArrayLike,
        active: ArrayLike | None = None,
        *,
        options: Any = None,
    ) -> Any:
        """Return the engine's result object, e.g. with its trajectory."""


@dataclass(frozen=True)
class Engine:
    """One bargaining engine as every front end sees it.

    Attributes
    ----------
    name : str
        Identifier used on the command line, in files and in the API.
    label : str
        Name shown to readers in figure legends and report tables.
    short_label : str
        A shorter name for narrow columns (the terminal's forecast table).
    marker : str
        Matplotlib marker of the engine's forecast on the issue map (``"D"``,
        ``"s"``, ``"^"``...): one the other engines do not use.
    marker_fill : str
        Fill colour of that marker (its edge is black for every engine).
    settle : Settle
        The forecast on the common contract, (B, N, K) -> (B, K).
    run : Run or None
        The full result (e.g. the rounds of bargaining), where the engine has
        more to tell than its forecast; ``run(...).forecast`` equals ``settle(...)``.
    can_step : bool
        Whether simulations may bargain with it at every time step.
    options_type : type or None
        The engine's typed options class, passed as ``options=``; None if the
        engine has no options.
    stepper : callable or None
        Makes a fresh forecast function for one run of successive time steps
        (called with positions, salience, capability, active), which may
        reuse what it computed at the previous step; its forecasts equal
        ``settle``'s to rounding. None: a simulation calls ``settle`` at
        every step.
    chunk_size : int or None
        Draws per chunk that simulations use by default with this engine
        (small for engines whose draws are heavy, so that workers share the
        work); None: the simulation's default.
    spreads_over_cores : bool
        Whether one call shares its work among the cores when made from the
        main thread (and keeps to one core from any other thread), with the
        same results either way. The static forecast runs the first such
        engine in the calling thread and the others beside it.
    """

    name: str
    label: str
    short_label: str
    marker: str
    marker_fill: str
    settle: Settle
    run: Run | None
    can_step: bool
    options_type: type | None
    stepper: Callable[[], Callable[..., np.ndarray]] | None = None
    chunk_size: int | None = None
    spreads_over_cores: bool = False


def _no_options(name: str, options: object) -> None:
    """Reject options given to an engine that has none."""
    if options is not None:
        raise TypeError(f"the {name} engine takes no options; got {type(options).__name__}")


def _settle_compromise(
    positions: ArrayLike,
    salience: ArrayLike,
    capability: ArrayLike,
    active: ArrayLike | None = None,
    *,
    options: None = None,
) -> np.ndarray:
    """Compromise forecast (weighted mean); the engine has no options."""
    _no_options("compromise", options)
    return compromise(positions, salience, capability, active)


def _settle_median(
    positions: ArrayLike,
    salience: ArrayLike,
    capability: ArrayLike,
    active: ArrayLike | None = None,
    *,
    options: None = None,
) -> np.ndarray:
    """Median voter forecast; the engine has no options."""
    _no_options("median", options)
    return weighted_median(positions, salience, capability, active)


ENGINES: Mapping[str, Engine] = MappingProxyType(
    {
        "eum": Engine(
            name="eum",
            label="Expected Utility",
            short_label="EUM",
            marker="D",
            marker_fill="black",
            settle=eum_forecast,
            run=expected_utility,
            can_step=True,
            options_type=EUMOptions,
            stepper=EUMStepper,
            chunk_size=32,
            spreads_over_cores=True,
        ),
        "compromise": Engine(
            name="compromise",
            label="Compromise",
            short_label="Compromise",
            marker="s",
            marker_fill="white",
            settle=_settle_compromise,
            run=None,
            can_step=True,
            options_type=None,
        ),
        "median": Engine(
            name="median",
            label="Median voter",
            short_label="Median",
            marker="^",
            marker_fill="gold",
            settle=_settle_median,
            run=None,
            can_step=True,
            options_type=None,
        ),
        "spatial": Engine(
            name="spatial",
            label="Spatial (KTAB)",
            short_label="Spatial",
            marker="P",
            marker_fill="lightgray",
            settle=spatial_forecast,
            run=spatial_bargaining,
            can_step=True,
            options_type=SpatialOptions,
            spreads_over_cores=True,
        ),
    }
)
"""Every engine by name, in the order outputs list them."""


def engine(name: str) -> Engine:
    """Return the engine called ``name``.

    Raises
    ------
    ValueError
        If no engine has that name; the message lists the choices.
    """
    try:
        return ENGINES[name]
    except KeyError:
        raise ValueError(
            f"unknown engine {name!r}; choose from {', '.join(ENGINES)}"
        ) from None


def engine_names(stepping: bool = False) -> tuple[str, ...]:
    """Names of all engines, or only of those a simulation can step with, in order."""
    return tuple(name for name, entry in ENGINES.items() if entry.can_step or not stepping)


def engine_label(name: str) -> str:
    """The reader-facing label of the engine called ``name`` (ValueError if unknown)."""
    return engine(name).label
