"""Table formats: tables that keep their own metadata (Iceberg, Delta Lake).

A :class:`~mason_core.models.catalog.Table`'s ``format`` is either a file
format (``parquet``, ``csv``, ``jsonl``: the table is the files under its
location) or a table format (``iceberg``, ``delta``: snapshots, schema with
field ids and a partition spec kept in metadata files beside the data). For
the latter the table carries :class:`TableFormatMetadata`, and the metastore
verbs that serve a format take and return the models below, whatever library
or catalog is behind them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from mason_core.models.base import CanonicalModel

#: formats that keep their own metadata; every other ``Table.format`` is files.
TABLE_FORMATS_WITH_METADATA: tuple[str, ...] = ("iceberg", "delta")


#: the ``Snapshot.summary`` key of a rollback that commits a new snapshot (Delta's
#: RESTORE): the id of the snapshot whose rows it restored.
RESTORED_SNAPSHOT = "restored-snapshot-id"


def is_table_format(format_name: str | None) -> bool:
    """Whether a table of ``format_name`` keeps its own metadata (snapshots...)."""
    return format_name in TABLE_FORMATS_WITH_METADATA


class Snapshot(CanonicalModel):
    """One committed version of a table (an Iceberg snapshot, a Delta version)."""

    snapshot_id: int
    parent_id: int | None = None
    committed_at: datetime
    #: ``append``, ``overwrite``, ``delete``, ``replace`` (compaction)...
    operation: str | None = None
    #: the format's own figures (added-data-files, total-records...).
    summary: dict[str, str] = Field(default_factory=dict)
    #: whether this is the table's current snapshot.
    current: bool = False


class PartitionField(CanonicalModel):
    """One field of a partition spec: ``transform`` of ``source_column``."""

    source_column: str
    #: ``identity``, ``year``, ``month``, ``day``, ``hour``, ``bucket[16]``, ``truncate[4]``.
    transform: str = "identity"
    name: str | None = None
    field_id: int | None = None


class TableFormatMetadata(CanonicalModel):
    """What a table format records about a table besides its schema."""

    format_version: int | None = None
    current_snapshot: Snapshot | None = None
    snapshot_count: int = 0
    partition_spec: list[PartitionField] = Field(default_factory=list)
    #: the metadata file the catalog points at now (Iceberg) or the log (Delta).
    metadata_location: str | None = None
    #: the format's table properties (``write.target-file-size-bytes``...).
    properties: dict[str, str] = Field(default_factory=dict)


WriteMode = Literal["append", "overwrite", "upsert", "delete"]


class TableWrite(CanonicalModel):
    """Rows to commit to a table-format table in one atomic commit.

    ``source_paths`` are data files (parquet, CSV with a header, JSON lines)
    whose rows are written; their columns are matched to the table's by name.
    ``append`` adds them; ``overwrite`` replaces the rows matching ``filter``
    (every row when unset); ``upsert`` updates rows whose ``keys`` match and
    inserts the rest; ``delete`` removes the rows matching ``filter`` and
    reads no source.
    """

    mode: WriteMode
    source_paths: list[str] = Field(default_factory=list)
    keys: list[str] = Field(default_factory=list)
    #: a boolean expression over columns: ``region = 'eu' AND day >= '2024-01-01'``.
    filter: str | None = None


class CommitResult(CanonicalModel):
    """What one commit did."""

    table: str
    operation: str
    snapshot_id: int | None = None
    rows_added: int = 0
    rows_removed: int = 0
    files_added: int = 0
    files_removed: int = 0
    #: commits retried after a concurrent writer committed first.
    retries: int = 0


SchemaChangeKind = Literal[
    "add_column", "rename_column", "widen_column", "drop_column", "partition_by", "drop_partition"
]


class SchemaChange(CanonicalModel):
    """One schema or partition-spec change; a list of them is applied as one commit.

    ``add_column`` needs ``column`` and ``type``; ``rename_column`` ``column``
    and ``new_name``; ``widen_column`` ``column`` and the wider ``type``
    (``int32`` -> ``int64``, ``float`` -> ``double``, a decimal's precision);
    ``drop_column`` ``column``; ``partition_by`` ``column`` and a
    ``transform``; ``drop_partition`` the partition field's ``column``.
    """

    kind: SchemaChangeKind
    column: str
    type: str | None = None
    new_name: str | None = None
    transform: str = "identity"


class MaintenanceReport(CanonicalModel):
    """What a maintenance verb did (or, in a dry run, would do)."""

    table: str
    operation: str
    dry_run: bool = False
    snapshots_removed: int = 0
    files_removed: int = 0
    bytes_removed: int = 0
    files_rewritten: int = 0
    bytes_rewritten: int = 0
    files_added: int = 0
    bytes_added: int = 0
    snapshot_id: int | None = None
    #: the files removed (or that a dry run would remove), at most a few thousand.
    paths: list[str] = Field(default_factory=list)
