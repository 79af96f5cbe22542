"""The Spark execution engine: job records in MASON_HOME, work done by a runner.

``run_job`` writes the job specification, records the job and hands it to
the configured runner; a failure to submit or a failed job gives a failed
record, not an exception, as on the local engine. ``get_job`` refreshes an
unfinished record from the runner that submitted it.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from functools import cached_property
from typing import ClassVar

from pydantic import BaseModel

from mason.sdk.engines import EngineContext, ExecutionEngine
from mason.sdk.errors import MasonError, MasonUsageError, UnsupportedConfigurationError
from mason.sdk.models import (
    DedupeJob,
    ExecutedJob,
    FormatJob,
    Job,
    JobStatus,
    MergeJob,
    QueryJob,
    SummarizeJob,
    Table,
)
from mason.sdk.secrets import scrub
from mason.sdk.state import atomic_write_text
from mason_spark.config import KubernetesRunner, LocalRunner, SparkClientConfig, StandaloneRunner
from mason_spark.preflight import check_local_output
from mason_spark.records import JobRecord, RecordStore, new_job_id
from mason_spark.runners import SparkRunner, load_runner, unfinished
from mason_spark.runners.manifest import result_file
from mason_spark.spec import SPARK_JOB_KINDS, JobSpec

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_RUNNER_MODELS: dict[str, type[BaseModel]] = {
    "local": LocalRunner,
    "standalone": StandaloneRunner,
    "kubernetes-operator": KubernetesRunner,
}


def absolute(path: str) -> str:
    """A local path made absolute (the driver may run in another directory);
    URIs (``s3a://``, ``file:``) are left alone."""
    if not path or _SCHEME.match(path):
        return path
    return os.path.abspath(os.path.expanduser(path))


def _table(table: Table) -> Table:
    return table.model_copy(update={"location": absolute(table.location or "") or None})


def localized(job: Job) -> Job:
    """``job`` with its local paths absolute."""
    if isinstance(job, MergeJob):
        return job.model_copy(
            update={
                "input_path": absolute(job.input_path),
                "output_path": absolute(job.output_path),
            }
        )
    if isinstance(job, (FormatJob, DedupeJob)):
        return job.model_copy(
            update={"table": _table(job.table), "output_path": absolute(job.output_path)}
        )
    if isinstance(job, SummarizeJob):
        return job.model_copy(update={"table": _table(job.table)})
    if isinstance(job, QueryJob):
        output = absolute(job.output_path) if job.output_path else None
        return job.model_copy(
            update={"tables": [_table(t) for t in job.tables], "output_path": output}
        )
    return job


def _output(job: Job) -> str | None:
    if isinstance(job, SummarizeJob):
        return job.table.location
    return getattr(job, "output_path", None)


class SparkExecution(ExecutionEngine):
    config: SparkClientConfig
    JOB_KINDS: ClassVar[tuple[str, ...]] = SPARK_JOB_KINDS

    def __init__(self, config: SparkClientConfig, context: EngineContext) -> None:
        super().__init__(config, context)

    @cached_property
    def store(self) -> RecordStore:
        return RecordStore(self.context.home)

    def _runner(self, settings: dict[str, object]) -> SparkRunner:
        model = _RUNNER_MODELS.get(str(settings.get("type")))
        if model is None:
            raise MasonUsageError(f"unknown spark runner type {settings.get('type')!r}")
        return load_runner(model.model_validate(settings), self.store)

    def run_job(self, job: Job) -> ExecutedJob:
        if job.kind not in self.JOB_KINDS:
            raise UnsupportedConfigurationError(
                f"client '{self.client_name}' does not run {job.kind} jobs "
                f"(it runs: {', '.join(self.JOB_KINDS)})"
            )
        settings = self.config.runner
        if settings.type != "kubernetes-operator":
            job = localized(job)
            check_local_output(job, self.context.home)
        job_id = new_job_id()
        spec = JobSpec(
            job_id=job_id,
            job=job,
            preview_rows=self.config.preview_rows,
            result_location=(
                result_file(settings, job_id) if isinstance(settings, KubernetesRunner) else None
            ),
        )
        record = JobRecord(
            id=job_id,
            kind=job.kind,
            client=self.client_name,
            runner=settings.model_dump(mode="json"),
            submitted_at=datetime.now(timezone.utc),
            output=_output(job),
        )
        atomic_write_text(self.store.spec_path(job_id), spec.model_dump_json())
        self.store.save(record)
        try:
            self._runner(record.runner).submit(spec, record)
        except MasonError as exc:
            self._fail(record, exc.message)
        except Exception as exc:
            self._fail(record, f"{type(exc).__name__}: {exc}")
        except BaseException:
            record.status = JobStatus.CANCELLED
            record.error = "interrupted"
            self.store.save(record)
            raise
        self.store.save(record)
        return record.executed()

    def _fail(self, record: JobRecord, message: str) -> None:
        self.context.logger.debug("spark job %s failed", record.id, exc_info=True)
        record.status = JobStatus.FAILED
        record.finished_at = datetime.now(timezone.utc)
        record.error = scrub(message)

    def _refreshed(self, record: JobRecord) -> JobRecord:
        if unfinished(record):
            self._runner(record.runner).refresh(record)
            self.store.save(record)
        return record

    def get_job(self, job_id: str) -> ExecutedJob:
        return self._refreshed(self.store.load(job_id)).executed()

    def list_jobs(self, limit: int = 50) -> list[ExecutedJob]:
        return [self._refreshed(self.store.load(i)).executed() for i in self.store.ids(limit)]

    def cancel_job(self, job_id: str) -> ExecutedJob:
        """Stop a job (deletes a SparkApplication); beyond the canonical verbs."""
        record = self.store.load(job_id)
        if unfinished(record):
            self._runner(record.runner).cancel(record)
            self.store.save(record)
        return record.executed()
