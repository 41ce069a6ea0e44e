"""Scenario discovery: which combinations of uncertainties and game changers lead to an outcome.

The Patient Rule Induction Method (PRIM; Friedman and Fisher 1999) looks for
a box (a range on each input) in which the outcome of interest, typically
the rupture of a watched alliance, is much more frequent than in the
ensemble as a whole.  It is used this way in robust decision making
(Lempert, Groves, Popper and Bankes 2006; Bryant and Lempert 2010) and in
the EMA Workbench.

* **Peeling.**  Starting from the box that holds every case, each step
  considers removing a slice of ``alpha`` (default 5%) of the cases in the
  box from the low or the high end of one input, and keeps the slice whose
  removal leaves the highest mean outcome (Friedman and Fisher's original
  objective).  Peeling stops when no slice can be removed without the box's
  support falling below ``mass_min`` of the cases.  For inputs with ties (a
  0/1 shock indicator) a slice is all the cases at the end value, so
  peeling a binary input removes one of its two values.
* **Box choice.**  From the peeling trajectory the chosen box is the one
  with the highest density among those whose coverage is at least
  ``min_coverage`` (ties go to the larger coverage).
* **Pasting.**  The chosen box is then widened, one ``paste_alpha`` slice
  at a time on whichever side raises its density most, as long as the
  density rises (Friedman and Fisher 1999, section 5).
* **Covering.**  Further boxes are found by removing the cases inside the
  boxes already found and repeating, up to ``max_boxes``, while a box beats
  the base rate of the cases that remain.

Coverage is the share of all cases of interest that fall in the box,
density the share of cases in the box that are of interest, and support
the share of all cases that fall in the box.

Each input is sorted once per search and the box is tracked by running
tallies over those orders (:mod:`realpolitik.analysis._case_order`), so a
peel costs O(n + d sqrt(n)) and O(d) per case it removes, instead of a sort
of the box on every input; for a 0/1 outcome the boxes are the same, number for number, as those
of a search that sorts and masks the box again at every peel.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import stats

from realpolitik.analysis._case_order import BoxTally, CaseOrder
from realpolitik.analysis.outcomes import (
    EnsembleLike,
    Outcome,
    OutcomeError,
    as_dates,
    step_index,
    value,
)

__all__ = [
    "Box",
    "Discovery",
    "DiscoveryInputs",
    "Importance",
    "PrimResult",
    "Restriction",
    "box_statistics",
    "choose_box",
    "discover",
    "discovery_inputs",
    "feature_importance",
    "in_box",
    "mutual_information",
    "outcome_of_interest",
    "paste",
    "peel",
    "prim",
    "prim_covering",
    "restrictions",
]

NEVER_FIRED_LABEL = "not by the horizon"


# ---------------------------------------------------------------------------
# Boxes and their statistics
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Box:
    """Inclusive bounds on every input and the box's statistics on the data it was found in.

    Attributes
    ----------
    lows, highs
        (d,) bounds; a case is in the box when ``lows <= x <= highs`` on every input.
    coverage, density, support
        Share of the cases of interest inside the box; mean outcome inside the
        box; share of all cases inside the box.
    count
        Number of cases inside the box.
    """

    lows: np.ndarray
    highs: np.ndarray
    coverage: float
    density: float
    support: float
    count: int


@dataclass(frozen=True)
class Restriction:
    """One input the box restricts, its bounds, and Bryant and Lempert's quasi-p-value.

    ``low`` / ``high`` are None on a side left at the data's range.  ``p_value``
    is the one-sided binomial probability of the box's density if this
    restriction were dropped (small: the restriction matters); None for a
    non-binary outcome.
    """

    name: str
    low: float | None
    high: float | None
    p_value: float | None

    def describe(self) -> str:
        """Render the restriction as ``low <= name <= high``."""
        if self.low is not None and self.high is not None:
            return f"{self.low:.4g} <= {self.name} <= {self.high:.4g}"
        if self.low is not None:
            return f"{self.name} >= {self.low:.4g}"
        return f"{self.name} <= {self.high:.4g}"


@dataclass(frozen=True)
class PrimResult:
    """One PRIM box: its peeling trajectory, the box chosen on it and the box after pasting.

    ``data_lows`` / ``data_highs`` are the range of each input over the whole
    data (the starting box), against which restrictions are judged.
    """

    names: tuple[str, ...]
    trajectory: list[Box]
    chosen_index: int
    box: Box
    restrictions: list[Restriction]
    base_rate: float
    data_lows: np.ndarray
    data_highs: np.ndarray

    @property
    def chosen(self) -> Box:
        """The box chosen on the peeling trajectory, before pasting."""
        return self.trajectory[self.chosen_index]


def in_box(x: np.ndarray, lows: np.ndarray, highs: np.ndarray) -> np.ndarray:
    """Return the (n,) mask of cases inside the box (bounds inclusive)."""
    return np.all((x >= lows) & (x <= highs), axis=1)


def box_statistics(
    x: np.ndarray, y: np.ndarray, lows: np.ndarray, highs: np.ndarray, total_of_interest: float
) -> Box:
    """Return the :class:`Box` with its coverage, density and support on ``(x, y)``.

    ``total_of_interest`` is the sum of ``y`` that coverage divides by (the
    whole ensemble's, also when covering works on what remains).
    """
    inside = in_box(x, lows, highs)
    count = int(inside.sum())
    caught = float(y[inside].sum())
    density = caught / count if count else 0.0
    coverage = caught / total_of_interest if total_of_interest > 0 else 0.0
    return Box(lows.copy(), highs.copy(), coverage, density, count / len(y), count)


# ---------------------------------------------------------------------------
# The cases a search works on
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Cases:
    """The cases one PRIM search works on: the inputs and outcome, and which rows are in play.

    Covering searches the rows left by earlier boxes: ``active`` marks them,
    and every statistic is a share of them, as if the other rows had been
    cut out of the data.  ``lows`` / ``highs`` are the range of each input
    over all rows: a bound at or beyond it excludes no case, so that only the
    inputs a box cuts into need checking.
    """

    x: np.ndarray
    y: np.ndarray
    active: np.ndarray
    lows: np.ndarray
    highs: np.ndarray
    size: int
    interest: float

    @classmethod
    def of(cls, x: np.ndarray, y: np.ndarray) -> _Cases:
        """All the rows of ``(x, y)``."""
        return cls(x, y, np.ones(len(y), dtype=bool), x.min(axis=0), x.max(axis=0), len(y),
                   float(y.sum()))

    def among(self, active: np.ndarray) -> _Cases:
        """The same data with only the rows ``active`` in play."""
        return replace(self, active=active, size=int(active.sum()),
                       interest=float(self.y[active].sum()))

    @property
    def base_rate(self) -> float:
        """Mean outcome of the rows in play."""
        return float(self.y[self.active].mean())

    def cut_inputs(self, lows: np.ndarray, highs: np.ndarray) -> np.ndarray:
        """Indices of the inputs on which the box's bounds exclude part of the data's range."""
        return np.flatnonzero((lows > self.lows) | (highs < self.highs))

    def misses(self, lows: np.ndarray, highs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The inputs the box cuts into, and the (n, r) mask of cases outside it on each."""
        inputs = self.cut_inputs(lows, highs)
        values = self.x[:, inputs]
        return inputs, (values < lows[inputs]) | (values > highs[inputs])

    def inside(self, lows: np.ndarray, highs: np.ndarray) -> np.ndarray:
        """Mask of the rows in play inside the box (the same as :func:`in_box` on them)."""
        _, outside = self.misses(lows, highs)
        return self.active & ~outside.any(axis=1)

    def box(self, lows: np.ndarray, highs: np.ndarray, inside: np.ndarray) -> Box:
        """The :class:`Box` with bounds ``lows``/``highs`` whose cases are ``inside``."""
        count = int(inside.sum())
        caught = float(self.y[inside].sum())
        density = caught / count if count else 0.0
        coverage = caught / self.interest if self.interest > 0 else 0.0
        return Box(lows.copy(), highs.copy(), coverage, density, count / self.size, count)


# ---------------------------------------------------------------------------
# Peeling
# ---------------------------------------------------------------------------
def _value_above(tally: BoxTally, values: np.ndarray) -> np.ndarray:
    """Lowest value in the box above ``values[j]`` on each input (inf where there is none)."""
    at_or_below, _ = tally.below(tally.order.search(values, "right"))
    found = tally.order.values(tally.nth(np.minimum(at_or_below, tally.count - 1)))
    return np.where(at_or_below < tally.count, found, np.inf)


def _value_below(tally: BoxTally, values: np.ndarray) -> np.ndarray:
    """Highest value in the box below ``values[j]`` on each input (-inf where there is none)."""
    below, _ = tally.below(tally.order.search(values, "left"))
    found = tally.order.values(tally.nth(np.maximum(below - 1, 0)))
    return np.where(below > 0, found, -np.inf)


def _peel_cuts(tally: BoxTally, k: int, total: float) -> tuple[np.ndarray, ...]:
    """Every candidate peel: its new bound, the cases it removes and their outcome sum.

    Each of the three (2d,) arrays lists the low end of every input, then
    the high end.  The low cut is the box's k-th lowest value (0-based),
    moved to the next distinct value when ties at the lowest value would
    make it remove nothing, and removes the cases below it; the high cut
    mirrors it.  A cut of +-inf (the input takes one value in the box)
    removes every case and is never taken.
    """
    m, d, order = tally.count, tally.order.width, tally.order
    lowest = order.values(tally.nth(np.zeros(d, dtype=np.intp)))
    highest = order.values(tally.nth(np.full(d, m - 1)))
    low = order.values(tally.nth(np.full(d, k)))
    high = order.values(tally.nth(np.full(d, m - 1 - k)))
    low = np.where(low > lowest, low, _value_above(tally, lowest))
    high = np.where(high < highest, high, _value_below(tally, highest))
    removed_low, caught_low = tally.below(order.search(low, "left"))
    kept_high, kept_sum_high = tally.below(order.search(high, "right"))
    return (np.concatenate([low, high]),
            np.concatenate([removed_low, m - kept_high]),
            np.concatenate([caught_low, total - kept_sum_high]))


def _best_peel(
    tally: BoxTally, total: float, alpha: float, min_count: int
) -> tuple[int, str, float] | None:
    """Return (input, side, new bound) of the peel leaving the highest mean, or None.

    ``total`` is the outcome sum of the box's cases.  Candidates that leave
    fewer than ``min_count`` cases are not allowed.  Ties on the mean go to
    the peel removing fewer cases, then to the low ends before the high
    ends, then to the first input.
    """
    m = tally.count
    if m < 1:
        return None
    k = min(max(1, math.ceil(alpha * m)), m - 1)
    cuts, removed, caught = _peel_cuts(tally, k, total)
    left = m - removed
    valid = np.isfinite(cuts) & (removed > 0) & (left >= min_count)
    if not valid.any():
        return None
    means = np.where(valid, (total - caught) / np.maximum(left, 1), -np.inf)
    best = int(np.lexsort((np.arange(cuts.size), -left, -means))[0])
    d = tally.order.width
    return best % d, ("low" if best < d else "high"), float(cuts[best])


def _peel(
    order: CaseOrder,
    cases: _Cases,
    lows: np.ndarray,
    highs: np.ndarray,
    alpha: float,
    min_count: int,
    on_step: Callable[[int], None] | None = None,
) -> list[Box]:
    """Peel the box down on the rows in play; ``on_step(steps)`` after each peel."""
    lows, highs = lows.astype(float).copy(), highs.astype(float).copy()
    tally = BoxTally(order, cases.y, cases.inside(lows, highs))
    trajectory = [cases.box(lows, highs, tally.inside)]
    while True:
        total = float(cases.y[tally.inside].sum())
        step = _best_peel(tally, total, alpha, min_count)
        if step is None:
            return trajectory
        j, side, cut = step
        column = cases.x[:, j]
        if side == "low":
            lows[j] = cut
            beyond = column < cut
        else:
            highs[j] = cut
            beyond = column > cut
        tally.remove(np.flatnonzero(tally.inside & beyond))
        trajectory.append(cases.box(lows, highs, tally.inside))
        if on_step is not None:
            on_step(len(trajectory) - 1)


def peel(
    x: np.ndarray,
    y: np.ndarray,
    lows: np.ndarray,
    highs: np.ndarray,
    *,
    alpha: float = 0.05,
    min_count: int = 1,
) -> list[Box]:
    """Peel the box down and return the trajectory of boxes, the starting box first.

    Parameters
    ----------
    x, y
        (n, d) inputs and (n,) outcome (0/1 or a value whose mean is sought high).
    lows, highs
        Starting box (usually the data's range).
    alpha
        Share of the box's cases each peel removes (Friedman and Fisher's alpha).
    min_count
        Fewest cases a box may keep (Friedman and Fisher's minimum support
        beta_0 times the number of cases).
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return _peel(CaseOrder.of(x), _Cases.of(x, y), lows, highs, alpha, min_count)


def _rescaled(box: Box, coverage_factor: float, reference: int) -> Box:
    """Express coverage and support as shares of a larger data set the box was not found in."""
    return Box(box.lows, box.highs, box.coverage * coverage_factor, box.density,
               box.count / reference, box.count)


# ---------------------------------------------------------------------------
# Box choice and pasting
# ---------------------------------------------------------------------------
def choose_box(trajectory: list[Box], min_coverage: float = 0.5) -> int:
    """Index of the densest box whose coverage is at least ``min_coverage``.

    Ties on density go to the larger coverage (the earlier box).  When no box
    reaches ``min_coverage`` the first box (the whole data) is returned.
    """
    candidates = [i for i, box in enumerate(trajectory) if box.coverage >= min_coverage - 1e-12]
    if not candidates:
        return 0
    return max(candidates, key=lambda i: (trajectory[i].density, trajectory[i].coverage, -i))


def _paste_trials(cases: _Cases, box: Box, paste_alpha: float) -> Iterator[Box]:
    """Each box widened by about ``paste_alpha`` of its cases on one side of one input.

    The cases a widening of input ``j`` can add are those outside the box on
    ``j`` alone; the new bound is the ``step``-th nearest of their values
    (all of them when fewer).  Inputs in order, the low side first.
    """
    inputs, outside = cases.misses(box.lows, box.highs)
    misses = outside.sum(axis=1)
    inside = cases.active & (misses == 0)
    alone = cases.active & (misses == 1)
    step = max(1, math.ceil(paste_alpha * box.count))
    for j in inputs:
        column = cases.x[:, j]
        for side, near in (("low", alone & (column < box.lows[j])),
                           ("high", alone & (column > box.highs[j]))):
            values = np.sort(column[near])
            if not values.size:
                continue
            lows, highs = box.lows.copy(), box.highs.copy()
            if side == "low":
                lows[j] = values[::-1][min(step, values.size) - 1]
                added = near & (column >= lows[j])
            else:
                highs[j] = values[min(step, values.size) - 1]
                added = near & (column <= highs[j])
            yield cases.box(lows, highs, inside | added)


def _paste(cases: _Cases, box: Box, paste_alpha: float) -> Box:
    """Widen the box on the rows in play while that raises its density."""
    current = box
    while True:
        best: Box | None = None
        for trial in _paste_trials(cases, current, paste_alpha):
            if best is None or trial.density > best.density:
                best = trial
        if best is None or best.density <= current.density + 1e-12:
            return current
        current = best


def paste(x: np.ndarray, y: np.ndarray, box: Box, *, paste_alpha: float = 0.05) -> Box:
    """Widen the box one slice at a time while that raises its density (bottom-up pasting)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return _paste(_Cases.of(x, y), box, paste_alpha=paste_alpha)


# ---------------------------------------------------------------------------
# Restrictions and quasi-p-values
# ---------------------------------------------------------------------------
def restrictions(
    x: np.ndarray,
    y: np.ndarray,
    box: Box,
    names: tuple[str, ...],
    data_lows: np.ndarray,
    data_highs: np.ndarray,
) -> list[Restriction]:
    """List the inputs the box restricts, in the order of their quasi-p-values.

    The quasi-p-value of an input (Bryant and Lempert 2010, section 3.3) is
    the binomial probability of seeing at least the box's count of cases of
    interest among its cases, if their rate were the density of the box with
    that input's restriction dropped.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return _restrictions(_Cases.of(x, y), box, names, data_lows, data_highs)


def _restrictions(
    cases: _Cases, box: Box, names: tuple[str, ...], data_lows: np.ndarray,
    data_highs: np.ndarray,
) -> list[Restriction]:
    """:func:`restrictions` on the rows in play."""
    y = cases.y[cases.active]
    binary = bool(np.all((y == 0) | (y == 1)))
    inputs, outside = cases.misses(box.lows, box.highs)
    misses = outside.sum(axis=1)
    caught = int(round(float(cases.y[cases.active & (misses == 0)].sum())))
    found = []
    for j, name in enumerate(names):
        low = float(box.lows[j]) if box.lows[j] > data_lows[j] else None
        high = float(box.highs[j]) if box.highs[j] < data_highs[j] else None
        if low is None and high is None:
            continue
        p_value = None
        if binary:
            others = misses - outside[:, inputs == j].sum(axis=1)
            column = cases.x[:, j]
            without = (cases.active & (others == 0) & (column >= data_lows[j])
                       & (column <= data_highs[j]))
            rate = float(cases.y[without].mean()) if without.any() else 0.0
            p_value = float(stats.binom.sf(caught - 1, box.count, rate))
        found.append(Restriction(name, low, high, p_value))
    return sorted(found, key=lambda r: (r.p_value if r.p_value is not None else 1.0))


# ---------------------------------------------------------------------------
# One box, several boxes
# ---------------------------------------------------------------------------
def _check_xy(x: np.ndarray, y: np.ndarray, names: tuple[str, ...]) -> None:
    if x.ndim != 2 or y.ndim != 1 or x.shape[0] != y.shape[0]:
        raise ValueError(f"PRIM needs x of shape (n, d) and y of shape (n,); got {x.shape} "
                         f"and {y.shape}")
    if x.shape[1] != len(names):
        raise ValueError(f"{x.shape[1]} input columns but {len(names)} names")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("PRIM inputs and outcome must be finite numbers")


@dataclass(frozen=True)
class _Settings:
    """PRIM's settings, as :func:`prim_covering` documents them."""

    alpha: float = 0.05
    paste_alpha: float = 0.05
    mass_min: float = 0.05
    min_coverage: float = 0.5
    max_boxes: int = 1
    significance: float = 0.01

    def check(self) -> None:
        """Raise ValueError for a share outside (0, 1)."""
        if not (0 < self.alpha < 1 and 0 < self.paste_alpha < 1 and 0 < self.mass_min < 1):
            raise ValueError("alpha, paste_alpha and mass_min must lie strictly between 0 and 1")

    @property
    def peel_steps(self) -> int:
        """Peels a box takes when each removes ``alpha`` of it, down to ``mass_min``.

        The unit in which progress is counted: peeling a binary input or a
        run of ties removes more at once, so most boxes take fewer.
        """
        return max(1, math.ceil(math.log(self.mass_min) / math.log(1.0 - self.alpha)))


def prim(
    x: np.ndarray,
    y: np.ndarray,
    names: tuple[str, ...] | list[str],
    *,
    alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
    min_coverage: float = 0.5,
) -> PrimResult:
    """Find one PRIM box: peel, choose a box on the trajectory, paste it.

    Parameters
    ----------
    x, y
        (n, d) inputs and (n,) outcome of interest (0/1, or a value sought high).
    names
        Name of each input column.
    alpha, paste_alpha
        Peeling and pasting slice sizes (Friedman and Fisher 1999 suggest 0.05-0.1).
    mass_min
        Smallest support of a box on the trajectory.
    min_coverage
        Box choice rule: the densest box with at least this coverage.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    names = tuple(names)
    _check_xy(x, y, names)
    settings = _Settings(alpha, paste_alpha, mass_min, min_coverage)
    settings.check()
    return _prim_on(CaseOrder.of(x), _Cases.of(x, y), names, settings, len(y))


def _prim_on(
    order: CaseOrder,
    cases: _Cases,
    names: tuple[str, ...],
    settings: _Settings,
    reference_count: int,
    on_step: Callable[[int], None] | None = None,
) -> PrimResult:
    """Peel, choose and paste on the rows in play; statistics are shares of them.

    The starting box and the restrictions are judged against the range of
    all rows; ``mass_min`` is a share of ``reference_count`` rows.
    """
    min_count = max(1, math.ceil(settings.mass_min * reference_count))
    trajectory = _peel(order, cases, cases.lows, cases.highs, settings.alpha, min_count,
                       on_step)
    chosen = choose_box(trajectory, settings.min_coverage)
    box = _paste(cases, trajectory[chosen], settings.paste_alpha)
    found = _restrictions(cases, box, names, cases.lows, cases.highs)
    return PrimResult(names, trajectory, chosen, box, found, cases.base_rate, cases.lows,
                      cases.highs)


def _as_share_of_all(found: PrimResult, coverage_factor: float, reference: int) -> PrimResult:
    """Restate a box found on the cases left by covering as shares of the whole data."""
    return PrimResult(
        found.names,
        [_rescaled(box, coverage_factor, reference) for box in found.trajectory],
        found.chosen_index,
        _rescaled(found.box, coverage_factor, reference),
        found.restrictions,
        found.base_rate,
        found.data_lows,
        found.data_highs,
    )


def prim_covering(
    x: np.ndarray,
    y: np.ndarray,
    names: tuple[str, ...] | list[str],
    *,
    max_boxes: int = 3,
    alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
    min_coverage: float = 0.5,
    significance: float = 0.01,
    progress: Callable[[int, int], None] | None = None,
) -> list[PrimResult]:
    """Find up to ``max_boxes`` boxes by covering: remove each box's cases and search again.

    Each later box is found, chosen and pasted on the cases left (so its
    ``min_coverage`` applies to the cases of interest still uncovered, and
    ``mass_min`` to the whole data), then reported with coverage and support
    as shares of the whole data, so that the boxes' coverages add up;
    density and ``base_rate`` are measured on the cases that were left.  The
    search stops early when a box restricts nothing, no case of interest
    remains, or the box is not denser than the rate among the cases left: for
    a 0/1 outcome, when a one-sided binomial test of its count of cases of
    interest against that rate gives a p-value above ``significance`` (an
    optimistic test, as the box was fitted to the same cases, hence the
    strict default of 1%).

    ``progress(done, total)`` is called as the peeling advances, counting
    peels up to a budget per box (see :func:`discover`).
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    names = tuple(names)
    _check_xy(x, y, names)
    settings = _Settings(alpha, paste_alpha, mass_min, min_coverage, max_boxes, significance)
    total = settings.max_boxes * settings.peel_steps
    report = progress or _silent
    return _covering(CaseOrder.of(x), _Cases.of(x, y), names, settings,
                     lambda done: report(done, total))


def _covering(
    order: CaseOrder,
    cases: _Cases,
    names: tuple[str, ...],
    settings: _Settings,
    progress: Callable[[int], None],
) -> list[PrimResult]:
    """:func:`prim_covering` on sorted inputs; ``progress(done)`` counts peels."""
    settings.check()
    budget = settings.peel_steps
    remaining = np.ones(cases.size, dtype=bool)
    boxes: list[PrimResult] = []
    while (len(boxes) < settings.max_boxes and remaining.sum() > 1
           and cases.y[remaining].sum() > 0):
        found = _prim_on(order, cases.among(remaining), names, settings, cases.size,
                         _offset_progress(progress, len(boxes) * budget, budget))
        if not found.restrictions or not _beats_base_rate(found, settings.significance):
            break
        boxes.append(_as_share_of_all(found, cases.among(remaining).interest / cases.interest,
                                      cases.size))
        remaining &= ~cases.inside(found.box.lows, found.box.highs)
        progress(len(boxes) * budget)
    progress(settings.max_boxes * budget)
    return boxes


def _silent(done: int, total: int) -> None:
    """A progress callback that reports nothing."""


def _beats_base_rate(found: PrimResult, significance: float) -> bool:
    """True when the box is denser than the base rate (significantly so for a 0/1 outcome)."""
    box = found.box
    if box.density <= found.base_rate + 1e-12:
        return False
    caught = box.density * box.count
    if abs(caught - round(caught)) > 1e-9:
        return True
    p_value = stats.binom.sf(round(caught) - 1, box.count, found.base_rate)
    return bool(p_value <= significance)


# ---------------------------------------------------------------------------
# Feature importance
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Importance:
    """How much knowing one input tells about the outcome.

    ``information`` is the mutual information in bits between the input
    (in quantile bins) and the outcome, bias-corrected and floored at zero;
    ``rates`` the outcome's rate in each bin from low to high values;
    ``spread`` the highest minus the lowest of those rates.
    """

    name: str
    information: float
    rates: tuple[float, ...]
    spread: float


_FEW_VALUES_SAMPLE = 1000
"""Rows looked at to rule out that an input has at most ``bins`` distinct values."""

_ROWS_AT_ONCE = 8192
"""Rows binned at a time by the importance ranking."""


def _quantile_edges(order: CaseOrder, bins: int) -> np.ndarray:
    """(bins - 1, d) inner quantiles of every input, as ``np.quantile`` gives them.

    ``np.quantile``'s default ("linear") interpolates between the order
    statistics around the place ``(n - 1) q``; here they are read off the
    sorted inputs, and the interpolation is left to ``np.quantile`` itself on
    the pair, at the same fraction, so that each edge is the same number.
    """
    n = order.size
    places = (n - 1) * np.linspace(0, 1, bins + 1)[1:-1]
    below = np.floor(places)
    fractions = places - below
    lower = below.astype(np.intp)
    upper = np.minimum(lower + 1, n - 1)
    edges = np.empty((places.size, order.width))
    for i in range(places.size):
        pair = np.stack([order.values(np.full(order.width, lower[i])),
                         order.values(np.full(order.width, upper[i]))])
        edges[i] = np.quantile(pair, fractions[i], axis=0)
    return edges


def _may_have_few_values(x: np.ndarray, bins: int) -> np.ndarray:
    """(d,) False for the inputs already showing more than ``bins`` values in their first rows."""
    sample = np.sort(x[:_FEW_VALUES_SAMPLE], axis=0)
    return 1 + (np.diff(sample, axis=0) != 0).sum(axis=0) <= bins


def _bin_codes(order: CaseOrder, bins: int) -> np.ndarray:
    """(n, d) quantile bin of every value (its rank among the input's values when it has few).

    An input with at most ``bins`` distinct values is coded by its values;
    any other by the number of its distinct quantile edges at or below each
    value (``np.searchsorted(np.unique(edges), value, side="right")``).
    """
    x = order.x
    edges = _quantile_edges(order, bins)
    for i in range(1, edges.shape[0]):
        repeated = (edges[:i] == edges[i]).any(axis=0)
        edges[i] = np.where(repeated, np.inf, edges[i])
    codes = np.zeros(x.shape, dtype=np.int8)
    for edge in edges:
        codes += x >= edge
    for j in np.flatnonzero(_may_have_few_values(x, bins)):
        distinct = np.unique(x[:, j])
        if distinct.size <= bins:
            codes[:, j] = np.searchsorted(distinct, x[:, j])
    return codes


def _bin_tallies(
    codes: np.ndarray, y: np.ndarray, y_codes: np.ndarray, bins: int, levels: int
) -> tuple[np.ndarray, np.ndarray]:
    """(d, bins, levels) counts of each bin and outcome value, and (d, bins) outcome sums.

    Rows are counted a block at a time so that the temporary arrays stay small.
    """
    n, d = codes.shape
    counts, sums = np.zeros(d * bins * levels, dtype=np.int64), np.zeros(d * bins)
    first_cell = np.arange(d) * bins
    for start in range(0, n, _ROWS_AT_ONCE):
        rows = slice(start, start + _ROWS_AT_ONCE)
        cells = first_cell + codes[rows]
        counts += np.bincount((cells * levels + y_codes[rows, None]).ravel(),
                              minlength=counts.size)
        scoring = y[rows] != 0
        sums += np.bincount(cells[scoring].ravel(), weights=np.repeat(y[rows][scoring], d),
                            minlength=sums.size)
    return counts.reshape(d, bins, levels), sums.reshape(d, bins)


def _information(counts: np.ndarray, n: int) -> float:
    """Miller-Madow corrected mutual information of a (B, C) table of counts, B x C occupied."""
    joint = counts.astype(float)
    joint /= n
    px, py = joint.sum(axis=1, keepdims=True), joint.sum(axis=0, keepdims=True)
    nonzero = joint > 0
    plug_in = float(np.sum(joint[nonzero] * np.log2(joint[nonzero] / (px @ py)[nonzero])))
    bias = (joint.shape[0] - 1) * (joint.shape[1] - 1) / (2.0 * n * math.log(2.0))
    return max(0.0, plug_in - bias)


def mutual_information(codes: np.ndarray, y: np.ndarray) -> float:
    """Mutual information in bits between two discrete codes, Miller-Madow corrected.

    The plug-in estimate is biased upward by about (B-1)(C-1) / (2 n ln 2)
    bits for B x C occupied cells (Miller 1955; Paninski 2003, eq. 3); the
    correction is subtracted and the result floored at zero, so that an
    input unrelated to the outcome scores about zero whatever its bins.
    """
    _, x_codes = np.unique(codes, return_inverse=True)
    _, y_codes = np.unique(y, return_inverse=True)
    counts = np.zeros((x_codes.max() + 1, y_codes.max() + 1))
    np.add.at(counts, (x_codes, y_codes), 1.0)
    return _information(counts, len(y))


def _ranked_input(name: str, counts: np.ndarray, sums: np.ndarray, n: int) -> Importance:
    """The :class:`Importance` of one input from its (bins, levels) counts and (bins,) sums."""
    per_bin = counts.sum(axis=1)
    occupied = per_bin > 0
    rates = tuple(float(rate) for rate in sums[occupied] / per_bin[occupied])
    information = _information(counts[occupied], n) if counts.shape[1] > 1 else 0.0
    return Importance(name, information, rates, max(rates) - min(rates))


def feature_importance(
    x: np.ndarray, y: np.ndarray, names: tuple[str, ...] | list[str], *, bins: int = 5
) -> list[Importance]:
    """Rank the inputs by the mutual information between each (binned) input and the outcome.

    Mutual information needs no model of how the input acts (monotone or
    not, alone or in interaction through its margin), treats a 0/1 shock
    indicator and a continuous parameter alike, and is in bits whatever the
    input's scale.  The per-bin rates show the direction of the effect.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    names = tuple(names)
    _check_xy(x, y, names)
    return _importance(CaseOrder.of(x), y, names, bins)


def _importance(order: CaseOrder, y: np.ndarray, names: tuple[str, ...],
                bins: int) -> list[Importance]:
    """:func:`feature_importance` on sorted inputs (the quantiles are read off the orders)."""
    levels, y_codes = np.unique(y, return_inverse=True)
    counts, sums = _bin_tallies(_bin_codes(order, bins), y, y_codes, bins, levels.size)
    ranked = [_ranked_input(name, counts[j], sums[j], len(y)) for j, name in enumerate(names)]
    return sorted(ranked, key=lambda item: (-item.information, -item.spread, item.name))


# ---------------------------------------------------------------------------
# Discovery on an ensemble
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class DiscoveryInputs:
    """The inputs PRIM searches over: sampled parameters, shock indicators, firing times."""

    x: np.ndarray
    names: tuple[str, ...]
    horizon_years: float


def _years_between(start: np.datetime64, end: np.ndarray) -> np.ndarray:
    return (end - start).astype(float) / 365.25


def discovery_inputs(result: EnsembleLike, step: int | None = None) -> DiscoveryInputs:
    """Collect the inputs of every draw: uncertain parameters and game-changer timing.

    For each shock two inputs are added: ``fired:<id>`` (1 if it fired by
    the step) and ``fired_year:<id>`` (years from the first date to its
    first firing; a shock that did not fire gets one step past the last date,
    so that early firing is low and never firing is high).  Parameters that
    take a single value in every draw carry no information and are left out.
    """
    dates = as_dates(result.dates)
    last = len(dates) - 1 if step is None else step
    columns, names = [], []
    for name in sorted(result.parameters):
        column = np.asarray(result.parameters[name], dtype=float)
        if column.size and np.ptp(column) > 0:
            columns.append(column)
            names.append(name)
    step_years = _years_between(dates[0], dates[1:2])[0] if len(dates) > 1 else 1.0
    horizon = float(_years_between(dates[0], dates[last:last + 1])[0])
    times = _years_between(dates[0], dates[: last + 1])
    for shock_id in sorted(result.shock_fired):
        fired = np.asarray(result.shock_fired[shock_id])[:, : last + 1].astype(bool)
        ever = fired.any(axis=1)
        first = np.where(ever, times[np.argmax(fired, axis=1)], horizon + step_years)
        columns.extend([ever.astype(float), first])
        names.extend([f"fired:{shock_id}", f"fired_year:{shock_id}"])
    if not columns:
        raise OutcomeError("the ensemble has no uncertain inputs to search over: give some "
                           "numbers a range or declare game changers")
    return DiscoveryInputs(np.column_stack(columns), tuple(names), horizon)


@dataclass(frozen=True)
class Discovery:
    """What PRIM and the importance ranking found for one outcome of one ensemble."""

    outcome: Outcome
    threshold: float | None
    base_rate: float
    boxes: list[PrimResult]
    importance: list[Importance]
    inputs: tuple[str, ...]
    scenario_id: str
    seed: int
    draws: int
    model: str
    settings: dict[str, float] = field(default_factory=dict)


def outcome_of_interest(
    result: EnsembleLike, outcome: Outcome, threshold: float | None = None, above: bool = True
) -> np.ndarray:
    """Return the 0/1 case-of-interest indicator: the outcome itself, or it crossing a threshold."""
    raw = value(result, outcome)
    if outcome.binary and threshold is None:
        return raw
    if threshold is None:
        raise OutcomeError(f"outcome '{outcome.label}' is not yes/no: give a threshold "
                           "that marks the cases of interest")
    return (raw > threshold).astype(float) if above else (raw < threshold).astype(float)


def discover(
    result: EnsembleLike,
    outcome: Outcome,
    *,
    threshold: float | None = None,
    above: bool = True,
    max_boxes: int = 3,
    alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
    min_coverage: float = 0.5,
    significance: float = 0.01,
    bins: int = 5,
    progress: Callable[[int, int], None] | None = None,
) -> Discovery:
    """Run PRIM (with covering) and the importance ranking for one outcome of an ensemble.

    A binary outcome (rupture, fired) is used as is; a settlement or
    cohesion outcome needs ``threshold`` (cases of interest: above it, or
    below it with ``above=False``).

    ``progress(done, total)`` is called as the search advances: each box
    counts for as many units as peels it would take if each removed
    ``alpha`` of it down to ``mass_min`` (59 at the defaults; a box peeled on
    a 0/1 input gets there in fewer, and the count jumps to the box's end),
    and the importance ranking for one more unit.
    """
    y = outcome_of_interest(result, outcome, threshold, above)
    inputs = discovery_inputs(result, step_index(result.dates, outcome.at))
    _check_xy(inputs.x, y, inputs.names)
    chosen = _Settings(alpha, paste_alpha, mass_min, min_coverage, max_boxes, significance)
    total = max_boxes * chosen.peel_steps + 1
    report = progress or _silent
    report(0, total)
    order = CaseOrder.of(inputs.x)
    if y.min() == y.max():
        warnings.warn(f"'{outcome.label}' takes one value in every draw; there is nothing "
                      "to discover", RuntimeWarning, stacklevel=2)
        boxes: list[PrimResult] = []
    else:
        boxes = _covering(order, _Cases.of(inputs.x, y), inputs.names, chosen,
                          lambda done: report(done, total))
    report(total - 1, total)
    importance = _importance(order, y, inputs.names, bins)
    report(total, total)
    settings = {"alpha": alpha, "paste_alpha": paste_alpha, "mass_min": mass_min,
                "min_coverage": min_coverage, "max_boxes": max_boxes, "bins": bins,
                "significance": significance}
    return Discovery(outcome, threshold, float(y.mean()), boxes, importance, inputs.names,
                     result.scenario_id, int(result.seed), int(result.draws), str(result.model),
                     settings)


def _offset_progress(progress: Callable[[int], None], start: int,
                     budget: int) -> Callable[[int], None]:
    """Report a box's peels as ``start`` plus at most ``budget`` steps of the whole search."""

    def report(steps: int) -> None:
        progress(start + min(steps, budget))

    return report

