"""Job records: what each execution job did, one JSON file per job.

Every execution client keeps its jobs here, under
``MASON_HOME/clients/<client>/jobs/<job id>/record.json``, with one id scheme
(:func:`new_job_id`). The folder is also the job's workspace: a client may
keep what its driver needs beside the record (Spark writes its spec, result
and log there).

Why JSON files and not SQLite: a job has one writer at a time (the process
running it, or a reader following a detached job), so there is nothing to
lock; each save is a whole-file atomic replace that a SIGKILL cannot tear,
read by any process (``job get``) without a schema or migrations; and it is
the format workflow run records already use, read through the same helpers.

A record carries the host and pid of the process running the job, as run
records do, so a job whose process was killed reads as ``interrupted``
instead of ``running`` forever.
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mason_core.errors import MasonRuntimeError, NotFoundError
from mason_core.home import atomic_write_text, read_json_model
from mason_core.models.job import ExecutedJob, JobOutcome, JobStatus
from mason_core.processes import orphaned, process_started, this_host

_JOB_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,127}$")
RECORD_FILE = "record.json"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_job_id(now: datetime | None = None) -> str:
    """Sortable by submission time (to the microsecond, so listing newest first
    needs no record read), unique without coordination, lower case (so it can
    also name a Kubernetes resource): ``20240501t120301-482913-9f2c0a1b``."""
    stamp = (now or utcnow()).strftime("%Y%m%dt%H%M%S-%f")
    return f"{stamp}-{secrets.token_hex(4)}"


class JobRecord(BaseModel):
    """What Mason knows of one job. The execution template keeps the status,
    times and error; a client sets ``handle`` (what it needs to poll or cancel
    the job), ``metrics`` (figures it reports) and may set times it knows better."""

    model_config = ConfigDict(extra="forbid")

    id: str
    kind: str
    client: str
    status: JobStatus = JobStatus.QUEUED
    submitted_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    #: where the job's output goes (known before it runs; reported once it succeeded).
    output: str | None = None
    #: the process running the job (the one that submitted it, while it waits).
    host: str = Field(default_factory=this_host)
    pid: int | None = Field(default_factory=os.getpid)
    #: when ``pid`` started (see :func:`mason_core.processes.process_started`):
    #: tells a reused pid from the job's process; unknown in older records.
    pid_started: int | None = None
    #: the job goes on without the submitting process; it is followed by polling.
    detached: bool = False
    handle: dict[str, Any] = Field(default_factory=dict)
    metrics: dict[str, int | float | str] = Field(default_factory=dict)
    outcome: JobOutcome | None = None

    def settle_if_orphaned(self) -> JobRecord:
        """An attached job still unfinished whose process (on this host) is gone
        was killed: it reads as ``interrupted`` (the file is left as it is)."""
        if (
            self.status.finished
            or self.detached
            or not orphaned(self.host, self.pid, self.pid_started)
        ):
            return self
        self.status = JobStatus.INTERRUPTED
        self.error = f"the process running it (pid {self.pid}) ended before it finished"
        return self

    def executed(self) -> ExecutedJob:
        outcome = self.outcome or JobOutcome()
        location = outcome.result_location or (
            self.output if self.status is JobStatus.SUCCEEDED else None
        )
        return ExecutedJob(
            id=self.id,
            kind=self.kind,
            status=self.status,
            client=self.client,
            submitted_at=self.submitted_at,
            started_at=self.started_at,
            finished_at=self.finished_at,
            error=self.error,
            result_location=location,
            columns=outcome.columns,
            preview=outcome.preview,
            row_count=outcome.row_count,
            metrics={**self.metrics, **outcome.metrics},
            summary=outcome.summary,
        )


class JobStore:
    """The job records of one client in one MASON_HOME."""

    def __init__(self, home: Path, client: str) -> None:
        self.client = client
        self.root = home / "clients" / client / "jobs"

    def folder(self, job_id: str) -> Path:
        """The job's folder (its record and workspace); an id that cannot be one is not found."""
        if not _JOB_ID.match(job_id):
            raise self._not_found(job_id)
        return self.root / job_id

    def new(self, kind: str, output: str | None = None) -> JobRecord:
        """A new job's record, ``running`` in this process (not saved yet)."""
        now = utcnow()
        record = JobRecord(
            id=new_job_id(now),
            kind=kind,
            client=self.client,
            status=JobStatus.RUNNING,
            submitted_at=now,
            started_at=now,
            output=output,
            pid_started=process_started(os.getpid()),
        )
        return record

    def save(self, record: JobRecord) -> None:
        path = self.folder(record.id) / RECORD_FILE
        atomic_write_text(path, record.model_dump_json(indent=2) + "\n")

    def load(self, job_id: str) -> JobRecord:
        path = self.folder(job_id) / RECORD_FILE
        try:
            record = read_json_model(path, JobRecord)
        except (OSError, ValueError):  # StateFileError, or bytes that are not UTF-8
            raise MasonRuntimeError(f"job record {path} is unreadable") from None
        if record is None:
            raise self._not_found(job_id)
        return record

    def list(self, limit: int = 50) -> list[JobRecord]:
        """The latest ``limit`` records, newest first; unreadable ones are passed over."""
        if not self.root.is_dir():
            return []
        ids = sorted((p.name for p in self.root.iterdir() if _JOB_ID.match(p.name)), reverse=True)
        out: list[JobRecord] = []
        for job_id in ids:
            if len(out) >= max(0, limit):
                break
            try:
                out.append(self.load(job_id))
            except (NotFoundError, MasonRuntimeError):
                continue
        return out

    def _not_found(self, job_id: str) -> NotFoundError:
        return NotFoundError(f"job '{job_id}' not found in the {self.client} job records")
