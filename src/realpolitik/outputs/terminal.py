"""Terminal output: rich renderables of the typed results, and the progress displays.

Every function here returns something a ``rich.console.Console`` prints (a
table, a group, a rule, a marked-up string) and prints nothing itself: the
command line decides where and when.  :func:`stage_progress` and
:func:`draw_progress` turn ``progress`` callbacks of the pipeline and of the
lever analysis into bars and spinners.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.rule import Rule
from rich.status import Status
from rich.table import Table
from rich.text import Text

from realpolitik._version import __version__
from realpolitik.analysis.discovery import Discovery, PrimResult, discover
from realpolitik.analysis.feedback import feedback_loops
from realpolitik.analysis.levers import BASELINE, Interval, LeverReport
from realpolitik.analysis.model_choices import model_choices
from realpolitik.analysis.outcomes import EnsembleLike, Outcome
from realpolitik.analysis.outlook import Outlook
from realpolitik.analysis.sensitivity import Sensitivity
from realpolitik.analysis.static import StaticForecast
from realpolitik.outputs import outlook_sections, tables
from realpolitik.outputs.feedback_view import feedback_renderables
from realpolitik.outputs.model_choices_view import model_choice_renderables
from realpolitik.outputs.naming import Namer
from realpolitik.outputs.sections_analysis import regret_sentence, restriction_text, start_rows
from realpolitik.scenario.names import input_kind
from realpolitik.scenario.schema import Scenario

__all__ = [
    "delay_table",
    "discovery_summary",
    "discovery_table",
    "draw_progress",
    "lever_renderables",
    "lever_table",
    "outcome_table",
    "outlook_renderables",
    "regret_text",
    "sensitivity_summary",
    "stage_progress",
    "summary_renderables",
]


def _interval(value: Interval) -> str:
    return f"{value.mean:+.3f} [{value.low:+.3f}, {value.high:+.3f}]"


# ---------------------------------------------------------------------------
# The static forecast and the outlook
# ---------------------------------------------------------------------------
def summary_renderables(forecast: StaticForecast, *, wide: bool = False,
                        detail: bool = True, question: bool = True) -> list[RenderableType]:
    """The forecast, movement and cohesion tables under a rule with the scenario's title.

    ``wide`` gives every issue's full name a column (for terminals of 140
    columns or more); without ``detail`` the table of how far each actor
    moved is left out; without ``question`` the scenario's question is not
    repeated under the rule (the bottom line already shows it).
    """
    meta = forecast.scenario.scenario
    parts: list[RenderableType] = [
        Rule(Text.assemble((meta.title, "bold"), f" (as of {meta.as_of.isoformat()})"))]
    if meta.question and question:
        parts.append(Text(meta.question + "\n", style="italic"))
    parts.append(tables.forecast_table(forecast, wide=wide))
    movement = tables.movement_table(forecast) if detail else None
    parts += [table for table in (movement, tables.cohesion_table(forecast))
              if table is not None]
    note = tables.convergence_note(forecast)
    if note:
        parts.append(Text(note, style="dim"))
    return parts


SHORT_LEVERS = 5
"""Options the lever ranking shows without ``--detail``."""


def outlook_renderables(scenario: Scenario, outlook: Outlook, *,
                        detail: bool = True) -> list[RenderableType]:
    """Survival, game changers, levers, discovery, sensitivity and questions, in that order.

    Without ``detail``: survival, game changers and the best few levers, and a
    line saying where the rest is.
    """
    names = Namer(scenario, outlook.ensemble.dates[-1])
    parts: list[RenderableType | None] = [
        Rule("[bold]The outlook[/]"),
        outlook_sections.holding_table(scenario, outlook),
        outlook_sections.drivers_table(scenario, outlook),
        *feedback_renderables(scenario, feedback_loops(scenario, outlook.ensemble),
                              outlook.levers),
    ]
    if outlook.levers is not None and not detail:
        parts.append(lever_table(outlook.levers, names, top=SHORT_LEVERS))
    if not detail:
        parts.append(Text("More (every lever and pair, effects on other outcomes, cost of "
                          "delay, scenario discovery, sensitivity, how much the modelling "
                          "choices matter, all forecast questions): rerun with --detail, or "
                          "open the report.", style="dim"))
        return [part for part in parts if part is not None]
    if outlook.levers is not None:
        parts += lever_renderables(outlook.levers, names)
    if outlook.discovery is not None:
        parts.append(discovery_table(outlook.discovery, names=names))
    if outlook.sensitivity is not None:
        parts.append(sensitivity_summary(outlook.sensitivity, names=names))
    choices = model_choices(scenario, outlook)
    if outlook.ensemble.ruptured or choices.effects:
        parts += model_choice_renderables(scenario, choices, names)
    parts.append(outlook_sections.questions_table(outlook))
    return [part for part in parts if part is not None]


# ---------------------------------------------------------------------------
# Levers
# ---------------------------------------------------------------------------
def lever_renderables(report: LeverReport, names: Namer | None = None) -> list[RenderableType]:
    """The ranking, the effects on the other outcomes (if any) and the cost of delay (if any)."""
    parts: list[RenderableType] = [lever_table(report, names)]
    if len(report.outcomes) > 1:
        parts.append(outcome_table(report, names))
    if report.delays:
        parts.append(delay_table(report))
    if report.starts:
        parts.append(start_table(report))
    return parts


def regret_text(report: LeverReport) -> Text:
    """The sentence naming the minimax-regret and least-mean-regret options."""
    regret = {summary.option: summary for summary in report.regret}
    return Text(regret_sentence(report, regret))


def lever_table(report: LeverReport, names: Namer | None = None, top: int | None = None) -> Table:
    """The ranking of options on the objective, with intervals and regret (the first ``top``)."""
    names = names or Namer()
    shown = (f"top {top} of {len(report.ranking)} options "
             if top and top < len(report.ranking) else "")
    table = Table(title=Text(f"Levers ranked on {names.outcome(report.objective)} "
                             f"({report.direction}) {shown}· scenario "
                             f"{report.scenario_id} · seed {report.seed} · {report.draws:,} "
                             f"draws · {report.model} · realpolitik {__version__}",
                             style="table.title"))
    headers = ["rank", "option", "effect [95% interval]", "mean regret"]
    headers += [] if top else ["p90 regret", "max regret"]
    for header in headers:
        table.add_column(header, justify="left" if header == "option" else "right",
                         ratio=3 if header == "option" else None)
    regret = {summary.option: summary for summary in report.regret}
    for rank, option in enumerate(report.ranking[:top] if top else report.ranking, start=1):
        effect = report.objective_effect(option).effect
        good = (effect.mean > 0) == (report.direction == "maximise")
        style = "" if option == BASELINE or not effect.excludes_zero() else (
            "green" if good else "red")
        tail = [] if top else [f"{regret[option].p90:.3f}", f"{regret[option].max:.3f}"]
        table.add_row(str(rank), Text(report.option_name(option)),
                      Text(_interval(effect), style=style), f"{regret[option].mean:.3f}", *tail)
    return table


def outcome_table(report: LeverReport, names: Namer | None = None) -> Table:
    """Each option's effect on the outcomes other than the objective."""
    names = names or Namer()
    others = [label for label in report.outcomes if label != report.objective]
    table = Table(title="Effects on the other outcomes (option minus baseline [95% interval])")
    table.add_column("option")
    for label in others:
        table.add_column(names.outcome(label, short=True), justify="right")
    for option in report.options:
        if option.id != BASELINE:
            table.add_row(Text(option.name), *(_interval(report.effects[option.id][label].effect)
                                               for label in others))
    return table


def delay_table(report: LeverReport) -> Table:
    """What starting each lever later costs on the objective."""
    years = report.delays[0].years
    table = Table(title=f"Acting {years:g} years later (loss > 0: worse for the objective)")
    for header in ("lever", "late start", "effect on time", "effect late", "loss"):
        table.add_column(header, justify="left" if header == "lever" else "right")
    for delay in report.delays:
        table.add_row(Text(report.option_name(delay.lever)), delay.start,
                      _interval(delay.on_time), _interval(delay.late), _interval(delay.loss))
    return table


def start_table(report: LeverReport) -> Table:
    """When each lever that waits for its condition started, option by option."""
    table = Table(title="Levers that wait: share of futures in which each started by the "
                        "horizon [95% interval], and the median start")
    for header in ("option", "waits until", "started", "median start"):
        table.add_column(header, justify="left" if header in ("option", "waits until")
                         else "right", overflow="fold")
    for row in start_rows(report):
        table.add_row(Text(row[0]), Text(row[1]), row[2], row[3])
    return table


# ---------------------------------------------------------------------------
# Discovery and sensitivity
# ---------------------------------------------------------------------------
def discovery_table(discovery: Discovery, top: int = 8, names: Namer | None = None) -> Group:
    """Terminal summary of one discovery: each box's restrictions and the top inputs."""
    names = names or Namer()
    heading = (f"Scenario discovery: {names.outcome(discovery.outcome)} happens in "
               f"{discovery.base_rate:.1%} of {discovery.draws:,} draws")
    parts: list[RenderableType] = [Text(heading, style="bold")]
    if discovery.base_rate in (0.0, 1.0):
        parts.append(Text("it happens in every draw or in none, so there is nothing to "
                          "discover"))
        return Group(*parts)
    for number, found in enumerate(discovery.boxes, start=1):
        parts.append(_box_table(number, found, names))
    if not discovery.boxes:
        parts.append(Text("no box denser than the base rate"))
    ranking = Table(title="inputs by mutual information with the outcome", title_justify="left")
    ranking.add_column("input")
    ranking.add_column("kind")
    ranking.add_column("bits", justify="right")
    ranking.add_column("rate, low → high values", justify="right")
    for item in discovery.importance[:top]:
        ranking.add_row(Text(names.input(item.name)), input_kind(item.name),
                        f"{item.information:.4f}",
                        " ".join(f"{rate:.0%}" for rate in item.rates))
    parts.append(ranking)
    return Group(*parts)


def _box_table(number: int, found: PrimResult, names: Namer) -> Table:
    """One PRIM box: its coverage, density and the restriction on each input."""
    box = found.box
    table = Table(title=f"box {number}: coverage {box.coverage:.0%}, density "
                        f"{box.density:.0%}, {box.count} draws", title_justify="left")
    table.add_column("input")
    table.add_column("kind")
    table.add_column("restriction")
    table.add_column("quasi-p", justify="right")
    for restriction in found.restrictions:
        p_value = "" if restriction.p_value is None else f"{restriction.p_value:.2g}"
        table.add_row(Text(names.input(restriction.name)), input_kind(restriction.name),
                      Text(restriction_text(restriction, names)), p_value)
    return table


def discovery_summary(
    result: EnsembleLike, outcomes: list[Outcome] | None = None, *, top: int = 8,
    **settings: Any,
) -> Group:
    """Run PRIM on an ensemble result and return a terminal summary.

    ``outcomes`` default: the rupture of every watched alliance that ruptures
    in some draws but not all (there is nothing to discover otherwise).
    ``settings`` go to :func:`realpolitik.analysis.discovery.discover`.
    """
    if outcomes is None:
        outcomes = [Outcome("rupture", alliance) for alliance, ruptured in result.ruptured.items()
                    if 0 < ruptured[:, -1].mean() < 1]
    if not outcomes:
        return Group(Text("Scenario discovery: no watched alliance ruptures in some draws and "
                          "holds in others, so there is nothing to discover."))
    return Group(*(discovery_table(discover(result, outcome, **settings), top)
                   for outcome in outcomes))


def sensitivity_summary(sensitivity: Sensitivity, top: int = 10,
                        names: Namer | None = None) -> Group:
    """Terminal summary of a sensitivity analysis: Sobol indices and the widest swings."""
    names = names or Namer()
    heading = f"Sensitivity of {names.outcome(sensitivity.outcome)}"
    parts: list[RenderableType] = [Text(heading, style="bold")]
    indices = sensitivity.sobol
    if indices is not None:
        table = Table(title=f"Sobol indices ({indices.base_samples} base samples, "
                            f"{indices.evaluations:,} runs)", title_justify="left")
        for header in ("input", "kind", "S1", "ST"):
            table.add_column(header, justify="left" if header in ("input", "kind") else "right")
        for j in indices.ranked()[:top]:
            table.add_row(Text(names.number(indices.names[j])), input_kind(indices.names[j]),
                          f"{indices.first[j]:.3f} ± {indices.first_conf[j]:.3f}",
                          f"{indices.total[j]:.3f} ± {indices.total_conf[j]:.3f}")
        parts.append(table)
    swings = sensitivity.tornado
    if swings is not None:
        table = Table(title=f"one at a time (baseline {swings.baseline:.3g})",
                      title_justify="left")
        for header in ("input", "kind", "at low end", "at high end", "swing"):
            table.add_column(header, justify="left" if header in ("input", "kind") else "right")
        for swing in swings.swings[:top]:
            table.add_row(Text(names.number(swing.name)), input_kind(swing.name),
                          f"{swing.at_low:.3g}",
                          f"{swing.at_high:.3g}",
                          f"{swing.width:.3g}")
        parts.append(table)
    return Group(*parts)


# ---------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------
@contextmanager
def draw_progress(console: Console, total: int,
                  label: str = "simulating options") -> Iterator[Callable[[int, int], None]]:
    """A bar counting draws over every run, removed when done; yields ``progress(done, total)``."""
    with Progress(TextColumn(label), BarColumn(),
                  TextColumn("{task.completed:,}/{task.total:,} draws"), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@contextmanager
def stage_progress(
    console: Console, spinners: Collection[str] = ()
) -> Iterator[Callable[[str, int, int], None]]:
    """Show ``progress(stage, done, total)`` reports: a bar per stage, kept when done.

    Stages named in ``spinners`` have no count worth a bar: each shows as a
    transient ``stage...`` spinner while ``done < total``.  Bars and spinners
    take turns on the terminal (rich shows one live display at a time).
    """
    display = _StageDisplay(console, spinners)
    try:
        yield display.report
    finally:
        display.stop()


class _StageDisplay:
    """The live display behind :func:`stage_progress`: one spinner or one set of bars."""

    def __init__(self, console: Console, spinners: Collection[str]) -> None:
        self.console, self.spinners = console, set(spinners)
        self.spinner: Status | None = None
        self.bars: Progress | None = None
        self.tasks: dict[str, TaskID] = {}

    def report(self, stage: str, done: int, total: int) -> None:
        """Advance the stage's bar, or start and stop its spinner."""
        if stage in self.spinners:
            self.stop()
            if done < total:
                self.spinner = self.console.status(f"{stage}...")
                self.spinner.start()
            return
        if self.bars is None:
            self.stop()
            self.bars = Progress(*_stage_columns(), console=self.console, transient=False)
            self.bars.start()
            self.tasks = {}
        if stage not in self.tasks:
            self.tasks[stage] = self.bars.add_task(stage, total=max(total, 1))
        self.bars.update(self.tasks[stage], completed=done, total=max(total, 1))

    def stop(self) -> None:
        """Stop whatever is live: a spinner vanishes, bars stay on screen."""
        if self.spinner is not None:
            self.spinner.stop()
        if self.bars is not None:
            self.bars.stop()
        self.spinner, self.bars = None, None


def _stage_columns() -> tuple[ProgressColumn, ...]:
    """The columns of a stage's bar: its name, the bar, the percentage and the time."""
    return (TextColumn("{task.description:<22}"), BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn())
