"""Command-line front of the analyst's judgment: hypotheses, scores, sources and quotations.

Register with the main app::

    app.command("hypotheses")(hypotheses_command)
    app.command("score")(score_command)
    app.add_typer(sources_app, name="sources")

User mistakes (a bad scenario, a malformed indicator or questions file, an
unreadable ``--doc``) print one red line on stderr and exit with code 2
before anything is written.  ``sources check`` exits 1 when a quotation is
not found in its document.

``realpolitik sources`` reads the scenario before or after its subcommand:
``sources [SCENARIO]`` and ``sources list [SCENARIO]`` list every number;
``sources check [SCENARIO]`` and ``sources SCENARIO check`` verify the
quotations of that scenario.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console, JustifyMethod
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from realpolitik._version import __version__
from realpolitik.interfaces.cli_common import (
    MAX_DRAWS,
    MAX_SEED,
    ScenarioArg,
    fail,
    report_user_errors,
    terminal,
    user_errors,
)

if TYPE_CHECKING:
    # The context class that typer's group passes to parse_args; typer names it
    # publicly only as a subclass, and an override must accept the base class.
    from typer._click.core import Context as ClickContext

    from realpolitik.analysis.ach import AchResult, Interval
    from realpolitik.analysis.evidence import QuoteCheck
    from realpolitik.analysis.questions import QuestionsFile, ResolvedForecast
    from realpolitik.analysis.scores import RateScore, ScoreSummary
    from realpolitik.outputs.rundir import RunDirectory
    from realpolitik.scenario.judgment import EvidenceItem
    from realpolitik.scenario.schema import Scenario

__all__ = ["hypotheses_command", "score_command", "sources_app"]

RATING_STYLES = {"CC": "bold green", "C": "green", "N": "grey50", "I": "red", "II": "bold red"}


def _load(scenario: str | None) -> Scenario:
    """The scenario, or one line and exit code 2."""
    from realpolitik.scenario.errors import ScenarioError
    from realpolitik.scenario.loader import load_scenario

    try:
        return load_scenario(scenario)
    except ScenarioError as error:
        report_user_errors(error)


# ---------------------------------------------------------------------------
# realpolitik hypotheses
# ---------------------------------------------------------------------------


def hypotheses_command(
    scenario: ScenarioArg = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Also write the analysis as JSON to this file.")] = None,
    draws: Annotated[int | None, typer.Option(
        help="Draws over the uncertain priors, credibilities and rho behind each interval "
             "(default: the scenario's ach.draws, 2000).", min=100, max=MAX_DRAWS)] = None,
    seed: Annotated[int, typer.Option(help="Seed of those draws.", min=0, max=MAX_SEED)] = 0,
) -> None:
    """Weigh the competing hypotheses against the evidence (Heuer's ACH and Bayes).

    Shows the ACH matrix colour-coded (CC/C green, N grey, I/II red), each
    hypothesis's inconsistency scores, its likelihood ratio against the
    best-supported one and, when the scenario declares its hypotheses
    mutually exclusive and exhaustive, its prior and posterior (medians with
    90% intervals over the uncertain inputs); each item's diagnosticity and
    weight after the correction for dependent items; how the rankings
    change when each item is left out; and the cautions the report shows.
    A scenario without hypotheses is reported as such (exit code 0).
    """
    loaded = _load(scenario)
    if out is not None and (out.exists() or out.is_symlink()):
        fail(f"{out} already exists; choose another --out or remove it")
    console = terminal()
    if not loaded.hypotheses:
        console.print(f"Scenario '{loaded.scenario.id}' declares no competing hypotheses: "
                      "nothing to weigh. Add 'hypotheses:' and 'evidence:' sections "
                      "(see docs/model.md).")
        return
    from realpolitik.analysis.ach import analyse_hypotheses

    result = analyse_hypotheses(loaded, draws=draws, seed=seed)
    console.print(_matrix_table(loaded, result))
    console.print(_hypotheses_table(loaded, result))
    if loaded.evidence:
        console.print(_sensitivity_table(result))
    _print_cautions(console, result)
    console.print(_verdict(result), soft_wrap=True)
    if out is not None:
        from realpolitik.interfaces.folders import remove_stale_partials
        from realpolitik.outputs.rundir import write_new_file

        payload = _hypotheses_payload(loaded, result)
        try:
            remove_stale_partials(out.parent)
            write_new_file(out, json.dumps(payload, indent=2))
        except user_errors() as error:
            report_user_errors(error)
        console.print(Text(f"wrote {out}"))


def _labels(result: AchResult) -> list[str]:
    """Short column labels H1, H2, ... so that the matrix fits a terminal."""
    return [f"H{number}" for number in range(1, len(result.matrix.hypothesis_ids) + 1)]


def _matrix_table(scenario: Scenario, result: AchResult) -> Table:
    table = Table(title=Text(f"ACH matrix: {scenario.scenario.title}", style="table.title"))
    table.add_column("evidence", no_wrap=True, max_width=36)
    table.add_column("weight", justify="right")
    table.add_column("dep.", justify="right")
    table.add_column("diag.", justify="right")
    for label in _labels(result):
        table.add_column(label, justify="center")
    for e, item in enumerate(scenario.evidence):
        cells = [Text(item.rating(h), style=RATING_STYLES[item.rating(h)])
                 for h in result.matrix.hypothesis_ids]
        table.add_row(item.id, _weight_text(item), f"{result.scale[e]:.2f}",
                      f"{result.diagnosticity[e]:.2f}", *cells)
    table.caption = ("weight = credibility x relevance; dep. = n_eff/n, how much the item "
                     "counts once items sharing its source or group are treated as dependent; "
                     "diag. = diagnosticity, ln(max/min likelihood across hypotheses), "
                     "0 = fits all equally")
    return table


def _weight_text(item: EvidenceItem) -> str:
    credibility = item.credibility_quantity
    if not credibility.uncertain:
        return f"{item.weight:.2f}"
    return f"{credibility.low * item.relevance:.2f}-{credibility.high * item.relevance:.2f}"


def _hypotheses_table(scenario: Scenario, result: AchResult) -> Table:
    table = Table(title="Hypotheses (fewest I/II first is Heuer's choice)")
    columns: list[tuple[str, JustifyMethod]] = [
        ("", "left"), ("hypothesis", "left"), ("I/II\nweighted", "right"),
        ("likelihood\nratio", "right")]
    if result.posteriors is not None:
        columns += [("prior", "right"), ("posterior", "right")]
    for heading, justify in columns:
        table.add_column(heading, justify=justify, overflow="fold")
    leader = _leader(result)
    ratio = result.likelihood_ratio_interval
    for h, (label, hypothesis) in enumerate(zip(_labels(result), scenario.hypotheses,
                                                strict=True)):
        style = "bold" if hypothesis.id == leader else ""
        name = Text.assemble(hypothesis.id, ("\n" + hypothesis.name, "dim"))
        if hypothesis.id in result.non_diagnostic:
            name.append("\nnon-diagnostic: nothing rates it I or II", style="yellow")
        row: list[str | Text] = [
            label, name, f"{result.inconsistency_count[h]:g}\n{result.inconsistency[h]:.2f}",
            _interval_text(ratio.median[h], ratio.low[h], ratio.high[h])]
        prior, post = result.prior_interval, result.posterior_interval
        if prior is not None and post is not None:
            row += [_interval_text(prior.median[h], prior.low[h], prior.high[h]),
                    _interval_text(post.median[h], post.low[h], post.high[h])]
        table.add_row(*row, style=style)
    table.caption = (
        "likelihood ratio = P(evidence | hypothesis) / P(evidence | best-supported one), "
        f"dependent items down-weighted; medians, with {ratio.level:.0%} intervals below "
        f"them, over {result.draws:,} draws (seed {result.seed}) of the uncertain priors, "
        "credibilities and rho")
    return table


def _interval_text(median: float, low: float, high: float) -> Text:
    """The median, and below it the interval when the draws spread."""
    text = Text(f"{median:.2f}")
    if high - low >= 0.005:
        text.append(f"\n{low:.2f}-{high:.2f}", style="dim")
    return text


def _leader(result: AchResult) -> str:
    if result.posteriors is not None:
        return result.posterior_ranking[0]
    return result.likelihood_ranking[0]


def _sensitivity_table(result: AchResult) -> Table:
    table = Table(title="Drop-one sensitivity: each item left out in turn")
    table.add_column("item left out", no_wrap=True, max_width=40)
    table.add_column("max shift", justify="right")
    table.add_column("post. rank" if result.posteriors is not None else "LR rank",
                     justify="center")
    table.add_column("I/II rank", justify="center")
    table.add_column("leader", justify="center")
    for drop in sorted(result.sensitivity, key=lambda d: -(d.max_shift or 0.0)):
        shift = "-" if drop.max_shift is None else f"{drop.max_shift:.3f}"
        table.add_row(drop.evidence_id, shift, _changed(drop.ranking_changes),
                      _changed(drop.inconsistency_ranking_changes),
                      _changed(drop.leader_changes))
    table.caption = ("max shift = largest change of any posterior when the item is left out"
                     if result.posteriors is not None else
                     "LR rank = ranking by likelihood; no posteriors, so no shift")
    return table


def _changed(flag: bool) -> Text:
    return Text("changes", style="bold red") if flag else Text("same", style="grey50")


def _print_cautions(console: Console, result: AchResult) -> None:
    console.print("[bold]Cautions[/]")
    for caution in result.cautions:
        console.print(Text.assemble(("! ", "yellow"), caution.text))


def _verdict(result: AchResult) -> str:
    least = result.inconsistency_ranking[0]
    if least in result.non_diagnostic:
        least += " (non-diagnostic)"
    if result.posteriors is not None:
        return (f"Least inconsistent (Heuer): [bold]{least}[/]; "
                f"highest posterior: [bold]{result.posterior_ranking[0]}[/].")
    return (f"Least inconsistent (Heuer): [bold]{least}[/]; "
            f"best supported by the evidence (likelihood): [bold]{result.likelihood_ranking[0]}[/]"
            "; no posteriors (see the cautions).")


def _hypotheses_payload(scenario: Scenario, result: AchResult) -> dict:
    """The ACH reading as plain JSON-ready data: per hypothesis, per item, cautions."""
    import numpy as np

    matrix = result.matrix
    hypotheses = []
    for h, hypothesis in enumerate(scenario.hypotheses):
        entry = {
            "id": hypothesis.id, "name": hypothesis.name, "catch_all": hypothesis.catch_all,
            "inconsistency_count": float(result.inconsistency_count[h]),
            "weighted_inconsistency": float(result.inconsistency[h]),
            "non_diagnostic": hypothesis.id in result.non_diagnostic,
            "log_likelihood": float(result.log_likelihood[h]),
            "likelihood_ratio": _summary(result.likelihood_ratio[h],
                                         result.likelihood_ratio_interval, h),
            "prior": None, "posterior": None,
        }
        if result.posteriors is not None:
            entry["prior"] = _summary(matrix.priors[h], result.prior_interval, h)
            entry["posterior"] = _summary(result.posteriors[h], result.posterior_interval, h)
        hypotheses.append(entry)
    clusters = matrix.clusters
    evidence = [
        {"id": item.id, "source": item.source, "group": item.group,
         "weight": float(matrix.weights[e]),
         "cluster": [matrix.evidence_ids[i] for i in np.flatnonzero(clusters == clusters[e])],
         "n_eff_over_n": float(result.scale[e]),
         "diagnosticity": float(result.diagnosticity[e]),
         "ratings": {h: item.rating(h) for h in matrix.hypothesis_ids}}
        for e, item in enumerate(scenario.evidence)
    ]
    return {
        "scenario": scenario.scenario.id,
        "version": __version__,
        "seed": result.seed,
        "draws": result.draws,
        "interval_level": result.likelihood_ratio_interval.level,
        "exclusive": matrix.exclusive,
        "exhaustive": matrix.exhaustive,
        "catch_all": matrix.catch_all,
        "posteriors_shown": result.posteriors is not None,
        "rho": matrix.rho,
        "effective_items": result.effective_items,
        "hypotheses": hypotheses,
        "evidence": evidence,
        "sensitivity": [
            {"item_left_out": d.evidence_id, "max_shift": d.max_shift,
             "ranking_changes": d.ranking_changes,
             "inconsistency_ranking_changes": d.inconsistency_ranking_changes,
             "leader_changes": d.leader_changes}
            for d in result.sensitivity
        ],
        "cautions": [{"kind": c.kind, "text": c.text} for c in result.cautions],
    }


def _summary(point: float, interval: Interval | None, h: int) -> dict[str, float] | None:
    if interval is None:
        return None
    return {"point": float(point), "median": float(interval.median[h]),
            "low": float(interval.low[h]), "high": float(interval.high[h])}


# ---------------------------------------------------------------------------
# realpolitik score
# ---------------------------------------------------------------------------


def score_command(
    questions: Annotated[Path, typer.Argument(
        help="A questions file (see docs/questions-format.md) or a scenario file whose "
             "questions record outcomes.")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Folder for scores.json and reliability.png "
                            "(default: <file name>-scores).")] = None,
    bins: Annotated[int, typer.Option(help="Probability bins of the reliability diagram.",
                                      min=1, max=50)] = 10,
    draws: Annotated[int, typer.Option(help="Ensemble draws, when scoring a scenario.",
                                       min=1, max=MAX_DRAWS)] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the ensemble, when scoring a scenario.",
                                      min=0, max=MAX_SEED)] = 0,
    unmodelled_rates: Annotated[str | None, typer.Option(
        "--unmodelled-rates", help="Also score the questions with their probabilities widened "
                                   "toward their base rates at these yearly rates of unmodelled "
                                   "change, e.g. 0,0.05,0.1,0.2 (from the scenario's as_of or "
                                   "the file's made_on).")] = None,
) -> None:
    """Score resolved forecasts: Brier and log scores, skill against baselines, reliability.

    Baselines are always-50% and always-the-base-rate (the share of yes among
    the scored outcomes: in-sample, which flatters it).  Writes scores.json
    and a reliability diagram (PNG).
    """
    from realpolitik.analysis.questions import QuestionsFile, load_questions
    from realpolitik.analysis.scores import score_forecasts
    from realpolitik.interfaces.folders import open_run_directory

    rates = _parse_rates(unmodelled_rates)
    try:
        target = open_run_directory(out if out is not None else Path(f"{questions.stem}-scores"))
        loaded = load_questions(questions)
        resolved, label = _resolved(loaded, questions, draws, seed)
    except user_errors() as error:
        report_user_errors(error)
    if not resolved:
        fail(f"{questions}: no question records an outcome, so there is nothing to score")
    outcomes = [q.outcome == "yes" for q in resolved]
    summary = score_forecasts([q.probability for q in resolved], outcomes, bins=bins)
    console = terminal()
    _print_scores(console, summary, resolved, label)
    if rates:
        console.print(_rates_table(_scores_at_rates(loaded, questions, resolved, rates),
                                   outcomes))
    if isinstance(loaded, QuestionsFile) and len(loaded.questions) > len(resolved):
        console.print(f"{len(loaded.questions) - len(resolved)} question(s) without an "
                      "outcome were not scored.")
    _write_scores(target, summary, resolved, label)
    console.print(Text(f"wrote {target.final / 'scores.json'} and "
                       f"{target.final / 'reliability.png'}"))


def _resolved(loaded: QuestionsFile | Scenario, path: Path, draws: int, seed: int
              ) -> tuple[list[ResolvedForecast], str]:
    from realpolitik.analysis.questions import QuestionsFile, resolved_from_scenario

    if isinstance(loaded, QuestionsFile):
        title = loaded.title or path.name
        return loaded.resolved, f"{title} ({path.name})"
    if not any(q.outcome for q in loaded.questions):
        return [], path.name
    try:
        from realpolitik.simulation import simulate_ensemble
    except ImportError:
        fail("scoring a scenario needs the ensemble simulation, which is not available")
    result = simulate_ensemble(loaded, draws=draws, seed=seed)
    label = f"scenario {loaded.scenario.id} · seed {seed} · draws {draws:,}"
    return resolved_from_scenario(loaded, result), label


def _print_scores(console: Console, summary: ScoreSummary,
                  resolved: list[ResolvedForecast], label: str) -> None:
    from realpolitik.analysis.scores import brier_scores, log_scores

    p = [q.probability for q in resolved]
    y = [q.outcome == "yes" for q in resolved]
    per_question = Table(title=Text(f"Resolved questions: {label}", style="table.title"))
    for name in ("question", "probability", "outcome", "Brier", "log"):
        per_question.add_column(name, justify="left" if name == "question" else "right")
    for q, b, lg in zip(resolved, brier_scores(p, y), log_scores(p, y), strict=True):
        per_question.add_row(Text(q.id), f"{q.probability:.0%}", q.outcome or "", f"{b:.3f}",
                             f"{lg:.3f}")
    console.print(per_question)
    scores = Table(title=f"Scores over {summary.count} questions "
                         f"({summary.yes_count} yes, base rate {summary.base_rate:.0%})")
    for name in ("forecaster", "Brier", "Brier skill", "log", "log skill"):
        scores.add_column(name, justify="left" if name == "forecaster" else "right")
    scores.add_row("these forecasts", f"{summary.brier:.3f}", "", f"{summary.log:.3f}", "",
                   style="bold")
    for base in summary.baselines:
        name = f"{base.name} ({base.probability:.0%})"
        scores.add_row(name, f"{base.brier:.3f}", _skill_text(base.brier_skill),
                       f"{base.log:.3f}", _skill_text(base.log_skill))
    scores.caption = ("skill = 1 - score / baseline score (above 0: better than the baseline). "
                      "The base rate is in-sample: it uses the very outcomes being scored.")
    console.print(scores)


def _parse_rates(text: str | None) -> list[float]:
    """Read ``--unmodelled-rates``: comma-separated non-negative numbers per year."""
    if text is None:
        return []
    rates = []
    for part in text.split(","):
        try:
            rate = float(part)
        except ValueError:
            fail(f"--unmodelled-rates: '{part.strip()}' is not a number (give e.g. 0,0.05,0.1)")
        if not 0.0 <= rate <= 10.0:
            fail(f"--unmodelled-rates: {rate:g} is outside 0-10 per year")
        rates.append(rate)
    return rates


def _scores_at_rates(loaded: QuestionsFile | Scenario, path: Path,
                     resolved: list[ResolvedForecast], rates: list[float]) -> list[RateScore]:
    """Brier and log scores of the resolved questions at each rate of unmodelled change."""
    from realpolitik.analysis.questions import probabilities_at_rates
    from realpolitik.analysis.scores import scores_by_rate
    from realpolitik.scenario.schema import Scenario

    start = loaded.scenario.as_of if isinstance(loaded, Scenario) else loaded.made_on
    if start is None:
        fail(f"{path}: --unmodelled-rates needs the date the forecasts were made "
             "(made_on in a questions file)")
    undated = [q.id for q in resolved if q.resolution_date is None]
    if undated:
        fail(f"{path}: --unmodelled-rates needs a resolution_date on every scored question; "
             f"missing on {', '.join(undated)}")
    return scores_by_rate(probabilities_at_rates(resolved, rates, start),
                          [q.outcome == "yes" for q in resolved])


def _rates_table(scores: list[RateScore], outcomes: list[bool]) -> Table:
    table = Table(title="Scores as probabilities are widened toward base rates "
                        "(rate of unmodelled change per year)")
    for name in ("rate / year", "Brier", "log"):
        table.add_column(name, justify="right")
    for score in scores:
        table.add_row(f"{score.rate:g}", f"{score.brier:.3f}", f"{score.log:.3f}")
    table.caption = (f"{len(outcomes)} questions; rate 0 scores the probabilities as forecast "
                     "by the model or stated in the file.")
    return table


def _skill_text(value: float | None) -> str:
    return "undefined" if value is None else f"{value:+.2f}"


def _write_scores(target: RunDirectory, summary: ScoreSummary,
                  resolved: list[ResolvedForecast], label: str) -> None:
    """Write scores.json and the reliability diagram into the folder, all or nothing."""
    from realpolitik.outputs.figures_judgment import reliability_diagram

    payload = {
        "label": label,
        "version": __version__,
        "count": summary.count,
        "yes_count": summary.yes_count,
        "base_rate": summary.base_rate,
        "brier": summary.brier,
        "log": summary.log,
        "baselines": [vars(b) for b in summary.baselines],
        "bins": [vars(b) for b in summary.bins],
        "questions": [q.model_dump(mode="json") for q in resolved],
    }
    with target:
        (target.path / "scores.json").write_text(json.dumps(payload, indent=2),
                                                 encoding="utf-8")
        reliability_diagram(summary, target.path / "reliability.png", label)


# ---------------------------------------------------------------------------
# realpolitik sources [check]
# ---------------------------------------------------------------------------


class _SourcesGroup(TyperGroup):
    """``sources`` with its scenario named before or after the subcommand.

    ``sources SCENARIO check ...`` is read as ``sources check SCENARIO ...``,
    and ``sources SCENARIO`` (no subcommand) as ``sources list SCENARIO``:
    the arguments are rearranged before Click parses them, with its public
    interface only.
    """

    def parse_args(self, ctx: ClickContext, args: list[str]) -> list[str]:
        if len(args) >= 2 and not args[0].startswith("-") and args[0] not in self.commands \
                and args[1] in self.commands:
            args = [args[1], args[0], *args[2:]]
        elif args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["list", *args]
        return super().parse_args(ctx, args)


sources_app = typer.Typer(
    cls=_SourcesGroup,
    invoke_without_command=True,
    help="Every number of a scenario with its evidence; 'check' verifies the quotations.",
)


@sources_app.callback()
def _sources(ctx: typer.Context) -> None:
    """Every number of a scenario with its evidence; 'check' verifies the quotations.

    ``realpolitik sources [SCENARIO]`` lists the numbers;
    ``realpolitik sources [SCENARIO] check --doc ID=PATH`` checks the quotations.
    """
    if ctx.invoked_subcommand is None:
        sources_listing(None)


@sources_app.command("list")
def sources_listing(scenario: ScenarioArg = None) -> None:
    """List every number of a scenario with its value or range, source, and quote or estimate."""
    from realpolitik.analysis.evidence import number_evidence
    from realpolitik.scenario.names import field_name

    loaded = _load(scenario)
    rows = number_evidence(loaded)
    table = Table(title=Text(f"Numbers and their evidence: {loaded.scenario.title}",
                             style="table.title"))
    for name in ("number", "value", "source", "quote or estimate"):
        table.add_column(name, overflow="fold")
    for row in rows:
        q = row.quantity
        if row.kind == "quote":
            evidence = Text(f"\u201c{q.quote}\u201d")
        elif row.kind == "estimate":
            evidence = Text(f"estimate: {q.estimate}", style="italic")
        else:
            evidence = Text("none", style="yellow")
        table.add_row(Text(field_name(loaded, row.path)), Text(row.shown_value),
                      Text(q.source or ""), evidence)
    console = terminal()
    console.print(table)
    counts = {kind: sum(r.kind == kind for r in rows) for kind in ("quote", "estimate", "none")}
    console.print(f"{len(rows)} numbers: {counts['quote']} quote a source, "
                  f"{counts['estimate']} state an estimate, {counts['none']} give no evidence.")


@sources_app.command("check")
def sources_check(
    scenario: ScenarioArg = None,
    doc: Annotated[list[str] | None, typer.Option(
        "--doc", help="SOURCE_ID=PATH of a text file holding that source (repeatable).")
                   ] = None,
) -> None:
    """Verify that every quotation appears in the document its source names.

    Whitespace, line-break hyphenation, quote marks, dashes and footnote
    markers are normalised first.  Exit code 1 if any quotation is missing or
    altered, 0 if all found; quotations whose source has no --doc are
    reported as unchecked, which is not a failure.
    """
    from realpolitik.analysis.evidence import DocumentError, check_quotes, load_documents

    loaded = _load(scenario)
    try:
        documents = load_documents(doc or [])
    except DocumentError as error:
        report_user_errors(error)
    unknown = sorted(set(documents) - {s.id for s in loaded.sources})
    if unknown:
        fail(f"--doc names source(s) the scenario does not declare: {', '.join(unknown)}")
    checks = check_quotes(loaded, documents)
    console = terminal()
    failures = [c for c in checks if c.failed]
    if failures:
        console.print(_failures_table(loaded, failures))
    _print_check_summary(console, checks)
    if failures:
        raise typer.Exit(1)


def _failures_table(scenario: Scenario, failures: list[QuoteCheck]) -> Table:
    """The quotations that were not found, with the closest passage and what differs."""
    from realpolitik.scenario.names import field_name
    from realpolitik.scenario.schema import dotted

    table = Table(title="Quotations not found in their documents")
    for name in ("field", "status", "quote", "closest passage", "differences"):
        table.add_column(name, overflow="fold")
    for check in failures:
        similarity = f" ({check.similarity:.0%})" if check.similarity is not None else ""
        table.add_row(Text(f"{field_name(scenario, check.path)} ({dotted(check.path)})"),
                      Text(check.status + similarity, style="red"),
                      Text(check.quote), Text(check.closest or ""),
                      Text("; ".join(check.differences)))
    return table


def _print_check_summary(console: Console, checks: list[QuoteCheck]) -> None:
    found = sum(c.status == "found" for c in checks)
    failed = sum(c.failed for c in checks)
    unchecked = [c for c in checks if c.status == "unchecked"]
    colour = "red" if failed else "green"
    console.print(f"[{colour}]{found} of {len(checks)} quotations found, {failed} missing "
                  f"or altered[/]")
    if unchecked:
        sources = ", ".join(sorted({c.source for c in unchecked}))
        console.print(f"[yellow]{len(unchecked)} unchecked[/]: no --doc given for source(s) "
                      f"{escape(sources)} (unchecked is not a failure; pass --doc ID=PATH to "
                      "check them)")
