"""Split a DEU file into two halves by proposal, for fitting on one and testing on the other.

A model whose settings (capability scheme, institutional weights, blend
weights, the width of its predictive intervals) are chosen on some
outcomes must be scored on others. Within one file, cross-validation does
that one proposal at a time, but the *method* (which challengers exist,
which predictive distribution is used) is still chosen by looking at the
whole file. Two halves make the protocol plain: everything is fitted on
FIT and scored once on TEST, then the roles are swapped.

The unit is the proposal (``prnr``), because issues of one proposal are
bargained together and coded by the same experts (see
:mod:`realpolitik.analysis.validation.crossval`). Proposals are shuffled by
a seeded ``numpy.random.Generator`` and the first half (rounded up) goes to
A, the rest to B. Every row of a proposal goes with it, including issues
without an outcome, so each half reads exactly as the original would; the
header and the GDP row (if any) are copied to both halves, and rows keep
their order in the file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from realpolitik.analysis.validation.deu import (
    DeuFormatError,
    _check_header,
    _is_gdp_row,
    _iter_records,
    _read_text,
)

__all__ = ["DeuSplit", "split_deu", "split_text"]


@dataclass(frozen=True)
class DeuSplit:
    """Two halves of a DEU file as CSV records, ready to write.

    Attributes
    ----------
    path : Path
        The file split.
    seed : int
        Seed of the shuffle of proposals.
    header : list of str
        The header record (copied to both halves).
    gdp : list of str or None
        The GDP record, if the file has one (copied to both halves).
    halves : dict of str to list of list of str
        ``"A"`` and ``"B"``: issue records of each half, in file order.
    proposals : dict of str to tuple of str
        Proposal ids of each half, in file order.
    """

    path: Path
    seed: int
    header: list[str]
    gdp: list[str] | None
    halves: dict[str, list[list[str]]]
    proposals: dict[str, tuple[str, ...]]


def split_deu(path: str | Path, seed: int = 0) -> DeuSplit:
    """Assign the proposals of a DEU file at random to two halves, A and B.

    Parameters
    ----------
    path : str or Path
        A DEU file (see :func:`realpolitik.analysis.validation.deu.read_deu`).
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same halves.

    Returns
    -------
    DeuSplit
        A holds ``ceil(P / 2)`` of the ``P`` proposals, B the others.

    Raises
    ------
    DeuFormatError
        If the file cannot be read, its header lacks a required column, a
        row has a blank proposal id, or it holds fewer than two proposals.
    """
    path = Path(path)
    records = _iter_records(path, _read_text(path))
    try:
        _, header = next(records)
    except StopIteration:
        raise DeuFormatError(f"{path}: line 1: the file is empty (no header)") from None
    columns = _check_header(path, header)
    gdp: list[str] | None = None
    rows: list[tuple[str, list[str]]] = []
    for line, cells in records:
        if not rows and gdp is None and _is_gdp_row(cells, columns):
            gdp = cells
            continue
        proposal = cells[columns["prnr"]].strip() if columns["prnr"] < len(cells) else ""
        if not proposal:
            raise DeuFormatError(f"{path}: line {line}: column prnr: the id is blank")
        rows.append((proposal, cells))
    order = list(dict.fromkeys(proposal for proposal, _ in rows))
    if len(order) < 2:
        raise DeuFormatError(f"{path}: a split needs at least two proposals; found {len(order)}")
    shuffled = np.random.default_rng(seed).permutation(len(order))
    in_a = {order[i] for i in shuffled[: (len(order) + 1) // 2]}
    halves = {
        "A": [cells for proposal, cells in rows if proposal in in_a],
        "B": [cells for proposal, cells in rows if proposal not in in_a],
    }
    proposals = {
        "A": tuple(p for p in order if p in in_a),
        "B": tuple(p for p in order if p not in in_a),
    }
    return DeuSplit(path, seed, header, gdp, halves, proposals)


def split_text(split: DeuSplit, half: str) -> str:
    """The CSV text of one half: header, GDP row (if any), then its issue rows."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(split.header)
    if split.gdp is not None:
        writer.writerow(split.gdp)
    writer.writerows(split.halves[half])
    return buffer.getvalue()
