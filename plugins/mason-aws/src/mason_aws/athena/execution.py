"""Athena as an execution engine: query and preview jobs.

Jobs are recorded by the SDK's ``run_job`` template with Mason's job id;
Athena's query execution id is in the record's handle and in its metrics
(``query_execution_id``), and ``job get`` also answers for an Athena id Mason
has no record of. A query is polled for up to ``wait_seconds`` and then
returned as it stands: it goes on in Athena and ``job get`` polls it. A query
with an ``output_path`` writes to a hidden staging prefix (CSV results, or
UNLOAD for parquet and JSON) and is committed to the output only once it has
succeeded, so a failed query leaves nothing there; it needs this process to
commit, so it is stopped (cancelled) when not done in ``wait_seconds``.

Athena reads Iceberg and Delta tables registered in Glue itself; ``as_of``
reads Iceberg tables as of a snapshot (:mod:`mason_aws.athena.time_travel`),
checked before the query is submitted.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, ClassVar

from mason.sdk.engines import EngineContext, ExecutionEngine
from mason.sdk.errors import MasonUsageError
from mason.sdk.jobs import JobOutcome, JobRecord
from mason.sdk.models import ExecutedJob, Job, JobStatus, PreviewJob, QueryJob
from mason_aws.athena import time_travel
from mason_aws.athena.queries import AthenaQueries
from mason_aws.config import AthenaClientConfig
from mason_aws.s3.paths import parse_s3
from mason_aws.s3.staging import Replaceable, staged_prefix
from mason_aws.session import AwsSession

_UNLOAD_FORMATS = {"parquet": "PARQUET", "json": "JSON"}
_STAGING = ".mason-staging"


def _sql_literal(value: str) -> str:
    """A string literal in Athena's query (Trino) dialect: quotes are doubled."""
    return "'" + value.replace("'", "''") + "'"


class AthenaExecution(ExecutionEngine):
    config: AthenaClientConfig
    JOB_KINDS: ClassVar[tuple[str, ...]] = ("query", "preview")
    #: Athena (engine version 3) reads both from their Glue entries itself
    TABLE_FORMATS: ClassVar[tuple[str, ...]] = ("iceberg", "delta")

    def __init__(self, config: AthenaClientConfig, context: EngineContext) -> None:
        super().__init__(config, context)
        self.aws = AwsSession(config, context.client)

    @cached_property
    def queries(self) -> AthenaQueries:
        return AthenaQueries(self.aws, self.config, self.client_name)

    def check_job(self, job: Job) -> None:
        """A query ``as_of`` a snapshot is checked before it is recorded: the
        snapshot must exist in each Iceberg table it reads (a caller's error)."""
        if isinstance(job, QueryJob) and job.as_of and job.as_of.strip():
            read = time_travel.tables_read(
                job.query_string, job.tables, job.as_of, job.database_name
            )
            time_travel.check_snapshots(read, job.as_of, job.database_name, self.aws)

    def submit(self, job: Job, record: JobRecord) -> JobOutcome | None:
        if isinstance(job, PreviewJob):
            table = job.table
            sql = f"SELECT * FROM {time_travel.ident(table.name)} LIMIT {int(job.limit)}"
            return self._follow_up(
                record, sql, table.database, max(job.limit, self.config.preview_rows)
            )
        assert isinstance(job, QueryJob)  # the template let only JOB_KINDS through
        if job.output_path:
            return self._run_to_output(job, record)
        return self._follow_up(record, _sql(job), job.database_name, self.config.preview_rows)

    def poll(self, record: JobRecord) -> JobOutcome | None:
        execution = self.queries.execution(str(record.handle["query_execution_id"]))
        return self._taken(record, execution, int(record.handle.get("preview_rows", 0)))

    def find_job(self, job_id: str) -> ExecutedJob:
        return self.queries.record(self.queries.find(job_id), self.config.preview_rows)

    def _start(
        self, record: JobRecord, sql: str, database: str | None, preview_rows: int,
        location: str | None = None,
    ) -> str:  # fmt: skip
        query_id = self.queries.start(sql, database, location)
        self.context.logger.info("Started Athena query %s", query_id)
        record.handle.update(query_execution_id=query_id, preview_rows=preview_rows)
        record.metrics["query_execution_id"] = query_id
        return query_id

    def _follow_up(
        self, record: JobRecord, sql: str, database: str | None, preview_rows: int
    ) -> JobOutcome | None:
        """Start the query and wait for it; it goes on in Athena (followed by
        ``poll``) if this process stops waiting, or is stopped."""
        query_id = self._start(record, sql, database, preview_rows)
        record.detached = True
        self.jobs.save(record)
        return self._taken(record, self.queries.wait(query_id), preview_rows)

    def _taken(
        self, record: JobRecord, execution: dict[str, Any], preview_rows: int
    ) -> JobOutcome | None:
        status, error, outcome = self.queries.state(execution, preview_rows)
        if status is JobStatus.SUCCEEDED:
            return outcome
        record.status, record.error = status, error
        record.metrics.update(outcome.metrics)
        return None

    def _run_to_output(self, job: QueryJob, record: JobRecord) -> JobOutcome | None:
        target = parse_s3(job.output_path or "")
        s3 = self.aws.client("s3")
        inputs = [_uri(t.location) for t in job.tables if t.location]
        rules = Replaceable.of_format(job.output_format, inputs)
        preview_rows = self.config.preview_rows
        try:
            with staged_prefix(
                s3, self.client_name, target, job.overwrite, _STAGING, rules
            ) as stage:
                sql = _sql(job).strip().rstrip(";")
                location = None
                if job.output_format in _UNLOAD_FORMATS:
                    fmt = _UNLOAD_FORMATS[job.output_format]
                    sql = f"UNLOAD ({sql}) TO {_sql_literal(stage.uri)} WITH (format = '{fmt}')"
                else:
                    location = stage.uri  # Athena writes its CSV result there
                query_id = self._start(record, sql, job.database_name, preview_rows, location)
                self.jobs.save(record)
                execution = self.queries.wait(query_id)
                status, error, outcome = self.queries.state(execution, preview_rows)
                record.metrics.update(outcome.metrics)
                if not status.finished:
                    self.queries.stop(query_id)
                    status, error = JobStatus.CANCELLED, "not done in wait_seconds"
                if status is not JobStatus.SUCCEEDED:
                    raise _Unsuccessful(status, error)  # abandons (and deletes) the staging prefix
        except _Unsuccessful as failed:
            record.status, record.error = failed.status, failed.error
            return None
        return outcome.model_copy(update={"result_location": target.uri})


def _sql(job: QueryJob) -> str:
    """The SQL Athena runs for ``job``: its query, read ``as_of`` when asked."""
    if not job.as_of or not job.as_of.strip():
        return job.query_string
    return time_travel.as_of_query(job.query_string, job.tables, job.as_of, job.database_name)


def _uri(location: str) -> str:
    """A table's location as an ``s3://`` URI to compare outputs with, else as given."""
    try:
        return parse_s3(location).uri
    except MasonUsageError:
        return location


class _Unsuccessful(Exception):
    def __init__(self, status: JobStatus, error: str | None) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
