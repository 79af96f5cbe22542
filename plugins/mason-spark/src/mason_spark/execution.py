"""The Spark execution engine: the work done by a runner.

The SDK's ``run_job`` template checks the kind and keeps the record;
``submit`` writes the job specification into the job's folder and hands it to
the configured runner, and ``poll`` follows a job the runner left running
(a detached driver, a SparkApplication) from the runner that submitted it.
"""

from __future__ import annotations

import os
import re
from typing import Any, ClassVar

from pydantic import BaseModel

from mason.sdk.engines import EngineContext, ExecutionEngine
from mason.sdk.errors import MasonUsageError
from mason.sdk.jobs import JobOutcome, JobRecord
from mason.sdk.models import (
    DedupeJob,
    ExecutedJob,
    FormatJob,
    Job,
    MergeJob,
    QueryJob,
    SummarizeJob,
    Table,
)
from mason.sdk.state import absolute_path, atomic_write_text
from mason_spark.config import KubernetesRunner, LocalRunner, SparkClientConfig, StandaloneRunner
from mason_spark.iceberg import iceberg_unavailable
from mason_spark.jobfiles import JobFiles
from mason_spark.jobs.qualified import mentioned
from mason_spark.preflight import check_local_output
from mason_spark.runners import SparkRunner, load_runner
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
    return os.path.normpath(absolute_path(path))


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
    return getattr(job, "output_path", None) or None


class SparkExecution(ExecutionEngine):
    config: SparkClientConfig
    JOB_KINDS: ClassVar[tuple[str, ...]] = SPARK_JOB_KINDS
    #: read from their metadata file by the Iceberg Spark runtime; where this
    #: installation cannot (pyspark 4, no runtime jar, a remote runner)
    #: :meth:`check_job` refuses such a query with the reason.
    TABLE_FORMATS: ClassVar[tuple[str, ...]] = ("iceberg",)

    def __init__(self, config: SparkClientConfig, context: EngineContext) -> None:
        super().__init__(config, context)

    def _runner(self, settings: dict[str, Any]) -> SparkRunner:
        model = _RUNNER_MODELS.get(str(settings.get("type")))
        if model is None:
            raise MasonUsageError(f"unknown spark runner type {settings.get('type')!r}")
        return load_runner(model.model_validate(settings), self.jobs)

    def check_job(self, job: Job) -> None:
        """An output on this machine is checked before the job is recorded, so a
        refused overwrite is exit 2 as on the local client; the driver still
        checks every scheme. A query reading an Iceberg table (or ``as_of``)
        where Spark cannot read Iceberg is refused with the reason."""
        if isinstance(job, QueryJob):
            self.check_iceberg(job)
        if self.config.runner.type != "kubernetes-operator":
            check_local_output(localized(job), self.context.home)

    def check_iceberg(self, job: QueryJob) -> None:
        read = mentioned(job.tables, job.query_string)
        iceberg = [t for t in read if t.format == "iceberg"]
        if job.as_of and not iceberg:  # as on the local client, where the job raises it
            raise MasonUsageError(
                "as_of reads Iceberg tables as of a snapshot; the query reads none "
                f"({', '.join(t.name for t in read) or 'no catalog table'})"
            )
        if not iceberg:
            return
        reason = iceberg_unavailable(self.config.runner.type)
        if reason is None:
            return
        name = f"{iceberg[0].database or job.database_name}.{iceberg[0].name}"
        raise MasonUsageError(
            f"execution client '{self.client_name}' cannot read iceberg table {name}: {reason}"
        )

    def submit(self, job: Job, record: JobRecord) -> JobOutcome | None:
        settings = self.config.runner
        if settings.type != "kubernetes-operator":
            job = localized(job)
        record.output = _output(job)
        record.handle["runner"] = settings.model_dump(mode="json")
        record.metrics["runner"] = settings.type
        spec = JobSpec(
            job_id=record.id,
            job=job,
            preview_rows=self.config.preview_rows,
            result_location=(
                result_file(settings, record.id) if isinstance(settings, KubernetesRunner) else None
            ),
        )
        atomic_write_text(JobFiles(self.jobs.folder(record.id)).spec, spec.model_dump_json())
        self.jobs.save(record)
        return self._runner(record.handle["runner"]).submit(spec, record)

    def poll(self, record: JobRecord) -> JobOutcome | None:
        return self._runner(record.handle["runner"]).poll(record)

    def cancel_job(self, job_id: str) -> ExecutedJob:
        """Stop a job (deletes a SparkApplication); beyond the canonical verbs."""
        record = self.jobs.load(job_id)
        if not record.status.finished:
            self._runner(record.handle["runner"]).cancel(record)
            self.jobs.save(record)
        return record.executed()
