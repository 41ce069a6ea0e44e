"""Reopen two run folders and set their findings side by side.

Analysts rerun a scenario after changing a number, adding a game changer or
a year's evidence; this says what moved: each issue's forecast by each
model, each alliance's cohesion, and (when both runs simulated futures) the
share of futures in which each alliance still holds after 1, 2 and 5 years.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from rich.table import Table
from rich.text import Text

from realpolitik.analysis.outlook import HOLDING_YEARS
from realpolitik.outputs.rundir import RunDirectoryError


@dataclass(frozen=True)
class RunRecord:
    """What a run folder holds: its manifest, static forecast and optional ensemble."""

    folder: Path
    manifest: dict
    forecast: dict
    holding: dict[str, dict[float, float]]


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
        from realpolitik.simulation.results import EnsembleResult

        try:
            ensemble = EnsembleResult.from_parquet(folder / "ensemble")
            holding = {alliance: {years: ensemble.holding_at(alliance, years)
                                  for years in HOLDING_YEARS}
                       for alliance in ensemble.ruptured}
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise RunDirectoryError(f"{folder / 'ensemble'}: the simulated futures cannot be "
                                    f"read ({type(error).__name__}: {error})") from None
    return RunRecord(folder, manifest, forecast, holding)


_MANIFEST_KEYS = {"scenario_id": str, "seed": (int, type(None)), "models": list,
                  "scenario_hash": str}
_ISSUE_KEYS = {"id": str, "name": str, "forecast": dict}
_ALLIANCE_KEYS = {"id": str, "cohesion_stated": (int, float)}


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


def _missing(record: object, keys: dict[str, type | tuple[type, ...]], where: str) -> list[str]:
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
                         else f"{100 * x:.0f}% -> {100 * y:.0f}% ({100 * (y - x):+.0f})")
        table.add_row(alliance_id, *cells)
    return table


def comparison_header(first: RunRecord, second: RunRecord) -> str:
    """One line per run naming it, and a warning when the scenarios' texts differ."""
    lines = [f"first:  {_label(first)}", f"second: {_label(second)}"]
    if first.manifest["scenario_hash"] != second.manifest["scenario_hash"]:
        lines.append("the two runs analysed different scenario texts (their hashes differ)")
    return "\n".join(lines)
