"""Writes and schema changes of local Delta tables through delta-rs.

Commits, maintenance and the commit loop are shared with Delta tables on S3
(:mod:`mason.sdk.delta`); here: the local client's reading of a write's
source files, creating a table in a folder, and adding columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from mason.sdk.delta import arrow_schema, commit
from mason.sdk.errors import MasonUsageError
from mason.sdk.models import CommitResult, SchemaChange, Table, TableWrite
from mason_local.config import LocalClientConfig

if TYPE_CHECKING:
    from deltalake import DeltaTable


def write(entry: Table, request: TableWrite, config: LocalClientConfig) -> CommitResult:
    """One commit of ``request``, its source files read from this client's root."""
    from mason.sdk.delta import write as commit_rows
    from mason_local.iceberg.writes import read_sources

    data = read_sources(request.source_paths, config) if request.mode != "delete" else None
    return commit_rows(entry, request, data)


def _arrow_field(column: str, type_name: str) -> Any:
    import pyarrow as pa

    try:
        return pa.field(column, pa.type_for_alias(type_name.strip()))
    except (ValueError, KeyError):
        raise MasonUsageError(
            f"type '{type_name}' of column '{column}' is not an arrow type name "
            "(int32, int64, double, string, bool, date32, timestamp[us]...)"
        ) from None


def create(location: Path, table: Table) -> None:
    """An empty Delta table at ``location`` with ``table``'s columns, partitioned
    by its partition keys."""
    import pyarrow as pa
    from deltalake import DeltaTable

    columns = list(table.table_schema.columns)
    names = {c.name for c in columns}
    columns += [k for k in table.partition_keys if k.name not in names]
    if not columns:
        raise MasonUsageError(f"Delta table '{table.name}' needs at least one column")
    schema = pa.schema([_arrow_field(c.name, c.type) for c in columns])
    location.mkdir(parents=True, exist_ok=True)
    DeltaTable.create(
        str(location), schema, partition_by=[k.name for k in table.partition_keys] or None
    )


def evolve(entry: Table, changes: list[SchemaChange]) -> None:
    """Add columns, in one commit. Renaming, widening and dropping need Delta's
    column mapping and type widening, which delta-rs cannot write; a
    partition change rewrites the whole table in Delta: all refused."""
    from deltalake.schema import Schema as DeltaSchema

    name = f"{entry.database}.{entry.name}"
    if not changes:
        raise MasonUsageError(f"no change given for table {name}")
    refused = [c for c in changes if c.kind != "add_column"]
    if refused:
        raise MasonUsageError(
            f"Delta table {name}: {refused[0].kind} is not supported (delta-rs only adds "
            "columns; renames, drops and widening need column mapping or type widening, "
            "a partition change rewrites the table)"
        )
    for change in changes:
        if not change.type:
            raise MasonUsageError(f"add_column '{change.column}' needs a type")
    import pyarrow as pa

    added = DeltaSchema.from_arrow(
        pa.schema([_arrow_field(c.column, c.type or "") for c in changes])
    )

    def work(table: DeltaTable) -> None:
        existing = arrow_schema(table).names
        clash = [c.column for c in changes if c.column in existing]
        if clash:
            raise MasonUsageError(f"Delta table {name} already has column(s) {', '.join(clash)}")
        table.alter.add_columns(list(added.fields))

    commit(entry, work)
