"""How the what-if app simulates: futures per ensemble, seed and engine, checked on creation.

A module of its own, importing nothing numerical, so that ``realpolitik
serve --help`` (and the command line's help as a whole) can show the app's
defaults without loading the app.
"""

from __future__ import annotations

from dataclasses import dataclass

from realpolitik.interfaces.cli_common import MAX_SEED, MIXTURE
from realpolitik.scenario.limits import MAX_DRAWS, MIN_DRAWS

__all__ = ["DEFAULT_DRAWS", "AppSettings"]

DEFAULT_DRAWS = 500
"""Simulated futures per ensemble in the app.

Large enough that a survival share carries a 95% interval of at most about
+-4.4 points (at 50%), small enough that a single change on the flagship
answers in a small fraction of a second on a 2-core machine
(``benchmarks/bench_app.py``)."""


@dataclass(frozen=True)
class AppSettings:
    """How the app simulates: futures per ensemble, seed, and the engine at every step.

    Raises ValueError, naming the field and its bounds, for a number of draws
    outside ``MIN_DRAWS``-``MAX_DRAWS`` or a seed outside 0-``MAX_SEED``: the
    same bounds as ``realpolitik serve --draws/--seed`` and ``analysis.draws``.
    """

    draws: int = DEFAULT_DRAWS
    seed: int = 0
    model: str = MIXTURE

    def __post_init__(self) -> None:
        _check_whole("draws", self.draws, MIN_DRAWS, MAX_DRAWS)
        _check_whole("seed", self.seed, 0, MAX_SEED)


def _check_whole(name: str, value: object, low: int, high: int) -> None:
    """Refuse anything but a whole number from ``low`` to ``high``, in one line naming ``name``."""
    whole = isinstance(value, int) and not isinstance(value, bool)
    if not whole or not low <= value <= high:  # type: ignore[operator]
        raise ValueError(f"{name}: a whole number from {low:,} to {high:,} is expected, "
                         f"got {value!r}")
