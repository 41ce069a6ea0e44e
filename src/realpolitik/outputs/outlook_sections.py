"""The outlook in words and tables: the scenario's question answered in numbers."""

from __future__ import annotations

import math

from rich.table import Table
from rich.text import Text

from realpolitik.analysis.drivers import Driver, Rate
from realpolitik.analysis.outlook import HOLDING_YEARS, Outlook
from realpolitik.outputs.html import esc, table
from realpolitik.outputs.section import Section
from realpolitik.scenario.schema import Scenario


def percent(share: float) -> str:
    """A share as a whole percentage, or 'beyond horizon' for NaN."""
    return "beyond horizon" if math.isnan(share) else f"{100 * share:.0f}%"


def rate_text(rate: Rate | None) -> str:
    """A rate with its interval and the number of futures behind it."""
    if rate is None:
        return "-"
    return (f"{100 * rate.estimate:.0f}% [{100 * rate.low:.0f}-{100 * rate.high:.0f}] "
            f"of {rate.futures:,}")


def _names(scenario: Scenario) -> dict[str, str]:
    names = {a.id: a.name for a in scenario.alliances}
    names.update({i.id: i.name for i in scenario.issues})
    if scenario.dynamics is not None:
        names.update({s.id: s.name for s in scenario.dynamics.shocks})
    names.update({lever.id: lever.name for lever in scenario.levers})
    return names


def holding_table(scenario: Scenario, outlook: Outlook) -> Table:
    """Terminal table: the share of futures in which each alliance still holds."""
    result = outlook.ensemble
    table = Table(title=f"Will the alliances hold? Share of {result.draws:,} simulated futures",
                  title_justify="left")
    table.add_column("Alliance")
    table.add_column("Rupture rule")
    for years in HOLDING_YEARS:
        table.add_column(f"after {years:g} yr", justify="right")
    for alliance in scenario.alliances:
        shares = outlook.holding(alliance.id)
        table.add_row(Text(alliance.name), Text(alliance.rupture or "default"),
                      *(percent(shares[y]) for y in HOLDING_YEARS))
    return table


def drivers_table(scenario: Scenario, outlook: Outlook) -> Table | None:
    """Terminal table: each game changer's chance and the rupture rate with and without it."""
    if not outlook.drivers or outlook.focus is None:
        return None
    names = _names(scenario)
    table = Table(title=Text(f"Game changers and the rupture of {names[outlook.focus]} "
                             "(by the horizon; 95% interval)", style="table.title"),
                  title_justify="left")
    table.add_column("Game changer")
    table.add_column("Happens", justify="right")
    table.add_column("Rupture if it happens", justify="right")
    table.add_column("Rupture if not", justify="right")
    for driver in outlook.drivers:
        table.add_row(Text(names.get(driver.shock, driver.shock)), percent(driver.fired_share),
                      rate_text(driver.with_shock), rate_text(driver.without_shock))
    return table


def questions_table(outlook: Outlook) -> Table | None:
    """Terminal table: each forecast question with its probability."""
    if not outlook.questions:
        return None
    table = Table(title="Forecast questions (probability as of the scenario's date; futures "
                        f"bargained with the {outlook.ensemble.model} model)",
                  title_justify="left")
    table.add_column("Question", overflow="fold")
    table.add_column("By", justify="right")
    table.add_column("P(yes)", justify="right")
    table.add_column("Flag")
    for question in outlook.questions:
        table.add_row(Text(question.text), question.resolution_date.isoformat(),
                      f"{question.probability:.2f}",
                      "[yellow]threshold reached[/]" if question.flagged else "")
    return table


def answer_section(scenario: Scenario, outlook: Outlook) -> Section:
    """The scenario's question answered in numbers, drawn from every analysis."""
    names = _names(scenario)
    parts = []
    if scenario.scenario.question:
        parts.append(f"<p><b>{esc(scenario.scenario.question)}</b></p>")
    if outlook.focus is not None:
        parts.append(_holding_paragraph(names[outlook.focus], outlook))
    if outlook.drivers:
        parts.append(_drivers_html(names, outlook.drivers))
    if outlook.levers is not None:
        parts.append(_levers_html(names, outlook))
    parts.append(
        f"<p class='muted'>{outlook.ensemble.draws:,} simulated futures, seed "
        f"{outlook.ensemble.seed}, bargaining engine {esc(outlook.ensemble.model)}. Shares "
        "carry 95% Wilson intervals; lever effects are paired differences on the same "
        "futures (common random numbers).</p>")
    return Section("The question in numbers", "".join(parts), anchor="answer")


def _holding_paragraph(name: str, outlook: Outlook) -> str:
    result = outlook.ensemble
    cells = []
    for years in HOLDING_YEARS:
        step = result.step_at(years)
        if step is None:
            cells.append(f"{years:g} years: beyond the horizon")
            continue
        band = result.survival(outlook.focus)
        cells.append(f"{years:g} year{'s' if years != 1 else ''}: "
                     f"<b>{100 * band.estimate[step]:.0f}%</b> "
                     f"[{100 * band.low[step]:.0f}-{100 * band.high[step]:.0f}]")
    return (f"<p>Probability that <b>{esc(name)}</b> still holds after " + "; ".join(cells)
            + ".</p>")


def _drivers_html(names: dict[str, str], drivers: list[Driver]) -> str:
    rows = [[names.get(d.shock, d.shock), percent(d.fired_share), rate_text(d.with_shock),
             rate_text(d.without_shock),
             "-" if d.lift is None else ("no rupture without it" if math.isinf(d.lift)
                                         else f"{d.lift:.1f}x")]
            for d in drivers]
    return ("<h3>Which game changers go with a rupture</h3>"
            + table(["Game changer", "Happens by the horizon", "Rupture if it happens",
                     "Rupture if not", "Lift"], rows, [False, True, True, True, True]))


def _levers_html(names: dict[str, str], outlook: Outlook) -> str:
    report = outlook.levers
    single = [option for option in report.ranking if "+" not in option and option != "baseline"]
    headers = ["Lever", *report.outcomes]
    rows = []
    for option in single:
        effects = report.effects[option]
        rows.append([names.get(option, option), *(
            f"{effects[label].effect.mean:+.3f} [{effects[label].effect.low:+.3f}, "
            f"{effects[label].effect.high:+.3f}]" for label in report.outcomes)])
    delay_rows = [[names.get(d.lever, d.lever), d.start, f"{d.loss.mean:+.3f} "
                   f"[{d.loss.low:+.3f}, {d.loss.high:+.3f}]"] for d in report.delays]
    html = ("<h3>What each lever does (change against no lever, 95% interval)</h3>"
            + table(headers, rows, [False] + [True] * len(report.outcomes))
            + f"<p>Ranked on <b>{esc(report.objective)}</b> ({esc(report.direction)}). "
              f"Best option on this objective, pairs included: "
              f"<b>{esc(report.option_name(report.ranking[0]))}</b>; least regret on average "
              f"across the futures: <b>{esc(report.option_name(report.least_mean_regret))}</b>."
              "</p>")
    if delay_rows:
        years = report.delays[0].years
        html += (f"<h3>What acting {years:g} years later costs</h3>"
                 + table(["Lever", "Late start", f"Loss on {report.objective} (positive: worse)"],
                         delay_rows, [False, True, True]))
    return html
