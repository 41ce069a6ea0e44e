"""Reopen two run folders and set their findings side by side.

Analysts rerun a scenario after changing a number, adding a game changer or
a year's evidence; this says what moved: each issue's forecast by each
model, each alliance's cohesion, and (when both runs simulated futures) the
share of futures in which each alliance still holds after 1, 2 and 5 years.

Two runs are comparable when they share at least one issue or alliance;
:func:`check_comparable` refuses others.  :func:`comparison_header` warns
when the runs differ in scenario text, seed, draws or engines, since every
difference then mixes the change the analyst made with those.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from rich.table import Table
from rich.text import Text

from realpolitik.analysis.outlook import HOLDING_YEARS
from realpolitik.analysis.probability import percent_text
from realpolitik.outputs.rundir import RunDirectoryError


@dataclass(frozen=True)
class RunRecord:
    """What a run folder holds: its manifest, static forecast and optional ensemble."""

    folder: Path
    manifest: dict
    forecast: dict
    holding: dict[str, dict[float, float]]
    names: dict[str, str] | None = None

    def name(self, item_id: str) -> str:
        """The name the run's scenario gives an alliance or issue (its id if unknown)."""
        return (self.names or {}).get(item_id, item_id)


def open_run(folder: str | Path) -> RunRecord:
    """Read a run folder written by ``realpolitik run``; a clear error if it is not one."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        forecast = json.loads((folder / "forecast.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise RunDirectoryError(f"{folder} is not a realpolitik run folder ({error})") from None
    _check_record(folder, manifest, forecast)
    holding: dict[str, dict[float, float]] = {}
    if (folder / "ensemble" / "manifest.json").is_file():
        holding = _holding(folder / "ensemble")
    return RunRecord(folder, manifest, forecast, holding, _names(folder / "scenario.yaml"))


def _holding(folder: Path) -> dict[str, dict[float, float]]:
    """Share of futures holding after 1, 2 and 5 years, by alliance, from an ensemble folder.

    Reads only the rupture columns, a row group at a time
    (:func:`~realpolitik.simulation.results.read_survival`): comparing two
    runs of a million draws needs no more memory than two of a thousand.
    """
    from realpolitik.simulation.results import read_survival, step_within

    try:
        dates, bands = read_survival(folder)
    except (OSError, KeyError, ValueError, TypeError, json.JSONDecodeError) as error:
        raise RunDirectoryError(f"{folder} is incomplete: its ensemble files cannot be read "
                                f"({error})") from None
    steps = {years: step_within(dates, years) for years in HOLDING_YEARS}
    return {alliance: {years: math.nan if step is None else float(band.estimate[step])
                       for years, step in steps.items()}
            for alliance, band in bands.items()}


def _names(path: Path) -> dict[str, str] | None:
    """Alliance and issue names from the run's copy of its scenario (None if unreadable)."""
    from realpolitik.scenario.errors import ScenarioError
    from realpolitik.scenario.loader import load_scenario

    try:
        scenario = load_scenario(path)
    except (ScenarioError, OSError):
        return None
    return {**{a.id: a.name for a in scenario.alliances}, **{i.id: i.name for i in scenario.issues}}


def check_comparable(first: RunRecord, second: RunRecord) -> None:
    """Refuse two runs with no issue and no alliance in common: there is nothing to compare."""
    def ids(run: RunRecord, key: str) -> set[str]:
        return {item["id"] for item in run.forecast.get(key, [])}

    if not (ids(first, "issues") & ids(second, "issues")
            or ids(first, "alliances") & ids(second, "alliances")):
        raise RunDirectoryError(
            f"{first.folder} ({first.manifest.get('scenario_id')}) and {second.folder} "
            f"({second.manifest.get('scenario_id')}) share no issue and no alliance: "
            "unrelated scenarios cannot be compared")


_Kinds = dict[str, type | tuple[type, ...]]
_MANIFEST_KEYS: _Kinds = {"scenario_id": str, "seed": (int, type(None)), "models": list,
                  "scenario_hash": str}
_ISSUE_KEYS: _Kinds = {"id": str, "name": str, "forecast": dict}
_ALLIANCE_KEYS: _Kinds = {"id": str, "cohesion_stated": (int, float)}


def _check_record(folder: Path, manifest: object, forecast: object) -> None:
    """Refuse a run folder whose manifest or forecast lacks what the comparison reads."""
    problems = _missing(manifest, _MANIFEST_KEYS, "manifest.json")
    if not isinstance(forecast, dict) or not all(
            isinstance(forecast.get(key), list) for key in ("issues", "alliances")):
        problems.append("forecast.json: 'issues' and 'alliances' lists")
    else:
        for n, issue in enumerate(forecast["issues"]):
            problems += _missing(issue, _ISSUE_KEYS, f"forecast.json: issues[{n}]")
        for n, alliance in enumerate(forecast["alliances"]):
            problems += _missing(alliance, _ALLIANCE_KEYS, f"forecast.json: alliances[{n}]")
    if problems:
        raise RunDirectoryError(f"{folder} is not a complete realpolitik run folder: "
                                f"missing or malformed {problems[0]}")


def _missing(record: object, keys: _Kinds, where: str) -> list[str]:
    """Each key of ``keys`` that ``record`` lacks or holds with another type, as text."""
    if not isinstance(record, dict):
        return [f"{where} (not a mapping)"]
    return [f"{where}: '{key}'" for key, kind in keys.items()
            if not isinstance(record.get(key), kind)
            or (kind is not str and isinstance(record.get(key), bool))]


def _label(run: RunRecord) -> str:
    manifest = run.manifest
    return f"{run.folder.name} ({manifest['scenario_id']}, seed {manifest['seed']})"


def forecast_changes(first: RunRecord, second: RunRecord) -> Table:
    """Each issue's forecast by each model in both runs, and the change."""
    table = Table(title="Forecasts (0-100): first -> second (change)", title_justify="left")
    table.add_column("Issue")
    before = {issue["id"]: issue for issue in first.forecast["issues"]}
    after = {issue["id"]: issue for issue in second.forecast["issues"]}
    models = [m for m in first.manifest["models"] if m in second.manifest["models"]]
    for model in models:
        table.add_column(model, justify="right")
    for issue_id in [i for i in before if i in after]:
        cells = []
        for model in models:
            a = before[issue_id]["forecast"].get(model)
            b = after[issue_id]["forecast"].get(model)
            cells.append("-" if a is None or b is None else f"{a:.1f} -> {b:.1f} ({b - a:+.1f})")
        table.add_row(Text(str(before[issue_id]["name"])), *cells)
    return table


def alliance_changes(first: RunRecord, second: RunRecord) -> Table:
    """Each alliance's stated cohesion, and the share of futures holding, in both runs."""
    table = Table(title="Alliances: first -> second", title_justify="left")
    table.add_column("Alliance", overflow="fold")
    table.add_column("Cohesion (stated)", justify="right")
    for years in HOLDING_YEARS:
        table.add_column(f"holds after {years:g} yr", justify="right")
    before = {a["id"]: a for a in first.forecast["alliances"]}
    after = {a["id"]: a for a in second.forecast["alliances"]}
    for alliance_id in [a for a in before if a in after]:
        a, b = before[alliance_id]["cohesion_stated"], after[alliance_id]["cohesion_stated"]
        cells = [f"{a:+.2f} -> {b:+.2f} ({b - a:+.2f})"]
        for years in HOLDING_YEARS:
            x = first.holding.get(alliance_id, {}).get(years, math.nan)
            y = second.holding.get(alliance_id, {}).get(years, math.nan)
            cells.append("-" if math.isnan(x) or math.isnan(y)
                         else f"{percent_text(x)} -> {percent_text(y)} "
                              f"({100 * (y - x):+.0f} points)")
        table.add_row(first.name(alliance_id), *cells)
    return table


def comparison_header(first: RunRecord, second: RunRecord) -> str:
    """One line per run naming it, then a warning for each way the runs differ besides the change.

    Warnings: different scenarios (ids), different scenario texts (hashes),
    seeds, draws or bargaining engines.
    """
    lines = [f"first:  {_label(first)}", f"second: {_label(second)}"]
    return "\n".join(lines + [f"warning: {text}" for text in differences(first, second)])


DIFFERENCES = (
    ("scenario_id", "the two runs analysed different scenarios ({a} and {b})"),
    ("scenario_hash", "the two runs analysed different scenario texts (their hashes differ)"),
    ("seed", "the runs used different seeds ({a} and {b}): part of every change is chance"),
    ("draws", "the runs simulated different numbers of futures ({a} and {b}): shares differ "
              "in precision, and part of every change is chance"),
    ("ensemble_model", "the futures were bargained with different engines ({a} and {b})"),
    ("models", "the runs used different bargaining engines ({a} and {b}); only shared ones "
               "are compared"),
)
"""Manifest fields that should match for a change to be read as the analyst's, and the warning."""


def differences(first: RunRecord, second: RunRecord) -> list[str]:
    """A warning for every manifest field of :data:`DIFFERENCES` in which the runs differ."""
    found = []
    for key, text in DIFFERENCES:
        a, b = first.manifest.get(key), second.manifest.get(key)
        if a != b:
            found.append(text.format(a=_shown(a), b=_shown(b)))
    return found


def _shown(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return "none" if value is None else f"{value:,}" if isinstance(value, int) else str(value)
