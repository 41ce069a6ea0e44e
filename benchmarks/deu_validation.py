"""Print the DEU validation table for every capability scheme, with timings.

Usage: python benchmarks/deu_validation.py [PATH] [--draws N] [--seed N] [--markdown]
(default PATH: data/deu3/deu3-dev.csv in the repository).
``--markdown`` prints the tables as in docs/validation.md.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from realpolitik.analysis.validation import CAPABILITY_SCHEMES, read_deu, run_deu_validation
from realpolitik.analysis.validation.benchmark import DeuValidation
from realpolitik.outputs.validation_tables import markdown_table

DEFAULT = Path(__file__).resolve().parents[1] / "data" / "deu3" / "deu3-dev.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--draws", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    data = read_deu(args.path)
    print(f"read {args.path}: {data.n_issues} issues scored, {data.n_proposals} proposals, "
          f"{len(data.unscored)} not scored ({time.perf_counter() - start:.2f} s)")
    for scheme in CAPABILITY_SCHEMES:
        result = run_deu_validation(data, scheme, seed=args.seed, draws=args.draws)
        if args.markdown:
            print_markdown(result)
            continue
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


def print_markdown(result: DeuValidation) -> None:
    print(f"\n### Capability `{result.capability}`\n")
    print(markdown_table(result))
    for name, d in result.distributions:
        print(f"\n{name}, no fitting: CRPS {d.crps.estimate:.1f} [{d.crps.low:.1f}, "
              f"{d.crps.high:.1f}], 50% coverage {d.coverage50:.0%}, 90% coverage "
              f"{d.coverage90:.0%}.")
    print("\nCandidates chosen across the 63 held-out proposals:\n")
    for name, choices in result.fitted_choices.items():
        top = "; ".join(f"{label} ({n})" for label, n in choices[:3])
        print(f"* {name}: {top}")
    models = [name for name in result.forecasts if "(CV)" not in name] + ["blend (CV)"]
    groups = sorted({(g.dimension, g.group) for g in result.breakdowns})
    print("\nMAE by Council voting rule and procedure [95% interval] (n issues):\n")
    print("| model | " + " | ".join(f"{d} {g}" for d, g in groups) + " |")
    print("|---|" + "---:|" * len(groups))
    for model in models:
        cells = []
        for dimension, group in groups:
            mae = next(g.mae for g in result.breakdowns
                       if (g.dimension, g.group, g.model) == (dimension, group, model))
            cells.append(f"{mae.estimate:.1f} [{mae.low:.1f}, {mae.high:.1f}] ({mae.n})")
        print(f"| {model} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
