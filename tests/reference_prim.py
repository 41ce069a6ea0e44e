"""PRIM as first written: each peel re-sorts and re-masks every case in the box.

A plain reference for :mod:`realpolitik.analysis.discovery`, kept outside the
package: the benchmark (``benchmarks/bench_prim.py``) times it against the
package's PRIM, and the tests check that both find the same boxes, to the
last digit, on the same data.  Every candidate peel sorts the box's cases on
every input and masks them again; pasting checks every input against every
other one; the importance ranking sorts each input twice.  Same algorithm,
same results, slower bookkeeping.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from realpolitik.analysis.discovery import (
    Box,
    Importance,
    PrimResult,
    Restriction,
    box_statistics,
    choose_box,
    in_box,
)


def _rescaled(box: Box, coverage_factor: float, reference: int) -> Box:
    """Express coverage and support as shares of a larger data set the box was not found in."""
    return Box(box.lows, box.highs, box.coverage * coverage_factor, box.density,
               box.count / reference, box.count)


def _check_xy(x: np.ndarray, y: np.ndarray, names: tuple[str, ...]) -> None:
    if x.ndim != 2 or y.ndim != 1 or x.shape[0] != y.shape[0]:
        raise ValueError(f"PRIM needs x of shape (n, d) and y of shape (n,); got {x.shape} "
                         f"and {y.shape}")
    if x.shape[1] != len(names):
        raise ValueError(f"{x.shape[1]} input columns but {len(names)} names")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("PRIM inputs and outcome must be finite numbers")


def _peel_thresholds(sorted_x: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """New lower and upper bounds that cut about ``alpha`` of the cases off each end.

    When ties at an end would make the cut remove nothing, the cut moves to
    the next distinct value, so that every end value is removed as a whole.
    """
    m = sorted_x.shape[0]
    k = min(max(1, math.ceil(alpha * m)), m - 1)
    low_cut, high_cut = sorted_x[k].copy(), sorted_x[m - 1 - k].copy()
    minimum, maximum = sorted_x[0], sorted_x[-1]
    above_min = np.where(sorted_x > minimum, sorted_x, np.inf).min(axis=0)
    below_max = np.where(sorted_x < maximum, sorted_x, -np.inf).max(axis=0)
    low_cut = np.where(low_cut > minimum, low_cut, above_min)
    high_cut = np.where(high_cut < maximum, high_cut, below_max)
    return low_cut, high_cut


def _best_peel(
    x: np.ndarray, y: np.ndarray, alpha: float, min_count: int
) -> tuple[int, str, float] | None:
    """Return (input, side, new bound) of the peel leaving the highest mean, or None.

    Candidates that leave fewer than ``min_count`` cases are not allowed.
    Ties on the mean go to the peel removing fewer cases, then the first input.
    """
    m = x.shape[0]
    low_cut, high_cut = _peel_thresholds(np.sort(x, axis=0), alpha)
    total = y.sum()
    best: tuple[float, int, int, str, float] | None = None
    for side, cut, removed in (("low", low_cut, x < low_cut),
                               ("high", high_cut, x > high_cut)):
        removed_count = removed.sum(axis=0)
        left = m - removed_count
        valid = np.isfinite(cut) & (removed_count > 0) & (left >= min_count)
        if not valid.any():
            continue
        means = np.where(valid, (total - y @ removed) / np.maximum(left, 1), -np.inf)
        for j in np.flatnonzero(valid):
            key = (means[j], int(left[j]))
            if best is None or key > (best[0], best[1]):
                best = (float(means[j]), int(left[j]), int(j), side, float(cut[j]))
    if best is None:
        return None
    return best[2], best[3], best[4]


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
    total = float(y.sum())
    lows, highs = lows.astype(float).copy(), highs.astype(float).copy()
    trajectory = [box_statistics(x, y, lows, highs, total)]
    inside = in_box(x, lows, highs)
    while True:
        step = _best_peel(x[inside], y[inside], alpha, min_count)
        if step is None:
            return trajectory
        j, side, cut = step
        if side == "low":
            lows[j] = cut
        else:
            highs[j] = cut
        inside = in_box(x, lows, highs)
        trajectory.append(box_statistics(x, y, lows, highs, total))


def _paste_candidates(
    x: np.ndarray, lows: np.ndarray, highs: np.ndarray, paste_alpha: float, box_count: int
):
    """Yield (input, side, new bound) widening the box by about ``paste_alpha`` of its cases."""
    step = max(1, math.ceil(paste_alpha * box_count))
    d = x.shape[1]
    for j in range(d):
        others = np.ones(d, dtype=bool)
        others[j] = False
        within = np.all((x[:, others] >= lows[others]) & (x[:, others] <= highs[others]), axis=1)
        column = x[within, j]
        below = np.sort(column[column < lows[j]])[::-1]
        above = np.sort(column[column > highs[j]])
        if below.size:
            yield j, "low", float(below[min(step, below.size) - 1])
        if above.size:
            yield j, "high", float(above[min(step, above.size) - 1])


def paste(x: np.ndarray, y: np.ndarray, box: Box, *, paste_alpha: float = 0.05) -> Box:
    """Widen the box one slice at a time while that raises its density (bottom-up pasting)."""
    total = float(y.sum())
    current = box
    while True:
        best: Box | None = None
        for j, side, bound in _paste_candidates(x, current.lows, current.highs, paste_alpha,
                                                current.count):
            lows, highs = current.lows.copy(), current.highs.copy()
            if side == "low":
                lows[j] = bound
            else:
                highs[j] = bound
            trial = box_statistics(x, y, lows, highs, total)
            if best is None or trial.density > best.density:
                best = trial
        if best is None or best.density <= current.density + 1e-12:
            return current
        current = best


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
    binary = bool(np.all((y == 0) | (y == 1)))
    found = []
    for j, name in enumerate(names):
        low = float(box.lows[j]) if box.lows[j] > data_lows[j] else None
        high = float(box.highs[j]) if box.highs[j] < data_highs[j] else None
        if low is None and high is None:
            continue
        p_value = _quasi_p_value(x, y, box, j, data_lows, data_highs) if binary else None
        found.append(Restriction(name, low, high, p_value))
    return sorted(found, key=lambda r: (r.p_value if r.p_value is not None else 1.0))


def _quasi_p_value(
    x: np.ndarray, y: np.ndarray, box: Box, j: int, data_lows: np.ndarray, data_highs: np.ndarray
) -> float:
    lows, highs = box.lows.copy(), box.highs.copy()
    lows[j], highs[j] = data_lows[j], data_highs[j]
    without = in_box(x, lows, highs)
    rate = float(y[without].mean()) if without.any() else 0.0
    caught = int(round(float(y[in_box(x, box.lows, box.highs)].sum())))
    return float(stats.binom.sf(caught - 1, box.count, rate))


def _prim_on(
    x: np.ndarray,
    y: np.ndarray,
    names: tuple[str, ...],
    *,
    alpha: float,
    paste_alpha: float,
    mass_min: float,
    min_coverage: float,
    data_lows: np.ndarray | None = None,
    data_highs: np.ndarray | None = None,
    reference_count: int | None = None,
) -> PrimResult:
    """Peel, choose and paste on ``(x, y)``; statistics are shares of this data."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    _check_xy(x, y, names)
    if not 0 < alpha < 1 or not 0 < paste_alpha < 1 or not 0 < mass_min < 1:
        raise ValueError("alpha, paste_alpha and mass_min must lie strictly between 0 and 1")
    data_lows = x.min(axis=0) if data_lows is None else data_lows
    data_highs = x.max(axis=0) if data_highs is None else data_highs
    reference = len(y) if reference_count is None else reference_count
    min_count = max(1, math.ceil(mass_min * reference))
    trajectory = peel(x, y, data_lows, data_highs, alpha=alpha, min_count=min_count)
    chosen = choose_box(trajectory, min_coverage)
    box = paste(x, y, trajectory[chosen], paste_alpha=paste_alpha)
    found = restrictions(x, y, box, names, data_lows, data_highs)
    return PrimResult(names, trajectory, chosen, box, found, float(y.mean()), data_lows,
                      data_highs)


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
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    names = tuple(names)
    _check_xy(x, y, names)
    data_lows, data_highs = x.min(axis=0), x.max(axis=0)
    total, reference = float(y.sum()), len(y)
    remaining = np.ones(len(y), dtype=bool)
    boxes: list[PrimResult] = []
    while len(boxes) < max_boxes and remaining.sum() > 1 and y[remaining].sum() > 0:
        found = _prim_on(x[remaining], y[remaining], names, alpha=alpha,
                         paste_alpha=paste_alpha, mass_min=mass_min, min_coverage=min_coverage,
                         data_lows=data_lows, data_highs=data_highs, reference_count=reference)
        if not found.restrictions or not _beats_base_rate(found, significance):
            break
        boxes.append(_as_share_of_all(found, float(y[remaining].sum()) / total, reference))
        remaining &= ~in_box(x, found.box.lows, found.box.highs)
    return boxes


def _bin_codes(column: np.ndarray, bins: int) -> np.ndarray:
    """Code each value by its quantile bin (by its value when it has at most ``bins`` values)."""
    distinct = np.unique(column)
    if distinct.size <= bins:
        return np.searchsorted(distinct, column)
    edges = np.unique(np.quantile(column, np.linspace(0, 1, bins + 1)[1:-1]))
    return np.searchsorted(edges, column, side="right")


def mutual_information(codes: np.ndarray, y: np.ndarray) -> float:
    """Mutual information in bits between two discrete codes, Miller-Madow corrected.

    The plug-in estimate is biased upward by about (B-1)(C-1) / (2 n ln 2)
    bits for B x C occupied cells (Miller 1955; Paninski 2003, eq. 3); the
    correction is subtracted and the result floored at zero, so that an
    input unrelated to the outcome scores about zero whatever its bins.
    """
    n = len(y)
    _, x_codes = np.unique(codes, return_inverse=True)
    _, y_codes = np.unique(y, return_inverse=True)
    joint = np.zeros((x_codes.max() + 1, y_codes.max() + 1))
    np.add.at(joint, (x_codes, y_codes), 1.0)
    joint /= n
    px, py = joint.sum(axis=1, keepdims=True), joint.sum(axis=0, keepdims=True)
    nonzero = joint > 0
    plug_in = float(np.sum(joint[nonzero] * np.log2(joint[nonzero] / (px @ py)[nonzero])))
    bias = (joint.shape[0] - 1) * (joint.shape[1] - 1) / (2.0 * n * math.log(2.0))
    return max(0.0, plug_in - bias)


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
    ranked = []
    for j, name in enumerate(names):
        codes = _bin_codes(x[:, j], bins)
        rates = tuple(float(y[codes == code].mean()) for code in np.unique(codes))
        information = mutual_information(codes, y) if np.unique(y).size > 1 else 0.0
        ranked.append(Importance(name, information, rates, max(rates) - min(rates)))
    return sorted(ranked, key=lambda item: (-item.information, -item.spread, item.name))


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
    """Find one PRIM box: peel, choose a box on the trajectory, paste it."""
    return _prim_on(x, y, tuple(names), alpha=alpha, paste_alpha=paste_alpha,
                    mass_min=mass_min, min_coverage=min_coverage)
