"""Reading an Iceberg table in a DuckDB job.

pyiceberg plans the snapshot's files. When they are local and DuckDB can read
them by name and get exactly what Iceberg means (parquet, no delete files, no
column ever renamed or re-added under an old name, statistics saying which
files hold which column), the view reads them with DuckDB's ``read_parquet``,
so the query's projection and filters prune columns and row groups. Otherwise
pyiceberg reads them (:func:`mason.sdk.iceberg.read_rows`: columns matched by
field id, position deletes applied, remote files through the configuration's
client) and DuckDB queries the arrow result.

The table is opened from the metadata file its catalog entry points at
(``format_metadata.metadata_location``), so a job reads exactly the snapshot
the catalog had when the operator listed it, whichever catalog that was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mason.sdk.engines import RemoteFilesystemResolver
from mason.sdk.errors import ConfigurationError
from mason.sdk.iceberg import canonical_type, local_path, read_rows, snapshot_as_of, static_table
from mason.sdk.models import Table
from mason_local.jobs.sql import ident, literal_list
from mason_local.types import duckdb_type

if TYPE_CHECKING:
    import duckdb


def iceberg_source(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    schema: str,
    as_of: str | None,
    remote: RemoteFilesystemResolver | None = None,
) -> str:
    """What to select ``table`` (as of ``as_of``) from on ``con``."""
    metadata = (table.format_metadata.metadata_location if table.format_metadata else None) or ""
    filesystem: Any = None
    if "://" in metadata and not metadata.startswith("file://"):
        found = remote(metadata) if remote is not None else None
        if found is None:
            raise ConfigurationError(
                f"Iceberg table '{table.database}.{table.name}' is at {metadata}, which no "
                "client of this configuration reaches (add one that serves it, e.g. "
                "storage_engine: s3)"
            )
        filesystem = found.filesystem
    elif metadata:  # local files: DuckDB may read them by name
        static = static_table(metadata)
        snapshot = snapshot_as_of(static, as_of, f"{table.database}.{table.name}")
        if snapshot is not None:
            # now: the current schema; time travel: the snapshot's own
            scan = static.scan() if as_of is None else static.scan(snapshot_id=snapshot.snapshot_id)
            direct = parquet_sql(static, scan)
            if direct is not None:
                return direct
    view = f"mason_iceberg_{schema}_{table.name}"
    con.register(view, read_rows(table, as_of, filesystem))
    return ident(view)


def parquet_sql(table: Any, scan: Any) -> str | None:
    """A ``read_parquet`` subquery equal to the scan, or ``None`` when reading
    the files by column name could differ from what Iceberg means."""
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
