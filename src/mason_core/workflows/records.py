"""Run records: what happened in each workflow run, kept in MASON_HOME/runs.

One JSON file per run, replaced atomically whenever it is saved, so a reader
(``mason wf status``) sees a whole record even while the run is going on.
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from mason_core.errors import MasonUsageError
from mason_core.home import (
    MasonHome,
    StateFileError,
    atomic_write_json,
    iter_json_models,
    read_json_model,
)
from mason_core.processes import orphaned, this_host

StepStatus = Literal["pending", "running", "retrying", "succeeded", "failed", "skipped"]
#: ``triggered``: handed to a scheduler that runs it elsewhere (Glue, Airflow).
#: ``interrupted``: the process running it ended (killed) before it finished.
RunStatus = Literal["running", "succeeded", "failed", "triggered", "interrupted"]
FINISHED: frozenset[str] = frozenset({"succeeded", "failed", "skipped"})
_RUN_ID = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_run_id(now: datetime | None = None) -> str:
    """Sortable by start time, unique without coordination."""
    stamp = (now or utcnow()).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{secrets.token_hex(3)}"


class StepRecord(BaseModel):
    id: str
    operator: str
    config_id: str | None = None
    dependencies: list[str] = Field(default_factory=list)
    #: as given, secrets shown as REDACTED; references unresolved.
    parameters: dict[str, Any] = Field(default_factory=dict)
    status: StepStatus = "pending"
    attempts: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_seconds: float | None = None
    #: the operator's response envelope (Errors, Info, Warnings, Data).
    output: dict[str, Any] | None = None
    error: str | None = None
    #: the run whose output this step reused (``--resume``).
    reused_from: str | None = None


class RunRecord(BaseModel):
    run_id: str
    workflow: str
    namespace: str
    command: str
    dag_name: str
    status: RunStatus = "running"
    scheduler: str | None = None
    config_id: str | None = None
    parallel: int = 1
    resumed_from: str | None = None
    #: the run's id at a scheduler that runs it elsewhere (an Airflow dag run id).
    scheduler_run_id: str | None = None
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    duration_seconds: float | None = None
    steps: list[StepRecord] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)
    #: where the run executes, so a reader can tell a live run from an orphan.
    host: str = Field(default_factory=this_host)
    pid: int = Field(default_factory=os.getpid)
    #: when ``pid`` started (tells a reused pid from the run's process); unknown
    #: in older records.
    pid_started: int | None = None

    def settle_if_orphaned(self) -> RunRecord:
        """A record still ``running`` whose process (on this host) is gone was
        killed mid-run: report it as ``interrupted`` (``--resume`` reruns every
        step that did not succeed) instead of running forever."""
        if self.status != "running" or not orphaned(self.host, self.pid, self.pid_started):
            return self
        self.status = "interrupted"
        self.errors.append(f"the process running it (pid {self.pid}) ended before it finished")
        return self

    def step(self, step_id: str) -> StepRecord:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    @property
    def ok(self) -> bool:
        return self.status == "succeeded"

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for step in self.steps:
            out[step.status] = out.get(step.status, 0) + 1
        return out

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class RunStore:
    """The run records of one MASON_HOME."""

    def __init__(self, home: MasonHome) -> None:
        self.home = home

    def path(self, run_id: str) -> Path:
        if not _RUN_ID.match(run_id):
            raise MasonUsageError(f"'{run_id}' is not a run id")
        return self.home.runs / f"{run_id}.json"

    def save(self, record: RunRecord) -> Path:
        target = self.path(record.run_id)
        atomic_write_json(target, record.to_json())
        return target

    def load(self, run_id: str) -> RunRecord:
        path = self.path(run_id)
        try:
            record = read_json_model(path, RunRecord)
        except StateFileError as exc:
            raise MasonUsageError(f"run record {exc.message}") from None
        if record is None:
            raise MasonUsageError(
                f"unknown run id '{run_id}' (see 'mason wf runs' for recorded runs)"
            )
        return record.settle_if_orphaned()

    def list(self, workflow: str | None = None, limit: int | None = None) -> list[RunRecord]:
        """Newest first; unreadable files are passed over."""
        out: list[RunRecord] = []
        for record in iter_json_models(self.home.runs, RunRecord, reverse=True):
            if workflow is not None and record.workflow != workflow:
                continue
            out.append(record.settle_if_orphaned())
            if limit is not None and len(out) >= limit:
                break
        out.sort(key=lambda r: r.started_at, reverse=True)
        return out
