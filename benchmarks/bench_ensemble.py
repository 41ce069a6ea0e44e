"""Ensemble speed and memory on the flagship scenario (5 years of quarterly steps).

Prints:
* draws per second on one core (in-process), on two cores (threads, and a
  dask.distributed LocalCluster of two worker processes, start-up included);
* peak resident memory of the 100,000-draw in-process run;
* a plain-Python loop over single draws (the scalar reference) and its
  extrapolation to the full ensemble;
* an estimate of the floating-point operations per draw, the rate achieved
  and its fraction of the machine's peak measured with a large matrix product.

Usage: python benchmarks/bench_ensemble.py [--quick] [--draws N] [--no-dask]
"""

from __future__ import annotations

import argparse
import random
import resource
import time

import numpy as np

from realpolitik.scenario.loader import load_scenario
from realpolitik.simulation import DaskExecutor, ThreadExecutor, simulate_ensemble


def timed(function):
    start = time.perf_counter()
    value = function()
    return value, time.perf_counter() - start


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def machine_peak_gflops(size: int = 3000, repeats: int = 3) -> float:
    """Best of a few float64 matrix products (2 n^3 operations each), all BLAS threads."""
    rng = np.random.default_rng(0)
    a, b = rng.random((size, size)), rng.random((size, size))
    best = min(timed(lambda: a @ b)[1] for _ in range(repeats))
    return 2 * size**3 / best / 1e9


def flops_per_draw(scenario, steps: int) -> int:
    """Count the floating-point operations of one draw, step by step (T + 1 steps).

    Per step, with N actors, K issues: rebuilding and clipping the state
    (positions, salience, capability: 2 comparisons each, 6 N K), the
    compromise engine (capability normalisation 2 N K, c * s N K, w * x N K,
    two sums over actors 2 N K, one division K, finiteness and range checks
    about 5 N K: 11 N K + K), each effect in force (about 3 per draw-slice),
    and per alliance the S-score (about 12 operations per issue plus its
    stakes).  Random numbers and comparisons of shock firing add 2 per shock.
    """
    n, k = len(scenario.actors), len(scenario.issues)
    effects = sum(len(s.effects) for s in scenario.dynamics.shocks) + len(scenario.dynamics.trends)
    stakes = sum(len(a.shared_stakes) for a in scenario.alliances)
    per_step = (
        6 * n * k
        + 11 * n * k
        + k
        + 3 * effects
        + 12 * k * len(scenario.alliances)
        + 2 * stakes
        + 2 * len(scenario.dynamics.shocks)
    )
    return per_step * (steps + 1)


# ---- scalar reference: one draw at a time in plain Python --------------------------


def _point_tables(scenario):
    actors, issues = scenario.actor_ids, scenario.issue_ids
    x = {(a, i): st.position.point for i in issues for a, st in scenario.stances[i].items()}
    s = {(a, i): st.salience.point for i in issues for a, st in scenario.stances[i].items()}
    c = {
        (a, i): (st.capability or scenario.actor(a).capability).point
        for i in issues
        for a, st in scenario.stances[i].items()
    }
    stakes = {al.id: [st.weight.point for st in al.shared_stakes] for al in scenario.alliances}
    return actors, issues, x, s, c, stakes


def _apply(tables, effect, amount: float) -> None:
    x, s, c, stakes, hazard = tables
    parts = effect.target.split(".")
    if parts[0] == "stances":
        table = {"position": x, "salience": s, "capability": c}[parts[3]]
        keys = [(parts[2], parts[1])]
    elif parts[0] == "actors":
        table, keys = c, [key for key in c if key[0] == parts[1]]
    elif parts[0] == "alliances":
        table, keys = stakes[parts[1]], [0]  # first stake: timing only
    else:
        table, keys = hazard, [parts[1]]
    for key in keys:
        if effect.operation == "shift":
            table[key] = table[key] + amount
        elif effect.operation == "scale":
            table[key] = table[key] * amount
        else:
            table[key] = amount


def scalar_draw(scenario, steps: int, rng: random.Random) -> list[list[float]]:
    """Simulate one draw with dictionaries and loops (no NumPy): the scalar reference."""
    actors, issues, x0, s0, c0, stakes0 = _point_tables(scenario)
    shocks = scenario.dynamics.shocks
    fired: dict[str, int] = {}
    path = []
    for t in range(steps + 1):
        hazard = {shock.id: (shock.hazard.point if shock.hazard else 0.0) for shock in shocks}
        for shock in shocks:
            ready = all(fired.get(o, steps + 9) < t for o in shock.requires)
            if t >= 1 and shock.id not in fired and ready and rng.random() < hazard[shock.id]:
                fired[shock.id] = t
        x, s, c = dict(x0), dict(s0), dict(c0)
        stakes = {key: list(value) for key, value in stakes0.items()}
        tables = (x, s, c, stakes, hazard)
        for trend in scenario.dynamics.trends:
            effect = type("E", (), {"target": trend.target, "operation": "shift"})
            _apply(tables, effect, trend.drift.point * t)
        for shock in shocks:
            if fired.get(shock.id, steps + 9) <= t:
                for effect in shock.effects:
                    _apply(tables, effect, effect.amount.point)
        for key in x:
            x[key] = min(100.0, max(0.0, x[key]))
            s[key] = min(1.0, max(0.0, s[key]))
        settlement = []
        for issue in issues:
            members = [a for a in actors if (a, issue) in x]
            total_c = sum(c[(a, issue)] for a in members)
            weights = [c[(a, issue)] / total_c * s[(a, issue)] for a in members]
            value = sum(w * x[(a, issue)] for w, a in zip(weights, members, strict=True))
            settlement.append(value / sum(weights))
        for alliance in scenario.alliances:
            a, b = alliance.members
            num = den = 0.0
            for issue in issues:
                if (a, issue) in x and (b, issue) in x:
                    w = 0.5 * (s[(a, issue)] + s[(b, issue)])
                    num += w * (1 - 2 * abs(x[(a, issue)] - x[(b, issue)]) / 100)
                    den += w
            bond = sum(stakes[alliance.id])
            settlement.append((num + bond) / (den + bond))
        path.append(settlement)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small run (5,000 draws)")
    parser.add_argument("--draws", type=int, default=None)
    parser.add_argument("--no-dask", action="store_true", help="skip the dask cluster run")
    args = parser.parse_args()
    draws = args.draws or (5_000 if args.quick else 100_000)

    scenario = load_scenario()
    steps = round(scenario.dynamics.horizon_years * 4)
    simulate_ensemble(scenario, draws=200, seed=0)  # warm imports and caches
    rss_before = peak_rss_mb()
    result, seconds = timed(lambda: simulate_ensemble(scenario, draws=draws, seed=0))
    rss_peak = peak_rss_mb()
    print(f"flagship: {len(scenario.actors)} actors, {len(scenario.issues)} issues, "
          f"{len(scenario.alliances)} alliances, {len(scenario.dynamics.shocks)} shocks, "
          f"{steps} quarterly steps, {len(result.parameters)} uncertain numbers")
    print(f"1 core, in-process : {draws:,} draws in {seconds:6.2f} s = "
          f"{draws / seconds:10,.0f} draws/s")
    print(f"peak memory        : {rss_peak:,.0f} MB resident "
          f"(+{rss_peak - rss_before:,.0f} MB over the process before the run)")

    threaded, seconds2 = timed(
        lambda: simulate_ensemble(scenario, draws=draws, seed=0, executor=ThreadExecutor(2))
    )
    print(f"2 threads          : {draws:,} draws in {seconds2:6.2f} s = "
          f"{draws / seconds2:10,.0f} draws/s (speed-up {seconds / seconds2:.2f})")
    identical = all(np.array_equal(result.settlement[k], threaded.settlement[k])
                    for k in result.settlement)
    print(f"                     identical to in-process: {identical}")
    del threaded
    if not args.no_dask:
        dask, seconds3 = timed(lambda: simulate_ensemble(
            scenario, draws=draws, seed=0, executor=DaskExecutor(workers=2, processes=True)))
        same = all(np.array_equal(result.cohesion[k], dask.cohesion[k]) for k in result.cohesion)
        print(f"dask, 2 processes  : {draws:,} draws in {seconds3:6.2f} s = "
              f"{draws / seconds3:10,.0f} draws/s (cluster start-up included); "
              f"identical: {same}")
        del dask

    rng = random.Random(0)
    reference_draws = 20 if args.quick else 100
    _, scalar_seconds = timed(
        lambda: [scalar_draw(scenario, steps, rng) for _ in range(reference_draws)]
    )
    per_draw = scalar_seconds / reference_draws
    print(f"scalar reference   : {per_draw * 1e3:.2f} ms per draw in plain Python; "
          f"{draws:,} draws would take {per_draw * draws:,.0f} s "
          f"({per_draw * draws / seconds:,.0f} x the vectorised run)")

    flops = flops_per_draw(scenario, steps)
    achieved = flops * draws / seconds / 1e9
    peak = machine_peak_gflops(1500 if args.quick else 3000)
    print(f"work per draw      : about {flops:,} floating-point operations "
          f"({achieved:.2f} GFLOP/s achieved on one core)")
    print(f"machine peak       : {peak:.1f} GFLOP/s (float64 matrix product, all cores); "
          f"the ensemble reaches {100 * achieved / peak:.1f}% of it: element-wise work on "
          "small arrays is bound by memory traffic and NumPy call overhead, not arithmetic")


if __name__ == "__main__":
    main()
