"""Print the DEU validation table for every capability scheme, with timings.

Usage: python benchmarks/deu_validation.py [PATH] [--draws N]
(default PATH: ../shared/data/deu3/deu3-dev.csv beside the repository).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from realpolitik.analysis.validation import CAPABILITY_SCHEMES, read_deu, run_deu_validation

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "deu3" / "deu3-dev.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--draws", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    data = read_deu(args.path)
    print(f"read {args.path}: {data.n_issues} issues scored, {data.n_proposals} proposals, "
          f"{len(data.unscored)} not scored ({time.perf_counter() - start:.2f} s)")
    for scheme in CAPABILITY_SCHEMES:
        result = run_deu_validation(data, scheme, seed=args.seed, draws=args.draws)
        print(f"\ncapability {scheme}  (seed {args.seed}, {args.draws} bootstrap draws)")
        print(f"{'model':28s} {'MAE':>5s} {'95% interval':>14s} {'vs comp.':>22s} {'n':>4s} "
              f"{'CRPS':>5s} {'cov50':>5s} {'cov90':>5s}")
        for s in result.scores:
            p, v = s.probabilistic, s.versus_compromise
            print(f"{s.name:28s} {s.mae.estimate:5.1f} [{s.mae.low:5.1f}, {s.mae.high:5.1f}] "
                  f"{v.estimate:+5.1f} [{v.low:+5.1f}, {v.high:+5.1f}] {s.mae.n:4d} "
                  f"{p.crps.estimate:5.1f} {p.coverage50:5.0%} {p.coverage90:5.0%}")
        for name, d in result.distributions:
            print(f"{name:28s} CRPS {d.crps.estimate:5.1f} [{d.crps.low:5.1f}, {d.crps.high:5.1f}]"
                  f" cov50 {d.coverage50:.0%} cov90 {d.coverage90:.0%}")
        for name, choices in result.fitted_choices.items():
            top = "; ".join(f"{label} ({n})" for label, n in choices[:2])
            print(f"  {name} chose: {top}")
        timing = ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items())
        print(f"  timings: {timing}")


if __name__ == "__main__":
    main()
