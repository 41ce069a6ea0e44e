"""``realpolitik validate``: score the engines against observed outcomes.

``realpolitik validate deu FILE`` runs every bargaining engine, the status
quo and the challengers on a DEU file (EU legislative bargaining with
observed outcomes; Arregui and Perarnaud 2022), prints the error table and
its breakdowns, and writes figures and results into a run folder. With
``--fit FIT`` every setting and predictive distribution is fitted on FIT and
scored on FILE; without it, settings are cross-validated within FILE (and
the output says so). ``realpolitik validate split FILE --out DIR`` writes
two halves of a file, by proposal, for that protocol. A malformed file gives
one red line on stderr, exit code 2, and no output folder.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from realpolitik.interfaces.cli_common import (
    MAX_DRAWS,
    MAX_SEED,
    EngineChoice,
    engine_option,
    fail,
    terminal,
)

if TYPE_CHECKING:
    from realpolitik.analysis.validation.benchmark import DeuValidation
    from realpolitik.analysis.validation.deu import DeuData
    from realpolitik.outputs.rundir import RunDirectory

__all__ = ["EUM_READING_CHOICE", "EumReadingOption", "validate_app"]

validate_app = typer.Typer(
    help=(
        "Score the engines against real outcomes: mean absolute error with bootstrap "
        "intervals, probabilistic scores, and challengers fitted on other outcomes."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

EUM_READING_CHOICE = EngineChoice(("published", "program"))
"""Readings of the Expected Utility Model offered on the command line.

The keys of ``models.eum.EUM_READINGS`` (a test holds them equal), written
here so that the command line starts without loading the models."""

EumReadingOption = Annotated[
    str,
    engine_option(EUM_READING_CHOICE, "--eum-reading",
                  help="Reading of the Expected Utility Model: published (the equations of "
                       "Scholz et al. 2011, default) or program (the reading of the program "
                       "behind their Table 2)."),
]


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
    path: Annotated[Path, typer.Argument(
        help="The DEU file to score (DEU III layout, comma-separated).")],
    fit: Annotated[Path | None, typer.Option(
        "--fit", help="Fit every challenger and predictive distribution on this DEU file "
                      "(other proposals) and score them on PATH. Without it, settings are "
                      "cross-validated within PATH.")] = None,
    capability: Annotated[Capability, typer.Option(
        "--capability", "-c",
        help="Capability assumption: equal; council-votes (Nice Treaty Council votes, "
             "Commission and Parliament 29 each); gdp (the file's GDP row).",
    )] = Capability.equal,
    eum_reading: EumReadingOption = "published",
    engine_weights: Annotated[bool, typer.Option(
        "--engine-weights", help="Only print the Bates-Granger weights w_m ~ 1/MSE_m of the "
                                 "stepping engines on PATH, and exit.")] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Folder to write into (must not exist or be empty). "
                            "Default: realpolitik-runs/deu-<file>-<time>.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.", min=0, max=MAX_SEED)] = 0,
    draws: Annotated[int, typer.Option(help="Bootstrap replicates per interval.", min=1,
                                       max=MAX_DRAWS)] = 2000,
) -> None:
    """Validate the engines on DEU issues: MAE with 95% intervals, CRPS, coverage, breakdowns.

    Runs the compromise model, the weighted median, the Expected Utility Model,
    the KTAB spatial model and the status quo on every scorable issue and fits
    the challengers: on the --fit file if given (predictive distributions are
    then split-conformal, calibrated on that file), else by
    leave-one-proposal-out cross-validation within PATH. Prints the tables
    and lists the issues that could not be scored, then writes a scatter plot
    and a coverage plot of the predictive distributions (PNG), a summary
    (JSON), the per-issue forecasts (CSV) and the per-issue predictive
    quantiles of every model (CSV).
    """
    from realpolitik.analysis.validation.benchmark import run_deu_validation
    from realpolitik.analysis.validation.deu import DeuFormatError
    from realpolitik.analysis.validation.holdout import run_deu_holdout, shared_proposals
    from realpolitik.interfaces.folders import open_run_directory
    from realpolitik.outputs.rundir import RunDirectoryError, default_run_path

    console = _console()
    try:
        data = _read_scorable(path)
        if engine_weights:
            _print_engine_weights(console, data, capability.value, eum_reading)
            return
        fit_data = _read_scorable(fit) if fit is not None else None
        if fit_data is not None and shared_proposals(fit_data, data):
            fail(f"{fit} and {path} share proposals (e.g. "
                 f"{shared_proposals(fit_data, data)[0]}): fit on other proposals than "
                 "those scored, e.g. the halves of 'realpolitik validate split'")  # fmt: skip
        target = out if out is not None else default_run_path(f"deu-{path.stem}")
        run_dir = open_run_directory(target)
        if fit_data is None:
            with console.status("running the engines and the cross-validation"):
                result = run_deu_validation(data, capability.value, seed=seed, draws=draws,
                                            eum_reading=eum_reading)  # fmt: skip
        else:
            with console.status(f"fitting on {escape(fit_data.path.name)}, "
                                f"scoring on {escape(path.name)}"):
                result = run_deu_holdout(fit_data, data, capability.value, seed=seed,
                                         draws=draws, eum_reading=eum_reading)  # fmt: skip
    except (DeuFormatError, RunDirectoryError) as error:
        fail(str(error))
    _print_tables(console, result)
    try:
        _write_run(run_dir, result)
    except RunDirectoryError as error:
        fail(str(error))
    console.print(f"[green]written[/] {escape(str(run_dir.final))}", soft_wrap=True)


@validate_app.command("split")
def split(
    path: Annotated[Path, typer.Argument(help="A DEU file to split by proposal.")],
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="Folder to write A.csv and B.csv into (created if needed).")],
    seed: Annotated[int, typer.Option(help="Seed of the shuffle of proposals.", min=0,
                                     max=MAX_SEED)] = 0,
) -> None:
    """Split a DEU file into two halves by proposal (A.csv, B.csv), for --fit.

    Proposals are shuffled with the seed; A gets the first half (rounded up),
    B the rest. Every row of a proposal goes with it; the header and the GDP
    row are copied to both. Then fit on one half and score on the other, both
    ways: ``realpolitik validate deu --fit DIR/A.csv DIR/B.csv`` and
    ``realpolitik validate deu --fit DIR/B.csv DIR/A.csv``.
    """
    from realpolitik.analysis.validation.deu import DeuFormatError
    from realpolitik.analysis.validation.split import split_deu
    from realpolitik.outputs.validation_results import write_split

    try:
        halves = split_deu(path, seed)
        written = write_split(halves, out)
    except (DeuFormatError, FileExistsError) as error:
        fail(str(error))
    console = _console()
    for half, where in zip("AB", written, strict=True):
        rows = len(halves.halves[half])
        console.print(f"[green]written[/] {escape(str(where))}: "
                      f"{len(halves.proposals[half])} proposals, "
                      f"{rows} issue rows (seed {seed})", soft_wrap=True)  # fmt: skip


def _console() -> Console:
    """A console; when piped or captured, wide enough to keep table rows on one line."""
    console = terminal()
    if not console.is_terminal:
        console = Console(width=max(console.width, 120), emoji=False)
    return console


def _read_scorable(path: Path) -> DeuData:
    """Read a DEU file; raise DeuFormatError when it has no scorable issue."""
    from realpolitik.analysis.validation.deu import DeuFormatError, read_deu

    data = read_deu(path)
    if data.n_issues == 0:
        first = data.unscored[0]
        raise DeuFormatError(
            f"{path}: no issue can be scored ({len(data.unscored)} read; "
            f"line {first.line}: {first.reason})"
        )
    return data


def _print_engine_weights(console: Console, data: DeuData, capability: str, reading: str) -> None:
    """Print each stepping engine's MSE and Bates-Granger weight on ``data``."""
    from realpolitik.analysis.validation.skill import engine_mse, weights_from_mse
    from realpolitik.models.eum import eum_reading_options
    from realpolitik.outputs.validation_tables import engine_weights_table

    with console.status("running the stepping engines"):
        mse = engine_mse(data, capability=capability, eum_options=eum_reading_options(reading))
    console.print(engine_weights_table(
        weights_from_mse(mse), mse, Text(f"Engine skill weights: {data.path.name}, "
        f"{data.n_issues} issues", style="table.title"),
        f"capability {capability}, EUM reading {reading}"))


def _print_tables(console: Console, result: DeuValidation) -> None:
    from realpolitik.outputs.validation_tables import (
        breakdown_table,
        choice_lines,
        distribution_table,
        score_table,
        unscored_table,
    )

    console.print(score_table(result))
    console.print(distribution_table(result))
    for dimension in ("counvte", "proc"):
        console.print(breakdown_table(result, dimension))
    for line in choice_lines(result):
        console.print(Text(line), soft_wrap=True, highlight=False)
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
                extra={"capability": result.capability, "protocol": result.protocol,
                       "eum_reading": result.eum_reading},
            ),
        )  # fmt: skip
        run_dir.write_json("deu-validation.json", summary_dict(result))
        write_issue_csv(result, run_dir.path / "deu-forecasts.csv")
        write_predictive_csv(result, run_dir.path / "deu-predictive.csv")
        scatter_predicted_observed(result, run_dir.path / "deu-scatter.png")
        coverage_plot(result, run_dir.path / "deu-coverage.png")
