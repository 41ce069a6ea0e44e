"""Long work in the background: a small registry of jobs with progress and a cancel flag.

A job runs one function in its own thread.  The function reports progress
through :meth:`Job.report` and calls :meth:`Job.check` between units of work
(the lever ranking calls it before each option's run); once the analyst has
asked to cancel, :meth:`Job.check` raises :class:`JobCancelled` and the job
ends as ``cancelled``.  The registry keeps a bounded number of jobs, the
oldest finished ones forgotten first.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Job", "JobCancelled", "JobRegistry", "UnknownJob"]

Status = Literal["running", "done", "cancelled", "failed"]


class JobCancelled(Exception):
    """Raised inside a job's work once the analyst has asked to stop it."""


class UnknownJob(KeyError):
    """No job of that id (never started, or forgotten)."""


@dataclass
class Job:
    """One piece of background work: its status, progress, result or error."""

    id: str
    kind: str
    owner: str
    status: Status = "running"
    done: int = 0
    total: int = 0
    result: Any = None
    error: str | None = None
    cancel_requested: threading.Event = field(default_factory=threading.Event)

    def report(self, done: int, total: int) -> None:
        """Record progress, and stop here if a cancel was asked for."""
        self.done, self.total = int(done), int(total)
        self.check()

    def check(self) -> None:
        """Raise :class:`JobCancelled` if the analyst asked to cancel."""
        if self.cancel_requested.is_set():
            raise JobCancelled

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready status for the page."""
        return {"id": self.id, "kind": self.kind, "status": self.status, "done": self.done,
                "total": self.total, "result": self.result, "error": self.error}


class JobRegistry:
    """Start, follow and cancel background jobs; keeps at most ``capacity`` of them."""

    def __init__(self, capacity: int = 16) -> None:
        self.capacity = capacity
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, kind: str, owner: str, work: Callable[[Job], Any]) -> Job:
        """Run ``work(job)`` in a thread; its return value becomes the job's result."""
        job = Job(uuid.uuid4().hex, kind, owner)
        with self._lock:
            self._jobs[job.id] = job
            self._forget_old()
        threading.Thread(target=self._run, args=(job, work), daemon=True,
                         name=f"job-{kind}-{job.id[:8]}").start()
        return job

    @staticmethod
    def _run(job: Job, work: Callable[[Job], Any]) -> None:
        try:
            job.check()
            job.result = work(job)
            job.status = "done"
        except JobCancelled:
            job.status = "cancelled"
        except Exception as error:  # reported on the page; the server goes on
            job.error = f"{type(error).__name__}: {error}"
            job.status = "failed"

    def _forget_old(self) -> None:
        finished = [key for key, job in self._jobs.items() if job.status != "running"]
        while len(self._jobs) > self.capacity and finished:
            del self._jobs[finished.pop(0)]

    def get(self, job_id: str) -> Job:
        """The job of that id; :class:`UnknownJob` if there is none."""
        with self._lock:
            if job_id not in self._jobs:
                raise UnknownJob(job_id)
            return self._jobs[job_id]

    def cancel(self, job_id: str) -> Job:
        """Ask a job to stop at its next check."""
        job = self.get(job_id)
        job.cancel_requested.set()
        return job
