"""The outlook in words and tables: the scenario's question answered in numbers.

Shares of simulated futures are worded by
:class:`~realpolitik.analysis.probability.Chance` (never 0% or 100%, with
their Wilson interval); everything is named as the scenario names it.
"""

from __future__ import annotations

import datetime as dt
import math

from rich.table import Table
from rich.text import Text

from realpolitik.analysis.drivers import Driver, Rate
from realpolitik.analysis.levers import BASELINE, LeverReport
from realpolitik.analysis.outlook import HOLDING_YEARS, Outlook
from realpolitik.analysis.probability import Chance
from realpolitik.outputs import results_files as files
from realpolitik.outputs.html import esc, table
from realpolitik.outputs.section import Section
from realpolitik.scenario.names import outcome_name
from realpolitik.scenario.schema import Scenario
from realpolitik.simulation.results import EnsembleResult


def percent(share: float, draws: int | None = None) -> str:
    """A share of ``draws`` futures (never 0% or 100%), or 'beyond horizon' for NaN."""
    if math.isnan(share):
        return "beyond horizon"
    if draws is None:
        return Chance(share, share, share).percent()
    return Chance.of_share(share, draws).percent()


def rate_text(rate: Rate | None) -> str:
    """A rate with its interval and the number of futures behind it."""
    if rate is None:
        return "-"
    return f"{Chance(rate.estimate, rate.low, rate.high, rate.futures).shown()} of {rate.futures:,}"


def names(scenario: Scenario) -> dict[str, str]:
    """Alliance, issue, shock and lever ids -> the names the scenario gives them."""
    found = {a.id: a.name for a in scenario.alliances}
    found.update({i.id: i.name for i in scenario.issues})
    if scenario.dynamics is not None:
        found.update({s.id: s.name for s in scenario.dynamics.shocks})
    found.update({lever.id: lever.name for lever in scenario.levers})
    return found


def holding_table(scenario: Scenario, outlook: Outlook) -> Table:
    """Terminal table: the share of futures in which each alliance still holds."""
    result = outlook.ensemble
    table = Table(title=f"Will the alliances hold? Share of {result.futures:,} simulated futures",
                  title_justify="left")
    table.add_column("Alliance")
    table.add_column("Rupture rule")
    for years in HOLDING_YEARS:
        table.add_column(f"after {years:g} yr", justify="right")
    for alliance in scenario.alliances:
        shares = outlook.holding(alliance.id)
        table.add_row(Text(alliance.name), Text(str(alliance.rupture or "default")),
                      *(percent(shares[y], result.futures) for y in HOLDING_YEARS))
    return table


def drivers_table(scenario: Scenario, outlook: Outlook) -> Table | None:
    """Terminal table: each game changer's chance and the rupture rate with and without it."""
    if not outlook.drivers or outlook.focus is None:
        return None
    named = names(scenario)
    table = Table(title=Text(f"Game changers and the rupture of {named[outlook.focus]} "
                             "(by the horizon; 95% interval)", style="table.title"),
                  title_justify="left")
    table.add_column("Game changer")
    table.add_column("Happens", justify="right")
    table.add_column("Rupture if it happens", justify="right")
    table.add_column("Rupture if not", justify="right")
    for driver in outlook.drivers:
        table.add_row(Text(named.get(driver.shock, driver.shock)),
                      percent(driver.fired_share, outlook.ensemble.futures),
                      Text(rate_text(driver.with_shock)), Text(rate_text(driver.without_shock)))
    return table


def questions_table(outlook: Outlook, limit: int | None = None) -> Table | None:
    """Terminal table: each forecast question with its probability (the first ``limit``)."""
    if not outlook.questions:
        return None
    shown = outlook.questions[:limit] if limit else outlook.questions
    table = Table(title="Forecast questions (probability as of the scenario's date; futures "
                        f"bargained with {outlook.ensemble.bargained_by})",
                  title_justify="left")
    table.add_column("Question", overflow="fold")
    table.add_column("By", justify="right")
    table.add_column("P(yes)", justify="right")
    table.add_column("Flag")
    for question in shown:
        chance = Chance.of_share(question.probability, outlook.ensemble.futures)
        table.add_row(Text(question.text), question.resolution_date.isoformat(),
                      Text(chance.text()),
                      "[yellow]threshold reached[/]" if question.flagged else "")
    return table


def answer_section(scenario: Scenario, outlook: Outlook) -> Section:
    """The numbers behind the bottom line: holding, game changers, levers."""
    named = names(scenario)
    parts = []
    if outlook.focus is not None:
        parts.append(_holding_paragraph(named[outlook.focus], outlook.focus, outlook.ensemble))
    if outlook.drivers:
        parts.append(_drivers_html(named, outlook))
    if outlook.levers is not None:
        parts.append(_levers_html(scenario, outlook.levers, outlook.ensemble.dates[-1]))
    parts.append(
        f"<p class='muted'>{outlook.ensemble.futures:,} simulated futures, seed "
        f"{outlook.ensemble.seed}, bargaining engine {esc(outlook.ensemble.model)}. Shares "
        "carry 95% Wilson intervals; lever effects are paired differences on the same "
        "futures (common random numbers).</p>")
    return Section("The question in numbers", "".join(parts), anchor="answer")


def _holding_paragraph(name: str, focus: str, result: EnsembleResult) -> str:
    band = result.survival(focus)
    cells = []
    for years in HOLDING_YEARS:
        step = result.step_at(years)
        if step is None:
            cells.append(f"{years:g} years: beyond the horizon")
            continue
        chance = Chance(float(band.estimate[step]), float(band.low[step]),
                        float(band.high[step]), result.futures)
        cells.append(f"{years:g} year{'s' if years != 1 else ''}: <b>{esc(chance.text())}</b>")
    return (f"<p>Probability that <b>{esc(name)}</b> still holds after " + "; ".join(cells)
            + f". Data: <code>{files.csv_name(files.SURVIVAL)}</code>.</p>")


def _drivers_html(named: dict[str, str], outlook: Outlook) -> str:
    drivers: list[Driver] = outlook.drivers
    rows = [[named.get(d.shock, d.shock), percent(d.fired_share, outlook.ensemble.futures),
             rate_text(d.with_shock), rate_text(d.without_shock),
             "-" if d.lift is None else ("no rupture without it" if math.isinf(d.lift)
                                         else f"{d.lift:.1f}x")]
            for d in drivers]
    return ("<h3>Which game changers go with a rupture</h3>"
            + table(["Game changer", "Happens by the horizon", "Rupture if it happens",
                     "Rupture if not", "Lift"], rows, [False, True, True, True, True],
                    data=files.csv_name(files.GAME_CHANGERS)))


def _levers_html(scenario: Scenario, report: LeverReport, horizon: dt.date) -> str:
    named = names(scenario)
    single = [option for option in report.ranking if "+" not in option and option != BASELINE]
    headers = ["Lever", *(outcome_name(scenario, label, short=True)
                          for label in report.outcomes)]
    rows = []
    for option in single:
        effects = report.effects[option]
        rows.append([named.get(option, option), *(
            f"{effects[label].effect.mean:+.3f} [{effects[label].effect.low:+.3f}, "
            f"{effects[label].effect.high:+.3f}]" for label in report.outcomes)])
    objective = outcome_name(scenario, report.objective, horizon)
    delay_rows = [[named.get(d.lever, d.lever), d.start, f"{d.loss.mean:+.3f} "
                   f"[{d.loss.low:+.3f}, {d.loss.high:+.3f}]"] for d in report.delays]
    html = ("<h3>What each lever does (change against no lever, 95% interval)</h3>"
            + table(headers, rows, [False] + [True] * len(report.outcomes),
                    data=files.csv_name(files.LEVER_EFFECTS))
            + f"<p>Ranked on <b>{esc(objective)}</b> ({esc(report.direction)}). "
              f"Best option on this objective, pairs included: "
              f"<b>{esc(report.option_name(report.ranking[0]))}</b>; least regret on average "
              f"across the futures: <b>{esc(report.option_name(report.least_mean_regret))}</b>."
              "</p>")
    if delay_rows:
        years = report.delays[0].years
        html += (f"<h3>What acting {years:g} years later costs</h3>"
                 + table(["Lever", "Late start", f"Loss on {objective} (positive: worse)"],
                         delay_rows, [False, True, True],
                         data=files.csv_name(files.LEVER_DELAYS)))
    return html
