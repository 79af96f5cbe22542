"""Spark job records, one folder per job under MASON_HOME/clients/spark/jobs.

A folder holds ``record.json`` (what mason knows), ``spec.json`` (what the
driver was given), ``result.json`` (what a local driver reported) and
``driver.log``. The record keeps the runner's settings, so ``job get`` can
follow a job even after the current configuration has changed.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mason.sdk.errors import NotFoundError
from mason.sdk.models import ExecutedJob, JobStatus
from mason.sdk.state import atomic_write_text
from mason_spark.spec import JobResult


def new_job_id() -> str:
    """Sortable by submission time and unique: ``20240501t120301-9f2c0a1b2c3d``.

    Lower case, so it can also name a Kubernetes resource.
    """
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dt%H%M%S")
    return f"{stamp}-{uuid.uuid4().hex[:12]}"


class JobRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    kind: str
    client: str
    #: the runner's settings (``type`` first) when the job was submitted.
    runner: dict[str, Any]
    status: JobStatus = JobStatus.QUEUED
    submitted_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    #: where the job's output goes (known before it runs).
    output: str | None = None
    pid: int | None = None
    application_id: str | None = None
    #: a SparkApplication's name and namespace (kubernetes-operator runner).
    resource: str | None = None
    namespace: str | None = None
    details: dict[str, str] = Field(default_factory=dict)
    outcome: JobResult | None = None

    @property
    def runner_type(self) -> str:
        return str(self.runner.get("type", "local"))

    def executed(self) -> ExecutedJob:
        outcome = self.outcome
        metrics: dict[str, int | float | str] = {"runner": self.runner_type}
        if self.application_id:
            metrics["application_id"] = self.application_id
        metrics.update(self.details)
        if outcome is not None:
            metrics.update(outcome.metrics)
        location = outcome.result_location if outcome and outcome.result_location else None
        return ExecutedJob(
            id=self.id,
            kind=self.kind,
            status=self.status,
            client=self.client,
            submitted_at=self.submitted_at,
            started_at=self.started_at,
            finished_at=self.finished_at,
            error=self.error,
            result_location=location
            or (self.output if self.status == JobStatus.SUCCEEDED else None),
            columns=outcome.columns if outcome else [],
            preview=outcome.preview if outcome else [],
            row_count=outcome.row_count if outcome else None,
            metrics=metrics,
            summary=outcome.summary if outcome else None,
        )

    def apply(self, result: JobResult) -> None:
        """Take in what the driver reported."""
        self.application_id = result.application_id or self.application_id
        self.started_at = result.started_at or self.started_at
        if result.status == "running":
            self.status = JobStatus.RUNNING
            return
        self.finished_at = result.finished_at or datetime.now(timezone.utc)
        if result.status == "succeeded":
            self.status, self.outcome, self.error = JobStatus.SUCCEEDED, result, None
        else:
            self.status, self.error = JobStatus.FAILED, result.error or "the job failed"


class RecordStore:
    def __init__(self, home: Path) -> None:
        self.root = home / "clients" / "spark" / "jobs"

    def folder(self, job_id: str) -> Path:
        if not job_id or "/" in job_id or job_id.startswith("."):
            raise NotFoundError(f"job '{job_id}' not found in the spark job records")
        return self.root / job_id

    def spec_path(self, job_id: str) -> Path:
        return self.folder(job_id) / "spec.json"

    def result_path(self, job_id: str) -> Path:
        return self.folder(job_id) / "result.json"

    def log_path(self, job_id: str) -> Path:
        return self.folder(job_id) / "driver.log"

    def save(self, record: JobRecord) -> None:
        atomic_write_text(self.folder(record.id) / "record.json", record.model_dump_json(indent=2))

    def load(self, job_id: str) -> JobRecord:
        path = self.folder(job_id) / "record.json"
        if not path.is_file():
            raise NotFoundError(f"job '{job_id}' not found in the spark job records")
        return JobRecord.model_validate_json(path.read_text())

    def read_result(self, job_id: str) -> JobResult | None:
        path = self.result_path(job_id)
        if not path.is_file():
            return None
        return JobResult.model_validate_json(path.read_text())

    def ids(self, limit: int) -> list[str]:
        if not self.root.is_dir():
            return []
        found = [p.name for p in self.root.iterdir() if (p / "record.json").is_file()]
        return sorted(found, reverse=True)[: max(0, limit)]
