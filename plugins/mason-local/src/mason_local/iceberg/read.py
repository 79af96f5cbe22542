"""Reading an Iceberg table in a DuckDB job: pyiceberg plans the snapshot's
files and reads them (columns matched by field id, renamed and added columns
resolved, position deletes applied), DuckDB runs the query over the result.

The table is opened from the metadata file its catalog entry points at
(``format_metadata.metadata_location``), so a job reads exactly the snapshot
the catalog had when the operator listed it, whichever catalog that was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mason.sdk.errors import MasonRuntimeError
from mason.sdk.models import Table
from mason_local.iceberg.tables import snapshot_as_of
from mason_local.jobs.sql import ident

if TYPE_CHECKING:
    import duckdb


def iceberg_source(
    con: duckdb.DuckDBPyConnection, table: Table, schema: str, as_of: str | None
) -> str:
    """Register ``table`` (as of ``as_of``) on ``con``; the name to select from."""
    from pyiceberg.table import StaticTable

    name = f"{table.database}.{table.name}"
    metadata = table.format_metadata.metadata_location if table.format_metadata else None
    if not metadata:
        raise MasonRuntimeError(f"Iceberg table {name} has no metadata location")
    static = StaticTable.from_metadata(metadata)
    snapshot = snapshot_as_of(static, as_of, name)
    if snapshot is None:
        rows = static.schema().as_arrow().empty_table()
    elif as_of is None:  # the current schema, with renames and added columns since
        rows = static.scan().to_arrow()
    else:  # time travel reads with the schema the snapshot was written with
        rows = static.scan(snapshot_id=snapshot.snapshot_id).to_arrow()
    view = f"mason_iceberg_{schema}_{table.name}"
    con.register(view, rows)
    return ident(view)
