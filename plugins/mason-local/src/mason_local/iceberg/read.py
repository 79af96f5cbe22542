"""Reading an Iceberg table in a DuckDB job.

pyiceberg plans the snapshot's files. When DuckDB can read them by name and
get exactly what Iceberg means (parquet, no delete files, no column ever
renamed or re-added under an old name, statistics saying which files hold
which column), the view reads them with DuckDB's ``read_parquet``, so the
query's projection and filters prune columns and row groups. Otherwise
pyiceberg reads them (columns matched by field id, position deletes applied)
and DuckDB queries the arrow result.

The table is opened from the metadata file its catalog entry points at
(``format_metadata.metadata_location``), so a job reads exactly the snapshot
the catalog had when the operator listed it, whichever catalog that was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mason.sdk.errors import MasonRuntimeError
from mason.sdk.models import Table
from mason_local.iceberg.tables import local_path, snapshot_as_of
from mason_local.iceberg.types import canonical_type
from mason_local.jobs.sql import ident, literal_list
from mason_local.types import duckdb_type

if TYPE_CHECKING:
    import duckdb


def iceberg_source(
    con: duckdb.DuckDBPyConnection, table: Table, schema: str, as_of: str | None
) -> str:
    """What to select ``table`` (as of ``as_of``) from on ``con``."""
    from pyiceberg.table import StaticTable

    name = f"{table.database}.{table.name}"
    metadata = table.format_metadata.metadata_location if table.format_metadata else None
    if not metadata:
        raise MasonRuntimeError(f"Iceberg table {name} has no metadata location")
    static = StaticTable.from_metadata(metadata)
    snapshot = snapshot_as_of(static, as_of, name)
    if snapshot is None:
        rows = static.schema().as_arrow().empty_table()
    else:
        # now: the current schema, with renames and added columns since; time
        # travel: the schema the snapshot was written with
        scan = static.scan() if as_of is None else static.scan(snapshot_id=snapshot.snapshot_id)
        direct = parquet_sql(static, scan)
        if direct is not None:
            return direct
        rows = scan.to_arrow()
    view = f"mason_iceberg_{schema}_{table.name}"
    con.register(view, rows)
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
