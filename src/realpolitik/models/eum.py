"""Expected Utility Model of Bueno de Mesquita, as stated by Scholz et al. (2011).

The model (Bueno de Mesquita 1985, 1994, 2002) lets every actor weigh, for
every other actor, the expected utility of challenging that actor's position.
Challenges that the challenged actor expects to lose become offers; each actor
accepts the offer that moves it least; the round repeats until positions
settle. The forecast is the median voter position after bargaining.

This module follows the explicit statement of Scholz, Calbert and Smith (2011),
"Unravelling Bueno de Mesquita's group decision model", *Journal of
Theoretical Politics* 23(4):510-531 (ICAART 2011 version, pp. 18-30). Every
equation, constant and reading choice, and what other readings give on the
published example, is in ``docs/model.md``.

One round, for one issue with active actors ``i, j, k`` (vectorised here over
draws, issues and actor pairs):

1. Votes ``v_k(i, j) = w_k (|x_k - x_j| - |x_k - x_i|) / range`` with
   ``w_k = c_k s_k``; success probability ``P_ij = sum_k max(v_k, 0) / D`` with
   ``D = sum_k |v_k(i, j)|`` (``vote_share="dyad"``) or the votes of every
   contest of the round (``"all"``); 0.5 where ``D = 0``. With
   ``votes="risk"`` the distances in a vote are range-scaled and raised to
   the voter's exponent ``r_k`` (step 4) before they are differenced.
2. Utilities with risk exponent ``r``, distance ``d = |x_i - x_j| / range``
   and ``m = |x_i - mu| / range`` (``mu`` = weighted median):
   ``U_s = 2 - 4 (0.5 - 0.5 d)^r``, ``U_f = 2 - 4 (0.5 + 0.5 d)^r``,
   ``U_b = 2 - 4 (0.5 - 0.25 (m + d))^r``, ``U_w = 2 - 4 (0.5 + 0.25 (m + d))^r``,
   ``U_sq = 2 - 4 (0.5)^r``.
3. Expected utility of ``i`` challenging ``j``:
   ``E_ij = s_j (P_ij U_s + (1 - P_ij) U_f) + (1 - s_j) U_s - Q U_sq
   - (1 - Q) (T U_b + (1 - T) U_w)``.
4. Risk: with every ``r = 1``, the danger to ``i`` is ``S_i = sum_j E_ji``;
   ``R_i = (2 S_i - S_max - S_min) / (S_max - S_min)`` over the active actors
   and ``r_i = (1 - R_i / 3) / (1 + R_i / 3)``, in [0.5, 2].
5. The receiver ``j`` judges each dyad with its own exponent ``r_j``: it
   computes ``E_ij`` (the challenger's value) and ``E_ji`` (its own). ``i`` has
   an offer for ``j`` when ``E_ij > 0`` and ``E_ij > E_ji``: a conflict ``i``
   wins (``E_ji > 0``: ``j`` to ``x_i``), a compromise (``E_ji <= 0`` and
   ``E_ij > |E_ji|``: ``j`` to ``x_j + (x_i - x_j) |E_ji| / E_ij``) or a
   capitulation (``E_ji <= 0`` and ``E_ij <= |E_ji|``: ``j`` to ``x_i``).
6. Each actor accepts the offer that moves it least (ties: the offer whose
   challenger has the larger ``E_ij``, then the lower position); all moves
   happen at once. Positions closer than ``SAME_POSITION`` times the range
   are not contested. ``offer_choice="by_type_weighted"`` instead prefers
   conflicts, then compromises (lowest EU-weighted average of the two
   positions first), then capitulations.

The defaults are the published statement; ``vote_share="all"``,
``votes="risk"`` and ``offer_choice="by_type_weighted"`` together are the
reading reported of the program behind Scholz et al.'s Table 2.

Stopping rule: an issue settles in the first round in which no active actor
moves by more than ``tol``; otherwise it stops after ``max_rounds``.

Two implementations share these equations. :func:`expected_utility` is
vectorised with NumPy over draws and issues and returns every round;
:func:`eum_forecast` and :class:`EUMStepper` return only the forecast, from a
compiled loop over one issue at a time (``realpolitik.models._eum_kernel``),
several times faster; the stepper also reuses the forecast of every issue
whose inputs did not change since its previous call (a simulation's previous
time step) or that this process bargained before with the same inputs (a
lever run, a Sobol point). Both agree with the scalar reference in the tests to 1e-9; they
round differently, and over many rounds a near tie in the offers can resolve
differently (see ``docs/model.md``, "Speed").
"""

from __future__ import annotations

import itertools
import threading
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from realpolitik.models._inputs import check_inputs, voting_weights
from realpolitik.models._threads import map_in_threads
from realpolitik.models.median import median_from_weights

__all__ = [
    "EUM_READINGS",
    "EUMOptions",
    "EUMResult",
    "EUMStepper",
    "clear_step_memo",
    "eum_forecast",
    "eum_reading_options",
    "expected_utility",
]

BARGAIN_CHUNK = 256
"""Most issues bargained together: bounds memory and keeps pair arrays cache-sized."""

CHUNK_PAIRS = 2**17
"""Most actor pairs (issues x N x N) bargained together: with many actors a chunk holds
fewer issues, so that each (issues, N, N) array of a round (1 MB) stays in the cache."""

SAME_POSITION = 1e-9
"""Two positions closer than this share of the range count as one: no contest."""


VoteShare = Literal["dyad", "all"]
Votes = Literal["linear", "risk"]
OfferChoice = Literal["least_move", "by_type_weighted"]


@dataclass(frozen=True)
class EUMOptions:
    """Constants and reading choices of :func:`expected_utility`, checked on creation.

    The defaults are the published statement of Scholz et al. (2011);
    ``EUMOptions(vote_share="all", votes="risk", offer_choice="by_type_weighted")``
    is the reading reported of the program behind their Table 2.

    Attributes
    ----------
    q : float, default 1.0
        ``Q``, probability that the status quo persists if ``i`` does not
        challenge ``j``. Scholz et al. (2011) use 1.0 ("no value for Q was
        given"); with ``q = 1`` neither ``T`` nor the median enter utilities.
    t : float, default 1.0
        ``T``, probability that things get better for ``i`` if the status quo
        does not persist.
    max_rounds : int, default 100
        Upper bound on bargaining rounds per issue.
    tol : float, default 1e-6
        An issue settles in the first round in which no active actor moves by
        more than ``tol`` (position units).
    position_range : float, optional
        Range dividing all distances. Default: per issue, the span of the
        active initial positions (``x_max - x_min``, as Scholz et al.), kept
        fixed through the rounds. Give e.g. 100 to scale by the full 0-100
        scale; it must not be smaller than any issue's spread.
    vote_share : {"dyad", "all"}, default "dyad"
        Normaliser of the success probability. ``"dyad"``: votes cast in the
        contest between ``i`` and ``j`` (the published equation; a proper
        probability). ``"all"``: votes cast in every contest of the round, the
        normaliser reported of the program behind Scholz et al.'s Table 2.
    votes : {"linear", "risk"}, default "linear"
        ``"linear"``: a vote is ``w_k`` times the difference of the voter's
        distances to the two positions (the stated equation). ``"risk"``: the
        difference of those range-scaled distances, each raised to the
        voter's own risk exponent ``r_k`` (Bueno de Mesquita's vote as a
        difference of utilities). Risk exponents are always computed from
        linear votes.
    offer_choice : {"least_move", "by_type_weighted"}, default "least_move"
        ``"least_move"``: each actor takes the offer that moves it least (as
        stated by Scholz et al. and Bueno de Mesquita). ``"by_type_weighted"``:
        conflicts before compromises before capitulations, compromises ranked
        by the expected-utility-weighted average of the two positions, as
        reported of the program behind Table 2. With ``vote_share="all"`` and
        ``votes="risk"`` this reproduces 13 of the 16 values of Table 2 (see
        ``docs/model.md``).

    Raises
    ------
    ValueError
        If a probability lies outside [0, 1], ``max_rounds`` is not a positive
        integer, ``tol`` is negative, ``position_range`` is not positive or a
        reading choice is not one of its names.
    """

    q: float = 1.0
    t: float = 1.0
    max_rounds: int = 100
    tol: float = 1e-6
    position_range: float | None = None
    vote_share: VoteShare = "dyad"
    votes: Votes = "linear"
    offer_choice: OfferChoice = "least_move"

    def __post_init__(self) -> None:
        """Reject values the model cannot use, naming the field."""
        _check_numbers(self.q, self.t, self.max_rounds, self.tol, self.position_range)
        _check_choice("vote_share", self.vote_share, ("dyad", "all"))
        _check_choice("votes", self.votes, ("linear", "risk"))
        _check_choice("offer_choice", self.offer_choice, ("least_move", "by_type_weighted"))


@dataclass(frozen=True)
class EUMResult:
    """Outcome of :func:`expected_utility`.

    Attributes
    ----------
    trajectory : numpy.ndarray, shape (B, R + 1, N, K)
        Positions per round; round 0 is the input. ``R`` is the largest
        number of rounds used in the batch; once an issue has settled its
        remaining rounds repeat its final positions.
    rounds : numpy.ndarray of int, shape (B, K)
        Rounds used per issue (0 for an issue with nothing to bargain over).
    converged : numpy.ndarray of bool, shape (B, K)
        Whether the issue settled before ``max_rounds`` ran out.
    forecast : numpy.ndarray, shape (B, K)
        Weighted median (median voter) of the final positions: the model's
        forecast (Bueno de Mesquita 1994; Scholz et al. 2011).
    mean_forecast : numpy.ndarray, shape (B, K)
        Weighted mean (compromise) of the final positions.
    median_path : numpy.ndarray, shape (B, R + 1, K)
        Weighted median after each round.
    mean_path : numpy.ndarray, shape (B, R + 1, K)
        Weighted mean after each round.
    """

    trajectory: np.ndarray
    rounds: np.ndarray
    converged: np.ndarray
    forecast: np.ndarray
    mean_forecast: np.ndarray
    median_path: np.ndarray
    mean_path: np.ndarray


@dataclass(frozen=True)
class _Issues:
    """Flattened issues: one row per (draw, issue), actors on the last axis."""

    weight: np.ndarray  # (P, N) voting weight c*s, zero when inactive
    salience: np.ndarray  # (P, N)
    active: np.ndarray  # (P, N) bool
    scale: np.ndarray  # (P,) position range used to scale distances


def _success_probability(
    x: np.ndarray,
    weight: np.ndarray,
    active: np.ndarray,
    vote_share: str,
    exponents: np.ndarray | None = None,
    scale: np.ndarray | None = None,
) -> np.ndarray:
    """Probability ``P[p, i, j]`` that ``i`` prevails over ``j`` (step 1).

    ``P_ij = sum_k w_k max(d_k, 0) / D`` with ``d_k = |x_k - x_j| - |x_k - x_i|``
    (Scholz et al. 2011, votes and probability of success). With
    ``vote_share="dyad"`` the normaliser is the votes cast in this contest,
    ``D = sum_k w_k |d_k|``, so that ``P_ij + P_ji = 1``; with ``"all"`` it is
    the votes cast in every contest between active actors,
    ``D = sum_{a, b, k} w_k |d_k(a, b)|``. The scaling of votes by the position
    range cancels in either ratio. Where ``D = 0`` the probability is 0.5.

    The votes in favour follow from ``max(d, 0) = (|d| + d) / 2`` and
    ``sum_k w_k d_k = L_j - L_i`` with ``L_m = sum_k w_k |x_k - x_m|``, so only
    the absolute votes need the (N, N, N) tensor.

    With ``exponents`` (P, N) and ``scale`` (P,), every distance is first
    scaled by the range and raised to the voter's own exponent ``r_k``:
    the vote becomes a difference of the voter's risk-shaped utilities
    (``votes="risk"``). The identities above hold unchanged.
    """
    dist = np.abs(x[:, :, None] - x[:, None, :])  # [p, k, m] = |x_k - x_m|
    if exponents is not None:
        if scale is None:
            raise ValueError("risk-shaped votes need the position range 'scale'")
        dist = np.power(dist / scale[:, None, None], exponents[:, :, None])
    from realpolitik.models import _eum_kernel  # compiled on first use (Numba)

    total = np.empty(dist.shape)  # [p, i, j] = sum_k w_k |dist[p, k, j] - dist[p, k, i]|
    _eum_kernel.absolute_votes(np.ascontiguousarray(x), np.ascontiguousarray(dist),
                               np.ascontiguousarray(weight), total)  # fmt: skip
    loss = np.einsum("pk,pkm->pm", weight, dist)  # L_m
    favour = np.maximum(0.5 * (total + loss[:, None, :] - loss[:, :, None]), 0.0)
    if vote_share == "all":
        pair = active[:, :, None] & active[:, None, :]
        total = np.broadcast_to(
            np.where(pair, total, 0.0).sum(axis=(1, 2))[:, None, None], total.shape
        )
    out = np.full(total.shape, 0.5)
    np.divide(favour, total, out=out, where=total > 0.0)
    return out


def _utilities(distance: np.ndarray, r: np.ndarray | None, q: float) -> tuple[np.ndarray, ...]:
    """The two utility terms every challenge value needs (Scholz et al. 2011).

    With ``U = 2 - 4 base**r`` for success (base ``0.5 - 0.5 d``), failure
    (``0.5 + 0.5 d``) and status quo (``0.5``), returns ``U_s - Q U_sq`` and
    ``U_s - U_f``. ``r=None`` stands for ``r = 1`` (the power is the identity).
    """
    low = 0.5 - 0.5 * distance
    high = 0.5 + 0.5 * distance
    if r is None:
        u_success, u_failure, u_status_quo = 2.0 - 4.0 * low, 2.0 - 4.0 * high, 0.0
    else:
        u_success = 2.0 - 4.0 * np.power(low, r)
        u_failure = 2.0 - 4.0 * np.power(high, r)
        u_status_quo = 2.0 - 4.0 * np.power(0.5, r)
    return u_success - q * u_status_quo, u_success - u_failure


def _challenge_value(
    prob: np.ndarray, target_salience: np.ndarray, utilities: tuple[np.ndarray, ...]
) -> np.ndarray:
    """Expected utility of a challenge, without the ``1 - Q`` term (Scholz et al. 2011).

    ``s_j (P U_s + (1 - P) U_f) + (1 - s_j) U_s - Q U_sq``, rearranged as
    ``(U_s - Q U_sq) - s_j (1 - P) (U_s - U_f)``; all arguments broadcast.
    """
    net_success, stake = utilities
    return net_success - target_salience * (1.0 - prob) * stake


def _changed_status_quo(
    distance: np.ndarray,
    challenger_to_median: np.ndarray,
    r: np.ndarray | float,
    q: float,
    t: float,
) -> np.ndarray:
    """The ``(1 - Q) (T U_b + (1 - T) U_w)`` term of the expected utility of a challenge.

    ``U_b = 2 - 4 (0.5 - 0.25 (m + d))**r`` and ``U_w = 2 - 4 (0.5 + 0.25 (m + d))**r``
    with ``m`` the challenger's distance to the median, scaled by the range.
    """
    spread = 0.25 * (challenger_to_median + distance)
    u_better = 2.0 - 4.0 * np.power(0.5 - spread, r)
    u_worse = 2.0 - 4.0 * np.power(0.5 + spread, r)
    return (1.0 - q) * (t * u_better + (1.0 - t) * u_worse)


def _risk_exponents(
    prob: np.ndarray,
    distance: np.ndarray,
    to_median: np.ndarray,
    issues: _Issues,
    q: float,
    t: float,
) -> np.ndarray:
    """Risk exponents ``r_i`` from security levels (step 4).

    With every ``r = 1`` the danger ``S_i = sum_j E_ji`` sums the expected
    utility of every other active actor challenging ``i``; ``R_i`` places it
    between the least and most endangered active actors and
    ``r_i = (1 - R_i/3) / (1 + R_i/3)`` (Scholz et al. 2011; after Bueno de
    Mesquita 1985). If all dangers are equal, ``r_i = 1``.
    """
    value = _challenge_value(prob, issues.salience[:, None, :], _utilities(distance, None, q))
    if q != 1.0:
        value = value - _changed_status_quo(distance, to_median[:, :, None], 1.0, q, t)
    pair = issues.active[:, :, None] & issues.active[:, None, :]
    np.einsum("pii->pi", pair)[...] = False
    danger = np.where(pair, value, 0.0).sum(axis=1)  # column sums: S_i = sum_j E_ji
    high = np.where(issues.active, danger, -np.inf).max(axis=1, keepdims=True)
    low = np.where(issues.active, danger, np.inf).min(axis=1, keepdims=True)
    span = high - low
    has_span = span > 0.0
    relative = np.divide(2.0 * danger - high - low, span, out=np.zeros_like(danger), where=has_span)
    relative = np.where(issues.active, np.clip(relative, -1.0, 1.0), 0.0)
    return (1.0 - relative / 3.0) / (1.0 + relative / 3.0)


def _one_round(x: np.ndarray, issues: _Issues, options: EUMOptions) -> np.ndarray:
    """Play one round of challenges and offers; return the new positions."""
    q, t, vote_share = float(options.q), float(options.t), options.vote_share
    scale = issues.scale[:, None, None]
    gap = x[:, :, None] - x[:, None, :]  # [p, i, j] = x_i - x_j
    # Active positions never leave the initial active span, so both shares lie in
    # [0, 1]; the clip only keeps inactive actors (masked out below) finite.
    distance = np.minimum(np.abs(gap) / scale, 1.0)
    mu = median_from_weights(x[:, :, None], issues.weight[:, :, None])[:, 0]
    to_median = np.minimum(np.abs(x - mu[:, None]) / issues.scale[:, None], 1.0)
    prob = _success_probability(x, issues.weight, issues.active, vote_share)

    exponents = _risk_exponents(prob, distance, to_median, issues, q, t)
    if options.votes == "risk":  # exponents come from linear votes; offers from risk-shaped ones
        prob = _success_probability(
            x, issues.weight, issues.active, vote_share, exponents, issues.scale
        )
    r_receiver = exponents[:, None, :]
    # In the dyad (i, j) both values are judged by the receiver j with r_j, and
    # both challenges span the same distance: one set of utilities serves both.
    utilities = _utilities(distance, r_receiver, q)
    own = _challenge_value(prob, issues.salience[:, None, :], utilities)  # E^j(U_ij)
    other = _challenge_value(np.swapaxes(prob, 1, 2), issues.salience[:, :, None], utilities)
    if q != 1.0:
        own -= _changed_status_quo(distance, to_median[:, :, None], r_receiver, q, t)
        other -= _changed_status_quo(distance, to_median[:, None, :], r_receiver, q, t)
    contest = issues.active[:, :, None] & issues.active[:, None, :] & (distance > SAME_POSITION)
    return _accept_offers(x, gap, distance, own, other, contest, options.offer_choice)


def _accept_offers(
    x: np.ndarray,
    gap: np.ndarray,
    distance: np.ndarray,
    own: np.ndarray,
    other: np.ndarray,
    contest: np.ndarray,
    offer_choice: str = "least_move",
) -> np.ndarray:
    """Classify each dyad from the receiver's view and apply the best offers.

    ``own[p, i, j]`` is ``E^j(U_ij)`` and ``other[p, i, j]`` is ``E^j(U_ji)``:
    both as the receiver ``j`` perceives them. Offers go from ``i`` (rows) to
    ``j`` (columns); each ``j`` takes the one that moves it least (steps 5-6).

    ``i`` has an offer for ``j`` when ``own > 0`` and ``own > other``: a
    conflict ``i`` wins (``other > 0``) or ``j`` yields (``other <= 0``). A
    yielding ``j`` compromises when ``own > -other``, moving the share
    ``-other / own`` of the way; otherwise it capitulates to ``x_i``.

    ``offer_choice="by_type_weighted"`` first restricts each ``j`` to its
    conflicts, else its compromises, else its capitulations, and ranks
    compromises by ``(|other| x_j + own x_i) / (own + |other|)``, lowest
    first (the ranking reported of the program behind Scholz et al.'s
    Table 2); conflicts and capitulations still by least move.
    """
    made = contest & (own > 0.0) & (own > other)
    compromise = made & (other <= 0.0) & (own + other > 0.0)
    share = np.divide(-other, own, out=np.zeros_like(own), where=compromise)
    move = np.where(compromise, distance * share, distance)
    eligible = made
    if offer_choice == "by_type_weighted":
        conflict = made & (other > 0.0)
        eligible = np.where(
            conflict.any(axis=1, keepdims=True),
            conflict,
            np.where(compromise.any(axis=1, keepdims=True), compromise, made),
        )
        weighted = np.divide(
            own * x[:, :, None] - other * x[:, None, :],
            own - other,
            out=np.zeros_like(own),
            where=compromise,
        )
        move = np.where(compromise, weighted, move)
    move[~eligible] = np.inf
    least = move.min(axis=1, keepdims=True)
    tied = eligible & (move == least)
    best_value = np.where(tied, own, -np.inf).max(axis=1, keepdims=True)
    tied &= own == best_value
    offer = np.where(compromise, x[:, None, :] + gap * share, x[:, :, None])
    chosen = np.where(tied, offer, np.inf).min(axis=1)
    return np.where(np.isfinite(chosen), chosen, x)


def _flatten(array: np.ndarray) -> np.ndarray:
    """(B, N, K) -> (B*K, N): one row per (draw, issue)."""
    batch, actors, issues = array.shape
    return np.moveaxis(array, 2, 1).reshape(batch * issues, actors)


def _unflatten(array: np.ndarray, batch: int, issues: int) -> np.ndarray:
    """(B*K, ..., N) -> (B, ..., N, K), inverse of :func:`_flatten`."""
    shaped = array.reshape(batch, issues, *array.shape[1:])
    return np.moveaxis(shaped, 1, -1)


def _position_scale(x: np.ndarray, active: np.ndarray, position_range: float | None) -> np.ndarray:
    """Range used to scale distances: per issue span of active positions, or fixed."""
    high = np.where(active, x, -np.inf).max(axis=1)
    low = np.where(active, x, np.inf).min(axis=1)
    span = np.where(active.any(axis=1), high - low, 0.0)
    if position_range is None:
        return span
    widest = float(span.max(initial=0.0))
    if widest > position_range:
        raise ValueError(
            f"position_range={position_range} is smaller than the spread of "
            f"active positions on some issue ({widest})"
        )
    return np.where(span > 0.0, position_range, 0.0)


def _check_numbers(
    q: float, t: float, max_rounds: int, tol: float, position_range: float | None
) -> None:
    """Check the numeric fields of :class:`EUMOptions`."""
    for name, value in (("q", q), ("t", t)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} is a probability and must lie in [0, 1]; got {value}")
    if isinstance(max_rounds, bool) or not isinstance(max_rounds, int | np.integer):
        raise ValueError(f"max_rounds must be an integer; got {max_rounds!r}")
    if max_rounds < 1:
        raise ValueError(f"max_rounds must be at least 1; got {max_rounds}")
    if not tol >= 0.0:
        raise ValueError(f"tol must be non-negative; got {tol}")
    if position_range is not None and not position_range > 0.0:
        raise ValueError(f"position_range must be positive; got {position_range}")


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    """Check that a reading choice of :class:`EUMOptions` is one of its names."""
    if value not in choices:
        names = " or ".join(f'"{choice}"' for choice in choices)
        raise ValueError(f"{name} must be {names}; got {value!r}")


def _warn_idle(idle: np.ndarray) -> None:
    if np.any(idle):
        warnings.warn(
            f"expected_utility: {int(idle.sum())} issue(s) have fewer than two active "
            "actors or identical active positions; nothing to bargain over, "
            "positions are returned unchanged",
            RuntimeWarning,
            stacklevel=4,  # the caller of expected_utility
        )


def _bargain_chunk(
    x0: np.ndarray, issues: _Issues, options: EUMOptions
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run rounds on a chunk of flattened issues.

    Returns positions per round (P, R + 1, N), rounds used and convergence.
    Issues that have settled drop out of the computation and repeat their
    final positions.
    """
    idle = (issues.active.sum(axis=1) < 2) | (issues.scale <= 0.0)
    rounds = np.zeros(x0.shape[0], dtype=int)
    converged = idle.copy()
    history = [x0]
    x = x0
    for number in range(1, options.max_rounds + 1):
        live = np.flatnonzero(~converged)
        if live.size == 0:
            break
        part = _Issues(
            issues.weight[live], issues.salience[live], issues.active[live], issues.scale[live]
        )
        moved = _one_round(x[live], part, options)
        step = np.abs(moved - x[live]).max(axis=1)
        x = x.copy()
        x[live] = moved
        history.append(x)
        rounds[live] = number
        converged[live[step <= options.tol]] = True
    return np.stack(history, axis=1), rounds, converged


def _path_forecasts(path: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted median and mean of every round of ``path`` (P, R + 1, N) -> (P, R + 1)."""
    problems, steps, actors = path.shape
    stacked = path.reshape(problems * steps, actors, 1)
    weights = np.repeat(weight, steps, axis=0)[:, :, None]
    median = median_from_weights(stacked, weights)[:, 0]
    mean = (weights * stacked).sum(axis=1)[:, 0] / weights.sum(axis=1)[:, 0]
    return median.reshape(problems, steps), mean.reshape(problems, steps)


def _bargain(x0: np.ndarray, issues: _Issues, options: EUMOptions) -> tuple[np.ndarray, ...]:
    """Bargain chunk by chunk (bounded memory, cache-sized arrays; see :data:`CHUNK_PAIRS`).

    Returns positions per round (P, R + 1, N), weighted median and mean per
    round (P, R + 1), rounds used and convergence (P,); chunks that settled
    early repeat their final state up to the longest chunk. Chunks are
    shared among the cores (:mod:`realpolitik.models._threads`); each is
    computed as it would be alone, so the results do not depend on it.
    """
    _warn_idle((issues.active.sum(axis=1) < 2) | (issues.scale <= 0.0))
    size = max(1, min(BARGAIN_CHUNK, CHUNK_PAIRS // x0.shape[1] ** 2))
    chunks = [slice(start, start + size) for start in range(0, x0.shape[0], size)]

    def bargain(rows: slice) -> tuple:
        chunk = _Issues(
            issues.weight[rows], issues.salience[rows], issues.active[rows], issues.scale[rows]
        )
        path, rounds, converged = _bargain_chunk(x0[rows], chunk, options)
        return (rows, path, *_path_forecasts(path, chunk.weight), rounds, converged)

    parts = map_in_threads(bargain, chunks)  # same results on any number of threads
    steps = max(part[1].shape[1] for part in parts)
    problems, actors = x0.shape
    path_all = np.empty((problems, steps, actors))
    median_all = np.empty((problems, steps))
    mean_all = np.empty((problems, steps))
    rounds_all = np.empty(problems, dtype=int)
    converged_all = np.empty(problems, dtype=bool)
    for rows, path, median, mean, rounds, converged in parts:
        used = path.shape[1]
        path_all[rows, :used] = path
        path_all[rows, used:] = path[:, -1:]
        median_all[rows, :used] = median
        median_all[rows, used:] = median[:, -1:]
        mean_all[rows, :used] = mean
        mean_all[rows, used:] = mean[:, -1:]
        rounds_all[rows] = rounds
        converged_all[rows] = converged
    return path_all, median_all, mean_all, rounds_all, converged_all


def expected_utility(
    positions: ArrayLike,
    salience: ArrayLike,
    capability: ArrayLike,
    active: ArrayLike | None = None,
    *,
    options: EUMOptions | None = None,
) -> EUMResult:
    """Run Bueno de Mesquita's Expected Utility Model on every issue and draw.

    Parameters
    ----------
    positions : array_like, shape (B, N, K)
        Initial positions (0-100 scale, or any scale).
    salience : array_like, shape (B, N, K)
        Salience in [0, 1]; also the probability that a challenged actor
        resists (Scholz et al. 2011).
    capability : array_like, shape (B, N, K)
        Non-negative capability, any scale (the model is invariant to it).
    active : array_like of bool, shape (B, N, K), optional
        Inactive actors neither vote, challenge nor are challenged; their
        positions pass through unchanged and they do not count in forecasts.
    options : EUMOptions, optional
        Constants (``Q``, ``T``), stopping rule, distance scale and reading
        choices; default ``EUMOptions()``, the published statement.

    Returns
    -------
    EUMResult
        Trajectory, rounds used, convergence flags, median and mean forecasts
        and their paths.

    Raises
    ------
    ValueError
        On bad inputs (see :func:`~realpolitik.models._inputs.check_inputs`)
        or a ``position_range`` smaller than an issue's spread.

    Warns
    -----
    RuntimeWarning
        If an issue has zero total weight, fewer than two active actors or
        identical active positions (positions are then returned unchanged).

    Notes
    -----
    See the module docstring for the round's equations and
    ``docs/model.md`` for every reading choice and its reasons.
    """
    options = EUMOptions() if options is None else options
    if not isinstance(options, EUMOptions):
        raise TypeError(f"options must be EUMOptions; got {type(options).__name__}")
    inputs = check_inputs(positions, salience, capability, active)
    weights = voting_weights(inputs, engine="expected_utility")
    batch, actors, n_issues = inputs.positions.shape
    x0 = _flatten(inputs.positions)
    flat_active = _flatten(inputs.active)
    issues = _Issues(
        weight=_flatten(weights),
        salience=_flatten(inputs.salience),
        active=flat_active,
        scale=_position_scale(x0, flat_active, options.position_range),
    )
    path, median_path, mean_path, rounds, converged = _bargain(x0, issues, options)
    return EUMResult(
        trajectory=_unflatten(path, batch, n_issues),
        rounds=rounds.reshape(batch, n_issues),
        converged=converged.reshape(batch, n_issues),
        forecast=median_path[:, -1].reshape(batch, n_issues),
        mean_forecast=mean_path[:, -1].reshape(batch, n_issues),
        median_path=_unflatten(median_path, batch, n_issues),
        mean_path=_unflatten(mean_path, batch, n_issues),
    )


MEMO_ROWS = 300_000
"""Issues whose forecasts :class:`EUMStepper` remembers per process (about 0.6 KB each with
13 actors: some 180 MB at most)."""


class _ForecastMemo:
    """Forecasts of issues already bargained in this process, keyed by their exact inputs.

    An issue's forecast depends only on its own column of positions,
    saliences, capabilities and active flags (and on the options), so equal
    bytes give an equal forecast: a lever or a Sobol point that leaves an
    issue as the baseline had it reuses the baseline's result. The least
    recently used entries go first beyond :data:`MEMO_ROWS`. Thread-safe.
    """

    def __init__(self, capacity: int = MEMO_ROWS) -> None:
        self.capacity = capacity
        self._entries: dict[tuple[EUMOptions, bytes], float] = {}
        self._lock = threading.Lock()

    def recall(self, options: EUMOptions, keys: list[bytes]) -> np.ndarray:
        """Remembered forecasts of ``keys`` (NaN where unknown); hits become most recent."""
        found = np.full(len(keys), np.nan)
        with self._lock:
            for index, key in enumerate(keys):
                value = self._entries.pop((options, key), None)
                if value is not None:
                    self._entries[(options, key)] = value
                    found[index] = value
        return found

    def remember(self, options: EUMOptions, keys: list[bytes], values: np.ndarray) -> None:
        """Store forecasts, dropping the least recently used beyond the capacity."""
        with self._lock:
            for key, value in zip(keys, values.tolist(), strict=True):
                self._entries[(options, key)] = value
            excess = len(self._entries) - self.capacity
            if excess > 0:
                for old in list(itertools.islice(self._entries, excess)):
                    del self._entries[old]

    def clear(self) -> None:
        """Forget every forecast."""
        with self._lock:
            self._entries.clear()


_MEMO = _ForecastMemo()


def clear_step_memo() -> None:
    """Forget the forecasts :class:`EUMStepper` remembers in this process (frees their memory)."""
    _MEMO.clear()


class EUMStepper:
    """The model's forecast over successive calls, reusing issues whose inputs did not change.

    A simulation calls it once per time step with the stated positions of
    that step. Each (draw, issue) whose positions, saliences, capabilities
    and active actors all equal those of the previous call keeps its previous
    forecast (the forecast depends on nothing else); the others are looked up
    in a per-process memory of issues already bargained with the same inputs
    (another chunk's, a lever run's or a Sobol point's), and only those never
    seen are bargained, by the compiled engine. Every result equals
    :func:`eum_forecast` on the same inputs, bit for bit.

    Parameters
    ----------
    options : EUMOptions, optional
        Constants and reading choices; default ``EUMOptions()``.

    Examples
    --------
    >>> settle = EUMStepper()
    >>> x = np.array([[[0.0], [10.0]]]); s = np.ones((1, 2, 1))
    >>> settle(x, s, np.array([[[3.0], [1.0]]])).shape
    (1, 1)
    """

    def __init__(self, options: EUMOptions | None = None) -> None:
        self.options = _checked_options(options)
        self._inputs: tuple[np.ndarray, ...] | None = None
        self._forecast: np.ndarray | None = None

    def __call__(
        self,
        positions: ArrayLike,
        salience: ArrayLike,
        capability: ArrayLike,
        active: ArrayLike | None = None,
    ) -> np.ndarray:
        """Return each issue's forecast, shape (B, K), for inputs of shape (B, N, K)."""
        inputs = check_inputs(positions, salience, capability, active)
        batch, _, n_issues = inputs.positions.shape
        changed = self._changed(inputs)
        if changed is None or self._forecast is None:
            forecast = np.empty(batch * n_issues)
            rows = np.arange(forecast.size)
        else:
            forecast = self._forecast.ravel()
            rows = np.flatnonzero(changed.ravel())
        keys = _row_keys(inputs, rows)
        forecast[rows] = _MEMO.recall(self.options, keys)
        unknown = np.isnan(forecast[rows])
        if unknown.any():
            missing = rows[unknown]
            forecast = _compiled_forecast(inputs, self.options, missing, forecast).ravel()
            _MEMO.remember(self.options, [k for k, u in zip(keys, unknown, strict=True) if u],
                           forecast[missing])  # fmt: skip
        self._inputs = tuple(np.array(part, copy=True) for part in inputs)
        self._forecast = forecast.reshape(batch, n_issues)
        return self._forecast.copy()

    def _changed(self, inputs: tuple[np.ndarray, ...]) -> np.ndarray | None:
        """(B, K) mask of issues whose inputs differ from the previous call; None: all."""
        previous = self._inputs
        if previous is None or previous[0].shape != inputs[0].shape:
            return None
        changed = np.zeros(inputs[0].shape[::2], dtype=bool)
        for old, new in zip(previous, inputs, strict=True):
            changed |= (old != new).any(axis=1)
        return changed


def _row_keys(inputs: tuple[np.ndarray, ...], rows: np.ndarray) -> list[bytes]:
    """The exact bytes of each listed (draw, issue) row's inputs: positions, salience, ..."""
    columns = [_flatten(np.asarray(part, dtype=float))[rows] for part in inputs]
    table = np.ascontiguousarray(np.concatenate(columns, axis=1))
    return [row.tobytes() for row in table]


def eum_forecast(
    positions: ArrayLike,
    salience: ArrayLike,
    capability: ArrayLike,
    active: ArrayLike | None = None,
    *,
    options: EUMOptions | None = None,
) -> np.ndarray:
    """The model's forecast (median voter after bargaining), from the compiled engine.

    Takes the arguments of :func:`expected_utility` and returns what its
    ``forecast`` holds, shape (B, K), without the rounds: the same equations,
    run one issue at a time in compiled loops (Numba), several times faster.
    The two round differently (a power is ``exp(r log b)`` here), so they
    agree to about 1e-12 per round; over many rounds a near tie between two
    offers can resolve differently, as between any two implementations.

    Raises
    ------
    ValueError, TypeError
        As :func:`expected_utility`.

    Warns
    -----
    RuntimeWarning
        As :func:`expected_utility`.
    """
    inputs = check_inputs(positions, salience, capability, active)
    return _compiled_forecast(inputs, _checked_options(options), None, None)


def _checked_options(options: EUMOptions | None) -> EUMOptions:
    """The options, defaulting to the published statement; TypeError for anything else."""
    options = EUMOptions() if options is None else options
    if not isinstance(options, EUMOptions):
        raise TypeError(f"options must be EUMOptions; got {type(options).__name__}")
    return options


PARALLEL_ROWS = 8
"""Fewest issues to bargain for :func:`_compiled_forecast` to share them among Numba's threads."""


def _share_cores(rows: int) -> bool:
    """Whether to bargain ``rows`` issues on all of Numba's threads.

    Only from the main thread: an executor's worker threads (or a dask
    worker's) already run chunks side by side, and each then bargains on its
    own core. Results are the same either way (:func:`settle_rows_parallel`).
    """
    return rows >= PARALLEL_ROWS and threading.current_thread() is threading.main_thread()


def _compiled_forecast(
    inputs: tuple[np.ndarray, ...],
    options: EUMOptions,
    rows: np.ndarray | None,
    previous: np.ndarray | None,
) -> np.ndarray:
    """Forecasts (B, K) from the compiled engine; only the flattened ``rows`` are bargained.

    The other rows take their value from ``previous`` (flattened, B * K);
    ``rows=None`` bargains every issue.
    """
    from realpolitik.models import _eum_kernel  # compiled on first use (Numba)

    positions, salience, _, active = inputs
    weights = voting_weights(inputs, engine="expected_utility")  # type: ignore[arg-type]
    batch, _, n_issues = positions.shape
    x0 = _flatten(positions)
    flat_active = _flatten(active)
    scale = _position_scale(x0, flat_active, options.position_range)
    _warn_idle((flat_active.sum(axis=1) < 2) | (scale <= 0.0))
    if rows is None:
        forecast = np.empty(batch * n_issues)
        rows = np.arange(batch * n_issues)
    else:
        forecast = np.array(previous, dtype=float).ravel()
    rounds = np.zeros(forecast.shape, dtype=np.int64)
    settled = np.zeros(forecast.shape, dtype=bool)
    settle = _eum_kernel.settle_rows
    if _share_cores(rows.size):
        settle = _eum_kernel.settle_rows_parallel
    settle(
        np.ascontiguousarray(x0), np.ascontiguousarray(_flatten(weights)),
        np.ascontiguousarray(_flatten(salience)), np.ascontiguousarray(flat_active),
        scale, rows, float(options.q), float(options.t), int(options.max_rounds),
        float(options.tol), options.vote_share == "all", options.votes == "risk",
        options.offer_choice == "by_type_weighted", forecast, rounds, settled,
    )  # fmt: skip
    return forecast.reshape(batch, n_issues)


EUM_READINGS: Mapping[str, EUMOptions] = MappingProxyType({
    "published": EUMOptions(),
    "program": EUMOptions(vote_share="all", votes="risk", offer_choice="by_type_weighted"),
})
"""Named readings of the model, offered as ``--eum-reading`` on the command line.

``published``: the equations as Scholz et al. (2011) publish them (the
defaults). ``program``: the reading reported of the program behind their
Table 2, which reproduces 13 of its 16 values (docs/model.md)."""


def eum_reading_options(name: str) -> EUMOptions:
    """The options of the reading called ``name`` (ValueError naming the choices if unknown)."""
    try:
        return EUM_READINGS[name]
    except KeyError:
        raise ValueError(
            f"unknown EUM reading {name!r}; choose one of {', '.join(EUM_READINGS)}"
        ) from None
