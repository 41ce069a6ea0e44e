"""The numbers a simulation uses, their names, and reproducible sampling per draw.

Every number the simulation reads (capabilities, stances, shared stakes,
trend drifts, hazards, effect amounts of the scenario's dynamics and of the
levers applied) is named by its dotted field path, as
:func:`realpolitik.scenario.schema.dotted` renders it:
``stances.idlib.russia.position``, ``actors[2].capability``,
``dynamics.shocks[0].hazard``, ``levers[1].effects[0].shift``.

Seeding
-------
Draws are grouped in fixed blocks of :data:`BLOCK_SIZE`.  The values of one
number in one block come from their own stream, keyed by the run's seed, the
block and a hash of the number's name::

    SeedSequence(seed, spawn_key=(block, kind, key(name)))

(the same mechanism as ``SeedSequence(seed).spawn``, addressed directly).
So a draw's values depend only on the seed, the draw's index and the
number's name, never on the chunk size, the executor, which levers are
applied or what other numbers the scenario holds: lever runs share common
random numbers with the baseline draw by draw.

The same scheme, with its own ``kind``, gives each shock its uniform
numbers per step (:func:`shock_uniforms`), each stance's position and
salience their normal innovations per step (:class:`StepNormals`), and each
draw the uniform number that picks its engine in a mixture
(:func:`engine_uniforms`).  That number is also a named input,
``model.engine`` (:data:`ENGINE_PARAMETER`): an override of it picks each
draw's engine instead of the stream (:func:`engine_choice`), so the
sensitivity analysis can vary the engine like any other number.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from realpolitik.scenario.base import FieldPath
from realpolitik.scenario.dynamics import DEFAULT_VOLATILITY, parse_target, target_reference_error
from realpolitik.scenario.levers import Lever, lever_problems
from realpolitik.scenario.names import ENGINE_INPUT
from realpolitik.scenario.quantity import Quantity
from realpolitik.scenario.schema import Scenario, dotted, iter_quantities

__all__ = [
    "BLOCK_SIZE",
    "ENGINE_PARAMETER",
    "WHOLE_NUMBER_FIELDS",
    "AppliedLever",
    "StepNormals",
    "block_stream",
    "check_overrides",
    "engine_choice",
    "engine_uniforms",
    "resolve_levers",
    "sample_values",
    "shock_uniforms",
    "simulated_quantities",
]

BLOCK_SIZE = 1024
"""Draws per seeding block; fixed so that results never depend on the chunking."""

SIMULATED_SECTIONS = ("actors", "stances", "alliances", "dynamics")
"""Scenario sections whose numbers the simulation reads (levers are added when applied)."""

KIND_PARAMETER, KIND_SHOCK, KIND_VOLATILITY, KIND_ENGINE = 0, 1, 2, 3

WHOLE_NUMBER_FIELDS = ("for_steps",)
"""Last parts of the names of numbers that count steps: sampled as whole numbers."""

ENGINE_STREAM = "engine"
"""Name of the stream of uniform numbers that picks each draw's engine in a mixture."""

ENGINE_PARAMETER = ENGINE_INPUT
"""``model.engine``: the override name of the uniform number that picks a draw's engine."""

LAST_BELOW_ONE = float(np.nextafter(1.0, 0.0))
"""The largest float below 1: an engine override of 1 picks the mixture's last engine."""


@dataclass(frozen=True)
class AppliedLever:
    """A lever applied in a run, with the field path its numbers are named under."""

    lever: Lever
    path: FieldPath


def resolve_levers(scenario: Scenario, levers: Sequence[Lever | str]) -> list[AppliedLever]:
    """Turn lever ids and objects into applied levers.

    An id names one of the scenario's levers; its numbers keep their names
    (``levers[3].effects[0].shift``).  A :class:`Lever` object not in the
    scenario is named by its id (``levers.my_lever.effects[0].shift``).

    Raises
    ------
    ValueError
        For an id the scenario does not declare, or a lever given twice.
    """
    by_id = {lever.id: index for index, lever in enumerate(scenario.levers)}
    applied: list[AppliedLever] = []
    path: FieldPath
    for item in levers:
        if isinstance(item, str):
            if item not in by_id:
                known = ", ".join(sorted(by_id)) or "none"
                raise ValueError(f"unknown lever '{item}' (the scenario declares: {known})")
            lever, path = scenario.levers[by_id[item]], ("levers", by_id[item])
        elif isinstance(item, Lever):
            index = by_id.get(item.id)
            lever = item
            if index is not None and scenario.levers[index] == item:
                path = ("levers", index)
            else:
                path = ("levers", item.id)
        else:
            raise ValueError(f"a lever must be a Lever or a lever id, got {type(item).__name__}")
        _check_lever_targets(scenario, lever)
        if any(other.lever.id == lever.id for other in applied):
            raise ValueError(f"lever '{lever.id}' is applied twice")
        applied.append(AppliedLever(lever, path))
    return applied


def _check_lever_targets(scenario: Scenario, lever: Lever) -> None:
    """Reject a lever (possibly made outside the scenario) whose effects name unknown things."""
    for index, effect in enumerate(lever.effects):
        problem = target_reference_error(scenario, parse_target(effect.target))
        if problem is not None:
            raise ValueError(f"lever '{lever.id}', effect {index} ({effect.target}): {problem}")
    for path, problem in lever_problems(scenario, lever, ()):
        raise ValueError(f"lever '{lever.id}', {dotted(path)}: {problem}")


_QUANTITIES_KEPT = 8
_quantities_kept: dict[tuple[int, ...], tuple[tuple[object, ...], dict[str, Quantity]]] = {}


def simulated_quantities(
    scenario: Scenario, levers: Sequence[AppliedLever] = ()
) -> dict[str, Quantity]:
    """Return every number the simulation reads, by name, in file order.

    Every chunk of every ensemble asks again (a sensitivity analysis runs
    hundreds of small ensembles of one scenario), so the answers for the
    last few scenario and lever objects are kept and a fresh copy of the
    mapping is returned.  The objects are immutable; they are held with
    the answer so that their identities stay theirs.

    A scenario without a ``dynamics.volatility`` section reads the default
    volatilities, named as if the section were written out
    (``dynamics.volatility.position``, ``dynamics.volatility.salience``),
    so that overrides can vary them.
    """
    owners = (scenario, *levers)
    key = tuple(id(owner) for owner in owners)
    kept = _quantities_kept.get(key)
    if kept is None or any(a is not b for a, b in zip(kept[0], owners, strict=True)):
        kept = (owners, _read_quantities(scenario, levers))
        if len(_quantities_kept) >= _QUANTITIES_KEPT:
            _quantities_kept.pop(next(iter(_quantities_kept)), None)
        _quantities_kept[key] = kept
    return dict(kept[1])


def _read_quantities(
    scenario: Scenario, levers: Sequence[AppliedLever]
) -> dict[str, Quantity]:
    """Every number the simulation reads, by name, in file order (:func:`simulated_quantities`)."""

    def numbers() -> Iterator[tuple[FieldPath, Quantity]]:
        for path, quantity in iter_quantities(scenario):
            if path[0] in SIMULATED_SECTIONS:
                yield path, quantity
        if scenario.dynamics is None or scenario.dynamics.volatility is None:
            yield from iter_quantities(DEFAULT_VOLATILITY, ("dynamics", "volatility"))
        for applied in levers:
            yield from iter_quantities(applied.lever, applied.path)

    return {dotted(path): quantity for path, quantity in numbers()}


@functools.lru_cache(maxsize=4096)
def _name_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "little")


def block_stream(seed: int, block: int, kind: int, name: str) -> np.random.Generator:
    """Return the random stream of one named number (or shock) in one block of draws."""
    sequence = np.random.SeedSequence(seed, spawn_key=(block, kind, _name_key(name)))
    return np.random.Generator(np.random.PCG64(sequence))


def _blocks(start: int, stop: int) -> range:
    return range(start // BLOCK_SIZE, (stop - 1) // BLOCK_SIZE + 1)


def is_whole_number(name: str) -> bool:
    """True for a number that counts steps (sampled as whole numbers)."""
    return name.rsplit(".", 1)[-1] in WHOLE_NUMBER_FIELDS


def _sample_range(quantity: Quantity, seed: int, name: str, start: int, stop: int) -> np.ndarray:
    """Values of one uncertain number for draws ``start`` to ``stop - 1``."""
    sample = quantity.sample_whole if is_whole_number(name) else quantity.sample
    pieces = [
        sample(block_stream(seed, block, KIND_PARAMETER, name), BLOCK_SIZE)
        for block in _blocks(start, stop)
    ]
    offset = (start // BLOCK_SIZE) * BLOCK_SIZE
    return np.concatenate(pieces)[start - offset : stop - offset]


def sample_values(
    quantities: Mapping[str, Quantity],
    seed: int,
    start: int,
    stop: int,
    overrides: Mapping[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Return every number's values for draws ``start`` to ``stop - 1``, shape (stop - start,).

    Certain numbers are constant; uncertain ones are sampled from their own
    stream (uniform over the range, or triangular); ``overrides`` (already
    sliced to the same draws) replace the values of the numbers they name.
    """
    size = stop - start
    values: dict[str, np.ndarray] = {}
    for name, quantity in quantities.items():
        if overrides is not None and name in overrides:
            values[name] = np.asarray(overrides[name], dtype=float)
        elif quantity.uncertain:
            values[name] = _sample_range(quantity, seed, name, start, stop)
        else:
            values[name] = np.full(size, quantity.point)
    return values


def shock_uniforms(seed: int, shock_id: str, start: int, stop: int, steps: int) -> np.ndarray:
    """Uniform numbers deciding whether a shock fires, shape (stop - start, steps).

    Column ``t - 1`` serves step ``t``.  Each block draws its numbers step by
    step, so a shorter horizon sees a prefix of a longer one's numbers.
    """
    pieces = [
        block_stream(seed, block, KIND_SHOCK, shock_id).random((steps, BLOCK_SIZE)).T
        for block in _blocks(start, stop)
    ]
    offset = (start // BLOCK_SIZE) * BLOCK_SIZE
    return np.concatenate(pieces)[start - offset : stop - offset]


NORMAL_FLOOR = 2.0**-54
"""Smallest uniform number turned into a normal one: a uniform 0 (one chance in 2**53) would
give minus infinity, so it is read as half the spacing of the uniform numbers."""


_NORMALS_KEPT_BYTES = 128 * 2**20
"""Memory the step normals of recent chunks may keep (see :class:`StepNormals`)."""

_normals_kept: dict[tuple[object, ...], tuple[np.ndarray, ...]] = {}
_normals_lock = threading.Lock()  # chunks may run in threads


def _keep_normals(key: tuple[object, ...], steps: tuple[np.ndarray, ...]) -> None:
    """Keep the normals of ``key``, dropping the oldest kept ones to stay within the budget."""
    size = sum(step.nbytes for step in steps)
    if size > _NORMALS_KEPT_BYTES:
        return
    with _normals_lock:
        _normals_kept.pop(key, None)
        while _normals_kept and size + sum(
            step.nbytes for kept in _normals_kept.values() for step in kept
        ) > _NORMALS_KEPT_BYTES:
            _normals_kept.pop(next(iter(_normals_kept)))
        _normals_kept[key] = steps


class StepNormals:
    """Standard normal numbers of named streams, step after step, for a slice of draws.

    Each name has, in each block of :data:`BLOCK_SIZE` draws, its own stream
    (kind ``KIND_VOLATILITY``) of uniform numbers laid out as a
    ``(steps, BLOCK_SIZE)`` array, as :func:`shock_uniforms` draws them; each
    is turned into a normal number by the inverse normal distribution
    function.  A uniform number takes exactly one 64-bit output of the
    stream, so the numbers of draws outside the slice are skipped (PCG64's
    ``advance``) rather than drawn: a chunk of a few draws costs a few
    numbers per step.  A shorter horizon sees a prefix of a longer one's
    numbers, and no chunk holds more than one step of them.

    The same seed, names and draws give the same numbers, and every
    ensemble of a sensitivity analysis or a lever comparison asks for them
    again (common random numbers), so the steps already computed for the
    last chunks are kept, within :data:`_NORMALS_KEPT_BYTES`, and served
    read-only; the streams are opened only for steps not kept.
    """

    def __init__(self, seed: int, names: Sequence[str], start: int, stop: int) -> None:
        self.shape = (len(names), stop - start)
        self._seed, self._names, self._start, self._stop = seed, tuple(names), start, stop
        self._key = (seed, self._names, start, stop)
        with _normals_lock:
            self._kept = _normals_kept.get(self._key, ())
        self._made: list[np.ndarray] = []
        self._parts: list[tuple[np.random.Generator, int, int, int, int]] | None = None
        self._skip = 0  # numbers of the previous step's row still to pass in each stream

    def _open_streams(self, steps_done: int) -> None:
        """Open each name's streams, each placed at the start of step ``steps_done``'s row."""
        self._parts = []  # (stream, row, first column, low, high) per name and block
        for row, name in enumerate(self._names):
            for block in _blocks(self._start, self._stop):
                first = block * BLOCK_SIZE
                low = max(self._start, first) - first
                high = min(self._stop, first + BLOCK_SIZE) - first
                stream = block_stream(self._seed, block, KIND_VOLATILITY, name)
                if steps_done:
                    _advance(stream, steps_done * BLOCK_SIZE)
                self._parts.append((stream, row, first + low - self._start, low, high))

    def next(self) -> np.ndarray:
        """The next step's numbers, shape (number of names, stop - start); do not modify them."""
        step = len(self._made)
        if step < len(self._kept):
            self._made.append(self._kept[step])
            return self._kept[step]
        if self._parts is None:
            self._open_streams(step)
        uniforms = np.empty(self.shape)
        for stream, row, column, low, high in self._parts or ():
            skip = (BLOCK_SIZE - high if self._skip else 0) + low
            if skip:
                _advance(stream, skip)
            stream.random(out=uniforms[row, column : column + high - low])
        self._skip = 1
        np.maximum(uniforms, NORMAL_FLOOR, out=uniforms)
        from scipy.special import ndtri

        normals = ndtri(uniforms, out=uniforms)
        normals.setflags(write=False)
        self._made.append(normals)
        _keep_normals(self._key, tuple(self._made))
        return normals


def engine_uniforms(seed: int, start: int, stop: int) -> np.ndarray:
    """Uniform numbers in [0, 1) picking each draw's engine in a mixture, shape (stop - start,)."""
    pieces = [
        block_stream(seed, block, KIND_ENGINE, ENGINE_STREAM).random(BLOCK_SIZE)
        for block in _blocks(start, stop)
    ]
    offset = (start // BLOCK_SIZE) * BLOCK_SIZE
    return np.concatenate(pieces)[start - offset : stop - offset]


def engine_choice(seed: int, start: int, stop: int,
                  overrides: Mapping[str, np.ndarray] | None = None) -> np.ndarray:  # fmt: skip
    """The uniform numbers in [0, 1) that pick the engines of draws ``start`` to ``stop - 1``.

    Those of :data:`ENGINE_PARAMETER` in ``overrides`` (already sliced to the
    draws; 1 is read as just below 1), else those of the engine stream
    (:func:`engine_uniforms`).
    """
    if overrides is not None and ENGINE_PARAMETER in overrides:
        return np.clip(np.asarray(overrides[ENGINE_PARAMETER], dtype=float), 0.0, LAST_BELOW_ONE)
    return engine_uniforms(seed, start, stop)


def check_overrides(
    overrides: Mapping[str, object] | None, quantities: Mapping[str, Quantity], draws: int
) -> dict[str, np.ndarray]:
    """Validate user overrides: known names, one finite value per draw.

    Besides the numbers in ``quantities``, :data:`ENGINE_PARAMETER` is
    known: its values must lie in [0, 1].

    Raises
    ------
    ValueError
        Naming the unknown parameter (with the closest known names) or the
        array of the wrong shape.
    """
    checked: dict[str, np.ndarray] = {}
    for name, value in (overrides or {}).items():
        if name not in quantities and name != ENGINE_PARAMETER:
            stem = name.split(".")[0].split("[")[0]
            near = [known for known in quantities if known.startswith(stem)][:5]
            hint = f"; known names include {', '.join(near)}" if near else ""
            raise ValueError(f"override '{name}' names no number the simulation uses{hint}")
        array = np.asarray(value, dtype=float)
        if array.shape != (draws,):
            raise ValueError(
                f"override '{name}' must have one value per draw, shape ({draws},); "
                f"got shape {array.shape}"
            )
        if not np.all(np.isfinite(array)):
            raise ValueError(f"override '{name}' contains NaN or infinite values")
        if name == ENGINE_PARAMETER and not np.all((array >= 0) & (array <= 1)):
            raise ValueError(f"override '{name}' picks engines by numbers in [0, 1]; "
                             f"got values from {array.min():g} to {array.max():g}")
        checked[name] = array
    return checked


def _advance(stream: np.random.Generator, count: int) -> None:
    """Skip ``count`` numbers of a PCG64 stream (the streams here are all PCG64)."""
    generator = stream.bit_generator
    if not isinstance(generator, np.random.PCG64):
        raise TypeError(f"streams must be PCG64, got {type(generator).__name__}")
    generator.advance(count)

