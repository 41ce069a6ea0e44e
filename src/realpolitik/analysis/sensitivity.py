"""Global sensitivity: which uncertain numbers of a scenario drive an outcome.

Two methods, both over a *model callable* ``f(X) -> y`` that maps an
``(n, d)`` array of parameter values to ``(n,)`` outcomes, so the same code
path runs on test functions with known answers (Ishigami) and on a scenario:

* **Sobol indices** (Sobol 1993; Saltelli 2002; Saltelli et al. 2010),
  sampled and estimated with SALib: the first-order index S_i is the share
  of the outcome's variance explained by parameter i alone, the total index
  ST_i the share involving i in any interaction.  The design has
  ``base_samples * (d + 2)`` points: matrices A and B and, for each
  parameter, A with that column taken from B.  The callable is called once
  per matrix, so a scenario evaluated with the same seed in every call sees
  the same game-changer random numbers in row j of every matrix.
* **One-at-a-time swings** for a tornado plot: each parameter at its low
  and its high end while every other stays at its point estimate.

Parameters are sampled on the unit hypercube and mapped through each
quantity's own distribution (uniform or triangular), so the indices refer
to the ranges the analyst wrote.  Model choices are inputs like the
scenario's numbers: the rupture rules' constants, the random walk's
volatilities, the pull and the hazards' trends when the scenario gives them
as ranges, and the bargaining engine of a mixture (``model.engine``, see
:func:`engine_parameter`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import stats

from realpolitik.analysis.outcomes import EnsembleLike, Outcome, value
from realpolitik.scenario.levers import Lever
from realpolitik.scenario.quantity import Quantity
from realpolitik.scenario.schema import Scenario, dotted, iter_quantities
from realpolitik.simulation.mixture import MIXTURE

if TYPE_CHECKING:
    from realpolitik.simulation.executors import Executor

__all__ = [
    "Parameter",
    "Sensitivity",
    "SensitivityOptions",
    "SobolIndices",
    "Swing",
    "Tornado",
    "analyse_sensitivity",
    "engine_parameter",
    "evaluate_design",
    "from_unit",
    "one_at_a_time",
    "scenario_model",
    "sobol_design",
    "sobol_indices",
    "to_values",
    "uncertain_parameters",
]

ModelCallable = Callable[[np.ndarray], np.ndarray]
Parameter = tuple[str, Quantity]


# ---------------------------------------------------------------------------
# Parameters and their distributions
# ---------------------------------------------------------------------------
def uncertain_parameters(
    scenario: Scenario, model: str = MIXTURE, engine_weights: Mapping[str, float] | None = None
) -> list[Parameter]:
    """Return ``(dotted name, quantity)`` for every uncertain input of the simulation.

    These are the ranges in the actors, stances, alliances and dynamics
    sections (numbers inside ``levers`` only act when a lever is applied, so
    they cannot move the baseline and are left out), then, when ``model``
    is a mixture of two or more engines (``engine_weights``, else the
    scenario's, else the default ones), the engine itself
    (:func:`engine_parameter`): a model choice like the rupture rules'
    constants and the random walk's volatilities, which are ranges of the
    scenario when the analyst gives them as such.
    """
    from realpolitik.simulation.parameters import SIMULATED_SECTIONS

    found = [(dotted(path), quantity) for path, quantity in iter_quantities(scenario)
             if quantity.uncertain and path and path[0] in SIMULATED_SECTIONS]
    engine = engine_parameter(scenario, model, engine_weights)
    return found if engine is None else [*found, engine]


def engine_parameter(
    scenario: Scenario, model: str = MIXTURE, engine_weights: Mapping[str, float] | None = None
) -> Parameter | None:
    """The bargaining engine of a mixture as an input: ``model.engine``, uniform over [0, 1].

    A draw's number picks its engine: the mixture's engines take consecutive
    slices of [0, 1) as wide as their weights, so a uniform number gives
    each engine its weight, the low end the first engine and the high end
    the last (a tornado's swing is the difference between the two).  The
    point estimate, 0.5, picks the engine whose slice holds the middle.
    None when ``model`` is one engine, or a mixture of one.
    """
    from realpolitik.simulation.ensemble import engine_weights_of
    from realpolitik.simulation.parameters import ENGINE_PARAMETER

    if model != MIXTURE or len(engine_weights_of(scenario, engine_weights)) < 2:
        return None
    engines = " or ".join(name for name, _ in engine_weights_of(scenario, engine_weights))
    return ENGINE_PARAMETER, Quantity(range=(0.0, 1.0), estimate=(
        f"model choice: which engine bargains ({engines}), each with its weight"))


def from_unit(quantity: Quantity, u: np.ndarray) -> np.ndarray:
    """Map uniform [0, 1] numbers to the quantity's distribution (inverse CDF)."""
    low, high = quantity.low, quantity.high
    if quantity.dist == "triangular" and high > low:
        mode = (quantity.point - low) / (high - low)
        return stats.triang.ppf(u, mode, loc=low, scale=high - low)
    return low + u * (high - low)


def to_values(parameters: Sequence[Parameter], unit: np.ndarray) -> np.ndarray:
    """Map an (n, d) unit-hypercube design to parameter values, column by column."""
    return np.column_stack([from_unit(q, unit[:, j]) for j, (_, q) in enumerate(parameters)])


# ---------------------------------------------------------------------------
# Sobol indices
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SobolIndices:
    """First-order and total Sobol indices with their confidence half-widths.

    Attributes
    ----------
    names
        Parameter names in the order of the arrays.
    first, first_conf, total, total_conf
        (d,) S_i, ST_i and the half-widths of their bootstrap confidence
        intervals (SALib, ``conf_level``).
    base_samples, evaluations
        N and the number of model evaluations, N * (d + 2).
    variance
        Variance of the outcome over the design (0: nothing to apportion).
    """

    names: tuple[str, ...]
    first: np.ndarray
    first_conf: np.ndarray
    total: np.ndarray
    total_conf: np.ndarray
    base_samples: int
    evaluations: int
    seed: int
    conf_level: float
    variance: float

    def ranked(self) -> list[int]:
        """Parameter indices from the largest total index down."""
        return sorted(range(len(self.names)), key=lambda j: (-self.total[j], self.names[j]))


def _check_base_samples(base_samples: int) -> None:
    if base_samples < 2 or base_samples & (base_samples - 1):
        raise ValueError(f"base_samples must be a power of two of at least 2 (the Sobol "
                         f"sequence's balance needs it), got {base_samples}")


def sobol_design(dimensions: int, base_samples: int, seed: int) -> np.ndarray:
    """Return SALib's Saltelli design on the unit hypercube, shaped (N, d + 2, d).

    Axis 1 holds A, then A with column i from B for each i, then B (the row
    order of ``SALib.sample.sobol.sample`` without second-order terms).
    """
    from SALib.sample import sobol as sobol_sample

    _check_base_samples(base_samples)
    problem = {"num_vars": dimensions, "names": [f"x{j}" for j in range(dimensions)],
               "bounds": [[0.0, 1.0]] * dimensions}
    flat = sobol_sample.sample(problem, base_samples, calc_second_order=False, seed=seed)
    return flat.reshape(base_samples, dimensions + 2, dimensions)


def evaluate_design(model: ModelCallable, design: np.ndarray) -> np.ndarray:
    """Call the model once per design matrix and return outputs in SALib's flat order."""
    n, blocks, _ = design.shape
    outputs = np.empty((n, blocks))
    for block in range(blocks):
        result = np.asarray(model(design[:, block, :]), dtype=float)
        if result.shape != (n,):
            raise ValueError(f"the model returned shape {result.shape}, expected ({n},)")
        if not np.all(np.isfinite(result)):
            raise ValueError("the model returned values that are not finite numbers")
        outputs[:, block] = result
    return outputs.reshape(-1)


def _bootstrap_seed(seed: int) -> int:
    """A positive seed for SALib's bootstrap of the intervals, derived from the run's seed.

    SALib 1.6 seeds its bootstrap only ``if seed:``, so seed 0 would fall back
    to NumPy's global, unseeded generator and the intervals would change from
    one run to the next.
    """
    return 1 + int(np.random.SeedSequence(seed).generate_state(1)[0])


def sobol_indices(
    model: ModelCallable,
    parameters: Sequence[Parameter],
    *,
    base_samples: int = 256,
    seed: int = 0,
    conf_level: float = 0.95,
    resamples: int = 200,
) -> SobolIndices:
    """Estimate first-order and total Sobol indices of ``model`` over ``parameters``.

    Parameters
    ----------
    model
        Maps an (n, d) array of parameter values to (n,) outcomes.
    parameters
        ``(name, quantity)`` pairs; each quantity's range and distribution
        define the input's distribution.
    base_samples
        N, a power of two; the model is evaluated N * (d + 2) times.
    seed
        Seeds the scrambled Sobol sequence and SALib's bootstrap.
    conf_level, resamples
        Confidence level and bootstrap resamples of the intervals (SALib).

    Notes
    -----
    Estimators are SALib's: Saltelli et al. (2010, table 2, b) for S_i and
    Jansen (1999) for ST_i.  When the outcome does not vary over the design
    the indices are zero and a RuntimeWarning says so.
    """
    from SALib.analyze import sobol as sobol_analyze

    names = tuple(name for name, _ in parameters)
    if not names:
        raise ValueError("no uncertain parameters: give some numbers a [low, high] range")
    design = sobol_design(len(names), base_samples, seed)
    values = to_values(parameters, design.reshape(-1, len(names))).reshape(design.shape)
    y = evaluate_design(model, values)
    variance = float(np.var(y))
    d = len(names)
    if variance <= 1e-14 * max(1.0, float(np.mean(y)) ** 2):
        warnings.warn("the outcome takes the same value at every design point; all Sobol "
                      "indices are zero", RuntimeWarning, stacklevel=2)
        zeros = np.zeros(d)
        return SobolIndices(names, zeros, zeros, zeros.copy(), zeros.copy(), base_samples,
                            y.size, seed, conf_level, variance)
    problem = {"num_vars": d, "names": list(names), "bounds": [[0.0, 1.0]] * d}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        found = sobol_analyze.analyze(problem, y, calc_second_order=False,
                                      num_resamples=resamples, conf_level=conf_level,
                                      seed=_bootstrap_seed(seed))
    return SobolIndices(names, np.asarray(found["S1"]), np.asarray(found["S1_conf"]),
                        np.asarray(found["ST"]), np.asarray(found["ST_conf"]), base_samples,
                        y.size, seed, conf_level, variance)


# ---------------------------------------------------------------------------
# One-at-a-time swings (tornado)
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Swing:
    """The outcome with one parameter at its low and at its high end, others at their points."""

    name: str
    low_value: float
    high_value: float
    at_low: float
    at_high: float

    @property
    def width(self) -> float:
        """Absolute difference between the two ends' outcomes."""
        return abs(self.at_high - self.at_low)


@dataclass(frozen=True)
class Tornado:
    """One-at-a-time swings around the point estimates, widest first."""

    baseline: float
    swings: list[Swing]
    replicates: int


def one_at_a_time(
    model: ModelCallable, parameters: Sequence[Parameter], *, replicates: int = 1
) -> Tornado:
    """Swing each parameter to its low and high end, others at their point estimates.

    Each evaluation is the mean of ``replicates`` rows with identical inputs
    (a scenario's game changers differ between rows but, with the same seed
    in every call, not between calls), so each swing is compared with the
    baseline on the same random numbers.
    """
    if replicates < 1:
        raise ValueError("replicates must be at least 1")
    names = [name for name, _ in parameters]
    points = np.array([q.point for _, q in parameters], dtype=float)

    def mean_outcome(inputs: np.ndarray) -> float:
        return float(np.mean(model(np.tile(inputs, (replicates, 1)))))

    baseline = mean_outcome(points)
    swings = []
    for j, (name, quantity) in enumerate(parameters):
        low, high = points.copy(), points.copy()
        low[j], high[j] = quantity.low, quantity.high
        swings.append(Swing(name, quantity.low, quantity.high, mean_outcome(low),
                            mean_outcome(high)))
    swings.sort(key=lambda s: (-s.width, names.index(s.name)))
    return Tornado(baseline, swings, replicates)


# ---------------------------------------------------------------------------
# A scenario as a model callable
# ---------------------------------------------------------------------------
def scenario_model(
    scenario: Scenario,
    outcome: Outcome,
    parameters: Sequence[Parameter],
    *,
    seed: int = 0,
    model: str = MIXTURE,
    levers: Sequence[Lever] = (),
    executor: Executor | None = None,
    simulate: Callable[..., EnsembleLike] | None = None,
) -> ModelCallable:
    """Wrap a scenario's ensemble simulation as ``f(X) -> outcome`` for the methods above.

    Each call runs one ensemble with ``draws = len(X)`` and the parameters
    overridden by X's columns, always with the same seed, so row j of every
    call meets the same game-changer random numbers (common random numbers).
    ``executor`` runs each ensemble's chunks; ``simulate`` defaults to
    :func:`realpolitik.simulation.simulate_ensemble`.
    """
    names = [name for name, _ in parameters]
    if simulate is None:
        from realpolitik.simulation import simulate_ensemble

        simulate = simulate_ensemble

    def evaluate(x: np.ndarray) -> np.ndarray:
        overrides = {name: np.ascontiguousarray(x[:, j]) for j, name in enumerate(names)}
        result = simulate(scenario, draws=x.shape[0], seed=seed, model=model, levers=levers,
                          overrides=overrides, executor=executor)
        return value(result, outcome)

    return evaluate


@dataclass(frozen=True)
class SensitivityOptions:
    """How :func:`analyse_sensitivity` samples a scenario.

    Attributes
    ----------
    base_samples
        N of the Sobol design, a power of two: N * (d + 2) simulated draws.
    replicates
        Draws averaged at each point of the one-at-a-time swings.
    seed, model
        Seed and bargaining engine of every simulation.
    sobol, tornado
        Which of the two methods to run.
    """

    base_samples: int = 64
    replicates: int = 64
    seed: int = 0
    model: str = MIXTURE
    sobol: bool = True
    tornado: bool = True

    def evaluations(self, dimensions: int) -> int:
        """Ensembles simulated for ``dimensions`` uncertain numbers (one per model call)."""
        return (dimensions + 2) * self.sobol + (2 * dimensions + 1) * self.tornado


@dataclass(frozen=True)
class Sensitivity:
    """Sobol indices and one-at-a-time swings of one outcome of one scenario."""

    outcome: Outcome
    sobol: SobolIndices | None
    tornado: Tornado | None
    scenario_id: str
    seed: int
    model: str


def analyse_sensitivity(
    scenario: Scenario,
    outcome: Outcome,
    options: SensitivityOptions | None = None,
    *,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    simulate: Callable[..., EnsembleLike] | None = None,
) -> Sensitivity:
    """Run the Sobol analysis and the tornado swings for one outcome of a scenario.

    Parameters
    ----------
    scenario, outcome
        What to analyse.
    options
        Design size, replicates, seed, engine and methods (see :class:`SensitivityOptions`).
    executor
        Runs the chunks of every ensemble of the design and of the swings.
    progress
        ``progress(done, total)`` counts the ensembles simulated.
    simulate
        The ensemble function (default :func:`realpolitik.simulation.simulate_ensemble`).
    """
    chosen = options or SensitivityOptions()
    parameters = uncertain_parameters(scenario, chosen.model)
    if not parameters:
        raise ValueError("the scenario has no uncertain numbers: give some a [low, high] range")
    evaluate = _counted(
        scenario_model(scenario, outcome, parameters, seed=chosen.seed, model=chosen.model,
                       executor=executor, simulate=simulate),
        progress, chosen.evaluations(len(parameters)))
    indices = (sobol_indices(evaluate, parameters, base_samples=chosen.base_samples,
                             seed=chosen.seed) if chosen.sobol else None)
    swings = (one_at_a_time(evaluate, parameters, replicates=chosen.replicates)
              if chosen.tornado else None)
    return Sensitivity(outcome, indices, swings, scenario.scenario.id, chosen.seed, chosen.model)


def _counted(model: ModelCallable, progress: Callable[[int, int], None] | None,
             total: int) -> ModelCallable:
    """The model, reporting ``progress(calls so far, total)`` after each call."""
    if progress is None:
        return model
    calls = [0]
    progress(0, total)

    def counted(x: np.ndarray) -> np.ndarray:
        result = model(x)
        calls[0] += 1
        progress(calls[0], total)
        return result

    return counted
