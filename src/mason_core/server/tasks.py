"""Background runs: ``?async=true`` answers 202 at once and the work goes on
in a small thread pool, so a long operator never holds a request open.

Runs are kept in memory (the most recent ones): an operator's outcome is its
envelope, which the status endpoint returns. Workflow runs also write their
own records to MASON_HOME/runs, which outlive the server.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal

from mason_core.errors import MasonError
from mason_core.machine import describe
from mason_core.messages import one_line
from mason_core.server.envelope import envelope, error_status

TaskStatus = Literal["running", "succeeded", "failed"]


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Outcome:
    """What a finished run answers: its HTTP status and envelope."""

    status: int
    body: dict[str, Any]


@dataclass
class Task:
    id: str
    kind: Literal["operator", "workflow"]
    name: str
    status: TaskStatus = "running"
    started_at: datetime = field(default_factory=_now)
    finished_at: datetime | None = None
    outcome: Outcome | None = None

    def to_data(self) -> dict[str, Any]:
        return {
            "run_id": self.id,
            "kind": self.kind,
            "name": self.name,
            "status": self.status,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "http_status": self.outcome.status if self.outcome else None,
            "result": self.outcome.body if self.outcome else None,
        }


def new_task_id() -> str:
    return secrets.token_hex(8)


class TaskRunner:
    def __init__(self, workers: int = 4, keep: int = 1000) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mason-run")
        self._tasks: OrderedDict[str, Task] = OrderedDict()
        self._lock = threading.Lock()
        self._keep = keep

    def submit(
        self,
        kind: Literal["operator", "workflow"],
        name: str,
        work: Callable[[], Outcome],
        task_id: str | None = None,
    ) -> Task:
        task = Task(id=task_id or new_task_id(), kind=kind, name=name)
        with self._lock:
            self._tasks[task.id] = task
            while len(self._tasks) > self._keep:
                oldest = next(iter(self._tasks))
                if self._tasks[oldest].status == "running":
                    break
                self._tasks.pop(oldest)
        self._pool.submit(self._run, task, work)
        return task

    def _run(self, task: Task, work: Callable[[], Outcome]) -> None:
        try:
            outcome = work()
        except MasonError as exc:
            outcome = Outcome(error_status(exc), envelope(errors=[exc.message]))
        except Exception as exc:  # the envelope says what; the pool must not lose it
            outcome = Outcome(500, envelope(errors=[one_line(describe(exc))]))
        with self._lock:
            task.outcome = outcome
            task.status = "succeeded" if outcome.status < 400 else "failed"
            task.finished_at = _now()

    def get(self, task_id: str) -> Task | None:
        with self._lock:
            return self._tasks.get(task_id)

    def list(self) -> list[Task]:
        with self._lock:
            return list(reversed(self._tasks.values()))

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
