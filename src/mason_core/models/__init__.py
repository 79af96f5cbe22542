"""Canonical models: what engines take and return, whatever client serves them."""

from mason_core.models.base import CanonicalModel
from mason_core.models.catalog import Column, Database, Partition, Schema, Table
from mason_core.models.credentials import Credentials
from mason_core.models.dag import Dag, DagRun, DagRunStep, DagStep, Schedule
from mason_core.models.formats import (
    RESTORED_SNAPSHOT,
    TABLE_FORMATS_WITH_METADATA,
    CommitResult,
    MaintenanceReport,
    PartitionField,
    ScanPlan,
    ScanTask,
    SchemaChange,
    Snapshot,
    TableFormatMetadata,
    TableWrite,
    WriteMode,
    is_table_format,
)
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

ScanPlan.model_rebuild()  # its Column is defined in catalog.py, which imports formats.py

__all__ = [
    "JOB_KINDS",
    "RESTORED_SNAPSHOT",
    "TABLE_FORMATS_WITH_METADATA",
    "CanonicalModel",
    "Column",
    "ColumnSummary",
    "CommitResult",
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
    "MaintenanceReport",
    "MergeJob",
    "OutputFormat",
    "Partition",
    "PartitionField",
    "Path",
    "PreviewJob",
    "QueryJob",
    "ScanPlan",
    "ScanTask",
    "Schedule",
    "Schema",
    "SchemaChange",
    "SchemaConflict",
    "Snapshot",
    "StoragePath",
    "SummarizeJob",
    "Table",
    "TableFormatMetadata",
    "TableSummary",
    "TableWrite",
    "ValueCount",
    "WriteMode",
    "is_table_format",
]
