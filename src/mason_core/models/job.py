"""Execution models: job specifications and executed jobs.

A job is a pure description of work. Operators build one from their
parameters; whichever execution client the configuration names runs it, so
``table merge`` means the same thing on DuckDB, Athena or Spark.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import Field

from mason_core.models.base import CanonicalModel
from mason_core.models.catalog import Column, Table
from mason_core.models.summary import TableSummary

OutputFormat = Literal["parquet", "csv", "json"]


class _JobSpec(CanonicalModel):
    """Fields every job carries."""

    #: refuse to replace an existing output unless true.
    overwrite: bool = False


class QueryJob(_JobSpec):
    kind: Literal["query"] = "query"
    query_string: str
    database_name: str
    #: the database's tables, resolved through the metastore by the operator.
    tables: list[Table] = Field(default_factory=list)
    output_path: str | None = None
    output_format: OutputFormat = "parquet"
    preview_rows: int = 20
    #: read table-format tables (Iceberg) as of this snapshot id or ISO timestamp.
    as_of: str | None = None


class MergeJob(_JobSpec):
    kind: Literal["merge"] = "merge"
    input_path: str
    output_path: str
    extract_paths: list[str] = Field(default_factory=list)
    repartition_keys: list[str] = Field(default_factory=list)
    parse_headers: bool = True
    format: OutputFormat = "parquet"


class FormatJob(_JobSpec):
    kind: Literal["format"] = "format"
    table: Table
    output_path: str
    format: OutputFormat = "parquet"
    partition_by: list[str] = Field(default_factory=list)


class SummarizeJob(_JobSpec):
    kind: Literal["summarize"] = "summarize"
    table: Table
    top_values: int = 5


class DedupeJob(_JobSpec):
    kind: Literal["dedupe"] = "dedupe"
    table: Table
    output_path: str
    keys: list[str] = Field(default_factory=list)
    format: OutputFormat = "parquet"


class InferJob(_JobSpec):
    kind: Literal["infer"] = "infer"
    storage_path: str
    database_name: str
    table_name: str | None = None


class PreviewJob(_JobSpec):
    kind: Literal["preview"] = "preview"
    table: Table
    limit: int = 20


Job = Annotated[
    QueryJob | MergeJob | FormatJob | SummarizeJob | DedupeJob | InferJob | PreviewJob,
    Field(discriminator="kind"),
]

JOB_KINDS: tuple[str, ...] = (
    "query",
    "merge",
    "format",
    "summarize",
    "dedupe",
    "infer",
    "preview",
)


class JobStatus(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    #: the process running it ended (killed) before it finished.
    INTERRUPTED = "interrupted"

    @property
    def finished(self) -> bool:
        return self not in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def unsuccessful(self) -> bool:
        return self in (JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.INTERRUPTED)


class JobOutcome(CanonicalModel):
    """What a job produced, as every execution client's runner reports it; the
    engine adds id, status and timings to make the :class:`ExecutedJob`."""

    result_location: str | None = None
    columns: list[Column] = Field(default_factory=list)
    preview: list[dict[str, Any]] = Field(default_factory=list)
    row_count: int | None = None
    metrics: dict[str, int | float | str] = Field(default_factory=dict)
    summary: TableSummary | None = None


class ExecutedJob(CanonicalModel):
    """A job's record: what ran, where, how it ended and where its result is."""

    id: str
    kind: str
    status: JobStatus
    client: str | None = None
    submitted_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    result_location: str | None = None
    columns: list[Column] = Field(default_factory=list)
    #: the first rows of the result, for a look without reading the output.
    preview: list[dict[str, Any]] = Field(default_factory=list)
    row_count: int | None = None
    #: job-specific figures: ``rows_removed`` for dedupe, ``files`` for merge...
    metrics: dict[str, int | float | str] = Field(default_factory=dict)
    summary: TableSummary | None = None

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
