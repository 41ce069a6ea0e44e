"""Reader for the CSV layout of KTAB's Spatial Model of Politics (KAPSARC, MIT licence).

Layout, one record per line:

1. scenario name, description, number of actors N, number of issues K
   (fields separated by commas; a line that only splits into enough fields
   on semicolons is read with semicolons, for line 1 and for the header and
   actor rows);
2. headers: actor, description, capability ("Influence" or "Power"), then a
   position column and a salience column for each issue;
3. N rows, one per actor: id, description, capability, then position
   (0-100) and salience (0-100) for each issue.

Trailing commas and spaces are ignored; fields may be quoted. Saliences are
divided by 100, as KTAB does, so that each actor's saliences sum to at most
1; positions stay on the 0-100 scale of the rest of realpolitik.

The file must be UTF-8 text (KTAB's own files are ASCII).  A file in another
encoding, such as the Windows code page a spreadsheet may save in, is
refused with the line and column of its first byte that is not UTF-8,
rather than read by guessing an encoding (a guess would garble names
silently).  Files are limited to 10 MB and to printable characters, as
scenario files are.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from realpolitik.scenario.base import FieldPath
from realpolitik.scenario.errors import ScenarioError, shorten
from realpolitik.scenario.quantity import MAX_MAGNITUDE
from realpolitik.scenario.schema import slug
from realpolitik.scenario.yaml_reader import check_characters, read_text_file

__all__ = ["KtabScenario", "ktab_field_lines", "read_ktab_csv"]

_SALIENCE_SUM_SLACK = 1e-6
"""An actor's saliences may exceed 100 in total by this much (rounding in files)."""


@dataclass(frozen=True)
class KtabScenario:
    """One KTAB scenario as read from its CSV file.

    Attributes
    ----------
    name, description : str
        From the first line.
    actors, actor_descriptions : tuple of str
        Actor ids and descriptions, in file order.
    capability : numpy.ndarray, shape (N,)
        One capability per actor (KTAB's "Influence" or "Power").
    positions : numpy.ndarray, shape (N, K)
        Positions on the 0-100 scale.
    salience : numpy.ndarray, shape (N, K)
        Saliences on [0, 1] (the file's 0-100 values divided by 100).
    issues : tuple of str
        Issue names, from the position column headers.
    lines : tuple of int
        The 1-based line of each actor's row (empty when not read from a file).
    """

    name: str
    description: str
    actors: tuple[str, ...]
    actor_descriptions: tuple[str, ...]
    capability: np.ndarray
    positions: np.ndarray
    salience: np.ndarray
    issues: tuple[str, ...]
    lines: tuple[int, ...] = ()


def _split(line: str, delimiter: str = ",", *, path: Path | None = None,
           number: int | None = None) -> list[str]:
    """Split one CSV record, strip spaces and drop empty trailing fields."""
    try:
        fields = next(csv.reader(io.StringIO(line), delimiter=delimiter, skipinitialspace=True),
                      [])
    except csv.Error as error:
        raise ScenarioError(f"cannot be split into fields: {error}", path=path,
                            line=number) from None
    fields = [field.strip() for field in fields]
    while fields and fields[-1] == "":
        fields.pop()
    return fields


def _first_line(line: str, path: Path) -> tuple[str, str, int, int]:
    """Parse ``name, description, N, K`` from line 1."""
    fields = _split(line)
    if len(fields) < 4 and len(_split(line, ";")) >= 4:
        fields = _split(line, ";")
    if len(fields) < 4:
        raise ScenarioError(
            f"line 1 must hold 'name, description, number of actors, number of issues'; "
            f"found {len(fields)} field(s)",
            path=path,
            line=1,
        )
    counts = []
    for column, label in ((3, "number of actors"), (4, "number of issues")):
        text = fields[column - 1]
        try:
            value = int(text)
        except ValueError:
            raise ScenarioError(
                f"column {column} ({label}) must be a whole number; found '{shorten(text)}'",
                path=path,
                line=1,
            ) from None
        if value < 1:
            raise ScenarioError(
                f"column {column} ({label}) must be at least 1; found {value}", path=path, line=1
            )
        counts.append(value)
    return fields[0], fields[1], counts[0], counts[1]


def _issue_name(header: str) -> str:
    """Issue name from a position header: 'Policy Position' -> 'Policy'."""
    for suffix in (" position", "position"):
        if header.lower().endswith(suffix) and len(header) > len(suffix):
            return header[: -len(suffix)].strip()
    return header


def _number(text: str, *, path: Path, line: int, column: int, label: str) -> float:
    """Parse one numeric cell or raise a ScenarioError naming where it is."""
    try:
        value = float(text)
    except ValueError:
        raise ScenarioError(
            f"column {column} ({label}) must be a number; found '{shorten(text)}'",
            path=path,
            line=line,
            field=label,
        ) from None
    if not np.isfinite(value) or abs(value) > MAX_MAGNITUDE:
        raise ScenarioError(
            f"column {column} ({label}) must be a finite number of at most {MAX_MAGNITUDE:g} "
            f"in size; found '{shorten(text)}'",
            path=path,
            line=line,
            field=label,
        )
    return value


def _actor_row(
    fields: list[str], headers: list[str], k: int, *, path: Path, line: int
) -> tuple[str, str, float, list[float], list[float]]:
    """Parse and range-check one actor row."""
    needed = 3 + 2 * k
    if len(fields) < needed:
        raise ScenarioError(
            f"expected {needed} columns (actor, description, capability and a position and "
            f"salience for each of {k} issue(s)); found {len(fields)}",
            path=path,
            line=line,
        )
    capability = _number(fields[2], path=path, line=line, column=3, label=headers[2])
    if capability < 0.0:
        raise ScenarioError(
            f"column 3 ({headers[2]}) must be non-negative; found {capability}",
            path=path,
            line=line,
            field=headers[2],
        )
    positions: list[float] = []
    saliences: list[float] = []
    for issue in range(k):
        for offset, bucket in ((3, positions), (4, saliences)):
            column = offset + 2 * issue + 1
            label = headers[column - 1]
            value = _number(fields[column - 1], path=path, line=line, column=column, label=label)
            if not 0.0 <= value <= 100.0:
                raise ScenarioError(
                    f"column {column} ({label}) must lie on 0-100; found {value}",
                    path=path,
                    line=line,
                    field=label,
                )
            bucket.append(value)
    if sum(saliences) > 100.0 + _SALIENCE_SUM_SLACK:
        raise ScenarioError(
            f"the saliences of actor {fields[0]!r} sum to {sum(saliences):g}; "
            "KTAB needs at most 100",
            path=path,
            line=line,
        )
    return fields[0], fields[1], capability, positions, saliences


def read_ktab_csv(path: str | Path) -> KtabScenario:
    """Read a scenario in KTAB's CSV layout.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file.

    Returns
    -------
    KtabScenario
        Names, capabilities, positions (0-100) and saliences (0-1).

    Raises
    ------
    ScenarioError
        If the file is missing, the first line or the header is malformed,
        the number of actor rows differs from line 1, a cell is not a number
        or a value is out of range; the message names the file, the line and
        the column.
    """
    path = Path(path)
    text = read_text_file(path)
    check_characters(text, path)
    numbered = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    if len(numbered) < 2:
        raise ScenarioError("the file needs a first line and a header line", path=path)
    name, description, n, k = _first_line(numbered[0][1], path)
    header_line, header = numbered[1]
    delimiter = ","
    headers = _split(header)
    if len(headers) < 3 + 2 * k and len(_split(header, ";")) >= 3 + 2 * k:
        delimiter = ";"  # a file separated by semicolons throughout
        headers = _split(header, delimiter)
    if len(headers) < 3 + 2 * k:
        raise ScenarioError(
            f"the header needs {3 + 2 * k} columns (actor, description, capability and a "
            f"position and salience for each of {k} issue(s)); found {len(headers)}",
            path=path,
            line=header_line,
        )
    rows = numbered[2:]
    if len(rows) != n:
        raise ScenarioError(
            f"line 1 announces {n} actor(s) but the file has {len(rows)} actor row(s)",
            path=path,
            line=rows[-1][0] if rows else header_line,
        )
    parsed = [
        _actor_row(_split(line, delimiter, path=path, number=no), headers, k, path=path, line=no)
        for no, line in rows
    ]
    return KtabScenario(
        name=name,
        description=description,
        actors=tuple(row[0] for row in parsed),
        actor_descriptions=tuple(row[1] for row in parsed),
        capability=np.array([row[2] for row in parsed]),
        positions=np.array([row[3] for row in parsed]),
        salience=np.array([row[4] for row in parsed]) / 100.0,
        issues=tuple(_issue_name(headers[3 + 2 * i]) for i in range(k)),
        lines=tuple(no for no, _ in rows),
    )


def ktab_scenario_data(ktab: KtabScenario, as_of: dt.date) -> dict:
    """Turn a KTAB input into scenario data (a dict for :class:`Scenario` to validate).

    Every issue gets a 'medium' horizon and generic end labels, since KTAB's
    layout records neither; KTAB files carry no date, so ``as_of`` is given.
    """
    actor_ids = _unique_ids(ktab.actors)
    issue_ids = _unique_ids(ktab.issues)
    return {
        "scenario": {"id": slug(ktab.name).replace("_", "-")[:60] or "ktab",
                     "title": ktab.name, "description": ktab.description, "as_of": as_of},
        "actors": [{"id": actor_id, "name": description or name,
                    "description": f"{name}: {description}" if description else name,
                    "capability": float(capability)}
                   for actor_id, name, description, capability in zip(
                       actor_ids, ktab.actors, ktab.actor_descriptions, ktab.capability,
                       strict=True)],
        "issues": [{"id": issue_id, "name": name, "low": f"0 on KTAB's {name} scale",
                    "high": f"100 on KTAB's {name} scale", "horizon": "medium"}
                   for issue_id, name in zip(issue_ids, ktab.issues, strict=True)],
        "stances": {issue_id: {actor_id: {"position": float(ktab.positions[i, k]),
                                          "salience": float(ktab.salience[i, k])}
                               for i, actor_id in enumerate(actor_ids)}
                    for k, issue_id in enumerate(issue_ids)},
    }


def ktab_field_lines(ktab: KtabScenario) -> dict[FieldPath, int]:
    """The line of each actor's fields and stances, for errors found after reading.

    A KTAB file writes one actor per row, so an actor, its capability and its
    stances on every issue all point at that row.
    """
    if not ktab.lines:
        return {}
    actor_ids, issue_ids = _unique_ids(ktab.actors), _unique_ids(ktab.issues)
    lines: dict[FieldPath, int] = {}
    for index, (actor_id, line) in enumerate(zip(actor_ids, ktab.lines, strict=True)):
        lines[("actors", index)] = line
        for issue_id in issue_ids:
            lines[("stances", issue_id, actor_id)] = line
    return lines


def _unique_ids(names: tuple[str, ...]) -> list[str]:
    """Id-shaped, distinct words for free names (``XJ`` -> ``xj``; ``2nd`` -> ``x_2nd``)."""
    ids: list[str] = []
    for name in names:
        base = slug(name)
        base = base if base[0].isalpha() else f"x_{base}"
        candidate, number = base, 2
        while candidate in ids:
            candidate, number = f"{base}_{number}", number + 1
        ids.append(candidate)
    return ids
