"""Catalog tables as DuckDB views, so SQL names them as ``database.table``
(or just ``table`` within the job's database) whatever their files are.

Files are listed when the job runs, so a table sees files added after it was
inferred; the catalog's schema and reader properties say how to read them.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING

from mason.sdk.engines import RemoteFilesystemResolver
from mason.sdk.errors import ConfigurationError, MasonRuntimeError, MasonUsageError, NotFoundError
from mason.sdk.models import Table
from mason.sdk.tabular import PARQUET_TAIL_CHECK, damaged_reason, skipped_files, skipped_warning
from mason_local.inference.files import detect_format
from mason_local.inference.infer import UNIFORM_FILES
from mason_local.jobs.sql import ident, literal, query_error, struct_literal
from mason_local.paths import confinement_root, data_file_names, listing_signature, resolve_local
from mason_local.types import duckdb_type

if TYPE_CHECKING:
    import duckdb

    from mason_local.config import LocalClientConfig


def table_files(
    table: Table, config: LocalClientConfig, warn: Callable[[str], None] | None = None
) -> list[Path]:
    """The table's data files of its format, listed now, without those its
    inference skipped (:func:`mason.sdk.tabular.skipped_files`; ``warn`` is
    told which were left out)."""
    return [Path(name) for name in table_file_names(table, config, warn)]


def table_file_names(
    table: Table, config: LocalClientConfig, warn: Callable[[str], None] | None = None
) -> list[str]:
    """:func:`table_files` as strings (no ``Path`` per file of 200,000)."""
    if not table.location:
        raise MasonRuntimeError(f"table '{table.database}.{table.name}' has no location")
    location = resolve_local(table.location, config.root)
    if not location.exists():
        raise NotFoundError(
            f"table '{table.database}.{table.name}' cannot be read: "
            f"its location {location} no longer exists"
        )
    excluded = skipped_files(table)
    files, left_out = [], []
    for name in data_file_names(location, confinement_root(config.root)):
        if detect_format(name) != table.format:
            continue
        if name in excluded:
            left_out.append((name, "skipped by the table's inference"))
        else:
            files.append(name)
    if left_out and warn is not None:
        warn(skipped_warning(f"table '{table.database}.{table.name}'", left_out))
    if not files:
        raise NotFoundError(
            f"table '{table.database}.{table.name}' has no {table.format} files at {location}"
            + (f" but {len(left_out)} its inference skipped" if left_out else "")
        )
    return files


def damaged_file(path: Path, fmt: str | None) -> str | None:
    """Why the local file at ``path`` cannot be read as ``fmt``, or ``None``."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"
    try:
        size = os.fstat(fd).st_size
        tail = os.pread(fd, PARQUET_TAIL_CHECK, max(0, size - PARQUET_TAIL_CHECK))
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"
    finally:
        os.close(fd)
    return damaged_reason(fmt, size, tail)


_variables = itertools.count()


def scan_sql(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    config: LocalClientConfig,
    warn: Callable[[str], None] | None = None,
) -> str:
    """A DuckDB table function call reading the table's files.

    The file list is a DuckDB variable of ``con``, not SQL text: 200,000 paths
    quoted into a statement cost DuckDB a gigabyte to parse and bind. Parquet
    files are read by name (``union_by_name``) unless inference found them all
    with the same columns and the listing has not changed since: unifying
    schemas keeps a schema and reader per file for the whole scan. Files the
    table's inference skipped are left out (``warn`` is told)."""
    names = table_file_names(table, config, warn)
    variable = f"mason_files_{next(_variables)}"
    con.execute(f"SET VARIABLE {variable} = $files", {"files": names})
    files = f"getvariable({literal(variable)})"
    hive = [f"hive_partitioning = {'true' if table.partition_keys else 'false'}"]
    if table.partition_keys:
        hive.append(
            "hive_types = "
            + struct_literal(
                {k.name: duckdb_type(k.type) or "VARCHAR" for k in table.partition_keys}
            )
        )
    columns = _column_types(table)
    if table.format == "parquet":
        recorded = table.properties.get(UNIFORM_FILES)
        uniform = recorded is not None and recorded == listing_signature(names)
        options = [*hive, f"union_by_name = {'false' if uniform else 'true'}"]
        return f"read_parquet({files}, {', '.join(options)})"
    if table.format == "csv":
        header = table.properties.get("header", "true")
        options = [f"header = {'true' if header == 'true' else 'false'}", *hive]
        options.append(f"delim = {literal(table.properties.get('delimiter', ','))}")
        if columns:
            options.append(f"columns = {struct_literal(columns)}")
        return f"read_csv({files}, {', '.join(options)})"
    if table.format == "jsonl":
        options = ["format = 'newline_delimited'", *hive]
        if columns:
            options.append(f"columns = {struct_literal(columns)}")
        return f"read_json({files}, {', '.join(options)})"
    raise MasonRuntimeError(
        f"table '{table.database}.{table.name}' has format '{table.format}', "
        "which the local client cannot read"
    )


def _column_types(table: Table) -> dict[str, str] | None:
    """Catalog column types in DuckDB's spelling; ``None`` (let DuckDB detect)
    when any column has a type DuckDB's readers cannot be told directly."""
    out = {}
    for column in table.table_schema.columns:
        kind = duckdb_type(column.type)
        if kind is None:
            return None
        out[column.name] = kind
    return out or None


def register_tables(
    con: duckdb.DuckDBPyConnection,
    tables: list[Table],
    config: LocalClientConfig,
    default_database: str,
    remote: RemoteFilesystemResolver | None = None,
    query: str | None = None,
    warn: Callable[[str], None] | None = None,
    as_of: str | None = None,
    metrics: MutableMapping[str, int | float | str] | None = None,
) -> None:
    """A view per table in a schema per database; ``default_database`` becomes
    the current schema so unqualified names resolve in it. Remote tables are
    read through the filesystem ``remote`` gives for their location.

    With ``query``, only the tables it names are bound: a query pays for listing
    and reading the footers of its own tables, not the whole database's, and a
    broken table elsewhere in the database cannot fail it. A table that cannot
    be bound fails with its own name in the error.

    Iceberg and Delta tables are read at their current snapshot, or ``as_of``
    a snapshot id (a Delta version) or timestamp (:mod:`mason_local.iceberg.read`,
    :mod:`mason_local.delta.tables`). An Iceberg table the query reads alone
    plans only the files its ``WHERE`` may keep (:mod:`mason_local.iceberg.pruning`);
    ``metrics`` is told how many were planned and pruned."""
    import duckdb

    if query is not None:
        tables = referenced_tables(con, tables, query)
    schemas = {t.database or default_database for t in tables} | {default_database}
    try:
        for schema in sorted(schemas):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {ident(schema)}")
    except duckdb.Error as exc:
        raise query_error(exc, "cannot create the catalog's schemas") from exc
    where = None
    if query is not None and any(t.format == "iceberg" for t in tables):
        from mason_local.iceberg.pruning import query_filter

        where = query_filter(con, query)
    for table in tables:
        schema = table.database or default_database
        try:
            if table.format == "iceberg":
                from mason_local.iceberg.read import iceberg_source

                mine = (
                    where if where and where.reads(schema, table.name, default_database) else None
                )
                source = iceberg_source(con, table, schema, as_of, remote, mine, metrics)
            elif table.format == "delta":
                from mason_local.delta.tables import delta_source

                source = delta_source(con, table, schema, as_of, _storage_options(table, remote))
            elif "://" in (table.location or ""):
                source = _arrow_source(con, table, schema, remote, warn)
            else:
                source = scan_sql(con, table, config, warn)
            con.execute(
                f"CREATE OR REPLACE VIEW {ident(schema)}.{ident(table.name)} AS "
                f"SELECT * FROM {source}"
            )
        except duckdb.Error as exc:
            raise query_error(exc, f"cannot read table '{schema}.{table.name}'") from exc
    if as_of is not None and not any(t.is_table_format for t in tables):
        raise MasonUsageError(
            f"as_of reads Iceberg and Delta tables as of a snapshot; the query reads none "
            f"({', '.join(t.name for t in tables) or 'no catalog table'})"
        )
    con.execute(f"USE memory.{ident(default_database)}")


def _storage_options(
    table: Table, remote: RemoteFilesystemResolver | None
) -> dict[str, str] | None:
    """The settings of the client that reaches a remote table (``s3://...``), as
    delta-rs's ``storage_options``; ``None`` for a local folder. A remote table no
    configured client reaches is refused in one line, not read with whatever the
    environment holds."""
    location = table.location or ""
    if "://" not in location:
        return None
    found = remote(location) if remote is not None else None
    if found is None or found.storage_options is None:
        raise MasonUsageError(
            f"table '{table.database}.{table.name}' is at {location}: no configured client "
            "reaches it (add the client that serves it, e.g. s3, to the configuration)"
        )
    return found.storage_options()


def referenced_tables(
    con: duckdb.DuckDBPyConnection, tables: list[Table], query: str
) -> list[Table]:
    """The catalog tables whose names ``query`` mentions (DuckDB's parser says
    which; names compare case-insensitively, as DuckDB's do). A query DuckDB
    cannot parse binds every table, and reports its own syntax error later."""
    import duckdb

    try:
        named = {name.lower() for name in con.get_table_names(query)}
    except duckdb.Error:
        return tables
    return [t for t in tables if t.name.lower() in named]


def _arrow_source(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    schema: str,
    remote: RemoteFilesystemResolver | None,
    warn: Callable[[str], None] | None = None,
) -> str:
    """A table at a remote URI (``s3://...``, from an s3 or glue metastore) read
    through a pyarrow dataset, so DuckDB needs no extension. The filesystem
    comes from the configuration's client that reaches the URI (its credentials,
    region, endpoint); a URI no client of the configuration reaches is refused
    rather than read with whatever the environment holds."""
    import pyarrow.csv as pacsv
    import pyarrow.dataset as ds

    formats: dict[str, str | ds.FileFormat] = {
        "parquet": "parquet",
        "jsonl": "json",
        "csv": ds.CsvFileFormat(
            parse_options=pacsv.ParseOptions(delimiter=table.properties.get("delimiter", ","))
        ),
    }
    if table.format not in formats:
        raise MasonRuntimeError(
            f"table '{table.database}.{table.name}' has format '{table.format}', "
            "which the local client cannot read"
        )
    location = table.location or ""
    found = remote(location) if remote is not None else None
    if found is None:
        raise ConfigurationError(
            f"table '{table.database}.{table.name}' is at {location}, which no client of "
            "this configuration reaches (add one that serves it, e.g. storage_engine: s3)"
        )
    source: str | list[str] = found.path
    excluded = skipped_files(table)
    if excluded:  # what the table's inference skipped, every reader leaves out
        import pyarrow.fs

        scheme = location.partition("://")[0]
        selector = pyarrow.fs.FileSelector(found.path, recursive=True)
        listed = [i.path for i in found.filesystem.get_file_info(selector) if i.is_file]
        source = [p for p in listed if f"{scheme}://{p}" not in excluded]
        left_out = [(f"{scheme}://{p}", "skipped by the table's inference") for p in listed]
        left_out = [entry for entry in left_out if entry[0] in excluded]
        if left_out and warn is not None:
            warn(skipped_warning(f"table '{table.database}.{table.name}'", left_out))
    dataset = ds.dataset(
        source,
        filesystem=found.filesystem,
        format=formats[table.format],
        partitioning="hive",  # an s3 metastore lists tables without their partition keys
        partition_base_dir=found.path if isinstance(source, list) else None,
    )
    name = f"mason_arrow_{schema}_{table.name}"
    con.register(name, dataset)
    return ident(name)
