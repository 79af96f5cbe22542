"""Canonical models: what engines take and return, whatever client serves them."""

from mason_core.models.base import CanonicalModel
from mason_core.models.catalog import Column, Database, Partition, Schema, Table
from mason_core.models.credentials import Credentials
from mason_core.models.dag import Dag, DagRun, DagRunStep, DagStep, Schedule
from mason_core.models.job import (
    JOB_KINDS,
    DedupeJob,
    ExecutedJob,
    FormatJob,
    InferJob,
    Job,
    JobOutcome,
    JobStatus,
    MergeJob,
    OutputFormat,
    PreviewJob,
    QueryJob,
    SummarizeJob,
)
from mason_core.models.storage import InferredTable, Path, SchemaConflict, StoragePath
from mason_core.models.summary import ColumnSummary, TableSummary, ValueCount

__all__ = [
    "JOB_KINDS",
    "CanonicalModel",
    "Column",
    "ColumnSummary",
    "Credentials",
    "Dag",
    "DagRun",
    "DagRunStep",
    "DagStep",
    "Database",
    "DedupeJob",
    "ExecutedJob",
    "FormatJob",
    "InferJob",
    "InferredTable",
    "Job",
    "JobOutcome",
    "JobStatus",
    "MergeJob",
    "OutputFormat",
    "Partition",
    "Path",
    "PreviewJob",
    "QueryJob",
    "Schedule",
    "Schema",
    "SchemaConflict",
    "StoragePath",
    "SummarizeJob",
    "Table",
    "TableSummary",
    "ValueCount",
]
