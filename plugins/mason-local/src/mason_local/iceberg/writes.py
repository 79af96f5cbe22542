"""Writes to local Iceberg tables: rows from files (append, overwrite, upsert),
deletes by filter, adopting parquet files, and schema or partition evolution.

Each is one pyiceberg transaction, so one commit of the catalog pointer: a
reader sees the table before or after, never between. A commit beaten by a
concurrent writer is redone on the table as that writer left it
(:meth:`IcebergTables.commit`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from mason.sdk.errors import MasonUsageError, NotFoundError
from mason.sdk.models import CommitResult, SchemaChange, TableWrite
from mason_local.config import LocalClientConfig
from mason_local.iceberg.tables import IcebergTables, label
from mason.sdk.iceberg import iceberg_type
from mason_local.paths import confinement_root, resolve_local

if TYPE_CHECKING:
    import pyarrow as pa
    from pyiceberg.table import Table as IcebergTable


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


def conform(data: pa.Table, table: IcebergTable, name: str) -> pa.Table:
    """``data`` with the table's columns, in its order and types: a column the
    table lacks is refused, one the data lacks is null."""
    import pyarrow as pa

    target = table.schema().as_arrow()
    unknown = [c for c in data.column_names if c not in target.names]
    if unknown:
        raise MasonUsageError(
            f"column(s) {', '.join(unknown)} are not in table {name} "
            f"(columns: {', '.join(target.names)}); add them with 'table evolve' first"
        )
    arrays = []
    for field in target:
        if field.name not in data.column_names:
            arrays.append(pa.nulls(data.num_rows, field.type))
            continue
        try:
            arrays.append(data.column(field.name).cast(field.type))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise MasonUsageError(
                f"column '{field.name}' of the source does not fit table {name}'s type "
                f"{field.type}: {str(exc).splitlines()[0]}"
            ) from None
    return pa.Table.from_arrays(arrays, schema=target)


def parse_filter(text: str | None, name: str) -> Any:
    """A pyiceberg expression for a boolean SQL-like ``filter``; ``None`` for all rows."""
    from pyiceberg.expressions import AlwaysTrue
    from pyiceberg.expressions.parser import parse

    if text is None or not text.strip():
        return AlwaysTrue()
    try:
        return parse(text)
    except Exception as exc:  # pyparsing's ParseException and friends
        raise MasonUsageError(
            f"filter '{text}' for table {name} cannot be parsed: {str(exc).splitlines()[0]}"
        ) from None


def write(
    tables: IcebergTables, database: str, name: str, request: TableWrite, config: LocalClientConfig
) -> CommitResult:
    """One commit of ``request`` (see :class:`TableWrite`)."""
    qualified = label(database, name)
    if request.mode == "upsert" and not request.keys:
        raise MasonUsageError(f"an upsert into {qualified} needs key columns (keys)")
    if request.mode == "delete" and not (request.filter or "").strip():
        raise MasonUsageError(f"a delete from {qualified} needs a filter (filter: id = 3)")
    condition = parse_filter(request.filter, qualified)
    data = read_sources(request.source_paths, config) if request.mode != "delete" else None

    def work(table: IcebergTable) -> None:
        columns = table.schema().column_names
        missing = [k for k in request.keys if k not in columns]
        if missing:
            raise MasonUsageError(
                f"key column(s) {', '.join(missing)} are not in table {qualified}"
            )
        try:
            if request.mode == "delete":
                table.delete(delete_filter=condition)
                return
            assert data is not None
            rows = conform(data, table, qualified)
            if request.mode == "append":
                table.append(rows)
            elif request.mode == "overwrite":
                table.overwrite(rows, overwrite_filter=condition)
            else:
                table.upsert(rows, join_cols=list(request.keys))
        except (ValueError, TypeError) as exc:
            raise MasonUsageError(
                f"cannot {request.mode} table {qualified}: {_first(exc)}"
            ) from None

    done = tables.commit(database, name, work)
    result = commit_result(done.table, done.since, qualified, request.mode)
    result.retries = done.retries
    return result


def _first(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def commit_result(
    table: IcebergTable, since: int | None, name: str, operation: str
) -> CommitResult:
    """What the snapshots committed after ``since`` did, summed (an overwrite
    or upsert commits a removal and an append in one transaction). A removal
    rewrites the files it only partly deletes, so its rows count net: the
    rows copied into the rewritten files are neither added nor removed."""
    result = CommitResult(table=name, operation=operation)
    snapshot = table.current_snapshot()
    result.snapshot_id = snapshot.snapshot_id if snapshot else None
    while snapshot is not None and snapshot.snapshot_id != since:
        summary = snapshot.summary
        figures = dict(summary.additional_properties) if summary is not None else {}
        added = int(figures.get("added-records", 0))
        deleted = int(figures.get("deleted-records", 0))
        result.rows_added += max(0, added - deleted)
        result.rows_removed += max(0, deleted - added)
        result.files_added += int(figures.get("added-data-files", 0))
        result.files_removed += int(figures.get("deleted-data-files", 0))
        parent = snapshot.parent_snapshot_id
        snapshot = table.snapshot_by_id(parent) if parent is not None else None
    return result


def add_files(tables: IcebergTables, database: str, name: str, paths: list[str]) -> CommitResult:
    """Adopt parquet files as the table's data, where they are, in one commit."""
    qualified = label(database, name)
    for path in paths:
        if not Path(path).is_file():
            raise NotFoundError(f"no file {path} to add to table {qualified}")

    def work(table: IcebergTable) -> None:
        try:
            table.add_files(file_paths=list(paths))
        except (ValueError, TypeError, NotImplementedError) as exc:
            raise MasonUsageError(f"cannot add files to table {qualified}: {_first(exc)}") from None

    done = tables.commit(database, name, work)
    result = commit_result(done.table, done.since, qualified, "add_files")
    result.retries = done.retries
    return result


def evolve(tables: IcebergTables, database: str, name: str, changes: list[SchemaChange]) -> None:
    """Apply ``changes`` in one commit; a change Iceberg forbids changes nothing."""
    qualified = label(database, name)
    if not changes:
        raise MasonUsageError(f"no change given for table {qualified}")

    def work(table: IcebergTable) -> None:
        schema_changes = [c for c in changes if c.kind not in ("partition_by", "drop_partition")]
        spec_changes = [c for c in changes if c.kind in ("partition_by", "drop_partition")]
        _check_drops(table, changes, qualified)
        try:
            with table.transaction() as tx:
                if schema_changes:
                    with tx.update_schema() as update:
                        for change in schema_changes:
                            _schema_change(update, change, qualified)
                if spec_changes:
                    with tx.update_spec() as spec:
                        for change in spec_changes:
                            _spec_change(spec, table, change, qualified)
        except MasonUsageError:
            raise
        except Exception as exc:
            if type(exc).__name__ == "CommitFailedException":
                raise
            raise MasonUsageError(f"table {qualified}: refused: {_first(exc)}") from None

    tables.commit(database, name, work)


def _check_drops(table: IcebergTable, changes: list[SchemaChange], name: str) -> None:
    schema = table.schema()
    sources = {schema.find_column_name(f.source_id) for f in table.spec().fields}
    dropped_fields = {c.column for c in changes if c.kind == "drop_partition"}
    for change in changes:
        if change.kind == "drop_column" and change.column in sources - dropped_fields:
            raise MasonUsageError(
                f"table {name}: column '{change.column}' partitions the table; "
                "drop its partition field first (drop_partition)"
            )


def _schema_change(update: Any, change: SchemaChange, name: str) -> None:
    if change.kind == "add_column":
        if not change.type:
            raise MasonUsageError(f"add_column '{change.column}' needs a type")
        update.add_column(change.column, iceberg_type(change.type))
    elif change.kind == "rename_column":
        if not change.new_name:
            raise MasonUsageError(f"rename_column '{change.column}' needs a new_name")
        update.rename_column(change.column, change.new_name)
    elif change.kind == "widen_column":
        if not change.type:
            raise MasonUsageError(f"widen_column '{change.column}' needs the wider type")
        update.update_column(change.column, field_type=iceberg_type(change.type))
    elif change.kind == "drop_column":
        update.delete_column(change.column)


def _spec_change(spec: Any, table: IcebergTable, change: SchemaChange, name: str) -> None:
    from pyiceberg.transforms import parse_transform

    if change.kind == "partition_by":
        try:
            transform = parse_transform(change.transform)
        except Exception:
            raise MasonUsageError(
                f"transform '{change.transform}' is not an Iceberg partition transform "
                "(identity, year, month, day, hour, bucket[N], truncate[N])"
            ) from None
        spec.add_field(change.column, transform)
        return
    schema = table.schema()
    for field in table.spec().fields:
        if schema.find_column_name(field.source_id) == change.column or field.name == change.column:
            spec.remove_field(field.name)
            return
    raise MasonUsageError(f"table {name} is not partitioned by '{change.column}'")
