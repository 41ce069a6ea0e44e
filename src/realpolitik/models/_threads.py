"""How many threads an engine may share independent pieces of one problem among.

Engines split a large problem into pieces that do not depend on each other
(chunks of issues, blocks of challengers) and compute each piece exactly as
they would alone, so that sharing them among threads changes no result, bit
for bit; NumPy and the compiled kernels release the GIL while they work.
Only the main thread shares: an executor's worker threads (or a dask
worker's) already run problems side by side, one core each.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

__all__ = ["map_in_threads", "threads_for"]

T = TypeVar("T")
R = TypeVar("R")


def threads_for(pieces: int) -> int:
    """Threads for ``pieces`` independent pieces: one per core, from the main thread only."""
    if pieces < 2 or threading.current_thread() is not threading.main_thread():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(pieces, cores or 1))


def map_in_threads(function: Callable[[T], R], pieces: Sequence[T]) -> list[R]:
    """``[function(piece) for piece in pieces]``, on :func:`threads_for` threads; in order."""
    workers = threads_for(len(pieces))
    if workers == 1:
        return [function(piece) for piece in pieces]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(function, pieces))
