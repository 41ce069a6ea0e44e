"""Print the DEU validation tables: fitted on one half and scored on the other, and within file.

Usage: python benchmarks/deu_validation.py [PATH] [--draws N] [--seed N] [--split-seed N]
[--markdown] (default PATH: data/deu3/deu3-dev.csv in the repository).

First the out-of-sample protocol: PATH is split by proposal into halves A
and B (``realpolitik validate split PATH --seed SPLIT_SEED``), everything is
fitted on A and scored on B, then the other way round (equal capability).
Then the within-file cross-validation of every capability scheme.
``--markdown`` prints the tables as in the README and docs/validation.md.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from realpolitik.analysis.validation import (
    CAPABILITY_SCHEMES,
    read_deu,
    run_deu_both_ways,
    run_deu_validation,
    split_deu,
)
from realpolitik.analysis.validation.benchmark import DeuValidation
from realpolitik.outputs.validation_results import write_split
from realpolitik.outputs.validation_tables import choice_lines, markdown_table, readme_table

DEFAULT = Path(__file__).resolve().parents[1] / "data" / "deu3" / "deu3-dev.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--draws", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--split-seed", type=int, default=0)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    data = read_deu(args.path)
    print(f"read {args.path}: {data.n_issues} issues scored, {data.n_proposals} proposals, "
          f"{len(data.unscored)} not scored ({time.perf_counter() - start:.2f} s)")
    with tempfile.TemporaryDirectory() as folder:
        a_path, b_path = write_split(split_deu(args.path, args.split_seed), Path(folder))
        halves = read_deu(a_path), read_deu(b_path)
        start = time.perf_counter()
        forward, backward = run_deu_both_ways(*halves, seed=args.seed, draws=args.draws)
    print(f"\nfit-then-test on halves (split seed {args.split_seed}): "
          f"{time.perf_counter() - start:.1f} s")
    if args.markdown:
        print("\n" + readme_table(forward, backward))
    for result in (forward, backward):
        print_result(result, args.markdown)
    for scheme in CAPABILITY_SCHEMES:
        result = run_deu_validation(data, scheme, seed=args.seed, draws=args.draws)
        print_result(result, args.markdown)
        if args.markdown:
            print_breakdowns(result)


def print_result(result: DeuValidation, markdown: bool) -> None:
    """The score table of one result, what its challengers chose, and its timings."""
    data = result.data
    print(f"\n### {result.protocol}: {data.path.name}, capability `{result.capability}` "
          f"({data.n_issues} issues, {data.n_proposals} proposals)\n")
    if markdown:
        print(markdown_table(result))
    else:
        print_plain(result)
    for name, d in result.distributions:
        print(f"\n{name}, no fitting: CRPS {d.crps.estimate:.1f} [{d.crps.low:.1f}, "
              f"{d.crps.high:.1f}], 50% coverage {d.coverage50:.0%}, 90% coverage "
              f"{d.coverage90:.0%}.")
    print()
    for line in choice_lines(result):
        print(f"* {line}")
    timing = ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items())
    print(f"\ntimings: {timing}")


def print_plain(result: DeuValidation) -> None:
    """The score table as aligned text."""
    print(f"{'model':32s} {'MAE':>5s} {'95% interval':>14s} {'vs comp.':>22s} {'n':>4s} "
          f"{'CRPS':>5s} {'cov50':>5s} {'cov90':>5s}")
    for s in result.scores:
        p, v = s.probabilistic, s.versus_compromise
        print(f"{s.name:32s} {s.mae.estimate:5.1f} [{s.mae.low:5.1f}, {s.mae.high:5.1f}] "
              f"{v.estimate:+5.1f} [{v.low:+5.1f}, {v.high:+5.1f}] {s.mae.n:4d} "
              f"{p.crps.estimate:5.1f} {p.coverage50:5.0%} {p.coverage90:5.0%}")


def print_breakdowns(result: DeuValidation) -> None:
    """MAE by Council voting rule and procedure, as a markdown table."""
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
