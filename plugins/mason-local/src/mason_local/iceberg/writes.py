"""Writes to local Iceberg tables: rows from files (append, overwrite, upsert),
deletes by filter, adopting parquet files, and schema or partition evolution.

Each is one pyiceberg transaction, so one commit of the catalog pointer: a
reader sees the table before or after, never between. A commit beaten by a
concurrent writer is redone on the table as that writer left it
(:meth:`IcebergTables.commit`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mason.sdk.errors import MasonUsageError, NotFoundError
from mason.sdk.iceberg import add_files as adopt_files
from mason.sdk.iceberg import label
from mason.sdk.iceberg import write as write_rows
from mason.sdk.models import CommitResult, TableWrite
from mason_local.config import LocalClientConfig
from mason_local.iceberg.tables import IcebergTables
from mason_local.paths import confinement_root, resolve_local

if TYPE_CHECKING:
    import pyarrow as pa


def read_sources(paths: list[str], config: LocalClientConfig) -> pa.Table:
    """The rows of the data files at ``paths`` (files or folders of parquet,
    CSV with a header, JSON lines; hive folders become columns), with their
    columns united by name. Plain parquet is read by pyarrow, anything else by
    DuckDB's readers."""
    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    from mason_local.jobs.sources import find_inputs, read_sql
    from mason_local.jobs.sql import query_error

    if not paths:
        raise MasonUsageError("no source files to write")
    found = []
    for path in paths:
        base = resolve_local(path, config.root)
        inputs = find_inputs(base, [], confinement_root(config.root))
        if not inputs.files:
            raise NotFoundError(f"no parquet, CSV or JSON lines files at {base}")
        found.append(inputs)
    if all(not i.hive and all(f.format == "parquet" for f in i.files) for i in found):
        parts = [pq.read_table(f.path) for i in found for f in i.files]
        return pa.concat_tables(parts, promote_options="default")
    queries = [read_sql(i.files, True, i.hive) for i in found]
    con = duckdb.connect(":memory:")
    try:
        return con.sql(" UNION ALL BY NAME ".join(f"({q})" for q in queries)).to_arrow_table()
    except duckdb.Error as exc:
        raise query_error(exc, "cannot read the source files") from exc
    finally:
        con.close()


def write(
    tables: IcebergTables, database: str, name: str, request: TableWrite, config: LocalClientConfig
) -> CommitResult:
    """One commit of ``request``, its source files read from the client's root."""
    data = read_sources(request.source_paths, config) if request.mode != "delete" else None
    return write_rows(tables, database, name, request, data)


def add_files(tables: IcebergTables, database: str, name: str, paths: list[str]) -> CommitResult:
    """Adopt local parquet files as the table's data, where they are, in one commit."""
    for path in paths:
        if not Path(path).is_file():
            raise NotFoundError(f"no file {path} to add to table {label(database, name)}")
    return adopt_files(tables, database, name, paths)
