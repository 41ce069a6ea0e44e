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

One round, for one issue with active actors ``i, j, k`` (every issue is
bargained on its own, in the compiled loops of
:mod:`realpolitik.models._eum_kernel`):

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

One implementation runs the rounds: compiled loops over one issue at a time
(:mod:`realpolitik.models._eum_kernel`, Numba), which skip the pairs that
cannot make an offer and share the issues among the cores. It serves three
callers: :func:`expected_utility` keeps every round (the static forecast, its
report and the validation); :func:`eum_forecast` returns the forecast only;
:class:`EUMStepper` also reuses the forecast of every issue whose inputs did
not change since its previous call (a simulation's previous time step) or
that this process bargained before with the same inputs (a lever run, a
Sobol point). So a static forecast and a simulation's time step give the
same bits on the same inputs. The tests check it against a plain scalar
reference of the equations to 1e-9 (``docs/model.md``, "Speed").
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


PATH_ROWS = 256
"""Issues whose rounds are summarised together (bounds the temporary arrays of the medians)."""


def _path_forecasts(path: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted median and mean of every round of ``path`` (P, R + 1, N) -> (P, R + 1).

    Taken :data:`PATH_ROWS` issues at a time, so that the sorting's
    temporaries stay small beside the path itself.
    """
    problems, steps, actors = path.shape
    median = np.empty((problems, steps))
    mean = np.empty((problems, steps))
    for start in range(0, problems, PATH_ROWS):
        rows = slice(start, start + PATH_ROWS)
        stacked = path[rows].reshape(-1, actors, 1)
        weights = np.repeat(weight[rows], steps, axis=0)[:, :, None]
        median[rows] = median_from_weights(stacked, weights)[:, 0].reshape(-1, steps)
        mean[rows] = ((weights * stacked).sum(axis=1)[:, 0]
                      / weights.sum(axis=1)[:, 0]).reshape(-1, steps)
    return median, mean


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
    options = _checked_options(options)
    inputs = check_inputs(positions, salience, capability, active)
    batch, actors, n_issues = inputs.positions.shape
    paths = np.empty((batch * n_issues, options.max_rounds + 1, actors))
    forecast, rounds, converged = _compiled_forecast(inputs, options, None, None, paths)
    steps = int(rounds.max(initial=0)) + 1  # rounds past the last one used repeat it
    if steps < paths.shape[1]:
        paths = paths[:, :steps].copy()  # a copy, so that the rounds never used are freed
    weights = _flatten(voting_weights(inputs, engine="expected_utility"))
    median_path, mean_path = _path_forecasts(paths, weights)
    return EUMResult(
        trajectory=_unflatten(paths, batch, n_issues),
        rounds=rounds.reshape(batch, n_issues),
        converged=converged.reshape(batch, n_issues),
        forecast=forecast.reshape(batch, n_issues),
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
            forecast = _compiled_forecast(inputs, self.options, missing, forecast)[0]
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
    """The model's forecast (median voter after bargaining), without the rounds.

    Takes the arguments of :func:`expected_utility` and returns what its
    ``forecast`` holds, shape (B, K), bit for bit, without keeping the
    positions of every round.

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
    batch, _, n_issues = inputs.positions.shape
    forecast = _compiled_forecast(inputs, _checked_options(options), None, None)[0]
    return forecast.reshape(batch, n_issues)


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


NO_PATHS = np.empty((0, 0, 0))
"""Passed for the per-round positions when only the forecasts are wanted."""


def _compiled_forecast(
    inputs: tuple[np.ndarray, ...],
    options: EUMOptions,
    rows: np.ndarray | None,
    previous: np.ndarray | None,
    paths: np.ndarray = NO_PATHS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bargain the flattened ``rows`` (``None``: every issue) with the compiled engine.

    Returns the forecasts (B * K; rows not bargained keep their value from
    ``previous``), the rounds used and whether each row settled (0 and False
    where not bargained). Unless ``paths`` has no rows, it is (B * K,
    max_rounds + 1, N) and receives every bargained row's positions after
    each round.
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
        options.offer_choice == "by_type_weighted", forecast, rounds, settled, paths,
    )  # fmt: skip
    return forecast, rounds, settled


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
