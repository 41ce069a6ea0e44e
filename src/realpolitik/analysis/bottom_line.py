"""The bottom line up front: the scenario's own question answered in plain sentences.

A decision maker reads the first screen of a report and stops.  This module
draws that screen's content from the results of every analysis, as data:

* the **answer**: one to three sentences that answer the scenario's
  ``question``; when the analysis objective is a settlement (how much of the
  river's flow?) the answer leads with that settlement (median and 90% range
  of the simulated futures at the horizon, and the spread of the bargaining
  engines);
* three to five **key judgments**, each a sentence with its number: the
  hypothesis the evidence favours (when posteriors are defined), the chance
  that the focus alliance still holds at the horizon, the game changer most
  associated with its rupture, the best lever with its interval, and how the
  issue the scenario asks most about settles;
* for a scenario with mechanisms, one judgment per **feedback loop** (a
  shock with a ``hazard_factor`` or ``recurring``: whether it damps or
  escalates, with the share of futures each way) and one per **lever that
  waits** for a condition (``when``): where waiting ranks against the same
  levers at once, with both effects, and in what share of the futures it
  started by the horizon; these follow the judgments above, and the first
  of each kind closes the answer;
* **signposts**: the scenario's forecast questions to watch, with their
  current probabilities;
* **limitations**: the scenario's own ``limitations``, verbatim.

Probabilities are worded with :class:`~realpolitik.analysis.probability.Chance`
(numbers with intervals, ICD 203 words beside them, never 0% or 100%).
:func:`bottom_line` computes; the outputs layer renders the result as a
report section and a terminal panel, and writes it as JSON.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field

import numpy as np

from realpolitik.analysis.ach import AchResult
from realpolitik.analysis.drivers import Driver, Rate
from realpolitik.analysis.feedback import Loop, SequencePair, Share, feedback_loops, sequences
from realpolitik.analysis.levers import BASELINE, Interval, LeverReport
from realpolitik.analysis.outlook import Outlook
from realpolitik.analysis.probability import SCALE_NAME, Chance
from realpolitik.analysis.questions import QuestionForecast
from realpolitik.analysis.static import StaticForecast
from realpolitik.models.registry import engine_label
from realpolitik.scenario.indicator_syntax import ExpressionError, iter_terms, parse_expression
from realpolitik.scenario.names import inline, outcome_name
from realpolitik.scenario.outcomes import parse_outcome
from realpolitik.scenario.schema import Issue, Scenario
from realpolitik.scenario.settings import analysis_defaults

__all__ = [
    "MAX_JUDGMENTS",
    "MAX_SIGNPOSTS",
    "BottomLine",
    "Judgment",
    "Signpost",
    "bottom_line",
    "effect_unit",
]

MAX_SIGNPOSTS = 6
"""Questions listed under "what would change this"; the report's question section has all."""

MAX_JUDGMENTS = 5
"""Key judgments drawn from the general analyses; mechanism judgments come on top."""

MECHANISM_HEADLINES = ("feedback", "sequence")
"""The answer closes with the headline of the first judgment of each of these topics.

Loops that recur come first (a shock that can fire again closes its loop),
then the others, each in the scenario's order.
"""

_WAYS = {"escalates": "escalates (its hazard ends higher than it began)",
         "damps": "damps (its hazard ends lower than it began)",
         "flat": "stays flat (its hazard ends where it began)"}
"""A loop's verdict in plain words."""


SETTLEMENT_RANGE = (0.05, 0.5, 0.95)
"""Quantiles of a settlement: the 90% range of the simulated futures and the median."""


@dataclass(frozen=True)
class Judgment:
    """One key judgment: a sentence and the number it rests on.

    ``topic`` is one of ``settlement``, ``hypotheses``, ``holding``,
    ``game_changer``, ``lever``, ``issue``, ``cohesion``, ``feedback`` (a
    loop) or ``sequence`` (a lever that waits); ``headline``
    is the short form the answer strings together; ``value``,
    ``low`` and ``high`` are in ``unit``; ``words`` is the ICD 203 phrase
    when the value is a probability.
    """

    topic: str
    text: str
    headline: str = ""
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str = ""
    words: str | None = None


@dataclass(frozen=True)
class Signpost:
    """A forecast question to watch, with its probability now."""

    question: str
    resolves: dt.date
    probability: float
    shown: str
    threshold: float | None = None
    flagged: bool = False


@dataclass(frozen=True)
class BottomLine:
    """The answer, key judgments, signposts and limitations of one run."""

    scenario_id: str
    question: str
    answer: list[str]
    judgments: list[Judgment]
    signposts: list[Signpost]
    limitations: list[str]
    more_questions: int = 0
    draws: int | None = None
    horizon: dt.date | None = None
    scale: str = SCALE_NAME
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Plain data for JSON: sentences, numbers, dates as ISO text."""
        data = asdict(self)
        data["horizon"] = None if self.horizon is None else self.horizon.isoformat()
        for signpost in data["signposts"]:
            signpost["resolves"] = signpost["resolves"].isoformat()
        return data


def bottom_line(scenario: Scenario, forecast: StaticForecast, outlook: Outlook | None = None,
                hypotheses: AchResult | None = None) -> BottomLine:
    """Answer the scenario's question from the static forecast, the outlook and the ACH.

    Parameters
    ----------
    scenario
        The scenario analysed.
    forecast
        Its static forecast (every engine on the point estimates).
    outlook
        The outlook over time, when the scenario has dynamics and it was run.
    hypotheses
        The ACH reading, when the scenario has competing hypotheses.
    """
    reader = _Reader(scenario, forecast, outlook)
    judgments = reader.judgments(hypotheses)
    mechanisms = reader.mechanisms()
    answer = [judgment.headline for judgment in judgments[:4]]
    answer += [next(judgment for judgment in mechanisms if judgment.topic == topic).headline
               for topic in MECHANISM_HEADLINES
               if any(judgment.topic == topic for judgment in mechanisms)]
    judgments += mechanisms
    signposts, more = reader.signposts()
    return BottomLine(
        scenario_id=scenario.scenario.id, question=scenario.scenario.question,
        answer=answer, judgments=judgments, signposts=signposts,
        limitations=list(scenario.scenario.limitations), more_questions=more,
        draws=None if outlook is None else outlook.ensemble.futures, horizon=reader.horizon,
        notes=reader.notes())


class _Reader:
    """Reads one run's results into sentences; one method per judgment."""

    def __init__(self, scenario: Scenario, forecast: StaticForecast,
                 outlook: Outlook | None) -> None:
        self.scenario, self.forecast, self.outlook = scenario, forecast, outlook
        self.defaults = analysis_defaults(scenario)
        self.horizon = None if outlook is None else outlook.ensemble.dates[-1]

    def _horizon_text(self) -> str:
        """The last simulated date; only the judgments read from simulated futures name it."""
        if self.horizon is None:
            raise ValueError("no simulated futures, so no horizon date to name")
        return self.horizon.isoformat()

    # ---- the judgments, in order --------------------------------------------
    def judgments(self, hypotheses: AchResult | None) -> list[Judgment]:
        """Three to five judgments: the settlement asked about first, when there is one."""
        objective = self.defaults.objective
        lead_issue = objective.target if objective and objective.kind == "settlement" else None
        found = [self.settlement(lead_issue) if lead_issue else None,
                 self.hypotheses(hypotheses), self.holding(), self.game_changer(),
                 self.lever(), self.issue_asked_about(exclude=lead_issue)]
        chosen = [judgment for judgment in found if judgment is not None]
        if not chosen:
            chosen = [self.settlement(self.scenario.issues[0].id)]
        return chosen[:MAX_JUDGMENTS]

    def settlement(self, issue_id: str) -> Judgment:
        """Where the issue settles: median and 90% range at the horizon, and the engines' spread."""
        issue = self.scenario.issue(issue_id)
        engines = self._engine_spread(issue_id)
        if self.outlook is None:
            low, high = min(engines.values()), max(engines.values())
            middle = float(np.median(list(engines.values())))
            headline = (f"{_capital(inline(issue.name))} settles between {low:.0f} and "
                        f"{high:.0f} (0-100), depending on the bargaining engine.")
            return Judgment("settlement", (
                f"{_capital(inline(issue.name))} settles between {low:.0f} and {high:.0f} on "
                f"its 0-100 scale, depending on the bargaining engine "
                f"({_engines_text(engines)}); {_leaning(middle, issue)}."), headline,
                middle, low, high, "position (0-100)")
        q05, median, q95 = (float(value) for value in self.outlook.ensemble.quantiles(
            issue_id, SETTLEMENT_RANGE)[:, -1])
        headline = (f"{_capital(inline(issue.name))} settles at {median:.0f} (0-100) by "
                    f"{self._horizon_text()}, 90% of futures between {q05:.0f} and "
                    f"{q95:.0f}.")
        return Judgment("settlement", (
            f"{_capital(inline(issue.name))} settles at {median:.0f} on its 0-100 scale by "
            f"{self._horizon_text()} (median of {self.outlook.ensemble.futures:,} simulated "
            f"futures; 90% of them between {q05:.0f} and {q95:.0f}); "
            f"{_leaning(median, issue)}. The bargaining engines on today's positions give "
            f"{_engines_text(engines)}."), headline, median, q05, q95, "position (0-100)")

    def hypotheses(self, result: AchResult | None) -> Judgment | None:
        """The hypothesis with the highest posterior, when posteriors are defined."""
        if result is None or result.posteriors is None or result.posterior_interval is None:
            return None
        ids = list(result.matrix.hypothesis_ids)
        first = ids.index(result.posterior_ranking[0])
        interval = result.posterior_interval
        chance = Chance(float(interval.median[first]), float(interval.low[first]),
                        float(interval.high[first]), None, interval.level)
        names = {h.id: h.name for h in self.scenario.hypotheses}
        spread = (f" ({interval.level:.0%} interval over the uncertain inputs)"
                  if chance.high - chance.low >= 0.005 else "")
        text = (f"Of the competing hypotheses, the evidence favours \u201c"
                f"{names[ids[first]]}\u201d: posterior {chance.text()}{spread}")
        if len(ids) > 1:
            second = ids.index(result.posterior_ranking[1])
            text += (f", against {Chance(float(interval.median[second]), 0, 1).percent()} for "
                     f"\u201c{names[ids[second]]}\u201d")
        headline = (f"The evidence favours \u201c{names[ids[first]]}\u201d: {chance.words}, "
                    f"{chance.shown()}.")
        return Judgment("hypotheses", text + ".", headline, chance.estimate, chance.low,
                        chance.high, "probability", chance.words)

    def holding(self) -> Judgment | None:
        """The chance that the focus alliance still holds at the horizon."""
        focus = self.defaults.focus
        if self.outlook is None or focus is None:
            return self.cohesion(focus)
        ensemble = self.outlook.ensemble
        holds = int(round(float(ensemble.survival(focus).estimate[-1]) * ensemble.futures))
        chance = Chance.of_count(holds, ensemble.futures)
        name = self.scenario_alliance(focus)
        headline = (f"{name} still hold together on {self._horizon_text()}: "
                    f"{chance.words}, {chance.shown()} of the simulated futures.")
        return Judgment("holding", (
            f"{name} still hold together on {self._horizon_text()}: {chance.words}, "
            f"{chance.shown()} of {ensemble.futures:,} simulated futures (rupture rule: "
            f"{self._rule(focus)})."), headline, chance.estimate, chance.low, chance.high,
            "probability", chance.words)

    def cohesion(self, focus: str | None) -> Judgment | None:
        """Without futures: the focus alliance's cohesion on stated positions."""
        reading = next((r for r in self.forecast.alliances if r.alliance.id == focus), None)
        if reading is None:
            return None
        score = float(reading.stated.score[0])
        contributions = reading.stated.issue_contributions[0]
        worst = int(np.argmin(contributions))
        rift = (f"; the issue that divides them most is {inline(self.scenario.issues[worst].name)}"
                if contributions[worst] < 0 else "; no issue divides them")
        headline = f"{reading.alliance.name} stand at a cohesion of {score:+.2f} (-1 to 1)."
        return Judgment("cohesion", (
            f"{reading.alliance.name} stand at a cohesion of {score:+.2f} on their stated "
            f"positions (S-score from -1, opposed on everything, to +1, together on "
            f"everything){rift}."), headline, score, None, None, "S-score (-1 to 1)")

    def game_changer(self) -> Judgment | None:
        """The game changer with the highest rupture rate among the futures where it happens."""
        if self.outlook is None or not self.outlook.drivers or self.outlook.focus is None:
            return None
        driver = self.outlook.drivers[0]
        if driver.with_shock is None or driver.with_shock.estimate == 0:
            return None
        name, pair = self._shock_name(driver.shock), self.scenario_alliance(self.outlook.focus)
        happens = Chance.of_share(driver.fired_share, self.outlook.ensemble.futures)
        with_it = _rate_chance(driver.with_shock)
        text = (f"The game changer most associated with a rupture is {inline(name)} "
                f"({happens.percent()} chance by {self._horizon_text()}): {pair} rupture in "
                f"{with_it.shown()} of the futures where it happens")
        if driver.without_shock is not None:
            without = _rate_chance(driver.without_shock).shown()
            text += f", against {without} where it does not"
        headline = f"{_capital(inline(name))} is what most often goes with their rupture."
        return Judgment("game_changer", text + _lift_text(driver) + ".", headline,
                        with_it.estimate, with_it.low, with_it.high,
                        "probability of rupture if it happens", with_it.words)

    def lever(self) -> Judgment | None:
        """The best option on the objective, with its interval."""
        report = None if self.outlook is None else self.outlook.levers
        if report is None:
            return None
        best = next((option for option in report.ranking if option != BASELINE), None)
        if best is None:
            return None
        effect = report.objective_effect(best).effect
        scale, unit = effect_unit(report.objective)
        goal = _goal(report, self.scenario, self.horizon)
        digits = _digits(scale)
        shown = (f"{scale * effect.mean:+.{digits}f} [{scale * effect.low:+.{digits}f}, "
                 f"{scale * effect.high:+.{digits}f}] {unit}")
        option = f"\u201c{report.option_name(best)}\u201d"
        if effect.excludes_zero() and (effect.mean > 0) == (report.direction == "maximise"):
            text = (f"The best lever to {goal} is {option}: {shown} against no lever (95% "
                    "interval over the same simulated futures with and without it).")
            headline = f"The strongest lever is {option} ({shown})."
        else:
            text = f"No lever distinguishably helps to {goal}: the best, {option}, gives {shown}."
            headline = "No lever distinguishably helps."
        return Judgment("lever", text, headline, scale * effect.mean, scale * effect.low,
                        scale * effect.high, unit)

    def issue_asked_about(self, exclude: str | None) -> Judgment | None:
        """How the issue the questions and outcomes name most often settles."""
        counts = self._issue_mentions()
        counts.pop(exclude, None)
        if not counts:
            return None
        issue_id = max(counts, key=lambda key: (counts[key], -self.scenario.issue_ids.index(key)))
        judgment = self.settlement(issue_id)
        return Judgment("issue", judgment.text, judgment.headline, judgment.value,
                        judgment.low, judgment.high, judgment.unit)

    # ---- mechanisms: feedback loops and levers that wait ---------------------------
    def mechanisms(self) -> list[Judgment]:
        """One judgment per feedback loop, then one per lever that waits; none without them."""
        if self.outlook is None:
            return []
        feedback = feedback_loops(self.scenario, self.outlook.ensemble)
        loops = sorted(feedback.loops, key=lambda loop: not loop.recurring)
        found = [self.loop(loop, feedback.draws) for loop in loops]
        report = self.outlook.levers
        if report is not None:
            found += [self.sequence(report, pair) for pair in _telling_pairs(report)]
        return found

    def loop(self, loop: Loop, draws: int) -> Judgment:
        """Whether a mechanism shock's loop damps or escalates, with the share each way."""
        name = inline(self._shock_name(loop.shock))
        verdict = loop.verdict
        chances = {way: _share_chance(getattr(loop, way), draws) for way in _WAYS}
        lead = chances[verdict]
        others = " and ".join(f"{_WAYS[way].partition(' (')[0]} in {chances[way].shown()}"
                              for way in _WAYS if way != verdict)
        text = (f"The feedback loop of {name} most often {_WAYS[verdict]}: {lead.words}, in "
                f"{lead.shown()} of {draws:,} simulated futures, from the first step to "
                f"{self._horizon_text()}; it {others}.")
        if loop.recurring:
            text += f" It fires {loop.mean_firings:.1f} times per future on average."
        headline = (f"The loop of {name} {verdict.replace('flat', 'stays flat')}: "
                    f"{lead.words}, {lead.shown()} of the futures.")
        return Judgment("feedback", text, headline, lead.estimate, lead.low, lead.high,
                        f"share of futures in which the loop {verdict}", lead.words)

    def sequence(self, report: LeverReport, pair: SequencePair) -> Judgment:
        """Where the option that waits ranks against the same levers at once."""
        scale, unit = effect_unit(report.objective)
        total = len(report.ranking)
        wait, now = report.ranking.index(pair.option) + 1, report.ranking.index(pair.at_once) + 1
        waiting, at_once = (report.objective_effect(option).effect
                            for option in (pair.option, pair.at_once))
        level = waiting.mean == at_once.mean
        place = "above" if wait < now else "below"
        overlap = waiting.low <= at_once.high and at_once.low <= waiting.high
        lead = ("Waiting does exactly as well as acting at once" if level
                else f"Waiting ranks {place} acting at once")
        text = (f"{lead}: \u201c{report.option_name(pair.option)}"
                f"\u201d, whose lever starts only once {pair.condition}, ranks {wait} of {total} "
                f"to {_goal(report, self.scenario, self.horizon)} "
                f"({_shown_effect(waiting, scale, unit)} against no lever); the same levers "
                f"at once, \u201c{report.option_name(pair.at_once)}\u201d, rank {now} "
                f"({_shown_effect(at_once, scale, unit)})"
                + ("; their 95% intervals overlap, so the order is not sure."
                   if overlap and not level else "."))
        start = report.start_of(pair.option, pair.lever)
        beside = "with the same effect as" if level else place
        headline = (f"Waiting (\u201c{report.option_name(pair.option)}\u201d) ranks {wait} of "
                    f"{total}, {beside} the same levers at once (rank {now}).")
        if start is None:
            return Judgment("sequence", text, headline, scale * waiting.mean,
                            scale * waiting.low, scale * waiting.high, unit)
        started = Chance(start.share, start.low, start.high, start.futures)
        if start.started == 0:
            text += (f" Its condition never held in any of the {start.futures:,} futures "
                     "of the lever analysis, so the lever never started.")
        else:
            text += (f" The lever started in {started.shown()} of the futures by "
                     f"{self._horizon_text()} ({started.words}; median start "
                     f"{start.median_start}).")
        headline += f" Its lever starts in {started.shown()} of the futures."
        return Judgment("sequence", text, headline, scale * waiting.mean, scale * waiting.low,
                        scale * waiting.high, unit)

    # ---- signposts and notes --------------------------------------------------
    def signposts(self) -> tuple[list[Signpost], int]:
        """Up to :data:`MAX_SIGNPOSTS` questions to watch, and how many more there are."""
        if self.outlook is None or not self.outlook.questions:
            return [], 0
        draws = self.outlook.ensemble.futures
        ordered = sorted(self.outlook.questions, key=self._watch_order)
        chosen = [_signpost(question, draws) for question in ordered[:MAX_SIGNPOSTS]]
        return chosen, max(0, len(ordered) - MAX_SIGNPOSTS)

    def notes(self) -> list[str]:
        """How the numbers were made, in one or two sentences."""
        if self.outlook is None:
            return ["Point estimates only: no simulated futures, so no probabilities."]
        ensemble = self.outlook.ensemble
        return [f"{ensemble.futures:,} simulated futures from {ensemble.dates[0].isoformat()} to "
                f"{ensemble.dates[-1].isoformat()}, bargained with "
                f"{ensemble.bargained_by} at every step (seed {ensemble.seed}). "
                f"Probabilities carry 95% Wilson intervals; words follow {SCALE_NAME}."]

    # ---- helpers ----------------------------------------------------------------
    def _watch_order(self, question: QuestionForecast) -> tuple:
        """Warnings first, then questions with a threshold, then those naming the focus."""
        focus = self.defaults.focus or ""
        top = self.outlook.drivers[0].shock if self.outlook and self.outlook.drivers else ""
        names_focus = focus in question.indicator or (top and top in question.indicator)
        return (not question.flagged, question.threshold is None, not names_focus,
                question.resolution_date)

    def _issue_mentions(self) -> Counter:
        counts: Counter = Counter()
        for question in self.scenario.questions:
            try:
                terms = iter_terms(parse_expression(question.indicator))
            except ExpressionError:
                continue
            counts.update(term.id for term in terms if term.function == "settlement")
        counts.update(outcome.target for outcome in self.defaults.outcomes
                      if outcome.kind == "settlement")
        return counts

    def _engine_spread(self, issue_id: str) -> dict[str, float]:
        k = self.scenario.issue_ids.index(issue_id)
        return {engine_label(model): float(values[k])
                for model, values in self.forecast.forecasts.items()}

    def _rule(self, alliance_id: str) -> str:
        from realpolitik.scenario.dynamics import DEFAULT_RUPTURE_RULE

        alliance = next(a for a in self.scenario.alliances if a.id == alliance_id)
        return str(alliance.rupture or DEFAULT_RUPTURE_RULE)

    def _shock_name(self, shock_id: str) -> str:
        shocks = [] if self.scenario.dynamics is None else self.scenario.dynamics.shocks
        return next((shock.name for shock in shocks if shock.id == shock_id), shock_id)

    def scenario_alliance(self, alliance_id: str) -> str:
        """The alliance's name."""
        return next(a.name for a in self.scenario.alliances if a.id == alliance_id)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _leaning(value: float, issue: Issue) -> str:
    """Which end of the issue's scale a settlement is nearer to, in the scenario's words."""
    if 40 <= value <= 60:
        return f"midway between \u201c{issue.low}\u201d and \u201c{issue.high}\u201d"
    end = issue.high if value > 50 else issue.low
    return f"nearer to \u201c{end}\u201d"


def _engines_text(engines: dict[str, float]) -> str:
    return ", ".join(f"{label} {value:.0f}" for label, value in engines.items())


def _rate_chance(rate: Rate) -> Chance:
    return Chance(rate.estimate, rate.low, rate.high, rate.futures)


def _lift_text(driver: Driver) -> str:
    lift = driver.lift
    if lift is None:
        return ""
    if np.isinf(lift):
        return " (no rupture at all without it)"
    return f" ({lift:.1f} times as often)"


def effect_unit(objective: str) -> tuple[float, str]:
    """How to show an effect on the objective: scale factor and unit."""
    kind = objective.partition(":")[0]
    if kind in ("rupture", "fired"):
        return 100.0, "percentage points"
    if kind == "settlement":
        return 1.0, "points on the 0-100 scale"
    return 1.0, "on the S-score"


def _digits(scale: float) -> int:
    return 1 if scale != 1.0 else 2


def _goal(report: LeverReport, scenario: Scenario, horizon: dt.date | None) -> str:
    """``raise the chance of Russia-Iran rupture by 2024-06-01`` and the like."""
    outcome = parse_outcome(report.objective)
    verb = "raise" if report.direction == "maximise" else "lower"
    if outcome.binary:
        return f"{verb} the chance of {outcome_name(scenario, outcome, horizon)}"
    date = outcome.at or horizon
    when = "" if date is None else f" on {date.isoformat()}"
    if outcome.kind == "settlement":
        issue = scenario.issue(outcome.target).name
        return f"{verb} the settlement of \u201c{issue}\u201d{when}"
    return f"{verb} {outcome_name(scenario, outcome, horizon)}"

def _shown_effect(effect: Interval, scale: float, unit: str) -> str:
    digits = _digits(scale)
    return (f"{scale * effect.mean:+.{digits}f} [{scale * effect.low:+.{digits}f}, "
            f"{scale * effect.high:+.{digits}f}] {unit}")


def _share_chance(share: Share, draws: int) -> Chance:
    return Chance(share.estimate, share.low, share.high, draws)


def _telling_pairs(report: LeverReport) -> list[SequencePair]:
    """Per lever that waits, the one pair the bottom line words.

    Among the pairs that form a sequence (the lever alone, or beside a lever
    acting on what its condition reads), a pair with such a partner comes
    before the lever alone (it is the sequence proper), then the best-ranked
    option that waits.
    """
    chosen: dict[str, SequencePair] = {}
    for pair in sequences(report):
        if not pair.sequence:
            continue
        key = (pair.option == pair.lever, report.ranking.index(pair.option))
        held = chosen.get(pair.lever)
        if held is None or key < (held.option == held.lever, report.ranking.index(held.option)):
            chosen[pair.lever] = pair
    return list(chosen.values())


def _signpost(question: QuestionForecast, draws: int) -> Signpost:
    chance = Chance.of_share(question.probability, draws)
    return Signpost(question.text, question.resolution_date, question.probability,
                    chance.text(), question.threshold, question.flagged)
