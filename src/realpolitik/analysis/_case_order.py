"""Each input's cases in sorted order, and running tallies of the cases left in a shrinking box.

PRIM's peeling asks, at every step and for every input, for order statistics
of the cases still in the box (the lowest and highest values, the k-th
lowest and highest, the next value past a run of ties) and for the number
and outcome sum of the box's cases below a value.  Sorting the box's cases
again at every step costs O(m d log m) for m cases and d inputs.  Here each
input is sorted once (:class:`CaseOrder`), and a box is tracked by tallies
over each input's sorted order (:class:`BoxTally`): the places are cut into
blocks of B consecutive places, and each block holds how many of its cases
are in the box and the sum of their outcomes (a square-root decomposition).
An order statistic is found by a cumulative sum over the blocks and a scan
inside one block (O(n / B + B) per input), a count or sum below a value by a
binary search and the same, and removing cases from the box subtracts them
from the blocks they fall in (O(d) per case; when a peel removes more cases
than it keeps, the box is tallied afresh from the cases it keeps).  Every
query is vectorised across inputs.

For a 0/1 outcome every sum is an exact integer, so each count and sum
equals the one a fresh mask of the box gives; for other outcomes the sums
are equal to rounding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["BoxTally", "CaseOrder"]

_CHUNK = 4096
"""Cases tallied at a time (bounds the temporary arrays to about ``_CHUNK * d`` entries)."""


def _block_shift(n: int) -> int:
    """log2 of the block size: a power of two near the square root of ``n``."""
    return max(4, round(math.log2(math.sqrt(max(n, 1)))))


@dataclass(frozen=True)
class CaseOrder:
    """Every input's cases sorted by value, and the block each case falls in on each input.

    Attributes
    ----------
    x
        (n, d) inputs.
    rows
        (d, n) case numbers: ``rows[j, p]`` is the case at place ``p`` of
        input ``j`` (increasing values; ties in no particular order).
    cells
        (n, d) tally cells: ``cells[i, j] = j * blocks + p // 2**shift`` for
        case ``i`` at place ``p`` of input ``j``.
    shift
        log2 of the number of places in a block.
    blocks
        Blocks per input, one more than needed so that place ``n`` has one.
    """

    x: np.ndarray
    rows: np.ndarray
    cells: np.ndarray
    shift: int
    blocks: int

    @classmethod
    def of(cls, x: np.ndarray) -> CaseOrder:
        """Sort every input of ``x`` once."""
        n, d = x.shape
        shift = _block_shift(n)
        blocks = (n >> shift) + 1
        rows = np.empty((d, n), dtype=np.int32)
        cells = np.empty((d, n), dtype=np.int32)
        block_of_place = (np.arange(n) >> shift).astype(np.int32)
        for j in range(d):
            rows[j] = np.argsort(x[:, j])
            cells[j, rows[j]] = block_of_place + j * blocks
        return cls(x, rows, np.ascontiguousarray(cells.T), shift, blocks)

    @property
    def size(self) -> int:
        """Number of cases."""
        return self.x.shape[0]

    @property
    def width(self) -> int:
        """Number of inputs."""
        return self.x.shape[1]

    def values(self, places: np.ndarray) -> np.ndarray:
        """Value of every input at its place ``places[j]``: the order statistics, (d,)."""
        inputs = np.arange(self.width)
        return self.x[self.rows[inputs, places], inputs]

    def search(self, values: np.ndarray, side: str) -> np.ndarray:
        """``np.searchsorted`` of ``values[j]`` in input ``j``'s sorted values, for every input.

        A binary search run on all inputs at once; ``side`` is "left" (the
        number of cases below the value) or "right" (at or below it).
        """
        low = np.zeros(self.width, dtype=np.intp)
        high = np.full(self.width, self.size, dtype=np.intp)
        while np.any(low < high):
            middle = (low + high) // 2
            at = self.values(np.minimum(middle, self.size - 1))
            before = at < values if side == "left" else at <= values
            searching = low < high
            low = np.where(searching & before, middle + 1, low)
            high = np.where(searching & ~before, middle, high)
        return low


class BoxTally:
    """The cases of a box, tallied per input over blocks of its sorted order.

    ``inside`` is the (n,) mask of the box's cases and ``count`` their
    number; ``counts`` / ``sums`` hold, per input and block, the number of
    cases inside and their outcome sum, and ``below_count`` / ``below_sum``
    the same for all places before each block.
    """

    def __init__(self, order: CaseOrder, y: np.ndarray, inside: np.ndarray) -> None:
        self.order, self.y = order, y
        self.inside = inside.copy()
        self.count = int(self.inside.sum())
        self._inputs = np.arange(order.width)
        self.counts, self.sums = self._count()
        self._accumulate()

    def _count(self) -> tuple[np.ndarray, np.ndarray]:
        """Tallies of the box, from the cases in it or, when fewer, from the cases out of it."""
        outside = np.flatnonzero(~self.inside)
        if outside.size >= self.count:
            return self._tally(np.flatnonzero(self.inside))
        counts, sums = self._whole()
        counts_out, sums_out = self._tally(outside)
        return counts - counts_out, sums - sums_out

    def _whole(self) -> tuple[np.ndarray, np.ndarray]:
        """Tallies of every case: full blocks, and the outcome sums of the cases that score."""
        order = self.order
        starts = np.arange(order.blocks) << order.shift
        full = np.clip(order.size - starts, 0, 1 << order.shift).astype(np.int64)
        counts = np.broadcast_to(full, (order.width, order.blocks)).copy()
        return counts, self._sums(np.flatnonzero(self.y))

    def _tally(self, cases: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Number and outcome sum of ``cases`` in each (input, block): two (d, blocks) arrays."""
        order = self.order
        counts = np.zeros(order.width * order.blocks, dtype=np.int64)
        for start in range(0, cases.size, _CHUNK):
            counts += np.bincount(order.cells[cases[start:start + _CHUNK]].ravel(),
                                  minlength=counts.size)
        return counts.reshape(order.width, order.blocks), self._sums(cases)

    def _sums(self, cases: np.ndarray) -> np.ndarray:
        """(d, blocks) outcome sums of ``cases``; a zero outcome adds nothing and is skipped."""
        order = self.order
        sums = np.zeros(order.width * order.blocks)
        scoring = cases[self.y[cases] != 0]
        for start in range(0, scoring.size, _CHUNK):
            part = scoring[start:start + _CHUNK]
            sums += np.bincount(order.cells[part].ravel(),
                                weights=np.repeat(self.y[part], order.width), minlength=sums.size)
        return sums.reshape(order.width, order.blocks)

    def _accumulate(self) -> None:
        zeros = np.zeros((self.order.width, 1))
        self.below_count = np.hstack([zeros.astype(np.int64), np.cumsum(self.counts, axis=1)])
        self.below_sum = np.hstack([zeros, np.cumsum(self.sums, axis=1)])

    def remove(self, cases: np.ndarray) -> None:
        """Take ``cases`` (case numbers, all inside) out of the box."""
        self.inside[cases] = False
        self.count -= cases.size
        if cases.size > self.count:
            self.counts, self.sums = self._count()
        else:
            counts, sums = self._tally(cases)
            self.counts -= counts
            self.sums -= sums
        self._accumulate()

    def _scan(self, blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cases at the places of block ``blocks[j]`` of each input, and whether each is inside."""
        shift, size = self.order.shift, self.order.size
        places = (blocks[:, None] << shift) + np.arange(1 << shift)
        cases = self.order.rows[self._inputs[:, None], np.minimum(places, size - 1)]
        return cases, self.inside[cases] & (places < size)

    def nth(self, ranks: np.ndarray) -> np.ndarray:
        """Place, in input ``j``'s order, of the box's case of rank ``ranks[j]`` (0 = lowest)."""
        blocks = (self.below_count[:, 1:] <= ranks[:, None]).sum(axis=1)
        rest = ranks - self.below_count[self._inputs, blocks]
        _, inside = self._scan(blocks)
        offsets = np.argmax(np.cumsum(inside, axis=1) > rest[:, None], axis=1)
        return (blocks << self.order.shift) + offsets

    def below(self, places: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Number and outcome sum of the box's cases before place ``places[j]`` of each input."""
        shift = self.order.shift
        blocks = places >> shift
        cases, inside = self._scan(blocks)
        inside &= np.arange(1 << shift) < (places - (blocks << shift))[:, None]
        count = self.below_count[self._inputs, blocks] + inside.sum(axis=1)
        total = self.below_sum[self._inputs, blocks] + np.where(inside, self.y[cases], 0.0).sum(
            axis=1)
        return count, total
