"""A mixture of step engines: each draw of an ensemble bargains with one engine, drawn by weight.

Which engine forecasts a settlement is a model choice no analyst can settle
from the evidence of one case; the mixture carries it into the ensemble as
one more uncertainty.  Draw ``d`` takes engine ``m`` when its uniform number
``u_d`` (its own stream, see
:func:`realpolitik.simulation.parameters.engine_uniforms`) falls in ``m``'s
slice of [0, 1): the engines, in the order of :data:`~realpolitik.simulation.stepping.MODELS`,
take consecutive slices as wide as their weights.  So a draw's engine
depends only on the seed, the draw's index and the weights.

Default weights (Bates and Granger 1969): each engine's weight is inversely
proportional to its mean squared error on the development half of DEU III
(:data:`DEU_MSE`), ``w_m = (1 / MSE_m) / sum_j (1 / MSE_j)``, over the
engines of :data:`DEFAULT_MIXTURE_ENGINES`.

Reference: Bates, J. M. and Granger, C. W. J. (1969), "The combination of
forecasts", *Operational Research Quarterly* 20(4): 451-468.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = [
    "DEFAULT_ENGINE_WEIGHTS",
    "DEFAULT_MIXTURE_ENGINES",
    "DEU_MSE",
    "MIXTURE",
    "draw_engines",
    "inverse_mse_weights",
    "mixture_weights",
]

MIXTURE = "mixture"
"""The ``model`` name of an ensemble whose draws each bargain with one engine of a mixture."""

DEU_MSE: dict[str, float] = {"compromise": 720.47, "median": 1480.10, "eum": 1380.52}
"""Mean squared error (points squared) of each step engine on DEU III's development half.

The 157 issues of ``deu3-dev.csv`` with an outcome, equal capability, as
``realpolitik validate deu`` runs them (the EUM's own forecast: the median
voter after bargaining).  ``tests/test_simulation_honest.py`` recomputes them.
"""

DEFAULT_MIXTURE_ENGINES: tuple[str, ...] = ("compromise", "median")
"""Engines of the default mixture.

The Expected Utility Model is left out for its cost alone: at about one to
three draws a second on the flagship, its share of a 1,000-draw run with
levers would take hours.  Add ``"eum"`` here to include it with its weight.
"""


def inverse_mse_weights(mse: Mapping[str, float]) -> dict[str, float]:
    """Bates and Granger's weights: ``w_m`` proportional to ``1 / MSE_m``, summing to 1."""
    inverse = {name: 1.0 / error for name, error in mse.items()}
    total = sum(inverse.values())
    return {name: value / total for name, value in inverse.items()}


DEFAULT_ENGINE_WEIGHTS: dict[str, float] = inverse_mse_weights(
    {name: DEU_MSE[name] for name in DEFAULT_MIXTURE_ENGINES}
)
"""Weights of the default mixture: compromise 0.6726, median 0.3274."""


def mixture_weights(weights: Mapping[str, float], engines: Sequence[str],
                    where: str = "engine_weights") -> tuple[tuple[str, float], ...]:  # fmt: skip
    """Check and normalise engine weights; return ``(engine, weight)`` in ``engines`` order.

    Engines with weight 0 are dropped.

    Raises
    ------
    ValueError
        Naming ``where`` for an unknown engine, a negative or non-finite
        weight, or weights that sum to 0.
    """
    unknown = [name for name in weights if name not in engines]
    if unknown:
        raise ValueError(f"{where}: unknown engine(s) {', '.join(map(repr, unknown))}; "
                         f"engines that can step: {', '.join(engines)}")
    values = {name: float(weight) for name, weight in weights.items()}
    if any(not (np.isfinite(weight) and weight >= 0) for weight in values.values()):
        raise ValueError(f"{where}: every weight must be a finite number of at least 0")
    total = sum(values.values())
    if not total > 0:
        raise ValueError(f"{where}: at least one engine needs a weight above 0")
    return tuple((name, values[name] / total) for name in engines if values.get(name, 0) > 0)


def draw_engines(weights: Sequence[tuple[str, float]], uniforms: np.ndarray) -> np.ndarray:
    """Index into ``weights`` of each draw's engine, from its uniform number in [0, 1)."""
    edges = np.cumsum([weight for _, weight in weights])
    edges[-1] = 1.0  # rounding must never leave a uniform number past the last slice
    return np.searchsorted(edges, uniforms, side="right").astype(np.int64)
