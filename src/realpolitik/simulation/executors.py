"""Where chunks of draws run: in this process, in threads, or on a dask.distributed cluster.

Every executor runs one function over a list of chunk jobs and hands each
result to ``collect(job, result)`` as soon as the job finishes (in any
order): the caller copies it into the ensemble's arrays and advances its
progress bar, and the chunk's memory is freed at once.  Because each draw's random
numbers depend only on the seed and the draw's index (see
:mod:`realpolitik.simulation.parameters`), the executor never changes the
numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor as _ThreadPool
from concurrent.futures import as_completed
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from distributed import Client, LocalCluster

__all__ = [
    "SCHEDULERS",
    "DaskExecutor",
    "Executor",
    "LocalExecutor",
    "ThreadExecutor",
    "make_executor",
]

Collect = Callable[[Any, Any], None]
"""``collect(job, result)``: receives each finished job's result."""


class Executor(Protocol):
    """Anything that can run a function over chunk jobs and hand back each result.

    :class:`LocalExecutor`, :class:`ThreadExecutor` and :class:`DaskExecutor`
    provide it; an executor may also be a context manager that holds its
    resources (a cluster) over several runs, as :func:`executor_scope` uses.
    """

    def run(self, function: Callable[[Any], Any], jobs: Sequence[Any], collect: Collect) -> None:
        """Call ``collect(job, function(job))`` for every job, in any order."""
        ...


class LocalExecutor:
    """Run the chunks one after another in this process (the default)."""

    def run(self, function: Callable[[Any], Any], jobs: Sequence[Any], collect: Collect) -> None:
        """Call ``collect(job, function(job))`` for every job, in order."""
        for job in jobs:
            collect(job, function(job))


class ThreadExecutor:
    """Run chunks in a pool of threads of this process.

    NumPy releases the interpreter lock inside its array operations, so two
    threads use two cores for most of a chunk's work without copying any
    data between processes.
    """

    def __init__(self, workers: int = 2) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.workers = workers

    def run(self, function: Callable[[Any], Any], jobs: Sequence[Any], collect: Collect) -> None:
        """Call ``collect(job, function(job))`` for every job, as each finishes."""
        with _ThreadPool(max_workers=self.workers) as pool:
            futures = {pool.submit(function, job): job for job in jobs}
            for future in as_completed(futures):
                collect(futures.pop(future), future.result())


class DaskExecutor:
    """Run chunks on a dask.distributed cluster.

    Parameters
    ----------
    address
        Scheduler address of a running cluster (``tcp://host:8786``).  When
        None, a ``LocalCluster`` with ``workers`` workers is started for the
        run and closed afterwards.
    workers
        Workers of the local cluster (ignored with an address).
    processes
        Whether local workers are processes (True, the default) or threads
        of this process (False: starts in well under a second; good for tests
        and small machines).
    threads_per_worker
        Threads per local worker.

    The executor may be used as a context manager to keep one cluster for
    several runs; otherwise each :meth:`run` starts and closes its own.
    """

    def __init__(
        self,
        address: str | None = None,
        workers: int = 2,
        *,
        processes: bool = True,
        threads_per_worker: int = 1,
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.address = address
        self.workers = workers
        self.processes = processes
        self.threads_per_worker = threads_per_worker
        self._client: Client | None = None
        self._cluster: LocalCluster | None = None

    def __enter__(self) -> DaskExecutor:
        from distributed import Client, LocalCluster

        if self.address is not None:
            self._client = Client(self.address)
        else:
            self._cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=self.threads_per_worker,
                processes=self.processes,
                dashboard_address=None,
            )
            self._client = Client(self._cluster)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the client and, if this executor started it, the local cluster."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def run(self, function: Callable[[Any], Any], jobs: Sequence[Any], collect: Collect) -> None:
        """Call ``collect(job, function(job))`` for every job, computed on the cluster."""
        if self._client is None:
            with self:
                self._run(function, jobs, collect)
        else:
            self._run(function, jobs, collect)

    def _run(self, function: Callable[[Any], Any], jobs: Sequence[Any], collect: Collect) -> None:
        from distributed import as_completed as dask_completed

        if self._client is None:
            raise RuntimeError("the dask executor has no client: run it inside 'with'")
        futures = self._client.map(function, list(jobs), pure=False)
        job_of = {future.key: job for future, job in zip(futures, jobs, strict=True)}
        for future in dask_completed(futures):
            collect(job_of[future.key], future.result())
            future.release()


SCHEDULERS = ("local", "threads", "dask")
"""Names of the executors, as a command line would offer them."""


def make_executor(
    scheduler: str = "local", workers: int = 1, address: str | None = None
) -> Executor:
    """Return the executor named by ``scheduler`` (for command-line options).

    Parameters
    ----------
    scheduler
        ``local`` (one chunk after another in this process), ``threads`` (a
        pool of ``workers`` threads) or ``dask`` (a dask.distributed cluster at
        ``address``, or a local cluster of ``workers`` processes).
    workers
        Threads or local dask workers.
    address
        Scheduler address of a running dask cluster (``dask`` only).

    Raises
    ------
    ValueError
        For an unknown scheduler, fewer than one worker, or an address
        given to a scheduler other than ``dask``.
    """
    if scheduler not in SCHEDULERS:
        choices = ", ".join(SCHEDULERS)
        raise ValueError(f"unknown scheduler '{scheduler}'; expected one of {choices}")
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if address is not None and scheduler != "dask":
        raise ValueError("a scheduler address is only used with the dask scheduler")
    if scheduler == "threads":
        return ThreadExecutor(workers)
    if scheduler == "dask":
        return DaskExecutor(address, workers)
    return LocalExecutor()


def executor_scope(executor: Executor | None) -> AbstractContextManager[object]:
    """Keep one cluster for every ensemble run inside the ``with``, when the executor can."""
    return executor if isinstance(executor, AbstractContextManager) else nullcontext()


def command_line_executor(workers: int = 1, address: str | None = None) -> Executor:
    """The executor the ``--workers N`` / ``--scheduler ADDRESS`` options ask for.

    A scheduler address uses that running dask cluster; more than one worker
    starts a local dask cluster of worker processes; otherwise the ensembles
    run in this process.
    """
    if address is not None or workers > 1:
        return DaskExecutor(address, workers)
    return LocalExecutor()
