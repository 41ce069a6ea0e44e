"""Compiled rounds of the Expected Utility Model, one issue at a time.

The rounds of the model stated in :mod:`realpolitik.models.eum` (Scholz,
Calbert and Smith 2011; every step, constant and reading is stated there and
in ``docs/model.md``), written as plain loops over the actors of one issue and
compiled with Numba. Nothing of size (N, N, N) is built: each quantity lives
in a register or a small reused (N, N) buffer, and the loops skip what the
round cannot use:

* a challenger ``i`` makes ``j`` an offer only if ``E_ij > E_ji`` as ``j``
  sees them. With ``Q = 1`` both values are computed as ``net - a stake``
  from the same ``net = U_s - U_sq`` and ``stake = U_s - U_f`` (the
  receiver's exponent, the same distance) with ``a = s_j (1 - P_ij)`` and
  ``a = s_i (1 - P_ji)``; rounding is monotone, so ``E_ij > E_ji`` can hold
  only if the first ``a`` is the smaller. Pairs where it is not are skipped
  before any power is taken: the same offers, at half the cost; so are
  pairs whose ``s_j (1 - P_ij)`` exceeds :data:`CERTAIN_LOSS` (``E_ij <= 0``);
* actors that hold the same position see the same vote shares, so shares
  are computed once per pair of distinct positions;
* a power ``b ** r`` is taken as ``exp(r log b)``, the logarithms kept per
  pair of positions for the round (they agree with the C library's power to
  a few units in the last place).

Every function here is pure and works on arrays it is handed; nothing is
printed or kept between calls. The functions are compiled on first use and
cached on disk (Numba's ``cache=True``), so later processes load them.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from realpolitik.models.eum import SAME_POSITION
from realpolitik.models.median import TIE_TOLERANCE

CERTAIN_LOSS = 0.75
"""With ``Q = 1``, ``E_ij > 0`` needs ``s_j (1 - P_ij)`` below
``(0.5**r - (0.5 - d/2)**r) / ((0.5 + d/2)**r - (0.5 - d/2)**r)``, which is at
most ``0.5**0.5 = 0.707`` for ``r`` in [0.5, 2]; above this bound no offer is
possible, by a margin far wider than rounding."""


@njit(cache=True, nogil=True)
def weighted_median(x: np.ndarray, w: np.ndarray, order: np.ndarray) -> float:
    """Median voter position with the tie rule of :mod:`realpolitik.models.median`.

    Sorts ``x`` stably (insertion sort into ``order``), accumulates the weights
    in that order and returns the midpoint of the lower median (first with
    cumulative weight ``>= W/2``) and the upper one (first ``> W/2``), judged
    with a relative tolerance of ``1e-12 W``.
    """
    n = x.shape[0]
    for a in range(n):
        order[a] = a
    for a in range(1, n):
        item = order[a]
        b = a - 1
        while b >= 0 and x[order[b]] > x[item]:
            order[b + 1] = order[b]
            b -= 1
        order[b + 1] = item
    total = 0.0
    for a in range(n):
        total += w[order[a]]
    half = 0.5 * total
    slack = TIE_TOLERANCE * total
    lower = -1
    upper = -1
    running = 0.0
    for a in range(n):
        running += w[order[a]]
        if lower < 0 and running >= half - slack:
            lower = order[a]
        if upper < 0 and running > half + slack:
            upper = order[a]
    if lower < 0:
        lower = order[0]
    if upper < 0:
        upper = order[0]
    return 0.5 * (x[lower] + x[upper])


@njit(cache=True, nogil=True)
def _groups(x: np.ndarray, active: np.ndarray, group: np.ndarray, first: np.ndarray) -> int:
    """Label active actors by distinct position; returns the number of groups.

    ``group[i]`` is the label of actor ``i`` (-1 if inactive) and
    ``first[g]`` the first actor holding position ``g``.
    """
    n = x.shape[0]
    count = 0
    for i in range(n):
        group[i] = -1
        if not active[i]:
            continue
        for g in range(count):
            if x[first[g]] == x[i]:
                group[i] = g
                break
        if group[i] < 0:
            first[count] = i
            group[i] = count
            count += 1
    return count


@njit(cache=True, nogil=True)
def vote_shares(
    x: np.ndarray,
    w: np.ndarray,
    power: np.ndarray,
    scale: float,
    risk: bool,
    share_all: bool,
    group: np.ndarray,
    first: np.ndarray,
    count: int,
    reach: np.ndarray,
    favour: np.ndarray,
    total: np.ndarray,
    prob: np.ndarray,
    sums: np.ndarray,
) -> None:
    """Success probabilities ``prob[i, j]`` of every active pair (step 1 of the model).

    ``reach[k, g]`` receives voter ``k``'s distance to the position of group
    ``g`` (range-scaled and raised to ``power[k]`` when ``risk``). Votes are
    ``w_k (dist[k, j] - dist[k, i])``; ``favour[a, b]`` sums the positive ones
    and ``total[a, b]`` their absolute values, once per pair of distinct
    positions (groups ``a``, ``b``; both directions in one pass; ``sums`` is
    a (3, N) buffer). With ``share_all`` the normaliser is the sum of
    ``total`` over every ordered pair of active actors. Where the normaliser
    is zero the probability is 0.5.
    """
    n = x.shape[0]
    for g in range(count):
        position = x[first[g]]
        for k in range(n):
            gap = abs(x[k] - position)
            reach[k, g] = (gap / scale) ** power[k] if risk and w[k] != 0.0 else gap
    for a in range(count):
        favour[a, a] = 0.0
        total[a, a] = 0.0
        _votes_against(a, count, n, w, reach, sums[0], sums[1], sums[2])
        for b in range(a + 1, count):
            favour[a, b] = sums[0, b]
            favour[b, a] = sums[1, b]
            total[a, b] = sums[2, b]
            total[b, a] = sums[2, b]
    everything = 0.0
    if share_all:
        for i in range(n):
            if group[i] < 0:
                continue
            for j in range(n):
                if group[j] >= 0:
                    everything += total[group[i], group[j]]
    for i in range(n):
        if group[i] < 0:
            continue
        for j in range(n):
            if group[j] < 0:
                continue
            norm = everything if share_all else total[group[i], group[j]]
            prob[i, j] = favour[group[i], group[j]] / norm if norm > 0.0 else 0.5


@njit(cache=True, nogil=True, error_model="numpy")
def _votes_against(a: int, count: int, n: int, w: np.ndarray, reach: np.ndarray,
                   forward: np.ndarray, backward: np.ndarray, size: np.ndarray) -> None:
    """Votes for and against group ``a`` in its contest with each later group ``b``.

    With ``vote = w_k (reach[k, b] - reach[k, a])``, ``forward[b]`` sums
    ``max(vote, 0)``, ``backward[b]`` ``max(-vote, 0)`` and ``size[b]``
    ``|vote|``, voter ``k`` ascending. The innermost loop runs over ``b``
    (each ``b`` keeps its own sums, added in the same order as one pair at a
    time would add them, so the bits are the same) with unsigned bounds, so
    that the compiler vectorises it.
    """
    start, stop = np.uint64(a + 1), np.uint64(count)
    for b in range(start, stop):
        forward[b] = 0.0
        backward[b] = 0.0
        size[b] = 0.0
    for k in range(n):
        wk = w[k]
        here = reach[k, a]
        for b in range(start, stop):
            vote = wk * (reach[k, b] - here)
            forward[b] += max(vote, 0.0)
            backward[b] += max(-vote, 0.0)
            size[b] += abs(vote)


@njit(cache=True, nogil=True)
def _changed_status_quo(spread: float, r: float, q: float, t: float) -> float:
    """``(1 - Q) (T U_b + (1 - T) U_w)`` with ``spread = (m + d) / 4``."""
    better = 2.0 - 4.0 * (0.5 - spread) ** r
    worse = 2.0 - 4.0 * (0.5 + spread) ** r
    return (1.0 - q) * (t * better + (1.0 - t) * worse)


@njit(cache=True, nogil=True)
def distances(x: np.ndarray, active: np.ndarray, scale: float, dist: np.ndarray) -> None:
    """Range-scaled distances ``min(|x_i - x_j| / range, 1)`` between active actors."""
    n = x.shape[0]
    for i in range(n):
        dist[i, i] = 0.0
        if not active[i]:
            continue
        for j in range(i + 1, n):
            if active[j]:
                d = min(abs(x[i] - x[j]) / scale, 1.0)
                dist[i, j] = d
                dist[j, i] = d


@njit(cache=True, nogil=True)
def risk_exponents(
    s: np.ndarray,
    active: np.ndarray,
    prob: np.ndarray,
    dist: np.ndarray,
    to_median: np.ndarray,
    q: float,
    t: float,
    danger: np.ndarray,
    r: np.ndarray,
) -> None:
    """Risk exponents ``r_j`` from the danger ``S_j = sum_i E_ij`` with every ``r = 1`` (step 4).

    ``R_j = (2 S_j - S_max - S_min) / (S_max - S_min)`` over the active
    actors, clipped to [-1, 1] (0 where all dangers are equal or the actor is
    inactive), and ``r_j = (1 - R_j / 3) / (1 + R_j / 3)``.
    """
    n = s.shape[0]
    high = -np.inf
    low = np.inf
    for j in range(n):
        total = 0.0
        if active[j]:
            for i in range(n):
                if i == j or not active[i]:
                    continue
                d = dist[i, j]
                success = 2.0 - 4.0 * (0.5 - 0.5 * d)
                failure = 2.0 - 4.0 * (0.5 + 0.5 * d)
                value = success - s[j] * (1.0 - prob[i, j]) * (success - failure)
                if q != 1.0:
                    value -= _changed_status_quo(0.25 * (to_median[i] + d), 1.0, q, t)
                total += value
            high = max(high, total)
            low = min(low, total)
        danger[j] = total
    span = high - low
    for j in range(n):
        relative = 0.0
        if active[j] and span > 0.0:
            relative = min(max((2.0 * danger[j] - high - low) / span, -1.0), 1.0)
        r[j] = (1.0 - relative / 3.0) / (1.0 + relative / 3.0)


@njit(cache=True, nogil=True)
def _better(rank: float, key: float, own: float, offer: float, best_rank: float,
            best_key: float, best_own: float, best_offer: float) -> bool:
    """Whether an offer beats the best so far: lower rank, key, higher value, lower position."""
    if rank != best_rank:
        return rank < best_rank
    if key != best_key:
        return key < best_key
    if own != best_own:
        return own > best_own
    return offer < best_offer


@njit(cache=True, nogil=True)
def _log_bases(d: float) -> tuple[float, float]:
    """``log(0.5 - 0.5 d)`` and ``log(0.5 + 0.5 d)``: the bases of ``U_s`` and ``U_f``."""
    low = 0.5 - 0.5 * d
    return (math.log(low) if low > 0.0 else -np.inf), math.log(0.5 + 0.5 * d)


@njit(cache=True, nogil=True)
def accept_offers(
    x: np.ndarray,
    s: np.ndarray,
    active: np.ndarray,
    group: np.ndarray,
    prob: np.ndarray,
    dist: np.ndarray,
    r: np.ndarray,
    to_median: np.ndarray,
    q: float,
    t: float,
    by_type: bool,
    logs: np.ndarray,
    known: np.ndarray,
    new_x: np.ndarray,
) -> None:
    """Each receiver ``j`` values every challenge with its own exponent and takes the best offer.

    Steps 5-6 of the model: ``own = E_ij`` and ``other = E_ji`` as ``j`` sees
    them; ``i`` has an offer when ``own > 0`` and ``own > other`` (conflict if
    ``other > 0``, else compromise when ``own > -other``, else capitulation).
    ``j`` takes the least move (ties: larger ``own``, then lower position);
    ``by_type`` ranks conflicts before compromises before capitulations, and
    compromises by ``(own x_i - other x_j) / (own - other)``.

    Powers ``b ** r_j`` are taken as ``exp(r_j log b)``; the logarithms depend
    only on the pair of positions and are kept in ``logs[:, a, b]`` for the
    round (``known[a, b]`` says which are filled).
    """
    n = x.shape[0]
    known[:, :] = False
    for j in range(n):
        new_x[j] = x[j]
        if not active[j]:
            continue
        rj = r[j]
        status_quo = 2.0 - 4.0 * 0.5**rj
        best_rank = 3
        best_key = np.inf
        best_own = -np.inf
        best_offer = np.inf
        for i in range(n):
            if i == j or not active[i]:
                continue
            d = dist[i, j]
            if not d > SAME_POSITION:
                continue
            resist_own = s[j] * (1.0 - prob[i, j])
            resist_other = s[i] * (1.0 - prob[j, i])
            if q == 1.0 and (resist_own >= resist_other or resist_own > CERTAIN_LOSS):
                continue  # no offer, see the module docstring
            a = group[i]
            b = group[j]
            if not known[a, b]:
                logs[0, a, b], logs[1, a, b] = _log_bases(d)
                known[a, b] = True
            success = 2.0 - 4.0 * math.exp(rj * logs[0, a, b])
            failure = 2.0 - 4.0 * math.exp(rj * logs[1, a, b])
            net = success - q * status_quo
            stake = success - failure
            own = net - resist_own * stake
            other = net - resist_other * stake
            if q != 1.0:
                own -= _changed_status_quo(0.25 * (to_median[i] + d), rj, q, t)
                other -= _changed_status_quo(0.25 * (to_median[j] + d), rj, q, t)
            if not (own > 0.0 and own > other):
                continue
            gap = x[i] - x[j]
            if other <= 0.0 and own + other > 0.0:  # compromise
                share = -other / own
                offer = x[j] + gap * share
                key = (own * x[i] - other * x[j]) / (own - other) if by_type else d * share
                rank = 1
            else:
                offer = x[i]
                key = d
                rank = 0 if other > 0.0 else 2
            if not by_type:
                rank = 0
            if _better(rank, key, own, offer, best_rank, best_key, best_own, best_offer):
                best_rank, best_key, best_own, best_offer = rank, key, own, offer
        if best_rank < 3:
            new_x[j] = best_offer


@njit(cache=True, nogil=True)
def bargain_issue(
    x0: np.ndarray,
    w: np.ndarray,
    s: np.ndarray,
    active: np.ndarray,
    scale: float,
    q: float,
    t: float,
    max_rounds: int,
    tol: float,
    share_all: bool,
    risk_votes: bool,
    by_type: bool,
    x: np.ndarray,
    path: np.ndarray,
) -> tuple[int, bool]:
    """Bargain one issue until no actor moves more than ``tol`` or rounds run out.

    Writes the final positions into ``x`` and returns the rounds used and
    whether the issue settled. An issue with fewer than two active actors or
    no spread is returned unchanged after zero rounds, as settled. Unless
    ``path`` is empty (no rows), its row ``t`` (of ``max_rounds + 1``)
    receives the positions after round ``t``, the last ones repeated once the
    issue has settled.
    """
    n = x0.shape[0]
    for i in range(n):
        x[i] = x0[i]
    if path.shape[0] > 0:
        path[0, :] = x
    players = 0
    for i in range(n):
        players += active[i]
    if players < 2 or not scale > 0.0:
        _record(path, 0, x)
        return 0, True
    new_x = np.empty(n)
    ones = np.ones(n)
    r = np.ones(n)
    danger = np.empty(n)
    to_median = np.zeros(n)
    order = np.empty(n, dtype=np.int64)
    group = np.empty(n, dtype=np.int64)
    first = np.empty(n, dtype=np.int64)
    dist = np.zeros((n, n))
    reach = np.empty((n, n))
    favour = np.empty((n, n))
    total = np.empty((n, n))
    prob = np.empty((n, n))
    logs = np.empty((2, n, n))
    sums = np.empty((3, n))
    known = np.zeros((n, n), dtype=np.bool_)
    for number in range(1, max_rounds + 1):
        if q != 1.0:
            mu = weighted_median(x, w, order)
            for i in range(n):
                to_median[i] = min(abs(x[i] - mu) / scale, 1.0)
        count = _groups(x, active, group, first)
        distances(x, active, scale, dist)
        vote_shares(x, w, ones, scale, False, share_all, group, first, count,
                    reach, favour, total, prob, sums)  # fmt: skip
        risk_exponents(s, active, prob, dist, to_median, q, t, danger, r)
        if risk_votes:
            vote_shares(x, w, r, scale, True, share_all, group, first, count,
                        reach, favour, total, prob, sums)  # fmt: skip
        accept_offers(x, s, active, group, prob, dist, r, to_median, q, t, by_type,
                      logs, known, new_x)  # fmt: skip
        step = 0.0
        for i in range(n):
            step = max(step, abs(new_x[i] - x[i]))
            x[i] = new_x[i]
        if path.shape[0] > 0:
            path[number, :] = x
        if step <= tol:
            _record(path, number + 1, x)
            return number, True
    return max_rounds, False


@njit(cache=True, nogil=True)
def _record(path: np.ndarray, last: int, x: np.ndarray) -> None:
    """Repeat the settled positions ``x`` in rows ``last`` and after of ``path`` (if any rows)."""
    for row in range(last, path.shape[0]):
        path[row, :] = x


@njit(cache=True, nogil=True)
def _settle_row(
    p: int,
    x0: np.ndarray,
    w: np.ndarray,
    s: np.ndarray,
    active: np.ndarray,
    scale: np.ndarray,
    q: float,
    t: float,
    max_rounds: int,
    tol: float,
    share_all: bool,
    risk_votes: bool,
    by_type: bool,
    forecast: np.ndarray,
    rounds: np.ndarray,
    settled: np.ndarray,
    paths: np.ndarray,
    x: np.ndarray,
    order: np.ndarray,
) -> None:
    """Bargain row ``p``; write its forecast, rounds, settlement and, if kept, its path.

    ``paths`` is (P, max_rounds + 1, N), or has no rows when paths are not
    kept; ``x`` and ``order`` are buffers.
    """
    path = paths[p] if paths.shape[0] > 0 else paths[0:0, 0]
    used, done = bargain_issue(
        x0[p], w[p], s[p], active[p], scale[p], q, t, max_rounds, tol,
        share_all, risk_votes, by_type, x, path,
    )  # fmt: skip
    forecast[p] = weighted_median(x, w[p], order)
    rounds[p] = used
    settled[p] = done


@njit(cache=True, nogil=True)
def settle_rows(
    x0: np.ndarray,
    w: np.ndarray,
    s: np.ndarray,
    active: np.ndarray,
    scale: np.ndarray,
    rows: np.ndarray,
    q: float,
    t: float,
    max_rounds: int,
    tol: float,
    share_all: bool,
    risk_votes: bool,
    by_type: bool,
    forecast: np.ndarray,
    rounds: np.ndarray,
    settled: np.ndarray,
    paths: np.ndarray,
) -> None:
    """Bargain the listed rows of flattened issues (P, N) and write their forecasts.

    ``forecast[p]`` is the weighted median of the final positions of row
    ``p`` (weights ``w``), the model's forecast; ``rounds`` and ``settled``
    receive the rounds used and whether the row settled; ``paths`` (P,
    max_rounds + 1, N), unless it has no rows, the positions after every
    round. Rows not listed in ``rows`` are left as they are.
    """
    n = x0.shape[1]
    x = np.empty(n)
    order = np.empty(n, dtype=np.int64)
    for index in range(rows.shape[0]):
        _settle_row(rows[index], x0, w, s, active, scale, q, t, max_rounds, tol, share_all,
                    risk_votes, by_type, forecast, rounds, settled, paths, x,
                    order)  # fmt: skip


@njit(cache=True, nogil=True, parallel=True)
def settle_rows_parallel(
    x0: np.ndarray,
    w: np.ndarray,
    s: np.ndarray,
    active: np.ndarray,
    scale: np.ndarray,
    rows: np.ndarray,
    q: float,
    t: float,
    max_rounds: int,
    tol: float,
    share_all: bool,
    risk_votes: bool,
    by_type: bool,
    forecast: np.ndarray,
    rounds: np.ndarray,
    settled: np.ndarray,
    paths: np.ndarray,
) -> None:
    """:func:`settle_rows` with the rows shared among Numba's threads (one core each).

    Rows are independent and each writes only its own entries, so the
    results are those of :func:`settle_rows`, bit for bit, whatever the
    number of threads or the order in which they finish.
    """
    n = x0.shape[1]
    for index in prange(rows.shape[0]):
        x = np.empty(n)
        order = np.empty(n, dtype=np.int64)
        _settle_row(rows[index], x0, w, s, active, scale, q, t, max_rounds, tol, share_all,
                    risk_votes, by_type, forecast, rounds, settled, paths, x,
                    order)  # fmt: skip
