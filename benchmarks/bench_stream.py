"""Streamed ensembles of the flagship: peak memory and time per draw as the draws grow.

Each measurement runs in a fresh Python process, so its peak resident memory
(``ru_maxrss``) is its own.  Modes:

* ``futures``: the streamed ensemble as ``realpolitik run --stream`` makes it:
  every chunk written to Parquet, summarised (survival, game changers,
  settlement histograms) and its questions tallied; a sample of the first
  20,000 draws kept;
* ``levers``: the same, then every lever, pair and late lever of the
  flagship on common random numbers, streamed (22 options and 5 late levers);
* ``whole`` (the reference, in the same run): the ensemble held whole and
  written at the end (``simulate_ensemble`` + ``to_parquet``), and with
  ``--levers`` the levers evaluated whole (``evaluate_levers``).

Usage:
    python benchmarks/bench_stream.py [--sizes 10000,100000] [--futures-sizes 1000000]
                                      [--reference 10000] [--quick]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def child(mode: str, draws: int) -> None:
    """Run one measurement in this process and print its figures as JSON."""
    sys.path.insert(0, str(SRC))
    from realpolitik.analysis.levers import LeverOptions, evaluate_levers
    from realpolitik.analysis.streamed import evaluate_levers_streamed, stream_futures
    from realpolitik.scenario.loader import load_scenario, resolve_scenario
    from realpolitik.simulation import simulate_ensemble

    scenario = load_scenario(resolve_scenario(None))
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        if mode in ("futures", "levers"):
            stream_futures(scenario, draws=draws, seed=0, model="mixture", horizon_years=None,
                           executor=None, keep=20_000, folder=Path(folder) / "e",
                           progress=None)
        else:
            simulate_ensemble(scenario, draws=draws, seed=0).to_parquet(Path(folder) / "e")
        futures = time.perf_counter() - start
        if mode in ("levers", "whole-levers"):
            evaluate = evaluate_levers_streamed if mode == "levers" else evaluate_levers
            evaluate(scenario, LeverOptions(draws=draws, seed=0))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes
    print(json.dumps({"mode": mode, "draws": draws, "seconds": seconds, "futures": futures,
                      "peak_mb": peak}))


def measure(mode: str, draws: int) -> dict:
    """One measurement in a fresh process."""
    done = subprocess.run([sys.executable, __file__, "--child", mode, str(draws)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def show(found: dict, reference: dict | None = None) -> None:
    per_draw = 1e6 * found["seconds"] / found["draws"]
    line = (f"{found['mode']:>13} {found['draws']:>10,} draws: {found['seconds']:8.1f} s, "
            f"{per_draw:8.1f} us/draw, peak {found['peak_mb']:7.0f} MB")
    if reference is not None:
        memory = found["peak_mb"] / reference["peak_mb"]
        line += (f"  (vs whole at the same draws: memory x{memory:.2f}, "
                 f"time x{found['seconds'] / reference['seconds']:.2f})")
    print(line, flush=True)


def sizes(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="draws of the streamed flagship with levers (comma-separated)")
    parser.add_argument("--futures-sizes", default="1000000",
                        help="draws of the streamed flagship without levers")
    parser.add_argument("--reference", default="10000",
                        help="draws of the whole-ensemble reference (futures and levers)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, to check it runs")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "DRAWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    modes = ("whole", "whole-levers")
    if args.quick:
        args.sizes, args.futures_sizes, args.reference, modes = "100", "2000", "2000", ("whole",)
    references: dict[tuple[str, int], dict] = {}
    print("Reference: the ensemble held whole")
    for draws in sizes(args.reference):
        for mode in modes:
            references[(mode, draws)] = measure(mode, draws)
            show(references[(mode, draws)])
    print("Streamed")
    for draws in sizes(args.futures_sizes):
        show(measure("futures", draws), references.get(("whole", draws)))
    for draws in sizes(args.sizes):
        show(measure("levers", draws), references.get(("whole-levers", draws)))


if __name__ == "__main__":
    main()
