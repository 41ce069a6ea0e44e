"""Every result of a run as data: one CSV and one JSON file per table, below ``results/``.

The report shows each table for reading; this module writes the same
results for machines, with plain numbers (shares in [0, 1], never "<1%")
and with ids and names in separate columns (``alliance_id`` beside
``alliance``), so a script can join on ids and a reader can still tell the
rows apart.  Each table is written twice, as ``results/<name>.csv`` and as
``results/<name>.json`` (a list of row objects); the bottom line is also
written whole as ``results/bottom-line.json``.  docs/results.md documents
every file and column.

The report's tables name their file in a ``data-file`` attribute (see
:func:`realpolitik.outputs.html.table`); the constants below are those names.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from realpolitik.analysis.ach import AchResult
from realpolitik.analysis.ach import Interval as SampledInterval
from realpolitik.analysis.bottom_line import BottomLine
from realpolitik.analysis.discovery import Discovery
from realpolitik.analysis.drivers import Rate
from realpolitik.analysis.levers import BASELINE, Interval, LeverReport
from realpolitik.analysis.model_choices import ModelChoices, model_choices
from realpolitik.analysis.outlook import Outlook
from realpolitik.analysis.probability import Chance
from realpolitik.analysis.questions import QuestionForecast
from realpolitik.analysis.sensitivity import Sensitivity
from realpolitik.analysis.static import StaticForecast
from realpolitik.models.registry import engine_label
from realpolitik.outputs.tables import leaning
from realpolitik.scenario.names import field_name, input_kind, input_name, outcome_name
from realpolitik.scenario.schema import HORIZONS, Scenario, dotted, iter_quantities
from realpolitik.simulation.results import EnsembleResult

__all__ = [
    "FOLDER",
    "Records",
    "model_choice_tables",
    "parameter_names",
    "result_tables",
    "write_results",
]

FOLDER = "results"
"""Where the tables go, below the run folder."""

Records = list[dict[str, object]]

BOTTOM_LINE = "bottom-line"
SETTLEMENTS, MOVEMENT, COHESION = "settlements", "movement", "cohesion"
ISSUES, SOURCES, EVIDENCE = "issues", "sources", "evidence"
SURVIVAL, GAME_CHANGERS = "survival", "game-changers"
LEVER_RANKING, LEVER_EFFECTS, LEVER_DELAYS = "lever-ranking", "lever-effects", "lever-delays"
LEVER_STARTS = "lever-starts"
PRIM_BOXES, PRIM_INPUTS = "prim-boxes", "prim-inputs"
SOBOL, TORNADO, QUESTIONS = "sobol", "tornado", "questions"
BY_THRESHOLD, BY_ENGINE = "survival-by-threshold", "survival-by-engine"
HYPOTHESES, ACH_MATRIX, ACH_SENSITIVITY = "hypotheses", "ach-matrix", "ach-sensitivity"


def csv_name(table: str) -> str:
    """The path of a table's CSV file relative to the run folder: ``results/<table>.csv``."""
    return f"{FOLDER}/{table}.csv"


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------
def write_results(folder: Path, tables: dict[str, Records],
                  line: BottomLine | None = None) -> list[Path]:
    """Write each table as CSV and JSON below ``folder/results``, and the bottom line whole."""
    target = Path(folder) / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in tables.items():
        frame = pd.DataFrame(rows)
        frame.to_csv(target / f"{name}.csv", index=False)
        (target / f"{name}.json").write_text(
            json.dumps([_plain_row(row) for row in rows], indent=2) + "\n", encoding="utf-8")
        written += [target / f"{name}.csv", target / f"{name}.json"]
    if line is not None:
        path = target / f"{BOTTOM_LINE}.json"
        path.write_text(json.dumps(_plain(line.to_dict()), indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


def _plain(value: object) -> object:
    """JSON-ready: NaN and infinities as None, NumPy scalars as Python numbers."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _plain_row(row: dict[str, object]) -> dict[str, object]:
    return {key: _plain(value) for key, value in row.items()}


def parameter_names(scenario: Scenario, result: EnsembleResult) -> pd.DataFrame:
    """Map each column of ``parameters.parquet`` to the name the scenario gives the number."""
    return pd.DataFrame({"column": list(result.parameters),
                         "name": [field_name(scenario, name) for name in result.parameters]})


# ---------------------------------------------------------------------------
# Which tables a run has
# ---------------------------------------------------------------------------
def result_tables(scenario: Scenario, forecast: StaticForecast, outlook: Outlook | None,
                  hypotheses: AchResult | None, line: BottomLine | None) -> dict[str, Records]:
    """Every table of a run, by name; tables a run did not compute are left out."""
    tables: dict[str, Records] = {
        SETTLEMENTS: settlement_records(forecast),
        COHESION: cohesion_records(forecast),
        ISSUES: issue_records(scenario),
        SOURCES: [{"source_id": s.id, "title": s.title, "author": s.author,
                   "publisher": s.publisher, "date": s.date, "url": s.url}
                  for s in scenario.sources],
        EVIDENCE: evidence_records(scenario),
    }
    if forecast.movement is not None:
        tables[MOVEMENT] = movement_records(forecast)
    if line is not None:
        tables[BOTTOM_LINE] = bottom_line_records(line)
    if hypotheses is not None:
        tables.update(ach_tables(scenario, hypotheses))
    if outlook is not None:
        tables.update(outlook_tables(scenario, outlook))
    return tables


def outlook_tables(scenario: Scenario, outlook: Outlook) -> dict[str, Records]:
    """The tables of the outlook: survival, game changers, levers, PRIM, Sobol, questions."""
    horizon = outlook.ensemble.dates[-1]
    tables = {SURVIVAL: survival_records(scenario, outlook.ensemble),
              GAME_CHANGERS: driver_records(scenario, outlook),
              QUESTIONS: question_records(outlook.questions, outlook.ensemble.futures)}
    if outlook.levers is not None:
        tables[LEVER_RANKING] = lever_ranking_records(outlook.levers)
        tables[LEVER_EFFECTS] = lever_effect_records(scenario, outlook.levers, horizon)
        tables[LEVER_DELAYS] = lever_delay_records(outlook.levers)
        if outlook.levers.starts:
            tables[LEVER_STARTS] = lever_start_records(outlook.levers)
    if outlook.discovery is not None:
        tables[PRIM_BOXES] = prim_box_records(scenario, outlook.discovery, horizon)
        tables[PRIM_INPUTS] = prim_input_records(scenario, outlook.discovery)
    if outlook.sensitivity is not None:
        tables[SOBOL] = sobol_records(scenario, outlook.sensitivity, horizon)
        tables[TORNADO] = tornado_records(scenario, outlook.sensitivity, horizon)
    tables.update(model_choice_tables(scenario, model_choices(scenario, outlook)))
    return tables


def model_choice_tables(scenario: Scenario, choices: ModelChoices) -> dict[str, Records]:
    """Survival against the rupture threshold and by engine (the latter for a mixture)."""
    tables = {BY_THRESHOLD: threshold_records(scenario, choices)}
    if choices.engines:
        tables[BY_ENGINE] = engine_records(scenario, choices)
    return tables


# ---------------------------------------------------------------------------
# Static forecast
# ---------------------------------------------------------------------------
def settlement_records(forecast: StaticForecast) -> Records:
    """Each issue's settlement by each engine, beside the span of stated positions."""
    arrays, lead = forecast.arrays, next(iter(forecast.forecasts))
    rows = []
    for k, issue in enumerate(forecast.scenario.issues):
        stated = arrays.position[arrays.active[:, k], k]
        row: dict[str, object] = {
            "issue_id": issue.id, "issue": issue.name, "horizon": issue.horizon,
            "stated_min": float(stated.min()) if stated.size else None,
            "stated_max": float(stated.max()) if stated.size else None}
        row.update({model: float(values[k]) for model, values in forecast.forecasts.items()})
        row["leans_towards"] = leaning(forecast.forecasts[lead][k], issue.low, issue.high)
        row["leaning_engine"] = lead
        rows.append(row)
    return rows


def movement_records(forecast: StaticForecast) -> Records:
    """Each actor's stated and bargained position on each issue it takes part in."""
    arrays, final = forecast.arrays, forecast.final_positions
    if final is None:
        return []
    scenario = forecast.scenario
    return [{"actor_id": actor_id, "actor": scenario.actor(actor_id).name,
             "issue_id": issue_id, "issue": scenario.issue(issue_id).name,
             "stated": float(arrays.position[i, k]), "bargained": float(final[i, k]),
             "moved": float(final[i, k] - arrays.position[i, k])}
            for i, actor_id in enumerate(arrays.actor_ids)
            for k, issue_id in enumerate(arrays.issue_ids) if arrays.active[i, k]]


def cohesion_records(forecast: StaticForecast) -> Records:
    """Each watched alliance's S-score, stated and bargained, and its terms by horizon."""
    horizons = [issue.horizon for issue in forecast.scenario.issues]
    rows: Records = []
    for reading in forecast.alliances:
        parts = reading.by_horizon(horizons)
        contributions = reading.stated.issue_contributions[0]
        worst = int(np.argmin(contributions))
        divisive = forecast.scenario.issues[worst] if contributions[worst] < 0 else None
        rows.append({
            "alliance_id": reading.alliance.id, "alliance": reading.alliance.name,
            "stated": float(reading.stated.score[0]),
            "issues_only": float(reading.stated.s_issues[0]),
            "bargained": None if reading.bargained is None
            else float(reading.bargained.score[0]),
            **{f"{horizon}_term": parts[horizon] for horizon in HORIZONS},
            "most_divisive_issue_id": None if divisive is None else divisive.id,
            "most_divisive_issue": None if divisive is None else divisive.name})
    return rows


def issue_records(scenario: Scenario) -> Records:
    """What each issue's scale means at both ends."""
    return [{"issue_id": issue.id, "issue": issue.name, "horizon": issue.horizon,
             "low_means": issue.low, "high_means": issue.high,
             "status_quo": None if issue.status_quo is None else issue.status_quo.point}
            for issue in scenario.issues]


def evidence_records(scenario: Scenario) -> Records:
    """Every number with its name, value or range, and its evidence."""
    rows: Records = []
    for path, quantity in iter_quantities(scenario):
        kind = "quote" if quantity.quote else "estimate" if quantity.estimate else "none"
        rows.append({"path": dotted(path), "name": field_name(scenario, path),
                     "value": quantity.value, "low": quantity.low, "high": quantity.high,
                     "evidence": kind, "source": quantity.source, "quote": quantity.quote,
                     "estimate": quantity.estimate})
    return rows


# ---------------------------------------------------------------------------
# Outlook
# ---------------------------------------------------------------------------
def survival_records(scenario: Scenario, result: EnsembleResult) -> Records:
    """Share of futures in which each alliance holds at every step, with its Wilson band."""
    names = {a.id: a.name for a in scenario.alliances}
    start = result.dates[0]
    rows = []
    for alliance in result.ruptured:
        band = result.survival(alliance)
        for step, date in enumerate(result.dates):
            rows.append({"alliance_id": alliance, "alliance": names.get(alliance, alliance),
                         "step": step, "date": date.isoformat(),
                         "years": round((date - start).days / 365.25, 3),
                         "holds": float(band.estimate[step]), "low": float(band.low[step]),
                         "high": float(band.high[step]), "draws": result.futures})
    return rows


def _rate(prefix: str, rate: Rate | None) -> dict[str, object]:
    if rate is None:
        return {prefix: None, f"{prefix}_low": None, f"{prefix}_high": None,
                f"{prefix}_futures": 0}
    return {prefix: rate.estimate, f"{prefix}_low": rate.low, f"{prefix}_high": rate.high,
            f"{prefix}_futures": rate.futures}


def driver_records(scenario: Scenario, outlook: Outlook) -> Records:
    """Each game changer's chance and the focus alliance's rupture rate with and without it."""
    if outlook.focus is None:
        return []
    shocks = {} if scenario.dynamics is None else {s.id: s.name for s in scenario.dynamics.shocks}
    alliance = next(a.name for a in scenario.alliances if a.id == outlook.focus)
    return [{"alliance_id": outlook.focus, "alliance": alliance, "shock_id": d.shock,
             "shock": shocks.get(d.shock, d.shock), "happens": d.fired_share,
             **_rate("rupture_if_happens", d.with_shock),
             **_rate("rupture_if_not", d.without_shock), "lift": d.lift}
            for d in outlook.drivers]


def question_records(questions: list[QuestionForecast], draws: int) -> Records:
    """Each forecast question with its probability, Wilson band and ICD 203 words."""
    rows = []
    for question in questions:
        chance = Chance.of_share(question.probability, draws)
        rows.append({"question_id": question.id, "question": question.text,
                     "resolves": question.resolution_date.isoformat(),
                     "indicator": question.indicator, "probability": question.probability,
                     "low": chance.low, "high": chance.high, "words": chance.words,
                     "threshold": question.threshold, "flagged": question.flagged,
                     "beyond_horizon": " ".join(d.isoformat() for d in question.beyond_horizon),
                     "outcome": question.outcome})
    return rows


def _interval(prefix: str, interval: Interval) -> dict[str, float]:
    return {prefix: interval.mean, f"{prefix}_low": interval.low, f"{prefix}_high": interval.high}


def lever_ranking_records(report: LeverReport) -> Records:
    """Options ranked on the objective, with effect interval, regret and pair synergy."""
    regret = {summary.option: summary for summary in report.regret}
    rows: Records = []
    for rank, option in enumerate(report.ranking, start=1):
        synergy = report.synergy.get(option)
        rows.append({"rank": rank, "option_id": option, "option": report.option_name(option),
                     "objective": report.objective, "direction": report.direction,
                     **_interval("effect", report.objective_effect(option).effect),
                     "regret_mean": regret[option].mean, "regret_p90": regret[option].p90,
                     "regret_max": regret[option].max,
                     **(_interval("synergy", synergy) if synergy is not None else
                        {"synergy": None, "synergy_low": None, "synergy_high": None})})
    return rows


def lever_effect_records(scenario: Scenario, report: LeverReport,
                         horizon: dt.date) -> Records:
    """Every option's effect on every outcome: means with and without it, and the difference."""
    return [{"option_id": option.id, "option": option.name, "outcome": label,
             "outcome_name": outcome_name(scenario, label, horizon),
             "baseline_mean": effect.baseline_mean, "option_mean": effect.option_mean,
             **_interval("effect", effect.effect)}
            for option in report.options if option.id != BASELINE
            for label, effect in report.effects[option.id].items()]


def lever_delay_records(report: LeverReport) -> Records:
    """What starting each lever later costs on the objective."""
    return [{"lever_id": d.lever, "lever": report.option_name(d.lever), "years": d.years,
             "late_start": d.start, **_interval("on_time", d.on_time),
             **_interval("late", d.late), **_interval("loss", d.loss)}
            for d in report.delays]


def lever_start_records(report: LeverReport) -> Records:
    """When each lever that waits for its condition started, option by option."""
    return [{"option_id": start.option, "option": report.option_name(start.option),
             "lever_id": start.lever, "lever": report.option_name(start.lever),
             "condition": start.condition, "futures": start.futures, "started": start.started,
             "share": start.share, "share_low": start.low, "share_high": start.high,
             "median_step": start.median_step, "median_start": start.median_start}
            for start in report.starts]


def prim_box_records(scenario: Scenario, discovery: Discovery, horizon: dt.date) -> Records:
    """Each PRIM box's statistics and its restriction on each input (one row per input)."""
    label = outcome_name(scenario, discovery.outcome, horizon)
    return [{"outcome": discovery.outcome.label, "outcome_name": label, "box": number,
             "coverage": found.box.coverage, "density": found.box.density,
             "support": found.box.support, "count": found.box.count,
             "input_id": r.name, "input": input_name(scenario, r.name),
             "kind": input_kind(r.name), "low": r.low,
             "high": r.high, "quasi_p_value": r.p_value}
            for number, found in enumerate(discovery.boxes, start=1)
            for r in found.restrictions]


def prim_input_records(scenario: Scenario, discovery: Discovery) -> Records:
    """Inputs ranked by mutual information with the cases of interest, with rates per bin."""
    return [{"rank": rank, "input_id": item.name, "input": input_name(scenario, item.name),
             "kind": input_kind(item.name), "information_bits": item.information,
             "spread": item.spread,
             "rates_low_to_high": " ".join(f"{rate:.4f}" for rate in item.rates)}
            for rank, item in enumerate(discovery.importance, start=1)]


def sobol_records(scenario: Scenario, sensitivity: Sensitivity, horizon: dt.date) -> Records:
    """First-order and total Sobol indices of every uncertain number, largest total first."""
    indices = sensitivity.sobol
    if indices is None:
        return []
    label = outcome_name(scenario, sensitivity.outcome, horizon)
    return [{"outcome": sensitivity.outcome.label, "outcome_name": label,
             "parameter": indices.names[j], "name": field_name(scenario, indices.names[j]),
             "kind": input_kind(indices.names[j]), "S1": float(indices.first[j]),
             "S1_conf": float(indices.first_conf[j]),
             "ST": float(indices.total[j]), "ST_conf": float(indices.total_conf[j])}
            for j in indices.ranked()]


def tornado_records(scenario: Scenario, sensitivity: Sensitivity, horizon: dt.date) -> Records:
    """One-at-a-time swings of the outcome, widest first."""
    swings = sensitivity.tornado
    if swings is None:
        return []
    label = outcome_name(scenario, sensitivity.outcome, horizon)
    return [{"outcome": sensitivity.outcome.label, "outcome_name": label,
             "parameter": s.name, "name": field_name(scenario, s.name),
             "kind": input_kind(s.name), "low_value": s.low_value, "high_value": s.high_value,
             "at_low": s.at_low,
             "at_high": s.at_high, "swing": s.width, "baseline": swings.baseline,
             "replicates": swings.replicates}
            for s in swings.swings]


def threshold_records(scenario: Scenario, choices: ModelChoices) -> Records:
    """Each alliance's chance of holding at each threshold of the grid, 1, 2 and 5 years on."""
    names = {a.id: a.name for a in scenario.alliances}
    rows: Records = []
    for curve in choices.thresholds:
        rule = curve.rule
        for years, band in curve.holding.items():
            for g, threshold in enumerate(curve.thresholds):
                rows.append({
                    "alliance_id": curve.alliance_id,
                    "alliance": names.get(curve.alliance_id, curve.alliance_id),
                    "focus": curve.alliance_id == choices.focus, "metric": rule.metric,
                    "rule_low": rule.threshold_low, "rule_high": rule.threshold_high,
                    "threshold": float(threshold), "years": years,
                    "holds": float(band.estimate[g]), "low": float(band.low[g]),
                    "high": float(band.high[g]), "draws": curve.draws})
    return rows


def engine_records(scenario: Scenario, choices: ModelChoices) -> Records:
    """Each alliance's chance of holding among the draws of each engine of the mixture."""
    names = {a.id: a.name for a in scenario.alliances}
    return [{"alliance_id": found.alliance_id,
             "alliance": names.get(found.alliance_id, found.alliance_id),
             "focus": found.alliance_id == choices.focus, "engine": engine,
             "engine_name": engine_label(engine), "weight": found.weights.get(engine),
             "years": found.years, "holds": chance.estimate, "low": chance.low,
             "high": chance.high, "draws": chance.draws}
            for found in choices.engines for engine, chance in found.by_engine.items()]


# ---------------------------------------------------------------------------
# Judgment and the bottom line
# ---------------------------------------------------------------------------
def _median(prefix: str, interval: SampledInterval | None, h: int) -> dict[str, float | None]:
    if interval is None:
        return {prefix: None, f"{prefix}_low": None, f"{prefix}_high": None}
    return {prefix: float(interval.median[h]), f"{prefix}_low": float(interval.low[h]),
            f"{prefix}_high": float(interval.high[h])}


def ach_tables(scenario: Scenario, result: AchResult) -> dict[str, Records]:
    """The ACH matrix, the hypotheses' scores and posteriors, and drop-one sensitivity."""
    hypotheses: Records = [{"hypothesis_id": h.id, "hypothesis": h.name, "catch_all": h.catch_all,
                   "inconsistency_count": float(result.inconsistency_count[i]),
                   "weighted_inconsistency": float(result.inconsistency[i]),
                   "non_diagnostic": h.id in result.non_diagnostic,
                   **_median("likelihood_ratio", result.likelihood_ratio_interval, i),
                   **_median("prior", result.prior_interval, i),
                   **_median("posterior", result.posterior_interval, i),
                   "interval_level": result.likelihood_ratio_interval.level}
                  for i, h in enumerate(scenario.hypotheses)]
    matrix = [{"evidence_id": item.id, "evidence": item.text,
               "weight": float(result.matrix.weights[e]), "n_eff_over_n": float(result.scale[e]),
               "diagnosticity": float(result.diagnosticity[e]),
               **{h: item.rating(h) for h in result.matrix.hypothesis_ids}}
              for e, item in enumerate(scenario.evidence)]
    drops: Records = [{"item_left_out": d.evidence_id, "max_shift": d.max_shift,
              "ranking_changes": d.ranking_changes,
              "inconsistency_ranking_changes": d.inconsistency_ranking_changes,
              "leader_changes": d.leader_changes} for d in result.sensitivity]
    return {HYPOTHESES: hypotheses, ACH_MATRIX: matrix, ACH_SENSITIVITY: drops}


def bottom_line_records(line: BottomLine) -> Records:
    """The bottom line as rows: answer, judgments, signposts and limitations, in order."""
    rows: Records = [{"part": "question", "text": line.question}]
    rows += [{"part": "answer", "text": text} for text in line.answer]
    rows += [{"part": f"judgment:{j.topic}", "text": j.text, "value": j.value, "low": j.low,
              "high": j.high, "unit": j.unit, "words": j.words} for j in line.judgments]
    rows += [{"part": "signpost", "text": s.question, "value": s.probability,
              "unit": "probability", "words": s.shown, "date": s.resolves.isoformat()}
             for s in line.signposts]
    rows += [{"part": "limitation", "text": text} for text in line.limitations]
    return rows

