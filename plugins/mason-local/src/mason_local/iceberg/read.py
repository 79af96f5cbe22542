"""Reading an Iceberg table in a DuckDB job.

pyiceberg plans the snapshot's files: only those that may hold rows the
query's ``WHERE`` keeps, when the query reads this table alone and filters it
by comparisons Iceberg can evaluate (:mod:`mason_local.iceberg.pruning`; the
job's metrics count the files planned and pruned). When they are local and DuckDB can read
them by name and get exactly what Iceberg means (parquet, no delete files, no
column ever renamed or re-added under an old name, statistics saying which
files hold which column), the view reads them with DuckDB's ``read_parquet``,
so the query's projection and filters prune columns and row groups. Otherwise
pyiceberg reads them (:func:`mason.sdk.iceberg.read_tasks`: columns matched by
field id, position deletes applied, remote files through the configuration's
client) and DuckDB queries the arrow result.

The table is opened from the metadata file its catalog entry points at
(``format_metadata.metadata_location``), so a job reads exactly the snapshot
the catalog had when the operator listed it, whichever catalog that was.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any

from mason.sdk.engines import RemoteFilesystemResolver
from mason.sdk.errors import ConfigurationError, MasonRuntimeError
from mason.sdk.iceberg import (
    canonical_type,
    local_path,
    read_tasks,
    snapshot_as_of,
    static_table,
)
from mason.sdk.models import Table
from mason_local.iceberg.pruning import QueryFilter, row_filter
from mason_local.jobs.sql import ident, literal_list
from mason_local.types import duckdb_type

if TYPE_CHECKING:
    import duckdb

#: job metrics: data files the reads of a query's Iceberg tables planned
#: after pruning by its WHERE, and data files the pruning left out.
FILES_PLANNED = "iceberg_files_planned"
FILES_PRUNED = "iceberg_files_pruned"


def iceberg_source(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    schema: str,
    as_of: str | None,
    remote: RemoteFilesystemResolver | None = None,
    where: QueryFilter | None = None,
    metrics: MutableMapping[str, int | float | str] | None = None,
) -> str:
    """What to select ``table`` (as of ``as_of``) from on ``con``.

    ``where``: what the query filters this table, its only one, by
    (:func:`mason_local.iceberg.pruning.query_filter`): the scan plans only
    the files that may hold matching rows. ``metrics``
    is told how many files were planned and pruned."""
    name = f"{table.database}.{table.name}"
    metadata = (table.format_metadata.metadata_location if table.format_metadata else None) or ""
    filesystem: Any = None
    if "://" in metadata and not metadata.startswith("file://"):
        found = remote(metadata) if remote is not None else None
        if found is None:
            raise ConfigurationError(
                f"Iceberg table '{name}' is at {metadata}, which no "
                "client of this configuration reaches (add one that serves it, e.g. "
                "storage_engine: s3)"
            )
        filesystem = found.filesystem
    elif not metadata:
        raise MasonRuntimeError(f"Iceberg table {name} has no metadata location")
    static = static_table(metadata, filesystem)
    snapshot = snapshot_as_of(static, as_of, name)
    view = f"mason_iceberg_{schema}_{table.name}"
    if snapshot is None:
        con.register(view, static.schema().as_arrow().empty_table())
        return ident(view)
    # now: the current schema; time travel: the snapshot's own
    scan = static.scan() if as_of is None else static.scan(snapshot_id=snapshot.snapshot_id)
    condition = row_filter(where, scan.projection(), static.schema())
    if condition is not None:
        scan = (
            static.scan(row_filter=condition)
            if as_of is None
            else static.scan(row_filter=condition, snapshot_id=snapshot.snapshot_id)
        )
    tasks = list(scan.plan_files())
    if metrics is not None:
        summary = snapshot.summary
        total = dict(summary.additional_properties).get("total-data-files") if summary else None
        pruned = max(0, int(total) - len(tasks)) if total is not None else 0
        metrics[FILES_PLANNED] = int(metrics.get(FILES_PLANNED, 0)) + len(tasks)
        metrics[FILES_PRUNED] = int(metrics.get(FILES_PRUNED, 0)) + pruned
    if filesystem is None:  # local files: DuckDB may read them by name
        direct = parquet_sql(static, scan, tasks)
        if direct is not None:
            return direct
    con.register(view, read_tasks(scan, tasks))
    return ident(view)


def parquet_sql(table: Any, scan: Any, tasks: list[Any] | None = None) -> str | None:
    """A ``read_parquet`` subquery equal to the scan of ``tasks`` (default:
    every file the scan plans), or ``None`` when reading the files by column
    name could differ from what Iceberg means."""
    from pyiceberg.manifest import FileFormat
    from pyiceberg.types import PrimitiveType

    projection = scan.projection()
    ids = {f.name: f.field_id for f in projection.fields}
    for schema in table.metadata.schemas:  # a renamed or re-added column reads wrong by name
        for field in schema.fields:
            if ids.get(field.name, field.field_id) != field.field_id:
                return None
            if field.field_id in ids.values() and ids.get(field.name) != field.field_id:
                return None
    if tasks is None:
        tasks = list(scan.plan_files())
    if not tasks:
        return None
    present: set[int] = set()
    for task in tasks:
        if task.delete_files or task.file.file_format != FileFormat.PARQUET:
            return None
        if not task.file.value_counts:
            return None  # no statistics: which files hold a column is unknown
        present |= set(task.file.value_counts)
    columns = []
    for field in projection.fields:
        kind = duckdb_type(canonical_type(field.field_type))
        if kind is None or not isinstance(field.field_type, PrimitiveType):
            return None
        source = ident(field.name) if field.field_id in present else "NULL"
        columns.append(f"CAST({source} AS {kind}) AS {ident(field.name)}")
    files = literal_list(local_path(t.file.file_path) for t in tasks)
    return f"(SELECT {', '.join(columns)} FROM read_parquet({files}, union_by_name = true))"
