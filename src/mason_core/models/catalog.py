"""Metastore models: databases, tables, schemas, columns, partitions, and the
scan plan of a table-format table (here, beside the :class:`Column` it names)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from mason_core.models.base import CanonicalModel
from mason_core.models.formats import TableFormatMetadata, is_table_format


class Column(CanonicalModel):
    """One column. ``type`` is an engine-neutral type name (arrow's spelling:
    ``int64``, ``double``, ``string``, ``bool``, ``timestamp[us]``, ``date32[day]``...)."""

    name: str
    type: str
    nullable: bool = True
    description: str | None = None
    #: the column's id in a table format that tracks columns by id (Iceberg).
    field_id: int | None = None


class Schema(CanonicalModel):
    columns: list[Column] = Field(default_factory=list)
    #: the format the schema was read from (``parquet``, ``csv``, ``jsonl``...).
    schema_type: str | None = None

    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


class Partition(CanonicalModel):
    """A hive-style partition: ``values`` maps key to value, ``location`` its path."""

    values: dict[str, str]
    location: str


class Database(CanonicalModel):
    name: str
    location: str | None = None
    description: str | None = None
    created_at: datetime | None = None
    table_count: int | None = None


class Table(CanonicalModel):
    name: str
    database: str | None = None
    location: str | None = None
    #: a file format (``parquet``, ``csv``, ``jsonl``: the table is the files at
    #: ``location``) or a table format keeping its own metadata (``iceberg``,
    #: ``delta``), which then fills ``format_metadata``.
    format: str | None = None
    table_schema: Schema = Field(default_factory=Schema, alias="Schema")
    partition_keys: list[Column] = Field(default_factory=list)
    partitions: list[Partition] | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    created_by: str | None = "mason"
    #: format options the readers need again (``header``, ``delimiter``...);
    #: ``unreadable`` holds why a listed table cannot be read (:attr:`unreadable`).
    properties: dict[str, str] = Field(default_factory=dict)
    #: files that were read to infer the schema, when an engine reports it.
    file_count: int | None = None
    size_bytes: int | None = None
    #: snapshots, partition spec and metadata location of a table-format table.
    format_metadata: TableFormatMetadata | None = None

    @property
    def is_table_format(self) -> bool:
        """Whether the table keeps its own metadata (Iceberg, Delta Lake)."""
        return is_table_format(self.format)

    #: the ``properties`` key of :attr:`unreadable`.
    UNREADABLE: ClassVar[str] = "unreadable"

    @property
    def unreadable(self) -> str | None:
        """Why this table of a database listing cannot be read (one line: its
        Iceberg metadata file or Delta ``_delta_log`` is gone...), else ``None``.
        A listing keeps such a stale catalog entry, with its name, format and
        location, rather than fail (:meth:`MetastoreEngine.listed`); reading it
        fails."""
        return self.properties.get(self.UNREADABLE)


class ScanTask(CanonicalModel):
    """A data file a reader must read, with the delete files that apply to it."""

    path: str
    size_bytes: int | None = None
    record_count: int | None = None
    delete_files: list[str] = Field(default_factory=list)


class ScanPlan(CanonicalModel):
    """The files making up a table at one snapshot, read with ``columns``."""

    snapshot_id: int | None = None
    columns: list[Column] = Field(default_factory=list)
    tasks: list[ScanTask] = Field(default_factory=list)
