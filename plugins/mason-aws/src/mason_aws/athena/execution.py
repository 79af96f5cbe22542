"""Athena as an execution engine: query and preview jobs.

A job's id is Athena's query execution id, so ``job get`` works for any
query, Mason's or not. A query is polled for up to ``wait_seconds`` and then
returned as it stands (``job get`` follows it up). A query with an
``output_path`` writes to a hidden staging prefix (CSV results, or UNLOAD
for parquet and JSON) and is committed to the output only once it has
succeeded, so a failed query leaves nothing there.
"""

from __future__ import annotations

from functools import cached_property
from typing import ClassVar

from mason.sdk.engines import EngineContext, ExecutionEngine
from mason.sdk.errors import MasonUsageError, UnsupportedConfigurationError
from mason.sdk.models import ExecutedJob, Job, JobStatus, PreviewJob, QueryJob
from mason.sdk.tabular import hive_ident
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

    def __init__(self, config: AthenaClientConfig, context: EngineContext) -> None:
        super().__init__(config, context)
        self.aws = AwsSession(config, context.client)

    @cached_property
    def queries(self) -> AthenaQueries:
        return AthenaQueries(self.aws, self.config, self.client_name)

    def run_job(self, job: Job) -> ExecutedJob:
        if isinstance(job, PreviewJob):
            table = job.table
            sql = f"SELECT * FROM {hive_ident(table.name)} LIMIT {int(job.limit)}"
            return self._run(sql, table.database, max(job.limit, self.config.preview_rows))
        if isinstance(job, QueryJob):
            if job.output_path:
                return self._run_to_output(job)
            return self._run(job.query_string, job.database_name, self.config.preview_rows)
        raise UnsupportedConfigurationError(
            f"client '{self.client_name}' does not run {job.kind} jobs "
            f"(it runs: {', '.join(self.JOB_KINDS)})"
        )

    def get_job(self, job_id: str) -> ExecutedJob:
        return self.queries.record(self.queries.find(job_id), self.config.preview_rows)

    def list_jobs(self, limit: int = 50) -> list[ExecutedJob]:
        from mason_aws.errors import aws_errors

        with aws_errors(self.client_name, f"workgroup '{self.config.workgroup}'"):
            ids = self.queries.athena.list_query_executions(
                WorkGroup=self.config.workgroup, MaxResults=min(max(limit, 1), 50)
            ).get("QueryExecutionIds", [])
        return [self.queries.record(self.queries.execution(i)) for i in ids[:limit]]

    def _run(self, sql: str, database: str | None, preview_rows: int) -> ExecutedJob:
        query_id = self.queries.start(sql, database)
        self.context.logger.info("Started Athena query %s", query_id)
        return self.queries.record(self.queries.wait(query_id), preview_rows)

    def _run_to_output(self, job: QueryJob) -> ExecutedJob:
        target = parse_s3(job.output_path or "")
        s3 = self.aws.client("s3")
        inputs = [_uri(t.location) for t in job.tables if t.location]
        rules = Replaceable.of_format(job.output_format, inputs)
        try:
            with staged_prefix(
                s3, self.client_name, target, job.overwrite, _STAGING, rules
            ) as stage:
                sql = job.query_string.strip().rstrip(";")
                location = None
                if job.output_format in _UNLOAD_FORMATS:
                    fmt = _UNLOAD_FORMATS[job.output_format]
                    sql = f"UNLOAD ({sql}) TO {_sql_literal(stage.uri)} WITH (format = '{fmt}')"
                else:
                    location = stage.uri  # Athena writes its CSV result there
                query_id = self.queries.start(sql, job.database_name, location)
                record = self.queries.record(self.queries.wait(query_id), self.config.preview_rows)
                if not record.status.finished:
                    self.queries.stop(query_id)
                    record = record.model_copy(
                        update={"status": JobStatus.CANCELLED, "error": "not done in wait_seconds"}
                    )
                if record.status is not JobStatus.SUCCEEDED:
                    raise _Unsuccessful(record)  # abandons (and deletes) the staging prefix
        except _Unsuccessful as failed:
            return failed.record
        return record.model_copy(update={"result_location": target.uri})


def _uri(location: str) -> str:
    """A table's location as an ``s3://`` URI to compare outputs with, else as given."""
    try:
        return parse_s3(location).uri
    except MasonUsageError:
        return location


class _Unsuccessful(Exception):
    def __init__(self, record: ExecutedJob) -> None:
        super().__init__(record.id)
        self.record = record
