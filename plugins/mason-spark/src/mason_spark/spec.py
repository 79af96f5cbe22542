"""The JSON the job entry script takes, and the JSON it reports back.

One envelope for every runner: the local runner writes it to a file, the
standalone runner passes that file to spark-submit, the Kubernetes runner puts
it in the SparkApplication's arguments. Only mason-core's job models and this
module cross the boundary, so a driver needs nothing else from the caller.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mason.sdk.models import Job, JobOutcome

#: job kinds the entry script runs, each in ``mason_spark.jobs.<kind>``.
SPARK_JOB_KINDS: tuple[str, ...] = ("query", "merge", "format", "summarize", "dedupe")


class JobSpec(BaseModel):
    """What to run: the job model and how much of the result to preview."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    job_id: str
    job: Job = Field(discriminator="kind")
    preview_rows: int = 20
    #: a file the driver writes its final result to through Hadoop, for a
    #: runner that cannot read the driver's local ``--result`` file (Kubernetes).
    result_location: str | None = None


class JobResult(JobOutcome):
    """What the entry script reports: its state, then the outcome or the error."""

    status: Literal["running", "succeeded", "failed"]
    application_id: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None

    def outcome(self) -> JobOutcome:
        """What the job produced, without the driver's state."""
        return JobOutcome(**{name: getattr(self, name) for name in JobOutcome.model_fields})


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
