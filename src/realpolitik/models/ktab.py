"""KTAB-style Spatial Model of Politics, vectorised over a batch of cases.

The Spatial Model of Politics (SMP) comes from KAPSARC's open-source KTAB
toolkit (copyright 2015 KAPSARC, MIT licence; https://github.com/KAPSARC/KTAB;
KAPSARC discussion papers "An Introduction to the KAPSARC Toolkit for
Behavioral Analysis (KTAB)" and "Multidimensional Bargaining using KTAB").
This module re-states the algorithm from its description and checks it
against traces of KTAB's ``smpc``. ``docs/model.md`` states every
equation and constant; the short version:

* Positions ``x`` and ideals live on [0, 1] (inputs on 0-100 are divided by
  100). Ideals equal positions (KTAB's default identity accommodation).
* Distance from actor ``i``'s ideal to position ``j`` weights issues by
  ``i``'s saliences: ``d_ij = sqrt(sum_k (s_ik (x_ik - x_jk))^2 / sum_k s_ik^2)``.
* Utility ``u = (1 - d)(1 + d R)`` with risk attitude ``R`` in [-1/2, 1],
  from a risk-neutral election over all positions:
  ``R_i = (3 p_i - (p_max + 2 p_min)) / (2 (p_max - p_min))``. Actor ``h``
  estimates ``i``'s attitude as ``(2 R_h + R_i) / 3``.
* Elections are conditional: ``p_i`` is proportional to ``prod_j P[i > j]``
  with ``P[i > j] = C_ij / (C_ij + C_ji)`` and coalition strength
  ``C_ij = 1e-8 + sum_k max(0, c_k (u_ki - u_kj))`` (proportional votes).
* Each actor ``i`` finds, from its own point of view, the target ``j`` with
  the largest expected gain from challenging it (principals vote with
  weight ``S c``, third parties by comparing the coalitions they could
  join), and proposes a bargain that splits each issue by weights
  ``s^2 P^2``; each side also gives its own position a weight of ``1e-6``
  and rounds to 4 decimals (so the two sides can end one unit apart, as in
  KTAB's traces).
* Every actor holds a queue of the bargains it is part of plus the status
  quo; a capability-weighted election over the queue, with each actor
  valuing a bargain by its mean utility over all positions after it, picks
  the bargain the actor accepts.
* The run stops after ``max_states`` states, or from state 2 on, when the
  summed movement of the last step falls below ``stop_fraction`` of the
  first step's.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from realpolitik.models._inputs import EngineInputs, check_inputs
from realpolitik.models._threads import map_in_threads, threads_for

__all__ = [
    "SpatialOptions",
    "SpatialResult",
    "spatial_model",
    "spatial_bargaining",
    "spatial_forecast",
    "MIN_COALITION",
    "MIN_GAIN",
    "DECIMALS",
    "ANCHOR",
    "SAME_POSITION",
    "GAP_DECIMALS",
]

MIN_COALITION = 1e-8
"""Strength every coalition has before any vote (keeps ``P[i > j]`` defined)."""

MIN_GAIN = 1e-5
"""Smallest expected gain for which an actor bothers to challenge."""

DECIMALS = 4
"""Bargained positions (on [0, 1]) are rounded to this many decimals."""

ANCHOR = 1e-6
"""Weight each side of a bargain adds to its own current position.

Inferred from KTAB's traces: both are reproduced in full for values from
about 0.95e-6 to 1.4e-6 and for none outside (docs/model.md)."""

SAME_POSITION = 1e-3
"""Positions at most this far apart (Euclidean, on [0, 1]) share one win probability.

Distances are rounded to :data:`GAP_DECIMALS` before the comparison, so a
pair exactly ``SAME_POSITION`` apart on the grid of bargained positions is
merged whatever the rounding noise of the arithmetic that produced it."""

GAP_DECIMALS = 9
"""Decimals (on [0, 1]) to which a distance is rounded before it meets ``SAME_POSITION``.

Bargained positions lie on a grid of ``10 ** -DECIMALS``; many pairs of final
positions sit exactly ``SAME_POSITION`` apart (34 in KTAB's 80-actor case),
and a difference of 1e-13 in how their distance was computed (positions
divided by 100 once or twice) would otherwise decide whether they merge.
Rounding to 1e-9 absorbs such noise and flips a comparison only for data
resolved finer than 1e-9 of the scale."""

_ELEMENT_BUDGET = 4_000_000
"""Rows are processed in chunks so that ``rows * N**3`` stays near this."""

_BLOCK_ELEMENTS = 65_536
"""Challengers are processed in blocks of about this many tensor entries (cache sized)."""

_SHARED_ELEMENTS = 2**22
"""Fewest elements of the third-party tensor (B x N x N x N) for which a round shares its
blocks of challengers among the cores: below it, starting threads costs more than it saves."""


@dataclass(frozen=True)
class SpatialOptions:
    """Stopping rule of the spatial model, checked on creation.

    Attributes
    ----------
    max_states : int, default 100
        Most states to run, counting the input as state 0.
    stop_fraction : float, default 0.02
        From state 2 on, stop when the summed movement of the last step is
        below this fraction of the first step's (or is zero).

    Raises
    ------
    ValueError
        If ``max_states`` is below 1 or ``stop_fraction`` lies outside [0, 1).
    """

    max_states: int = 100
    stop_fraction: float = 0.02

    def __post_init__(self) -> None:
        """Reject a stopping rule that cannot run, naming the field."""
        if int(self.max_states) < 1:
            raise ValueError(f"max_states must be at least 1; got {self.max_states}")
        if not 0.0 <= float(self.stop_fraction) < 1.0:
            raise ValueError(f"stop_fraction must lie in [0, 1); got {self.stop_fraction}")


@dataclass(frozen=True)
class SpatialResult:
    """Outcome of :func:`spatial_model` or :func:`spatial_bargaining` for B cases.

    Attributes
    ----------
    trajectory : numpy.ndarray, shape (B, S, N, K)
        Positions (0-100) at every state; state 0 is the input. A row that
        stopped early repeats its final state up to ``S``.
    states : numpy.ndarray of int, shape (B,)
        Number of states each row ran, counting state 0.
    win_probability : numpy.ndarray, shape (B, S, N)
        Probability that each actor's position wins the election of each
        state (actors sharing a position share its probability; inactive
        actors get 0). Padded like ``trajectory``.
    forecast : numpy.ndarray, shape (B, K)
        The model's point forecast (0-100): the expected position under an
        election of the final state, near-equal positions merged at their
        mean (see ``docs/model.md``).
    """

    trajectory: np.ndarray
    states: np.ndarray
    win_probability: np.ndarray
    forecast: np.ndarray


# ---------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------


def _as_float(name: str, value: object, ndim: int) -> np.ndarray:
    array = np.asarray(value, dtype=float)
    if array.ndim != ndim:
        axes = "(B, N, K)" if ndim == 3 else "(B, N): one capability per actor"
        raise ValueError(f"{name} must have shape {axes}; got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def _check_model_inputs(
    positions: ArrayLike,
    salience: ArrayLike,
    capability: ArrayLike,
    active: ArrayLike | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Validate :func:`spatial_model` inputs; return x, s on [0, 1], c, active."""
    x = _as_float("positions", positions, 3)
    s = _as_float("salience", salience, 3)
    c = _as_float("capability", capability, 2)
    if s.shape != x.shape:
        raise ValueError(f"salience has shape {s.shape} but positions has shape {x.shape}")
    if c.shape != x.shape[:2]:
        raise ValueError(
            f"capability has shape {c.shape}; the spatial model needs one capability "
            f"per actor, shape (B, N) = {x.shape[:2]}"
        )
    if x.shape[1] == 0 or x.shape[2] == 0:
        raise ValueError(f"positions needs at least one actor and one issue; got {x.shape}")
    if np.any((x < 0.0) | (x > 100.0)):
        raise ValueError("positions must lie on the 0-100 scale")
    if np.any((s < 0.0) | (s > 1.0)):
        raise ValueError("salience must lie in [0, 1]")
    if np.any(s.sum(axis=2) > 1.0 + 1e-9):
        raise ValueError(
            "each actor's saliences must sum to at most 1 over the issues (KTAB reads "
            "salience as the share of an actor's attention); rescale them first"
        )
    if np.any(c < 0.0):
        raise ValueError("capability must be non-negative")
    if active is None:
        mask = np.ones(x.shape[:2], dtype=bool)
    else:
        mask = np.asarray(active)
        if mask.shape != x.shape[:2] or mask.dtype != bool:
            raise ValueError(
                f"active must be a boolean array of shape (B, N) = {x.shape[:2]}; "
                f"got dtype {mask.dtype} and shape {mask.shape}"
            )
    return x / 100.0, s, c, mask


def _warn_degenerate(x: np.ndarray, s: np.ndarray, c: np.ndarray, active: np.ndarray) -> None:
    """Warn once about rows whose result is defined by convention, not by the model."""
    count = active.sum(axis=1)
    if np.any(count < 2):
        warnings.warn(
            f"spatial_model: {int((count < 2).sum())} row(s) have fewer than two active "
            "actors; nothing can be bargained and the forecast is the lone position",
            RuntimeWarning,
            stacklevel=3,
        )
    mute = active & ((s**2).sum(axis=2) == 0.0)
    if np.any(mute):
        warnings.warn(
            f"spatial_model: {int(mute.sum())} active actor(s) have zero salience on every "
            "issue; they are indifferent between all positions",
            RuntimeWarning,
            stacklevel=3,
        )
    high = np.where(active[..., None], x, -np.inf).max(axis=1)
    low = np.where(active[..., None], x, np.inf).min(axis=1)
    same = high - low  # -inf on rows without active actors
    if np.any((count >= 2) & np.all(same == 0.0, axis=1)):
        warnings.warn(
            "spatial_model: all active actors hold the same position in some row(s); "
            "risk attitudes are set to neutral there and nobody moves",
            RuntimeWarning,
            stacklevel=3,
        )
    if np.any(active & (c == 0.0)):
        warnings.warn(
            "spatial_model: some active actors have zero capability; they cast no votes",
            RuntimeWarning,
            stacklevel=3,
        )


# ---------------------------------------------------------------------------
# the building blocks (all on [0, 1], leading batch axis)
# ---------------------------------------------------------------------------


def _distances_to(x: np.ndarray, s: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Salience-weighted distance ``d[b, a, p]`` from actor a's ideal to point p.

    ``d_ap = sqrt(sum_k (s_ak (x_ak - y_pk))^2 / sum_k s_ak^2)``, in [0, 1] for
    positions on [0, 1]; the ideal is the actor's position. An actor with no
    salience at all gets distance 0 to everything (it is indifferent).
    """
    gap = points[:, None, :, :] - x[:, :, None, :]
    norm = (s**2).sum(axis=2)[:, :, None]
    weighted = ((s[:, :, None, :] * gap) ** 2).sum(axis=3)
    return np.sqrt(np.divide(weighted, norm, out=np.zeros(weighted.shape), where=norm > 0.0))


def _distances(x: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Distance ``d[b, i, j]`` from actor i's ideal to actor j's position."""
    return _distances_to(x, s, x)


def _utility(d: np.ndarray, risk: np.ndarray) -> np.ndarray:
    """KTAB's utility of a position at distance ``d``: ``(1 - d)(1 + d R)``."""
    return (1.0 - d) * (1.0 + d * risk)


def _pairwise_win(utility: np.ndarray, weight: np.ndarray, voter: np.ndarray) -> np.ndarray:
    """``P[b, i, j]``: probability that option i beats option j in a vote.

    ``utility[b, k, i]`` is voter k's utility of option i and ``weight[b, k]``
    its voting weight; votes are proportional, ``v_k = w_k (u_ki - u_kj)``,
    and each side's coalition adds the positive votes to ``MIN_COALITION``.
    Uses ``sum_k max(0, v_k) = (sum_k |v_k| + sum_k v_k) / 2`` so that only
    the absolute differences need a (voter, option, option) pass, done in
    blocks of voters.
    """
    bsz, n, o = utility.shape
    w = np.where(voter, weight, 0.0)
    total = np.zeros((bsz, o, o))
    # voters in cache-sized blocks, reusing one buffer (fresh large arrays cost page faults)
    block = max(1, _BLOCK_ELEMENTS // max(1, bsz * o * o))
    buffer = np.empty((bsz, min(block, n), o, o))
    for start in range(0, n, block):
        rows = slice(start, min(start + block, n))
        spread = buffer[:, : rows.stop - rows.start]
        np.subtract(utility[:, rows, :, None], utility[:, rows, None, :], out=spread)
        np.abs(spread, out=spread)
        total += np.einsum("bk,bkij->bij", w[:, rows], spread)
    score = np.einsum("bk,bki->bi", w, utility)
    lead = score[:, :, None] - score[:, None, :]
    strength = MIN_COALITION + 0.5 * (total + lead)
    against = MIN_COALITION + 0.5 * (total - lead)
    return strength / (strength + against)


def _conditional_election(win: np.ndarray, option: np.ndarray) -> np.ndarray:
    """Conditional election: ``p_i`` proportional to ``prod_j P[i > j]`` over options.

    Computed in logarithms (the product of up to N factors can underflow);
    options outside ``option`` neither count as opponents nor win.
    """
    log_win = np.where(option[:, None, :], np.log(win), 0.0)
    score = np.where(option, log_win.sum(axis=2), -np.inf)
    top = np.where(option, score, 0.0).max(axis=1, keepdims=True, initial=-np.inf)
    top = np.where(np.isfinite(top), top, 0.0)  # rows without options
    p = np.exp(score - top)
    total = p.sum(axis=1, keepdims=True)
    return np.divide(p, total, out=np.zeros_like(p), where=total > 0.0)


def _risk_attitudes(p: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Risk attitude ``R_i = (3 p_i - (p_max + 2 p_min)) / (2 (p_max - p_min))``.

    The most likely position gets R = 1 (risk averse), the least likely
    R = -1/2. When all probabilities are equal the attitude is neutral (0).
    """
    present = active.any(axis=1, keepdims=True)
    p_max = np.where(present, np.where(active, p, -np.inf).max(axis=1, keepdims=True), 0.0)
    p_min = np.where(present, np.where(active, p, np.inf).min(axis=1, keepdims=True), 0.0)
    span = p_max - p_min
    risk = np.divide(
        3.0 * p - (p_max + 2.0 * p_min),
        2.0 * span,
        out=np.zeros_like(p),
        where=span > 0.0,
    )
    return np.where(active, risk, 0.0)


def _estimated_attitudes(risk: np.ndarray) -> np.ndarray:
    """``R_est[b, h, i] = (2 R_h + R_i) / 3``: h's estimate of i's risk attitude."""
    return (2.0 * risk[:, :, None] + risk[:, None, :]) / 3.0


def _challenge(
    d: np.ndarray,
    risk: np.ndarray,
    weight: np.ndarray,
    total_salience: np.ndarray,
    active: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Each actor's expected gain from challenging each other, and its odds.

    From challenger i's own point of view (voter m's utility of position j is
    ``u = (1 - d_mj)(1 + d_mj R_est[i, m])`` with i's estimates of everyone's
    risk attitude):

    * principals vote with weight ``w = S c``: ``ch_ij = w_i (1 - u_ij)`` for i
      and ``ch_ji = w_j (1 - u_ji)`` for j;
    * third party m first gauges i's chance with m's vote ``v = w_m (u_mi -
      u_mj)`` added to its side, ``p = (ch_ij + max(v, 0) + eps) / (ch_ij +
      ch_ji + |v| + 2 eps)``, then compares joining i (win: i and j at i, m
      stays, ``2 u_mi + u_mm``; lose: all three at j, ``3 u_mj``) with joining
      j, and votes ``w_m (EU_join_i - EU_join_j)``, which with ``u_mm = 1`` is
      ``w_m (p (1 - u_mi) - (1 - p)(1 - u_mj))``;
    * ``P = C_ij / (C_ij + C_ji)``, each coalition being ``eps`` plus its
      principal's vote plus the positive third-party votes on its side.

    The challenger's expected gain, ``(1 - S_j) 2 u_ii + S_j (P 2 u_ii +
    (1 - P) 2 u_ij) - (u_ii + u_ij)``, simplifies with ``u_ii = 1`` to
    ``(1 - u_ij)(1 - 2 S_j (1 - P))``.

    The (B, N, N, N) third-party tensor is built in blocks of challengers so
    that each block stays in cache.

    Returns
    -------
    gain, odds : numpy.ndarray, shape (B, N, N)
        ``gain[b, i, j]`` (``-inf`` where i or j is inactive or i == j) and
        ``odds[b, i, j]`` = P, the challenger's estimate that i prevails.
    """
    bsz, n, _ = d.shape
    r_est = _estimated_attitudes(risk)  # [b, i, m]
    d_t = d.transpose(0, 2, 1)  # d_t[b, j, m] = d[b, m, j]
    w = np.where(active, weight, 0.0)
    # 1 - u = d (1 + R (d - 1)): challenger's and target's disutility of each other
    far_ij = d * (1.0 + risk[:, :, None] * (d - 1.0))
    far_ji = d_t * (1.0 + r_est * (d_t - 1.0))
    ch_ij = w[:, :, None] * far_ij
    ch_ji = w[:, None, :] * far_ji
    both = ch_ij + ch_ji + 2.0 * MIN_COALITION
    pro = np.empty((bsz, n, n))
    con = np.empty((bsz, n, n))
    d_t_minus = (d_t - 1.0)[:, None, :, :]
    w_m = w[:, None, None, :]
    block = max(1, _BLOCK_ELEMENTS // max(1, bsz * n * n))
    starts = range(0, n, block)

    def third_parties(share: range) -> None:
        """Fill ``pro`` and ``con`` for the blocks of challengers starting at ``share``."""
        buffers = np.empty((3, bsz, min(block, n), n, n))
        for start in share:
            rows = slice(start, min(start + block, n))
            size = rows.stop - rows.start
            far, vote, p_join = buffers[0, :, :size], buffers[1, :, :size], buffers[2, :, :size]
            # far[b, i, j, m] = 1 - u_mj as estimated by challenger i
            np.multiply(r_est[:, rows, None, :], d_t_minus, out=far)
            far += 1.0
            far *= d_t[:, None, :, :]
            far_mi = far_ji[:, rows, None, :]
            np.subtract(far, far_mi, out=vote)
            vote *= w_m  # w_m (u_mi - u_mj)
            np.maximum(vote, 0.0, out=p_join)
            p_join += (ch_ij[:, rows] + MIN_COALITION)[..., None]
            np.abs(vote, out=vote)
            vote += both[:, rows, :, None]
            p_join /= vote
            third = np.add(far_mi, far, out=vote)
            third *= p_join
            third -= far
            third *= w_m
            net = third.sum(axis=3)
            total = np.abs(third, out=third).sum(axis=3)
            pro[:, rows] = 0.5 * (total + net)
            con[:, rows] = 0.5 * (total - net)

    # blocks are independent and computed alike on any thread: the same results on any number
    shares = threads_for(len(starts)) if bsz * n**3 >= _SHARED_ELEMENTS else 1
    map_in_threads(third_parties, [starts[k::shares] for k in range(shares)])
    # the sums ran over every m; take out m == i and m == j (the principals)
    vote_i = w[:, :, None] * far_ij
    p_i = (ch_ij + np.maximum(vote_i, 0.0) + MIN_COALITION) / (both + np.abs(vote_i))
    third_i = w[:, :, None] * far_ij * (p_i - 1.0)
    vote_j = w[:, None, :] * far_ji
    p_j = (ch_ij + MIN_COALITION) / (both + vote_j)
    third_j = w[:, None, :] * p_j * far_ji
    pro -= np.maximum(third_i, 0.0) + np.maximum(third_j, 0.0)
    con -= np.maximum(-third_i, 0.0) + np.maximum(-third_j, 0.0)
    c_ij = ch_ij + np.maximum(pro, 0.0) + MIN_COALITION
    c_ji = ch_ji + np.maximum(con, 0.0) + MIN_COALITION
    odds = c_ij / (c_ij + c_ji)
    gain = far_ij * (1.0 - 2.0 * total_salience[:, None, :] * (1.0 - odds))
    eye = np.eye(n, dtype=bool)
    pair = active[:, :, None] & active[:, None, :] & ~eye[None]
    return np.where(pair, gain, -np.inf), odds


def _targets(gain: np.ndarray) -> np.ndarray:
    """Best target of each actor (first on ties), or -1 if no gain exceeds ``MIN_GAIN``."""
    best = np.argmax(gain, axis=2)
    top = np.take_along_axis(gain, best[:, :, None], axis=2)[:, :, 0]
    return np.where(top > MIN_GAIN, best, -1)


def _bargains(
    x: np.ndarray, s: np.ndarray, target: np.ndarray, odds: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Where the initiator and the target of each actor's challenge would move.

    With the initiator's estimate P, each side weights the initiator by
    ``w_i = s_ik^2 P^2`` and the target by ``w_j = s_jk^2 (1 - P)^2``, and adds
    ``ANCHOR`` to the weight of its own current position:

        y_i = (w_i x_i + w_j x_j + ANCHOR x_i) / (w_i + w_j + ANCHOR)
        y_j = (w_i x_i + w_j x_j + ANCHOR x_j) / (w_i + w_j + ANCHOR)

    both rounded to ``DECIMALS``. The anchor keeps the result defined when
    both saliences on an issue are zero (each side then stays put), and
    leaves the two sides one rounding unit apart where the shared point lies
    close to a rounding boundary, as in KTAB's traces.

    Returns
    -------
    y_init, y_target : numpy.ndarray, shape (B, N, K)
        Indexed by initiator; rows without a target hold their position.
    """
    j = np.maximum(target, 0)
    p = np.take_along_axis(odds, j[:, :, None], axis=2)  # (B, N, 1)
    x_j = np.take_along_axis(x, j[:, :, None], axis=1)
    s_j = np.take_along_axis(s, j[:, :, None], axis=1)
    w_i = s**2 * p**2
    w_j = s_j**2 * (1.0 - p) ** 2
    shared = w_i * x + w_j * x_j
    total = w_i + w_j + ANCHOR
    y_init = np.round((shared + ANCHOR * x) / total, DECIMALS)
    y_target = np.round((shared + ANCHOR * x_j) / total, DECIMALS)
    has = (target >= 0)[:, :, None]
    return np.where(has, y_init, x), np.where(has, y_target, x_j)


def _accepted(
    x: np.ndarray,
    s: np.ndarray,
    own_utility: np.ndarray,
    risk: np.ndarray,
    capability: np.ndarray,
    active: np.ndarray,
    target: np.ndarray,
    y_init: np.ndarray,
    y_target: np.ndarray,
) -> np.ndarray:
    """Positions after every actor accepts the best bargain in its queue.

    Options are the N bargains (indexed by initiator) and the status quo
    (index N). Voter a values a bargain by its mean utility over all active
    positions after it (initiator at ``y_init``, target at ``y_target``). The
    pairwise win probabilities over all options are computed once; each
    owner's conditional election uses only the options in its queue: the
    status quo, its own bargain and those aimed at it. The owner moves to
    its side of the chosen bargain.
    """
    bsz, n, _ = x.shape
    count = np.maximum(active.sum(axis=1), 1)[:, None]
    base = np.where(active[:, None, :], own_utility, 0.0).sum(axis=2)  # (B, a)
    j = np.maximum(target, 0)
    has = target >= 0
    u_new_i = _utility(_distances_to(x, s, y_init), risk[:, :, None])
    u_new_j = _utility(_distances_to(x, s, y_target), risk[:, :, None])
    u_i = own_utility  # [b, a, i]
    u_j = np.take_along_axis(own_utility, np.broadcast_to(j[:, None, :], (bsz, n, n)), axis=2)
    value = (base[:, :, None] - u_i - u_j + u_new_i + u_new_j) / count[:, :, None]
    value = np.concatenate([value, (base / count[:, 0:1])[:, :, None]], axis=2)
    win = _pairwise_win(value, capability, active)  # (B, N+1, N+1)
    owner = np.arange(n)
    own_offer = np.zeros((bsz, n, n + 1), dtype=bool)
    own_offer[:, owner, owner] = has
    received = np.zeros((bsz, n, n + 1), dtype=bool)
    received[:, :, :n] = has[:, None, :] & (j[:, None, :] == owner[None, :, None])
    queue = own_offer | received
    queue[:, :, n] = True
    score = np.einsum("bqk,bok->bqo", queue.astype(float), np.log(win))
    choice = np.argmax(np.where(queue, score, -np.inf), axis=2)  # (B, N)
    offer = np.minimum(choice, n - 1)[:, :, None]
    as_initiator = np.take_along_axis(y_init, offer, axis=1)
    as_target = np.take_along_axis(y_target, offer, axis=1)
    new = np.where((choice == owner[None, :])[:, :, None], as_initiator, as_target)
    return np.where(((choice < n) & active)[:, :, None], new, x)


def _win_probability(
    x: np.ndarray, own_utility: np.ndarray, capability: np.ndarray, active: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each actor's chance that its position wins, and which actors are distinct.

    The election runs over distinct positions (within ``SAME_POSITION``; the
    first active actor of a group represents it), every active actor voting
    with its capability and its own utilities. Actors in one group share
    the group's probability.

    Returns
    -------
    probability : numpy.ndarray, shape (B, N)
    representative : numpy.ndarray of bool, shape (B, N)
        True for the actor that stands for its group of equal positions.
    """
    first, representative = _groups(x, active, by_position=False)
    win = _pairwise_win(own_utility, capability, active)
    p = _conditional_election(win, representative)
    shared = np.take_along_axis(p, first, axis=1)
    return np.where(active, shared, 0.0), representative


def _state(
    x: np.ndarray, s: np.ndarray, c: np.ndarray, active: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distances, risk attitudes and own utilities of one state."""
    d = _distances(x, s)
    neutral = _pairwise_win(1.0 - d, c, active)
    risk = _risk_attitudes(_conditional_election(neutral, active), active)
    own = _utility(d, risk[:, :, None])
    return d, risk, own


def _step(
    x: np.ndarray, s: np.ndarray, c: np.ndarray, active: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One bargaining round: return the next positions and this state's win probabilities."""
    d, risk, own = _state(x, s, c, active)
    probability, _ = _win_probability(x, own, c, active)
    gain, odds = _challenge(d, risk, s.sum(axis=2) * c, s.sum(axis=2), active)
    target = _targets(gain)
    y_init, y_target = _bargains(x, s, target, odds)
    return _accepted(x, s, own, risk, c, active, target, y_init, y_target), probability


def _movement(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Summed Euclidean movement of all actors between two states."""
    return np.sqrt(((a - b) ** 2).sum(axis=2)).sum(axis=1)


def _run_chunk(
    x: np.ndarray,
    s: np.ndarray,
    c: np.ndarray,
    active: np.ndarray,
    max_states: int,
    stop_fraction: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run a chunk of rows to their stopping states.

    Returns the trajectory (B, T, N, K), the win probabilities (B, T, N) and
    the number of states of each row; a row that stopped before the longest
    one repeats its final state and final probabilities.
    """
    bsz, n, _ = x.shape
    trajectory = [x]
    probability: list[np.ndarray] = []  # entry t: win probabilities of state t
    states = np.ones(bsz, dtype=int)
    running = np.ones(bsz, dtype=bool)
    first_move = np.zeros(bsz)
    current = x
    for t in range(1, max_states):
        rows = np.flatnonzero(running)
        nxt, prob = _step(current[rows], s[rows], c[rows], active[rows])
        recorded = np.zeros((bsz, n))
        recorded[rows] = prob
        probability.append(recorded)
        moved = _movement(nxt, current[rows])
        if t == 1:
            first_move[rows] = moved
        current = current.copy()
        current[rows] = nxt
        trajectory.append(current)
        states[rows] = t + 1
        settled = moved == 0.0
        if t >= 2:
            settled |= moved < stop_fraction * first_move[rows]
        running[rows[settled]] = False
        if not running.any():
            break
    _, _, own = _state(current, s, c, active)
    final, _ = _win_probability(current, own, c, active)
    probability.append(final)
    traj = np.stack(trajectory, axis=1)
    prob = np.stack(probability, axis=1)
    last = traj.shape[1] - 1
    index = np.arange(traj.shape[1])[None, :]
    rows = np.arange(bsz)[:, None]
    traj = traj[rows, np.minimum(index, states[:, None] - 1)]
    prob = prob[rows, np.where(index < states[:, None] - 1, index, last)]
    return traj, prob, states


def _pad_states(array: np.ndarray, length: int) -> np.ndarray:
    """Extend axis 1 to ``length`` by repeating the last entry."""
    extra = length - array.shape[1]
    if extra <= 0:
        return array
    tail = np.repeat(array[:, -1:], extra, axis=1)
    return np.concatenate([array, tail], axis=1)


def _groups(
    x: np.ndarray, active: np.ndarray, *, by_position: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Group active positions at most ``SAME_POSITION`` apart (after rounding the gap).

    Each actor is assigned to a representative among the active actors within
    ``SAME_POSITION`` of it: the lowest-index one (``by_position=False``,
    KTAB's rule, used for the reported win probabilities) or the one whose
    position comes first in lexicographic order (``by_position=True``, which
    does not depend on the order of the actors; used for the forecast).

    Returns
    -------
    first : numpy.ndarray of int, shape (B, N)
        Index of each actor's representative.
    representative : numpy.ndarray of bool, shape (B, N)
        True for active actors that represent their group.
    """
    bsz, n, _ = x.shape
    key = np.broadcast_to(np.arange(n), (bsz, n))
    if by_position:
        grid = np.round(x, GAP_DECIMALS)  # rounding noise must not reorder equal positions
        order = np.lexsort(grid.transpose(2, 0, 1)[::-1], axis=-1)
        key = np.empty((bsz, n), dtype=int)
        np.put_along_axis(key, order, np.broadcast_to(np.arange(n), (bsz, n)), axis=1)
    gap = np.sqrt(((x[:, :, None, :] - x[:, None, :, :]) ** 2).sum(axis=3))
    near = (np.round(gap, GAP_DECIMALS) <= SAME_POSITION) & active[:, :, None] & active[:, None, :]
    first = np.argmin(np.where(near, key[:, None, :], n), axis=2)
    return first, active & (first == np.arange(n)[None, :])


def _forecast(
    x: np.ndarray, s: np.ndarray, c: np.ndarray, active: np.ndarray, on_issue: np.ndarray
) -> np.ndarray:
    """The point forecast: expected position under an election of the final state.

    Near-equal final positions (within ``SAME_POSITION``) are merged into one
    option at their mean, so that the forecast does not depend on the order
    of the actors; every active actor votes with its capability and its own
    utilities (risk attitudes of the final state). The forecast of issue k
    is the win-probability-weighted mean of the options' positions on k,
    over the options with at least one member taking part in issue k
    (``on_issue``, shape (B, N, K)).
    """
    bsz, n, k = x.shape
    first, representative = _groups(x, active, by_position=True)
    member = (first[:, :, None] == np.arange(n)[None, None, :]) & active[:, :, None]
    count = member.sum(axis=1)[:, :, None]
    centre = np.einsum("big,bik->bgk", member.astype(float), x) / np.maximum(count, 1)
    _, risk, _ = _state(x, s, c, active)
    utility = _utility(_distances_to(x, s, centre), risk[:, :, None])
    p = _conditional_election(_pairwise_win(utility, c, active), representative)
    taking_part = member[:, :, :, None] & on_issue[:, :, None, :]  # [b, i, g, k]
    size = taking_part.sum(axis=1)  # [b, g, k]
    position = np.divide(
        np.einsum("bigk,bik->bgk", taking_part.astype(float), x),
        size,
        out=np.zeros((bsz, n, k)),
        where=size > 0,
    )
    weight = np.where(size > 0, p[:, :, None], 0.0)
    total = weight.sum(axis=1)
    forecast = np.divide(
        (weight * position).sum(axis=1), total, out=np.zeros((bsz, k)), where=total > 0.0
    )
    if np.any(total <= 0.0):
        warnings.warn(
            "spatial model: no active actor takes part in some issue; "
            "its forecast is the plain mean of all positions",
            RuntimeWarning,
            stacklevel=3,
        )
        forecast = np.where(total > 0.0, forecast, x.mean(axis=1))
    return forecast


def _simulate(
    x: np.ndarray, s: np.ndarray, c: np.ndarray, mask: np.ndarray, options: SpatialOptions
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run checked inputs (positions on [0, 1]) chunk by chunk to their stopping states.

    Returns the trajectory (B, S, N, K) on [0, 1], the number of states (B,)
    and the win probabilities (B, S, N); rows that stopped early are padded.
    """
    bsz, n, _ = x.shape
    chunk = max(1, _ELEMENT_BUDGET // max(1, n**3))
    parts = [
        _run_chunk(
            x[start : start + chunk],
            s[start : start + chunk],
            c[start : start + chunk],
            mask[start : start + chunk],
            int(options.max_states),
            float(options.stop_fraction),
        )
        for start in range(0, bsz, chunk)
    ]
    states = np.concatenate([part[2] for part in parts])
    length = int(states.max())
    trajectory = np.concatenate([_pad_states(part[0], length) for part in parts], axis=0)
    probability = np.concatenate([_pad_states(part[1], length) for part in parts], axis=0)
    return trajectory, states, probability


def _on_input_scale(given: np.ndarray, mask: np.ndarray, trajectory: np.ndarray) -> np.ndarray:
    """The trajectory on 0-100; inactive actors and state 0 carry ``given`` exactly.

    Keeping the input values avoids a round trip through [0, 1] for the
    positions nobody bargained over.
    """
    length = trajectory.shape[1]
    keep = ~mask[:, None, :, None] | (np.arange(length) == 0)[None, :, None, None]
    return np.where(keep, given[:, None], trajectory * 100.0)


def spatial_model(
    positions: ArrayLike,
    salience: ArrayLike,
    capability: ArrayLike,
    active: ArrayLike | None = None,
    *,
    max_states: int = 100,
    stop_fraction: float = 0.02,
) -> SpatialResult:
    """Run KTAB's Spatial Model of Politics on a batch of cases, on KTAB's own inputs.

    This is the model as KTAB states it: one capability per actor. For the
    common engine contract (capability and ``active`` per actor and issue)
    use :func:`spatial_bargaining` or :func:`spatial_forecast`.

    Parameters
    ----------
    positions : array_like, shape (B, N, K)
        Positions on the 0-100 scale (divided by 100 inside, as KTAB does).
    salience : array_like, shape (B, N, K)
        Saliences in [0, 1]; each actor's saliences must sum to at most 1
        over the issues (KTAB's input has them sum to at most 100).
    capability : array_like, shape (B, N)
        One non-negative capability per actor (KTAB's capability is per actor,
        not per issue), on any scale; values are used as given, as in KTAB,
        so results are exactly scale invariant only up to the ``1e-8`` floor
        of coalition strengths.
    active : array_like of bool, shape (B, N), optional
        Inactive actors do not vote, challenge or get challenged, do not count
        in the elections or the forecast, and keep their positions.
    max_states : int, default 100
        Most states to run, counting the input as state 0.
    stop_fraction : float, default 0.02
        From state 2 on, stop when the summed movement of the last step is
        below this fraction of the first step's (or is zero).

    Returns
    -------
    SpatialResult
        Trajectory, number of states, win probabilities and point forecast.

    Raises
    ------
    ValueError
        On shapes, non-finite values, values out of range, or saliences
        summing to more than 1 for an actor.

    Warns
    -----
    RuntimeWarning
        For rows with fewer than two active actors, actors with no salience
        or capability, or all active actors at one position.

    Notes
    -----
    Cost per state is O(N^3) per row (third-party votes over all challenger
    and target pairs); rows are processed in chunks to bound memory.
    """
    options = SpatialOptions(max_states=max_states, stop_fraction=stop_fraction)
    x, s, c, mask = _check_model_inputs(positions, salience, capability, active)
    _warn_degenerate(x, s, c, mask)
    trajectory, states, probability = _simulate(x, s, c, mask, options)
    forecast = _forecast(trajectory[:, -1], s, c, mask, np.broadcast_to(mask[:, :, None], x.shape))
    return SpatialResult(
        trajectory=_on_input_scale(np.asarray(positions, dtype=float), mask, trajectory),
        states=states,
        win_probability=probability,
        forecast=forecast * 100.0,
    )


def _per_actor(inputs: EngineInputs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Turn common-contract inputs into the spatial model's per-actor inputs.

    Returns saliences (B, N, K) set to 0 where an actor is inactive and divided
    by their sum where it exceeds 1, one capability per actor (B, N) (the
    mean over the issues where the actor is active) and the actors active on
    at least one issue (B, N).
    """
    s = np.where(inputs.active, inputs.salience, 0.0)
    total = s.sum(axis=2, keepdims=True)
    s = np.where(total > 1.0, s / np.where(total > 1.0, total, 1.0), s)
    present = inputs.active.sum(axis=2)
    capability = np.divide(
        np.where(inputs.active, inputs.capability, 0.0).sum(axis=2),
        present,
        out=np.zeros(present.shape),
        where=present > 0,
    )
    return s, capability, present > 0


def spatial_bargaining(
    positions: ArrayLike,
    salience: ArrayLike,
    capability: ArrayLike,
    active: ArrayLike | None = None,
    *,
    options: SpatialOptions | None = None,
) -> SpatialResult:
    """Run the spatial model on the common engine contract; return its full result.

    The adapter that lets the spatial model stand next to the compromise,
    median and EUM engines: inputs are checked by
    :func:`~realpolitik.models._inputs.check_inputs` and turned into the
    model's per-actor inputs.

    Parameters
    ----------
    positions : array_like, shape (B, N, K)
        Positions on the 0-100 scale.
    salience : array_like, shape (B, N, K)
        Saliences in [0, 1]. An actor's saliences are divided by their sum
        where that sum exceeds 1, because the spatial model reads salience as
        a share of attention (see :func:`spatial_model`).
    capability : array_like, shape (B, N, K)
        Capability per actor and issue; the spatial model needs one value per
        actor, taken as the mean over the issues on which the actor is active.
    active : array_like of bool, shape (B, N, K), optional
        An actor takes part if it is active on at least one issue; on issues
        where it is inactive its salience is set to 0 (it neither cares nor
        pulls there) and its final position does not count in that issue's
        forecast.
    options : SpatialOptions, optional
        Stopping rule; default ``SpatialOptions()``.

    Returns
    -------
    SpatialResult
        Trajectory (0-100), states and win probabilities as from
        :func:`spatial_model`; ``forecast`` (B, K) is the
        win-probability-weighted mean of the distinct final positions of the
        actors active on each issue.

    Raises
    ------
    ValueError
        On shapes, non-finite values or values out of range.

    Warns
    -----
    RuntimeWarning
        As :func:`spatial_model`.
    """
    options = SpatialOptions() if options is None else options
    if not isinstance(options, SpatialOptions):
        raise TypeError(f"options must be SpatialOptions; got {type(options).__name__}")
    inputs = check_inputs(positions, salience, capability, active)
    s, c, actor_active = _per_actor(inputs)
    x, s, c, mask = _check_model_inputs(inputs.positions, s, c, actor_active)
    _warn_degenerate(x, s, c, mask)
    trajectory, states, probability = _simulate(x, s, c, mask, options)
    trajectory = _on_input_scale(inputs.positions, mask, trajectory)
    forecast = _forecast(trajectory[:, -1] / 100.0, s, c, mask, inputs.active)
    return SpatialResult(trajectory, states, probability, forecast * 100.0)


def spatial_forecast(
    positions: ArrayLike,
    salience: ArrayLike,
    capability: ArrayLike,
    active: ArrayLike | None = None,
    *,
    options: SpatialOptions | None = None,
) -> np.ndarray:
    """Forecast each issue with the spatial model, from the common engine contract.

    The ``forecast`` of :func:`spatial_bargaining`, shape (B, K), on 0-100;
    see there for how per-issue inputs become the model's per-actor inputs.
    """
    return spatial_bargaining(positions, salience, capability, active, options=options).forecast
