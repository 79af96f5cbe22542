"""Reading an Iceberg table in a DuckDB job: pyiceberg plans the snapshot's
files and reads them (:func:`mason.sdk.iceberg.read_rows`), DuckDB runs the
query over the result.

The table is opened from the metadata file its catalog entry points at
(``format_metadata.metadata_location``), so a job reads exactly the snapshot
the catalog had when the operator listed it, whichever catalog that was (the
local one, or Glue). A remote table (``s3://``) is read through the filesystem
of the configuration's client that reaches it, with that client's credentials
and endpoint; one no client reaches is refused rather than read with whatever
the environment holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mason.sdk.engines import RemoteFilesystemResolver
from mason.sdk.errors import ConfigurationError
from mason.sdk.iceberg import read_rows
from mason.sdk.models import Table
from mason_local.jobs.sql import ident

if TYPE_CHECKING:
    import duckdb


def iceberg_source(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    schema: str,
    as_of: str | None,
    remote: RemoteFilesystemResolver | None = None,
) -> str:
    """Register ``table`` (as of ``as_of``) on ``con``; the name to select from."""
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
    view = f"mason_iceberg_{schema}_{table.name}"
    con.register(view, read_rows(table, as_of, filesystem))
    return ident(view)
