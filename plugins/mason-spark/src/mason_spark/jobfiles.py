"""The files of one Spark job, in its folder beside the SDK's job record.

``spec.json`` (what the driver was given), ``result.json`` (what a driver on
this machine reported) and ``driver.log``. The record's ``handle`` keeps the
runner's settings, so ``job get`` can follow a job even after the current
configuration has changed.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from mason.sdk.jobs import JobOutcome, JobRecord, JobStatus
from mason_spark.spec import JobResult


class JobFiles:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @property
    def spec(self) -> Path:
        return self.folder / "spec.json"

    @property
    def result(self) -> Path:
        return self.folder / "result.json"

    @property
    def log(self) -> Path:
        return self.folder / "driver.log"

    def read_result(self) -> JobResult | None:
        if not self.result.is_file():
            return None
        return JobResult.model_validate_json(self.result.read_text())


def take_result(record: JobRecord, result: JobResult) -> JobOutcome | None:
    """Take in what the driver reported: its outcome once it succeeded."""
    if result.application_id:
        record.metrics["application_id"] = result.application_id
    record.started_at = result.started_at or record.started_at
    if result.status == "running":
        record.status = JobStatus.RUNNING
        return None
    record.finished_at = result.finished_at or datetime.now(timezone.utc)
    if result.status == "succeeded":
        return result.outcome()
    record.status, record.error = JobStatus.FAILED, result.error or "the job failed"
    return None
