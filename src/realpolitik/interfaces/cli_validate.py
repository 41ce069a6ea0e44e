"""``realpolitik validate``: score the engines against observed outcomes.

``realpolitik validate deu FILE`` runs every bargaining engine, the status
quo and the cross-validated challengers on a DEU file (EU legislative
bargaining with observed outcomes; Arregui and Perarnaud 2022), prints the
error table and its breakdowns, and writes figures and results into a run
folder. A malformed file gives one red line on stderr, exit code 2, and no
output folder.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from realpolitik.analysis.validation.deu import DeuFormatError, read_deu
from realpolitik.interfaces.cli_common import MAX_DRAWS, MAX_SEED, fail, terminal

if TYPE_CHECKING:
    from realpolitik.analysis.validation.benchmark import DeuValidation
    from realpolitik.outputs.rundir import RunDirectory

__all__ = ["validate_app"]

validate_app = typer.Typer(
    help=(
        "Score the engines against real outcomes: mean absolute error with bootstrap "
        "intervals, probabilistic scores, and cross-validated challengers."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)



class Capability(StrEnum):
    """Capability assumptions offered on the command line (see ``capability_weights``)."""

    equal = "equal"
    council_votes = "council-votes"
    gdp = "gdp"


@validate_app.callback()
def _validate() -> None:
    """Score the engines against real outcomes."""


@validate_app.command("deu")
def deu(
    path: Annotated[Path, typer.Argument(help="A DEU file (DEU III layout, comma-separated).")],
    capability: Annotated[Capability, typer.Option(
        "--capability", "-c",
        help="Capability assumption: equal; council-votes (Nice Treaty Council votes, "
             "Commission and Parliament 29 each); gdp (the file's GDP row).",
    )] = Capability.equal,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Folder to write into (must not exist or be empty). "
                            "Default: realpolitik-runs/deu-<file>-<time>.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.", min=0, max=MAX_SEED)] = 0,
    draws: Annotated[int, typer.Option(help="Bootstrap replicates per interval.", min=1,
                                       max=MAX_DRAWS)] = 2000,
) -> None:
    """Validate the engines on DEU issues: MAE with 95% intervals, CRPS, coverage, breakdowns.

    Runs the compromise model, the weighted median, the Expected Utility Model,
    the KTAB spatial model and the status quo on every scorable issue, fits the
    challengers by leave-one-proposal-out cross-validation, prints the tables
    and lists the issues that could not be scored, then writes a scatter plot
    and a coverage plot of the predictive distributions (PNG), a summary
    (JSON), the per-issue forecasts (CSV) and the per-issue predictive
    quantiles of every model (CSV).
    """
    from realpolitik.analysis.validation.benchmark import run_deu_validation
    from realpolitik.outputs.rundir import RunDirectory, RunDirectoryError, default_run_path

    console = terminal()
    if not console.is_terminal:  # piped or captured: keep table rows on one line
        console = Console(width=max(console.width, 120), emoji=False)
    try:
        data = read_deu(path)
        if data.n_issues == 0:
            first = data.unscored[0]
            raise DeuFormatError(
                f"{path}: no issue can be scored ({len(data.unscored)} read; "
                f"line {first.line}: {first.reason})"
            )
        target = out if out is not None else default_run_path(f"deu-{path.stem}")
        run_dir = RunDirectory(target)
        with console.status("running the engines and the cross-validation"):
            result = run_deu_validation(data, capability.value, seed=seed, draws=draws)
    except (DeuFormatError, RunDirectoryError) as error:
        fail(str(error))
    _print_tables(console, result)
    try:
        _write_run(run_dir, result)
    except RunDirectoryError as error:
        fail(str(error))
    console.print(f"[green]written[/] {escape(str(run_dir.final))}", soft_wrap=True)


def _print_tables(console: Console, result: DeuValidation) -> None:
    from realpolitik.outputs.validation_tables import (
        breakdown_table,
        distribution_table,
        score_table,
        unscored_table,
    )

    console.print(score_table(result))
    console.print(distribution_table(result))
    for dimension in ("counvte", "proc"):
        console.print(breakdown_table(result, dimension))
    for name, choices in result.fitted_choices.items():
        top = ", ".join(f"{label} ({n} folds)" for label, n in choices[:3])
        console.print(f"[bold]{escape(name)}[/] chose: {escape(top)}", soft_wrap=True)
    unscored = unscored_table(result)
    if unscored is not None:
        console.print(unscored)
    if result.data.imputed_salience:
        cells = ", ".join(f"{i}/{a}" for i, a in result.data.imputed_salience)
        console.print(Text(f"salience imputed (issue mean) for coded actors with a blank: "
                           f"{cells}"), soft_wrap=True)
    for name, messages in result.engine_warnings.items():
        for message in messages:
            console.print(f"[yellow]warning[/] {escape(name)}: {escape(message)}",
                          soft_wrap=True)
    console.print(f"time: {result.timings['total']:.1f} s", soft_wrap=True)


def _write_run(run_dir: RunDirectory, result: DeuValidation) -> None:
    from realpolitik.outputs.figures_validation import coverage_plot, scatter_predicted_observed
    from realpolitik.outputs.rundir import make_manifest
    from realpolitik.outputs.validation_results import (
        summary_dict,
        write_issue_csv,
        write_predictive_csv,
    )

    with run_dir:
        run_dir.write_json(
            "manifest.json",
            make_manifest(
                scenario_id=f"deu-{result.data.path.stem}", scenario_path=result.data.path,
                seed=result.seed, draws=result.draws, models=list(result.forecasts),
                extra={"capability": result.capability},
            ),
        )  # fmt: skip
        run_dir.write_json("deu-validation.json", summary_dict(result))
        write_issue_csv(result, run_dir.path / "deu-forecasts.csv")
        write_predictive_csv(result, run_dir.path / "deu-predictive.csv")
        scatter_predicted_observed(result, run_dir.path / "deu-scatter.png")
        coverage_plot(result, run_dir.path / "deu-coverage.png")
