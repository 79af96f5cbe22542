"""Canonical models: what engines take and return, whatever client serves them.

Each name loads on first use (PEP 562) with the module defining it, so a call
imports the models it touches (a ``table get``: the catalog's, not the jobs'
or the DAGs'), not all of them.
"""

from typing import TYPE_CHECKING

from mason_core.lazy import lazy_exports

if TYPE_CHECKING:
    from mason_core.models.base import CanonicalModel
    from mason_core.models.catalog import (
        Column,
        Database,
        Partition,
        ScanPlan,
        ScanTask,
        Schema,
        Table,
    )
    from mason_core.models.credentials import Credentials
    from mason_core.models.dag import Dag, DagRun, DagRunStep, DagStep, Schedule
    from mason_core.models.formats import (
        RESTORED_SNAPSHOT,
        TABLE_FORMATS_WITH_METADATA,
        CommitResult,
        MaintenanceReport,
        PartitionField,
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

_MODULES = {
    "base": ["CanonicalModel"],
    "catalog": ["Column", "Database", "Partition", "ScanPlan", "ScanTask", "Schema", "Table"],
    "credentials": ["Credentials"],
    "dag": ["Dag", "DagRun", "DagRunStep", "DagStep", "Schedule"],
    "formats": [
        "RESTORED_SNAPSHOT",
        "TABLE_FORMATS_WITH_METADATA",
        "CommitResult",
        "MaintenanceReport",
        "PartitionField",
        "SchemaChange",
        "Snapshot",
        "TableFormatMetadata",
        "TableWrite",
        "WriteMode",
        "is_table_format",
    ],
    "job": [
        "JOB_KINDS",
        "DedupeJob",
        "ExecutedJob",
        "FormatJob",
        "InferJob",
        "Job",
        "JobOutcome",
        "JobStatus",
        "MergeJob",
        "OutputFormat",
        "PreviewJob",
        "QueryJob",
        "SummarizeJob",
    ],
    "storage": ["InferredTable", "Path", "SchemaConflict", "StoragePath"],
    "summary": ["ColumnSummary", "TableSummary", "ValueCount"],
}
#: every exported name -> the module defining it (``mason.models`` and
#: ``mason.sdk.models`` export the same names, loaded the same way)
WHERE: dict[str, str] = {
    name: f"mason_core.models.{module}" for module, names in _MODULES.items() for name in names
}

__getattr__, __dir__ = lazy_exports(__name__, globals(), WHERE)

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
