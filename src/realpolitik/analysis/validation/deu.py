"""Read DEU files (Decision-making in the European Union) into engine arrays.

The DEU data sets (Thomson et al. 2006, *The European Union Decides*,
Cambridge University Press; third wave: Arregui and Perarnaud 2022,
*Journal of European Public Policy* 29(1):12-22,
doi:10.1080/13501763.2021.1991983) place the Commission, the European
Parliament and the member states on a 0-100 scale for each contested issue
of a legislative proposal, with a salience 0-100, and record where the final
act landed (``out``). This module reads a file in that layout and turns it
into the ``(B, N, K)`` arrays of the bargaining engines, with one batch row
per issue (``B`` issues, ``N = 30`` actors, ``K = 1``).

Layout
------
A comma-separated file with a header; optionally, as first data row, a row
of GDP figures under the position columns (its proposal and issue ids are
blank); then one row per issue. Required columns: ``prnr`` (proposal id),
``isnr`` (issue id), ``proc`` (procedure), ``counvte`` (Council voting rule),
``out`` (outcome) and, for every actor present, both ``p<code>`` (position)
and ``s<code>`` (salience); at least the Commission pair ``pcom``/``scom``.
Optional: ``prname`` (short name) and ``rp`` (reference point, the status
quo). A blank position means the actor is not coded on that issue.

Decisions (documented in docs/validation.md)
--------------------------------------------
* A coded actor with a blank salience gets the mean salience of the other
  coded actors on the issue (0.5 if none); every such cell is listed in
  :attr:`DeuData.imputed_salience`.
* An issue is not scored, and is listed with its reason, when it has no
  outcome, fewer than two coded actors, or no coded actor with a positive
  salience (every weighted model is then undefined).
* A cell that is not a number, or a position, salience, outcome or reference
  point outside 0-100, raises :class:`DeuFormatError` naming the file, the
  1-based line and the column.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = [
    "ACTOR_CODES",
    "CAPABILITY_SCHEMES",
    "NICE_COUNCIL_VOTES",
    "SUPRANATIONAL_VOTES",
    "DeuData",
    "DeuFormatError",
    "EngineArrays",
    "UnscoredIssue",
    "capability_weights",
    "engine_arrays",
    "read_deu",
]

ACTOR_CODES: tuple[str, ...] = (
    "com", "ep", "at", "be", "bu", "cr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "el",
    "hu", "ie", "it", "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "si", "sk", "es",
    "se", "uk",
)  # fmt: skip
"""Actor codes in DEU III column order: Commission, Parliament, 28 member states."""

NICE_COUNCIL_VOTES: dict[str, int] = {
    "de": 29, "fr": 29, "it": 29, "uk": 29, "es": 27, "pl": 27, "ro": 14, "nl": 13,
    "be": 12, "cz": 12, "el": 12, "hu": 12, "pt": 12, "at": 10, "bu": 10, "se": 10,
    "dk": 7, "ie": 7, "lt": 7, "sk": 7, "fi": 7, "cr": 7, "cy": 4, "ee": 4, "lv": 4,
    "lu": 4, "si": 4, "mt": 3,
}  # fmt: skip
"""Council votes under the Treaty of Nice for the EU-28 (total 352).

Source: Treaty of Nice, Protocol on the enlargement of the European Union,
Art. 3, and the Declaration on the enlargement of the European Union
(EU-27 weights, in force 2007-2014); Croatia's 7 votes from the Treaty of
Accession of Croatia (2012), Art. 20. Qualified majority: 260 of 352.
"""

SUPRANATIONAL_VOTES: dict[str, int] = {"com": 29, "ep": 29}
"""Weights of the Commission and the Parliament under ``council-votes``.

DEU analyses that weight member states by their Council votes must put the
two supranational actors on the same scale; the convention followed here
gives each the weight of the largest member states (29 of 352), the same
relative standing the GDP row of the DEU III file gives them (both carry the
largest figure, that of Germany). This is an assumption, not a measurement:
docs/validation.md reports how the forecasts move when the Parliament's
weight is instead fitted per procedure by cross-validation.
"""

CAPABILITY_SCHEMES: tuple[str, ...] = ("equal", "council-votes", "gdp")
"""Names accepted by :func:`capability_weights`."""

REQUIRED_COLUMNS: tuple[str, ...] = ("prnr", "isnr", "proc", "counvte", "out", "pcom", "scom")
"""Header columns every DEU file must have."""

MIN_CODED_ACTORS = 2
"""An issue with fewer coded actors is not scored."""

_FALLBACK_SALIENCE = 0.5


class DeuFormatError(ValueError):
    """A DEU file that cannot be read; the message names file, line and column."""


@dataclass(frozen=True)
class UnscoredIssue:
    """An issue row that was read but cannot be scored, and why."""

    issue_id: str
    proposal_id: str
    line: int
    reason: str


@dataclass(frozen=True)
class DeuData:
    """The scorable issues of one DEU file, one entry per issue (length ``B``).

    Attributes
    ----------
    path : Path
        The file read.
    actors : tuple of str
        Actor codes, the ``N`` axis (always :data:`ACTOR_CODES`).
    issue_ids, proposal_ids, proposal_names, procedures, voting_rules : tuple of str
        Per scorable issue: ``isnr``, ``prnr``, ``prname``, ``proc``, ``counvte``
        (blank procedure or rule becomes ``"unknown"``).
    lines : tuple of int
        1-based line of each issue in the file.
    positions : numpy.ndarray, shape (B, N)
        Positions 0-100, NaN where the actor is not coded.
    salience : numpy.ndarray, shape (B, N)
        Saliences rescaled to 0-1, 0 where the actor is not coded.
    coded : numpy.ndarray of bool, shape (B, N)
        Whether the actor is coded (has a position) on the issue.
    outcome : numpy.ndarray, shape (B,)
        Observed outcome 0-100.
    reference_point : numpy.ndarray, shape (B,)
        Status quo 0-100, NaN where unknown.
    gdp : numpy.ndarray or None, shape (N,)
        The GDP row if the file has one (NaN for blank cells).
    unscored : tuple of UnscoredIssue
        Rows that were read but cannot be scored.
    imputed_salience : tuple of (str, str)
        ``(issue_id, actor)`` for each coded actor whose blank salience was
        imputed.
    """

    path: Path
    actors: tuple[str, ...]
    issue_ids: tuple[str, ...]
    proposal_ids: tuple[str, ...]
    proposal_names: tuple[str, ...]
    procedures: tuple[str, ...]
    voting_rules: tuple[str, ...]
    lines: tuple[int, ...]
    positions: np.ndarray
    salience: np.ndarray
    coded: np.ndarray
    outcome: np.ndarray
    reference_point: np.ndarray
    gdp: np.ndarray | None
    unscored: tuple[UnscoredIssue, ...] = ()
    imputed_salience: tuple[tuple[str, str], ...] = field(default=())

    @property
    def n_issues(self) -> int:
        """Number of scorable issues ``B``."""
        return len(self.issue_ids)

    @property
    def n_proposals(self) -> int:
        """Number of distinct proposals among the scorable issues."""
        return len(set(self.proposal_ids))

    def subset(self, index: Sequence[int] | np.ndarray) -> DeuData:
        """Return the same data restricted to the issues at ``index`` (in that order)."""
        idx = np.asarray(index, dtype=int)

        def pick(values: tuple) -> tuple:
            return tuple(values[i] for i in idx)

        return DeuData(
            path=self.path,
            actors=self.actors,
            issue_ids=pick(self.issue_ids),
            proposal_ids=pick(self.proposal_ids),
            proposal_names=pick(self.proposal_names),
            procedures=pick(self.procedures),
            voting_rules=pick(self.voting_rules),
            lines=pick(self.lines),
            positions=self.positions[idx],
            salience=self.salience[idx],
            coded=self.coded[idx],
            outcome=self.outcome[idx],
            reference_point=self.reference_point[idx],
            gdp=self.gdp,
            unscored=self.unscored,
            imputed_salience=self.imputed_salience,
        )


@dataclass(frozen=True)
class _Row:
    """One issue row as parsed, before scorability is decided."""

    line: int
    proposal_id: str
    proposal_name: str
    issue_id: str
    procedure: str
    voting_rule: str
    positions: np.ndarray
    salience: np.ndarray
    outcome: float
    reference_point: float


def _read_text(path: Path) -> str:
    """Read the file as UTF-8 (with or without BOM), falling back to Latin-1."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DeuFormatError(f"{path}: cannot read the file ({error.strerror or error})") from error
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _check_header(path: Path, header: list[str]) -> dict[str, int]:
    """Map column name to index; raise on a missing required column or a broken pair."""
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        columns.setdefault(name.strip().lower(), index)
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    for code in ACTOR_CODES:
        has_p, has_s = f"p{code}" in columns, f"s{code}" in columns
        if has_p != has_s:
            missing.append(f"s{code}" if has_p else f"p{code}")
    if missing:
        hint = ""
        if len(header) == 1 and ";" in header[0]:
            hint = " (the header has one column holding ';': the file must be comma-separated)"
        raise DeuFormatError(
            f"{path}: line 1: missing required column(s) {', '.join(missing)} in the header"
            + hint
        )
    return columns


def _cell(row: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def _number(path: Path, line: int, column: str, text: str, *, bounded: bool = True) -> float:
    """Parse one numeric cell; blank is NaN; anything else must be a finite number."""
    if text == "" or text.upper() in {"NA", "NAN", "."}:
        return math.nan
    try:
        value = float(text)
    except ValueError:
        raise DeuFormatError(
            f"{path}: line {line}: column {column}: expected a number, got {text!r}"
        ) from None
    if not math.isfinite(value):
        raise DeuFormatError(f"{path}: line {line}: column {column}: {text!r} is not finite")
    if bounded and not 0.0 <= value <= 100.0:
        raise DeuFormatError(
            f"{path}: line {line}: column {column}: {value:g} lies outside the 0-100 scale"
        )
    return value


def _actor_values(
    path: Path, line: int, row: list[str], columns: dict[str, int], prefix: str, *, bounded: bool
) -> np.ndarray:
    values = np.full(len(ACTOR_CODES), np.nan)
    for j, code in enumerate(ACTOR_CODES):
        name = f"{prefix}{code}"
        if name in columns:
            values[j] = _number(path, line, name, _cell(row, columns, name), bounded=bounded)
    return values


def _is_gdp_row(row: list[str], columns: dict[str, int]) -> bool:
    ids_blank = not _cell(row, columns, "prnr") and not _cell(row, columns, "isnr")
    return ids_blank and bool(_cell(row, columns, "pcom"))


def _parse_issue_row(path: Path, line: int, row: list[str], columns: dict[str, int]) -> _Row:
    proposal_id = _cell(row, columns, "prnr")
    issue_id = _cell(row, columns, "isnr")
    for name, value in (("prnr", proposal_id), ("isnr", issue_id)):
        if not value:
            raise DeuFormatError(f"{path}: line {line}: column {name}: the id is blank")
    return _Row(
        line=line,
        proposal_id=proposal_id,
        proposal_name=_cell(row, columns, "prname"),
        issue_id=issue_id,
        procedure=_cell(row, columns, "proc") or "unknown",
        voting_rule=_cell(row, columns, "counvte") or "unknown",
        positions=_actor_values(path, line, row, columns, "p", bounded=True),
        salience=_actor_values(path, line, row, columns, "s", bounded=True),
        outcome=_number(path, line, "out", _cell(row, columns, "out")),
        reference_point=_number(path, line, "rp", _cell(row, columns, "rp")),
    )


def _unscorable_reason(row: _Row) -> str | None:
    coded = ~np.isnan(row.positions)
    if math.isnan(row.outcome):
        return "no observed outcome (out is blank)"
    if coded.sum() < MIN_CODED_ACTORS:
        return f"fewer than {MIN_CODED_ACTORS} coded actors ({int(coded.sum())})"
    if not np.any(np.nan_to_num(row.salience[coded]) > 0.0):
        return "no coded actor has a positive salience"
    return None


def _impute_salience(row: _Row) -> tuple[np.ndarray, list[str]]:
    """Salience on 0-1 with blanks of coded actors set to the issue mean (see module doc)."""
    coded = ~np.isnan(row.positions)
    salience = row.salience / 100.0
    blank = coded & np.isnan(salience)
    known = coded & ~np.isnan(salience)
    fill = float(salience[known].mean()) if known.any() else _FALLBACK_SALIENCE
    salience = np.where(blank, fill, salience)
    salience = np.where(coded, salience, 0.0)
    return salience, [ACTOR_CODES[j] for j in np.flatnonzero(blank)]


def _iter_records(path: Path, text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line, cells)`` for every non-blank record after the header."""
    reader = csv.reader(io.StringIO(text, newline=""))
    for cells in reader:
        if any(cell.strip() for cell in cells):
            yield reader.line_num, cells


def read_deu(path: str | Path) -> DeuData:
    """Read a DEU file (DEU III layout) into scorable issues and a list of unscorable ones.

    Parameters
    ----------
    path : str or Path
        A comma-separated DEU file (see the module docstring for the layout).

    Returns
    -------
    DeuData
        Arrays for the scorable issues in file order, the GDP row if present,
        and every unscorable issue with its reason.

    Raises
    ------
    DeuFormatError
        If the file cannot be read, the header lacks a required column, a
        numeric cell is not a number or lies outside 0-100, an id is blank,
        or no issue row is present. The message names the file, the 1-based
        line and the column.
    """
    path = Path(path)
    records = _iter_records(path, _read_text(path))
    try:
        _, header = next(records)
    except StopIteration:
        raise DeuFormatError(f"{path}: line 1: the file is empty (no header)") from None
    columns = _check_header(path, header)
    gdp: np.ndarray | None = None
    rows: list[_Row] = []
    for line, cells in records:
        if not rows and gdp is None and _is_gdp_row(cells, columns):
            gdp = _actor_values(path, line, cells, columns, "p", bounded=False)
            continue
        rows.append(_parse_issue_row(path, line, cells, columns))
    if not rows:
        raise DeuFormatError(f"{path}: line 2: no issue rows after the header")
    return _assemble(path, rows, gdp)


def _assemble(path: Path, rows: list[_Row], gdp: np.ndarray | None) -> DeuData:
    kept: list[_Row] = []
    saliences: list[np.ndarray] = []
    unscored: list[UnscoredIssue] = []
    imputed: list[tuple[str, str]] = []
    for row in rows:
        reason = _unscorable_reason(row)
        if reason is not None:
            unscored.append(UnscoredIssue(row.issue_id, row.proposal_id, row.line, reason))
            continue
        salience, blanks = _impute_salience(row)
        kept.append(row)
        saliences.append(salience)
        imputed.extend((row.issue_id, code) for code in blanks)
    n_actors = len(ACTOR_CODES)
    positions = np.array([r.positions for r in kept]).reshape(len(kept), n_actors)
    return DeuData(
        path=path,
        actors=ACTOR_CODES,
        issue_ids=tuple(r.issue_id for r in kept),
        proposal_ids=tuple(r.proposal_id for r in kept),
        proposal_names=tuple(r.proposal_name for r in kept),
        procedures=tuple(r.procedure for r in kept),
        voting_rules=tuple(r.voting_rule for r in kept),
        lines=tuple(r.line for r in kept),
        positions=positions,
        salience=np.array(saliences).reshape(len(kept), n_actors),
        coded=~np.isnan(positions),
        outcome=np.array([r.outcome for r in kept], dtype=float),
        reference_point=np.array([r.reference_point for r in kept], dtype=float),
        gdp=gdp,
        unscored=tuple(unscored),
        imputed_salience=tuple(imputed),
    )


def capability_weights(data: DeuData, scheme: str) -> np.ndarray:
    """Capability of each actor under a named assumption, shape ``(N,)``.

    Parameters
    ----------
    data : DeuData
        The data read (the ``gdp`` scheme uses its GDP row).
    scheme : {"equal", "council-votes", "gdp"}
        ``equal``: every actor 1 (DEU records no capability; the baseline of
        Thomson et al. 2006). ``council-votes``: member states carry their
        Council votes under the Treaty of Nice (:data:`NICE_COUNCIL_VOTES`),
        the Commission and the Parliament 29 each
        (:data:`SUPRANATIONAL_VOTES`). ``gdp``: the file's GDP row (units
        undocumented; only relative size matters since engines normalise);
        every actor coded on some issue needs a positive figure.

    Returns
    -------
    numpy.ndarray, shape (N,)
        Positive capabilities in :data:`ACTOR_CODES` order.

    Raises
    ------
    DeuFormatError
        If ``gdp`` is asked for and the file has no GDP row, or the row has a
        blank or non-positive figure.
    ValueError
        If ``scheme`` is not one of :data:`CAPABILITY_SCHEMES`.
    """
    if scheme == "equal":
        return np.ones(len(data.actors))
    if scheme == "council-votes":
        votes = NICE_COUNCIL_VOTES | SUPRANATIONAL_VOTES
        return np.array([float(votes[code]) for code in data.actors])
    if scheme == "gdp":
        return _gdp_capability(data)
    raise ValueError(
        f"unknown capability scheme {scheme!r}; choose one of {', '.join(CAPABILITY_SCHEMES)}"
    )


def _gdp_capability(data: DeuData) -> np.ndarray:
    if data.gdp is None:
        raise DeuFormatError(
            f"{data.path}: line 2: capability 'gdp' needs a GDP row under the position "
            "columns, and the file has none"
        )
    used = np.asarray(data.coded.any(axis=0))
    bad = [f"p{code}" for code, value, u in zip(data.actors, data.gdp, used, strict=True)
           if u and not value > 0]  # fmt: skip
    if bad:
        raise DeuFormatError(
            f"{data.path}: line 2: column {bad[0]}: capability 'gdp' needs a positive GDP "
            "figure for every actor coded on some issue"
        )
    return np.where(used, data.gdp, 1.0)  # actors never coded are inactive everywhere


@dataclass(frozen=True)
class EngineArrays:
    """Inputs of the bargaining engines for a DEU batch, each of shape ``(B, N, 1)``."""

    positions: np.ndarray
    salience: np.ndarray
    capability: np.ndarray
    active: np.ndarray


UNCODED_POSITION = 50.0
"""Placeholder position of an uncoded (inactive) actor; engines ignore it."""


def engine_arrays(data: DeuData, capability: np.ndarray) -> EngineArrays:
    """Arrange DEU issues as an engine batch: ``B`` issues, ``N`` actors, ``K = 1``.

    Parameters
    ----------
    data : DeuData
        The scorable issues.
    capability : array_like, shape (N,) or (B, N)
        Capability per actor (from :func:`capability_weights`), or per issue
        and actor.

    Returns
    -------
    EngineArrays
        ``active`` marks the coded actors; an uncoded actor gets position
        :data:`UNCODED_POSITION` and salience 0, which no engine uses.
    """
    coded = data.coded
    positions = np.where(coded, data.positions, UNCODED_POSITION)
    cap = np.broadcast_to(np.asarray(capability, dtype=float), coded.shape)
    return EngineArrays(
        positions=positions[:, :, None].copy(),
        salience=data.salience[:, :, None].copy(),
        capability=cap[:, :, None].copy(),
        active=coded[:, :, None].copy(),
    )
